-- One row per stage transition of a non-deleted lead: stage events ordered
-- by time (ties by stage order), repeats of the same stage collapsed, each
-- change of stage a transition with the time spent in the previous stage.
-- Incremental by lead (macros/lead_keyed.sql).
{{ config(lead_keyed_config(
    [{'ref': 'int_lead_stage_events', 'fingerprints': true}],
    contracted=true,
)) }}

with

stage_moves as (
    select
        lead_id,
        stage,
        stage_order,
        event_at,
        event_source,
        status_order
    from {{ ref('int_lead_stage_events') }}
    where is_stage_move
    {{- and_key_to_rebuild('lead_id') }}
),

moves_ordered as (
    select
        *,
        lag(stage) over (
            partition by lead_id
            order by event_at, stage_order, status_order, event_source
        ) as previous_event_stage
    from stage_moves
),

stage_entries as (
    select
        lead_id,
        stage,
        stage_order,
        event_at,
        event_source,
        status_order
    from moves_ordered
    where previous_event_stage is null or stage != previous_event_stage
),

transitions as (
    select
        lead_id,
        lag(stage) over entry_order as from_stage,
        lag(stage_order) over entry_order as from_stage_order,
        lag(event_at) over entry_order as from_stage_entered_at,
        stage as to_stage,
        stage_order as to_stage_order,
        event_at as transitioned_at,
        event_source,
        row_number() over entry_order - 1 as transition_number
    from stage_entries
    window entry_order as (
        partition by lead_id
        order by event_at, stage_order, status_order, event_source
    )
),

final as (
    select
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(transition_number as integer) as transition_number,
        cast(from_stage as {{ dbt.type_string() }}) as from_stage,
        cast(to_stage as {{ dbt.type_string() }}) as to_stage,
        cast(from_stage_order as integer) as from_stage_order,
        cast(to_stage_order as integer) as to_stage_order,
        cast(transitioned_at as {{ dbt.type_timestamp() }}) as transitioned_at,
        cast(from_stage_entered_at as {{ dbt.type_timestamp() }})
            as from_stage_entered_at,
        {{ duration('from_stage_entered_at', 'transitioned_at') }}
            as days_in_previous_stage,
        case
            when to_stage_order > from_stage_order then 'forward'
            else 'backward'
        end as direction,
        to_stage_order - from_stage_order > 1 as is_stage_skip,
        cast(event_source as {{ dbt.type_string() }}) as event_source
    from transitions
    where from_stage is not null
)

select * from final

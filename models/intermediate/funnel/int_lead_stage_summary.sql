-- One row per non-deleted lead: first and latest entry of every funnel stage,
-- how often it became an MQL, its current status and its last drop event.
-- Incremental by lead (macros/lead_keyed.sql).
{%- set stages = ['mql', 'sal', 'sql', 'opportunity', 'won'] %}

{{ config(lead_keyed_config(
    [{'ref': 'int_lead_stage_events', 'fingerprints': true}]
)) }}

with

events as (
    select * from {{ ref('int_lead_stage_events') }}
    {{- where_key_to_rebuild('lead_id') }}
),

stage_entries as (
    select
        lead_id,
        {%- for stage in stages %}
            min(case when stage = '{{ stage }}' then event_at end)
                as first_{{ stage }}_at,
            max(case when stage = '{{ stage }}' then event_at end)
                as latest_{{ stage }}_at,
        {%- endfor %}
        count(
            case
                when event_source = 'status_change' and status = 'mql' then 1
            end
        ) as mql_entries,
        max(stage_order) as furthest_stage_order,
        max(event_at) as last_stage_move_at
    from events
    where is_stage_move
    group by lead_id
),

status_events_ranked as (
    select
        lead_id,
        status,
        status_kind,
        stage,
        event_at,
        reason,
        row_number() over (
            partition by lead_id
            order by event_at desc, status_order desc
        ) as recency_rank
    from events
    where event_source = 'status_change'
),

current_status as (
    select
        lead_id,
        status as current_status,
        status_kind as current_status_kind,
        event_at as current_status_at,
        reason as current_status_reason
    from status_events_ranked
    where recency_rank = 1
),

recycles as (
    select
        events.lead_id,
        count(*) as recycle_count
    from events
    inner join stage_entries
        on events.lead_id = stage_entries.lead_id
    where
        events.status = 'nurture'
        and events.event_at > stage_entries.first_mql_at
    group by events.lead_id
),

final as (
    select
        stage_entries.*,
        current_status.current_status,
        current_status.current_status_kind,
        current_status.current_status_at,
        current_status.current_status_reason,
        coalesce(recycles.recycle_count, 0) as recycle_count
    from stage_entries
    left join current_status
        on stage_entries.lead_id = current_status.lead_id
    left join recycles
        on stage_entries.lead_id = recycles.lead_id
)

select * from final

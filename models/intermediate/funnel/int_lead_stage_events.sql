-- One row per stage event of a non-deleted lead: its creation, each status
-- change, each opportunity created from it, each win (closed-won opportunity
-- or signed deal). Dropped statuses (rejected, disqualified) are outcomes,
-- not stage moves, and are kept with is_stage_move = false. Incremental by
-- lead: a refresh rebuilds only the leads whose rows of these inputs changed
-- (macros/lead_keyed.sql); the lists below are the columns it reads.
{%- set lead_columns = ['lead_id', 'created_at', 'is_deleted'] %}
{%- set status_change_columns = ['lead_id', 'status', 'changed_at', 'reason'] %}
{%- set opportunity_columns = [
    'opportunity_id', 'lead_id', 'created_at', 'closed_at', 'is_won',
    'is_deleted',
] %}

{{ config(lead_keyed_config(
    [
        {'ref': 'stg_crm__leads', 'columns': lead_columns},
        {'ref': 'stg_crm__lead_status_changes',
         'columns': status_change_columns},
        {'ref': 'stg_crm__opportunities', 'columns': opportunity_columns},
        {'ref': 'stg_crm__deals', 'via': 'stg_crm__opportunities',
         'on': 'opportunity_id'},
    ],
    ['status_vocabulary', 'funnel_stages'],
)) }}

with

leads as (
    select {{ lead_columns | join(', ') }}
    from {{ ref('stg_crm__leads') }}
    where not is_deleted
    {{- and_key_to_rebuild('lead_id') }}
),

status_changes as (
    select {{ status_change_columns | join(', ') }}
    from {{ ref('stg_crm__lead_status_changes') }}
    {{- where_key_to_rebuild('lead_id') }}
),

status_vocabulary as (
    select
        status,
        funnel_stage,
        status_kind,
        status_order
    from {{ ref('status_vocabulary') }}
),

opportunities as (
    select {{ opportunity_columns | join(', ') }}
    from {{ ref('stg_crm__opportunities') }}
    where lead_id is not null and not is_deleted
),

deals as (
    select
        opportunity_id,
        signed_at
    from {{ ref('stg_crm__deals') }}
),

stages as (
    select
        stage,
        stage_order
    from {{ ref('funnel_stages') }}
),

events as (
    select
        lead_id,
        'lead' as stage,
        created_at as event_at,
        'created' as event_source,
        cast(null as {{ dbt.type_string() }}) as status,
        'open' as status_kind,
        0 as status_order,
        cast(null as {{ dbt.type_string() }}) as reason
    from leads

    union all

    select
        status_changes.lead_id,
        status_vocabulary.funnel_stage as stage,
        status_changes.changed_at as event_at,
        'status_change' as event_source,
        status_changes.status,
        status_vocabulary.status_kind,
        status_vocabulary.status_order,
        status_changes.reason
    from status_changes
    inner join status_vocabulary
        on status_changes.status = status_vocabulary.status

    union all

    select
        lead_id,
        'opportunity' as stage,
        created_at as event_at,
        'opportunity_created' as event_source,
        cast(null as {{ dbt.type_string() }}) as status,
        'open' as status_kind,
        0 as status_order,
        cast(null as {{ dbt.type_string() }}) as reason
    from opportunities

    union all

    select
        lead_id,
        'won' as stage,
        closed_at as event_at,
        'opportunity_won' as event_source,
        cast(null as {{ dbt.type_string() }}) as status,
        'open' as status_kind,
        0 as status_order,
        cast(null as {{ dbt.type_string() }}) as reason
    from opportunities
    where is_won and closed_at is not null

    union all

    select
        opportunities.lead_id,
        'won' as stage,
        deals.signed_at as event_at,
        'deal_signed' as event_source,
        cast(null as {{ dbt.type_string() }}) as status,
        'open' as status_kind,
        0 as status_order,
        cast(null as {{ dbt.type_string() }}) as reason
    from deals
    inner join opportunities
        on deals.opportunity_id = opportunities.opportunity_id
),

final as (
    select
        events.*,
        stages.stage_order,
        events.status_kind != 'dropped' as is_stage_move
    from events
    inner join leads
        on events.lead_id = leads.lead_id
    inner join stages
        on events.stage = stages.stage
)

select * from final

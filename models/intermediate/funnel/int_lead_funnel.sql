-- One row per non-deleted lead: fct_lead_funnel without the three columns
-- that depend on the as-of date (fct_lead_funnel adds them when read).
-- Its path through lead -> mql -> sal -> sql -> opportunity -> won, and the
-- segment fields the marts slice by. No raw PII: the email is a salted hash.
-- Incremental by lead (macros/lead_keyed.sql): a refresh rebuilds only the
-- leads whose input rows changed.
{%- set stages = ['mql', 'sal', 'sql', 'opportunity', 'won'] %}
{%- set steps = [
    ('lead', 'mql'), ('mql', 'sal'), ('sal', 'sql'),
    ('sql', 'opportunity'), ('opportunity', 'won'), ('lead', 'won'),
    ('mql', 'won'),
] %}
{%- set opportunity_columns = [
    'opportunity_id', 'lead_id', 'created_at', 'closed_at', 'is_closed',
    'is_won_or_booked', 'loss_reason', 'amount_reporting',
    'booked_amount_reporting',
] %}

{{ config(lead_keyed_config(
    [
        'stg_crm__leads',
        {'ref': 'int_lead_stage_summary', 'fingerprints': true},
        {'ref': 'int_lead_activity_summary', 'fingerprints': true},
        {'ref': 'fct_opportunities', 'columns': opportunity_columns},
    ],
    ['stg_crm__campaigns', 'stg_crm__users', 'company_size_bands',
     'funnel_stages'],
    parts=[
        "'reporting_currency=' ~ var('reporting_currency')",
        "cohort_month('created_at')", "dbt.bool_or('flag')",
    ],
    pii_salt=true,
)) }}
{#- Last of its pre-hooks: the fingerprints run beside other nodes, the
    model's own query alone (macros/duckdb_threads.sql). -#}
{{ config(
    pre_hook=["{{ lone_model_duckdb_threads(alone=true) }}"],
    post_hook=["{{ lone_model_duckdb_threads(alone=false) }}"],
) }}

with

leads as (
    select * from {{ ref('stg_crm__leads') }}
    where not is_deleted
    {{- and_key_to_rebuild('lead_id') }}
),

stage_summary as (
    select * from {{ ref('int_lead_stage_summary') }}
),

activity_summary as (
    select * from {{ ref('int_lead_activity_summary') }}
),

opportunities as (
    select {{ opportunity_columns | join(', ') }}
    from {{ ref('fct_opportunities') }}
    where lead_id is not null
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        program_type
    from {{ ref('stg_crm__campaigns') }}
),

users as (
    select
        user_id,
        team
    from {{ ref('stg_crm__users') }}
),

size_bands as (
    select
        company_size_band,
        min_employees,
        max_employees
    from {{ ref('company_size_bands') }}
),

stages as (
    select
        stage,
        stage_order
    from {{ ref('funnel_stages') }}
),

opportunities_ranked as (
    select
        *,
        row_number() over (
            partition by lead_id order by created_at, opportunity_id
        ) as created_rank,
        row_number() over (
            partition by lead_id
            order by closed_at desc nulls last, opportunity_id desc
        ) as closed_recency_rank
    from opportunities
),

opportunity_summary as (
    select
        lead_id,
        count(*) as opportunities,
        max(case when created_rank = 1 then opportunity_id end)
            as first_opportunity_id,
        {{ dbt.bool_or('is_won_or_booked') }} as has_won_opportunity,
        {{ dbt.bool_or('not is_closed') }} as has_open_opportunity,
        max(case when closed_recency_rank = 1 then loss_reason end)
            as latest_loss_reason,
        -- money summed as decimal (see fct_opportunities)
        cast(sum(
            case
                when is_won_or_booked
                    then cast(amount_reporting as decimal(38, 9))
            end
        ) as double) as won_amount_reporting,
        cast(
            sum(cast(booked_amount_reporting as decimal(38, 9))) as double
        ) as booked_revenue_reporting
    from opportunities_ranked
    group by lead_id
),

leads_joined as (
    select
        leads.lead_id,
        leads.created_at,
        leads.created_at as first_lead_at,
        leads.email,
        leads.channel,
        leads.channel_group,
        leads.lead_source,
        leads.is_unmapped_source,
        leads.campaign_id,
        leads.has_unknown_campaign,
        leads.owner_id,
        leads.has_unknown_owner,
        leads.seniority,
        leads.employee_count,
        leads.industry,
        leads.country_code,
        leads.lead_score,
        leads.status as crm_status,
        leads.disqualification_reason,
        campaigns.campaign_name,
        campaigns.program_type as campaign_program_type,
        users.team as owner_team,
        size_bands.company_size_band,
        stage_summary.first_mql_at,
        stage_summary.latest_mql_at,
        stage_summary.first_sal_at,
        stage_summary.latest_sal_at,
        stage_summary.first_sql_at,
        stage_summary.latest_sql_at,
        stage_summary.first_opportunity_at,
        stage_summary.latest_opportunity_at,
        stage_summary.first_won_at,
        stage_summary.latest_won_at,
        coalesce(stage_summary.mql_entries, 0) as mql_entries,
        -- integer on every engine (a seed's integers are bigint on Spark)
        cast(coalesce(stage_summary.furthest_stage_order, 1) as integer)
            as furthest_stage_order,
        stage_summary.current_status as status_from_changes,
        stage_summary.current_status_kind,
        stage_summary.current_status_reason,
        coalesce(stage_summary.recycle_count, 0) as recycle_count,
        coalesce(stage_summary.last_stage_move_at, leads.created_at)
            as last_stage_move_at,
        coalesce(activity_summary.touches, 0) as touches,
        coalesce(activity_summary.marketing_touches_before_mql, 0)
            as marketing_touches_before_mql,
        coalesce(activity_summary.nurture_touches_before_mql, 0)
            as nurture_touches_before_mql,
        coalesce(activity_summary.nurture_touches, 0) as nurture_touches,
        coalesce(activity_summary.touches_first_14_days, 0)
            as touches_first_14_days,
        coalesce(activity_summary.email_opens_before_mql, 0)
            as email_opens_before_mql,
        coalesce(activity_summary.email_clicks_before_mql, 0)
            as email_clicks_before_mql,
        coalesce(activity_summary.content_downloads_before_mql, 0)
            as content_downloads_before_mql,
        coalesce(activity_summary.webinar_attendeds_before_mql, 0)
            as webinars_attended_before_mql,
        coalesce(activity_summary.pricing_page_visits_before_mql, 0)
            as pricing_page_visits_before_mql,
        coalesce(activity_summary.demo_requests_before_mql, 0)
            as demo_requests_before_mql,
        activity_summary.first_sales_touch_after_mql_at,
        coalesce(opportunity_summary.opportunities, 0) as opportunities,
        opportunity_summary.first_opportunity_id,
        coalesce(opportunity_summary.has_won_opportunity, false)
            as has_won_opportunity,
        coalesce(opportunity_summary.has_open_opportunity, false)
            as has_open_opportunity,
        opportunity_summary.latest_loss_reason,
        opportunity_summary.won_amount_reporting,
        coalesce(opportunity_summary.booked_revenue_reporting, 0)
            as booked_revenue_reporting
    from leads
    left join stage_summary
        on leads.lead_id = stage_summary.lead_id
    left join activity_summary
        on leads.lead_id = activity_summary.lead_id
    left join opportunity_summary
        on leads.lead_id = opportunity_summary.lead_id
    left join campaigns
        on leads.campaign_id = campaigns.campaign_id
    left join users
        on leads.owner_id = users.user_id
    left join size_bands
        on leads.employee_count
            between size_bands.min_employees and size_bands.max_employees
),

outcomes as (
    select
        leads_joined.*,
        furthest.stage as furthest_stage,
        coalesce(leads_joined.status_from_changes, leads_joined.crm_status)
            as current_status,
        leads_joined.status_from_changes is not null
        and leads_joined.crm_status is not null
        and leads_joined.status_from_changes != leads_joined.crm_status
            as has_status_disagreement,
        leads_joined.first_won_at is not null as is_won,
        case
            when leads_joined.first_won_at is not null then 'won'
            when leads_joined.current_status_kind = 'dropped' then 'dropped'
            when
                leads_joined.opportunities > 0
                and not leads_joined.has_open_opportunity
                then 'dropped'
            else 'open'
        end as funnel_outcome
    from leads_joined
    inner join stages as furthest
        on leads_joined.furthest_stage_order = furthest.stage_order
),

final as (
    select
        outcomes.lead_id,
        {{ pii_hash('outcomes.email') }} as email_hash,
        outcomes.created_at,
        {{ cohort_month('outcomes.created_at') }} as cohort_month,
        outcomes.channel,
        outcomes.channel_group,
        outcomes.lead_source,
        outcomes.is_unmapped_source,
        coalesce(outcomes.campaign_id, 'none') as campaign_id,
        case
            when outcomes.campaign_id is null then 'none'
            else coalesce(outcomes.campaign_name, 'unknown')
        end as campaign_name,
        outcomes.campaign_program_type,
        outcomes.has_unknown_campaign,
        coalesce(outcomes.owner_id, 'unassigned') as owner_id,
        case
            when outcomes.owner_id is null then 'unassigned'
            else coalesce(outcomes.owner_team, 'unknown')
        end as owner_team,
        outcomes.has_unknown_owner,
        outcomes.seniority,
        coalesce(outcomes.company_size_band, 'unknown') as company_size_band,
        outcomes.employee_count,
        coalesce(outcomes.industry, 'unknown') as industry,
        coalesce(outcomes.country_code, 'unknown') as country_code,
        outcomes.lead_score,
        outcomes.first_lead_at,
        {%- for stage in stages %}
            outcomes.first_{{ stage }}_at,
            outcomes.latest_{{ stage }}_at,
        {%- endfor %}
        {%- for stage in stages %}
            outcomes.furthest_stage_order >= {{ loop.index + 1 }}
                as has_reached_{{ stage }},
        {%- endfor %}
        {%- for stage in stages[:-1] %}
            outcomes.furthest_stage_order > {{ loop.index + 1 }}
            and outcomes.first_{{ stage }}_at is null as is_{{ stage }}_skipped,
        {%- endfor %}
        outcomes.first_mql_at is not null as is_explicit_mql,
        outcomes.mql_entries,
        outcomes.furthest_stage,
        outcomes.furthest_stage_order,
        outcomes.current_status,
        outcomes.has_status_disagreement,
        {%- for from_stage, to_stage in steps %}
        {{ duration(
            'outcomes.first_' ~ from_stage ~ '_at',
            'outcomes.first_' ~ to_stage ~ '_at',
        ) }} as days_{{ from_stage }}_to_{{ to_stage }},
        {%- endfor %}
        (
            {%- for from_stage, to_stage in steps %}
                outcomes.first_{{ to_stage }}_at
                < outcomes.first_{{ from_stage }}_at
                {{- ' or' if not loop.last }}
            {%- endfor %}
        ) is true as has_negative_duration,
        outcomes.is_won,
        outcomes.first_won_at as won_at,
        outcomes.won_amount_reporting,
        outcomes.booked_revenue_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        outcomes.opportunities,
        outcomes.first_opportunity_id,
        outcomes.touches,
        outcomes.marketing_touches_before_mql,
        outcomes.nurture_touches_before_mql,
        outcomes.nurture_touches,
        outcomes.touches_first_14_days,
        outcomes.email_opens_before_mql,
        outcomes.email_clicks_before_mql,
        outcomes.content_downloads_before_mql,
        outcomes.webinars_attended_before_mql,
        outcomes.pricing_page_visits_before_mql,
        outcomes.demo_requests_before_mql,
        outcomes.first_sales_touch_after_mql_at,
        {{ duration(
            'outcomes.first_mql_at',
            'outcomes.first_sales_touch_after_mql_at',
            'hours',
        ) }} as hours_to_first_sales_touch,
        outcomes.recycle_count > 0 as is_recycled,
        outcomes.recycle_count,
        outcomes.funnel_outcome,
        case
            when outcomes.funnel_outcome != 'dropped' then null
            when outcomes.status_from_changes = 'rejected' then 'mql'
            else outcomes.furthest_stage
        end as drop_stage,
        case
            when outcomes.funnel_outcome != 'dropped' then null
            when outcomes.current_status_kind = 'dropped'
                then coalesce(
                        outcomes.current_status_reason,
                        outcomes.disqualification_reason,
                        'no reason given'
                    )
            else coalesce(outcomes.latest_loss_reason, 'no reason given')
        end as drop_reason,
        case
            when outcomes.funnel_outcome != 'dropped' then null
            when outcomes.current_status_kind = 'dropped'
                then outcomes.current_status
            else 'opportunity_lost'
        end as drop_type,
        outcomes.last_stage_move_at
    from outcomes
)

select * from final

-- One row per level x channel x campaign x period: the additive measures
-- of mart_channel_scorecard (leads, MQLs, customers, revenue, spend, mature
-- leads and their wins in the window). Leads count in their cohort month,
-- spend in its spend month; leads and spend are aggregated to channel x
-- campaign x month and full-outer-joined, so spend without leads and leads
-- without spend both keep their rows; then rolled up to channel and to all
-- time. The KPIs and ranks on top are computed in the mart.
{%- set window_days = var('mql_win_window_days', 180) %}
{%- set groupings = [
    ('channel', 'month'), ('channel', 'all_time'),
    ('campaign', 'month'), ('campaign', 'all_time'),
] %}
{%- set sums = [
    'leads', 'mqls', 'customers', 'revenue_reporting', 'spend_reporting',
    'mature_leads', 'mature_customers_in_window',
] %}

with

leads as (
    select
        channel,
        campaign_id,
        campaign_name,
        campaign_program_type,
        cohort_month,
        created_at,
        has_reached_mql,
        is_won,
        won_at,
        booked_revenue_reporting
    from {{ ref('fct_lead_funnel') }}
),

spend as (
    select
        channel,
        campaign_id,
        campaign_name,
        program_type,
        spend_month,
        amount_reporting,
        is_fx_rate_approximated
    from {{ ref('int_campaign_spend_reporting') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

leads_matured as (
    select
        leads.*,
        {{ is_cohort_mature('leads.cohort_month', 'as_of.as_of_at',
            window_days) }} as is_mature
    from leads
    cross join as_of
),

leads_by_campaign_month as (
    select
        channel,
        campaign_id,
        max(campaign_name) as campaign_name,
        max(campaign_program_type) as campaign_program_type,
        cohort_month as period_month,
        count(*) as leads,
        count(case when has_reached_mql then 1 end) as mqls,
        count(case when is_won then 1 end) as customers,
        -- money is summed as decimal up to `final`: a parallel double sum
        -- differs in the last bits from one build to the next, and marts
        -- must be reproducible
        sum(cast(booked_revenue_reporting as decimal(38, 9)))
            as revenue_reporting,
        count(case when is_mature then 1 end) as mature_leads,
        count(
            case
                when
                    is_mature
                    and {{ within_days('created_at', 'won_at', window_days) }}
                    then 1
            end
        ) as mature_customers_in_window
    from leads_matured
    group by channel, campaign_id, cohort_month
),

spend_by_campaign_month as (
    select
        channel,
        campaign_id,
        max(campaign_name) as campaign_name,
        max(program_type) as campaign_program_type,
        spend_month as period_month,
        sum(cast(amount_reporting as decimal(38, 9)))
            as spend_reporting,
        {{ dbt.bool_or('is_fx_rate_approximated') }}
            as has_approximated_fx_rate
    from spend
    group by channel, campaign_id, spend_month
),

-- Spend without leads and leads without spend both keep their rows.
campaign_months as (
    select
        coalesce(
            leads_by_campaign_month.channel, spend_by_campaign_month.channel
        ) as channel,
        coalesce(
            leads_by_campaign_month.campaign_id,
            spend_by_campaign_month.campaign_id
        ) as campaign_id,
        coalesce(
            leads_by_campaign_month.campaign_name,
            spend_by_campaign_month.campaign_name
        ) as campaign_name,
        coalesce(
            leads_by_campaign_month.campaign_program_type,
            spend_by_campaign_month.campaign_program_type
        ) as campaign_program_type,
        coalesce(
            leads_by_campaign_month.period_month,
            spend_by_campaign_month.period_month
        ) as period_month,
        coalesce(leads_by_campaign_month.leads, 0) as leads,
        coalesce(leads_by_campaign_month.mqls, 0) as mqls,
        coalesce(leads_by_campaign_month.customers, 0) as customers,
        coalesce(leads_by_campaign_month.revenue_reporting, 0)
            as revenue_reporting,
        coalesce(leads_by_campaign_month.mature_leads, 0) as mature_leads,
        coalesce(leads_by_campaign_month.mature_customers_in_window, 0)
            as mature_customers_in_window,
        -- null, not 0, when no spend was exported: cost KPIs are unknown
        spend_by_campaign_month.spend_reporting,
        coalesce(spend_by_campaign_month.has_approximated_fx_rate, false)
            as has_approximated_fx_rate
    from leads_by_campaign_month
    full outer join spend_by_campaign_month
        on
            leads_by_campaign_month.channel = spend_by_campaign_month.channel
            and leads_by_campaign_month.campaign_id
            = spend_by_campaign_month.campaign_id
            and leads_by_campaign_month.period_month
            = spend_by_campaign_month.period_month
),

rolled_up as (
    {%- for level, period in groupings %}
        select
            '{{ level }}' as level,
            channel,
            {%- if level == 'campaign' %}
                campaign_id,
                max(campaign_name) as campaign_name,
                max(campaign_program_type) as campaign_program_type,
            {%- else %}
                'all' as campaign_id,
                'all' as campaign_name,
                cast(null as {{ dbt.type_string() }}) as campaign_program_type,
            {%- endif %}
            '{{ period }}' as period_type,
            {%- if period == 'month' %}
                period_month as period_start,
            {%- else %}
                cast(null as date) as period_start,
            {%- endif %}
            {%- for column in sums %}
                sum({{ column }}) as {{ column }},
            {%- endfor %}
            {{ dbt.bool_or('has_approximated_fx_rate') }}
                as has_approximated_fx_rate
        from campaign_months
        group by
            channel
            {%- if level == 'campaign' %}, campaign_id{% endif %}
            {%- if period == 'month' %}, period_month{% endif %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

final as (
    select
        level,
        channel,
        campaign_id,
        campaign_name,
        campaign_program_type,
        period_type,
        period_start,
        leads,
        mqls,
        customers,
        cast(revenue_reporting as double) as revenue_reporting,
        cast(spend_reporting as double) as spend_reporting,
        mature_leads,
        mature_customers_in_window,
        has_approximated_fx_rate,
        coalesce(
            substring(cast(period_start as {{ dbt.type_string() }}), 1, 7),
            'all_time'
        ) as period_key
    from rolled_up
)

select * from final

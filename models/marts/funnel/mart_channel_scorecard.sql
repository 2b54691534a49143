-- One row per level x channel x campaign x period: what each channel (and
-- each campaign inside it) brings in leads, MQLs, customers and revenue
-- against what it costs, with ranks by volume and by value. The additive
-- measures come from int_channel_scorecard_rollup.
-- Formulas: docs block channel_scorecard_kpis in _funnel__channel_docs.md.
{%- set window_days = var('mql_win_window_days', 180) %}

with

scorecard_rollup as (
    select
        level,
        channel,
        campaign_id,
        campaign_name,
        campaign_program_type,
        period_type,
        period_start,
        period_key,
        leads,
        mqls,
        customers,
        revenue_reporting,
        spend_reporting,
        mature_leads,
        mature_customers_in_window,
        has_approximated_fx_rate
    from {{ ref('int_channel_scorecard_rollup') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

kpis as (
    select
        *,
        cast(mqls as double) / nullif(leads, 0) as lead_to_mql_rate,
        cast(customers as double) / nullif(mqls, 0) as mql_to_customer_rate,
        cast(customers as double) / nullif(leads, 0) as lead_to_customer_rate,
        cast(mature_customers_in_window as double)
        / nullif(mature_leads, 0) as lead_to_customer_window_rate,
        spend_reporting / nullif(leads, 0) as cost_per_lead,
        spend_reporting / nullif(mqls, 0) as cost_per_mql,
        spend_reporting / nullif(customers, 0) as cost_per_customer,
        revenue_reporting / nullif(leads, 0) as revenue_per_lead,
        revenue_reporting / nullif(customers, 0) as revenue_per_customer,
        (revenue_reporting - spend_reporting)
        / nullif(spend_reporting, 0) as roi
    from scorecard_rollup
),

-- Competition ranks (ties share a rank, the next rank is skipped) within
-- each level and period; a null KPI gets no rank.
ranked as (
    select
        *,
        rank() over (
            partition by level, period_key order by leads desc
        ) as rank_by_volume,
        rank() over (
            partition by level, period_key order by customers desc
        ) as rank_by_customers,
        rank() over (
            partition by level, period_key order by revenue_reporting desc
        ) as rank_by_revenue,
        case
            when roi is not null
                then rank() over (
                        partition by level, period_key
                        order by roi desc nulls last
                    )
        end as rank_by_roi,
        case
            when lead_to_customer_rate is not null
                then rank() over (
                        partition by level, period_key
                        order by lead_to_customer_rate desc nulls last
                    )
        end as rank_by_conversion
    from kpis
),

final as (
    select
        {{ dbt.concat([
            'ranked.level', "'|'", 'ranked.channel', "'|'",
            'ranked.campaign_id', "'|'", 'ranked.period_key',
        ]) }} as scorecard_key,
        ranked.level,
        ranked.channel,
        ranked.campaign_id,
        ranked.campaign_name,
        ranked.campaign_program_type,
        ranked.period_type,
        cast(ranked.period_start as date) as period_start,
        ranked.period_key,
        cast(ranked.leads as bigint) as leads,
        cast(ranked.mqls as bigint) as mqls,
        cast(ranked.customers as bigint) as customers,
        cast(ranked.lead_to_mql_rate as double) as lead_to_mql_rate,
        cast(ranked.mql_to_customer_rate as double) as mql_to_customer_rate,
        cast(ranked.lead_to_customer_rate as double) as lead_to_customer_rate,
        cast(ranked.mature_leads as bigint) as mature_leads,
        cast(ranked.mature_customers_in_window as bigint)
            as mature_customers_in_window,
        cast(ranked.lead_to_customer_window_rate as double)
            as lead_to_customer_window_rate,
        case
            when ranked.period_type = 'month'
                then
                    {{ is_cohort_mature('ranked.period_start',
                        'as_of.as_of_at', window_days) }}
        end as is_cohort_mature,
        cast(ranked.revenue_reporting as double) as revenue_reporting,
        cast(ranked.spend_reporting as double) as spend_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        ranked.has_approximated_fx_rate,
        cast(ranked.cost_per_lead as double) as cost_per_lead,
        cast(ranked.cost_per_mql as double) as cost_per_mql,
        cast(ranked.cost_per_customer as double) as cost_per_customer,
        cast(ranked.revenue_per_lead as double) as revenue_per_lead,
        cast(ranked.revenue_per_customer as double) as revenue_per_customer,
        cast(ranked.roi as double) as roi,
        cast(ranked.rank_by_volume as bigint) as rank_by_volume,
        cast(ranked.rank_by_customers as bigint) as rank_by_customers,
        cast(ranked.rank_by_revenue as bigint) as rank_by_revenue,
        cast(ranked.rank_by_roi as bigint) as rank_by_roi,
        cast(ranked.rank_by_conversion as bigint) as rank_by_conversion,
        as_of.as_of_at
    from ranked
    cross join as_of
)

select * from final

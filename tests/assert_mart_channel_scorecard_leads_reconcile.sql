-- Channel rows of mart_channel_scorecard summed over channels give, for
-- every cohort month and for all time, the leads, MQLs, customers and
-- revenue of fct_lead_funnel. Returns the periods that disagree.
with

scorecard as (
    select
        period_key,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(customers) as customers,
        sum(revenue_reporting) as revenue_reporting
    from {{ ref('mart_channel_scorecard') }}
    where level = 'channel'
    group by period_key
),

lead_funnel as (
    select
        substring(cast(cohort_month as {{ dbt.type_string() }}), 1, 7)
            as cohort_key,
        has_reached_mql,
        is_won,
        booked_revenue_reporting
    from {{ ref('fct_lead_funnel') }}
),

funnel_by_period as (
    select
        cohort_key as period_key,
        count(*) as leads,
        count(case when has_reached_mql then 1 end) as mqls,
        count(case when is_won then 1 end) as customers,
        sum(booked_revenue_reporting) as revenue_reporting
    from lead_funnel
    group by cohort_key

    union all

    select
        'all_time' as period_key,
        count(*) as leads,
        count(case when has_reached_mql then 1 end) as mqls,
        count(case when is_won then 1 end) as customers,
        sum(booked_revenue_reporting) as revenue_reporting
    from lead_funnel
),

final as (
    select
        coalesce(funnel_by_period.period_key, scorecard.period_key)
            as period_key,
        funnel_by_period.leads as expected_leads,
        scorecard.leads as scorecard_leads,
        funnel_by_period.customers as expected_customers,
        scorecard.customers as scorecard_customers,
        funnel_by_period.revenue_reporting as expected_revenue,
        scorecard.revenue_reporting as scorecard_revenue
    from funnel_by_period
    full outer join scorecard
        on funnel_by_period.period_key = scorecard.period_key
    -- spend-only months have scorecard rows with zero leads
    where
        coalesce(funnel_by_period.leads, 0)
        != coalesce(scorecard.leads, 0)
        or coalesce(funnel_by_period.mqls, 0)
        != coalesce(scorecard.mqls, 0)
        or coalesce(funnel_by_period.customers, 0)
        != coalesce(scorecard.customers, 0)
        or abs(
            coalesce(funnel_by_period.revenue_reporting, 0)
            - coalesce(scorecard.revenue_reporting, 0)
        ) > 0.01
)

select * from final

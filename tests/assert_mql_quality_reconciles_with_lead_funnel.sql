-- mart_mql_quality counts every lead of fct_lead_funnel exactly once (matured
-- and immature cohorts alike), and its MQLs are the explicit MQLs. Returns
-- the cohort months that disagree.
with

expected as (
    select
        cohort_month,
        count(*) as leads,
        count(case when is_explicit_mql then 1 end) as mqls
    from {{ ref('fct_lead_funnel') }}
    group by cohort_month
),

actual as (
    select
        cohort_month,
        leads,
        mqls
    from {{ ref('mart_mql_quality') }}
),

final as (
    select
        coalesce(expected.cohort_month, actual.cohort_month) as cohort_month,
        expected.leads as expected_leads,
        actual.leads as actual_leads,
        expected.mqls as expected_mqls,
        actual.mqls as actual_mqls
    from expected
    full outer join actual
        on expected.cohort_month = actual.cohort_month
    where
        expected.cohort_month is null
        or actual.cohort_month is null
        or expected.leads != actual.leads
        or expected.mqls != actual.mqls
)

select * from final

{{ config(severity='warn') }}
-- mart_funnel_leakage counts a dropped lead at its furthest stage, which keeps
-- entered = advanced + dropped + still_open exact. fct_lead_funnel.drop_stage
-- is the same stage except for a lead rejected after it had gone past mql
-- (recycled back and rejected: drop_stage mql). Warns, one row per stage and
-- cohort month, when the two disagree, so such leads are seen, not hidden.

with

leakage as (
    select
        cohort_month,
        stage,
        dropped
    from {{ ref('mart_funnel_leakage') }}
    where period = 'month'
),

fact_drops as (
    select
        cohort_month,
        drop_stage as stage,
        count(*) as dropped
    from {{ ref('fct_lead_funnel') }}
    where funnel_outcome = 'dropped'
    group by cohort_month, drop_stage
),

final as (
    select
        coalesce(leakage.cohort_month, fact_drops.cohort_month)
            as cohort_month,
        coalesce(leakage.stage, fact_drops.stage) as stage,
        leakage.dropped as dropped_at_furthest_stage,
        fact_drops.dropped as dropped_by_drop_stage
    from leakage
    full outer join fact_drops
        on
            leakage.cohort_month = fact_drops.cohort_month
            and leakage.stage = fact_drops.stage
    where coalesce(leakage.dropped, 0) != coalesce(fact_drops.dropped, 0)
)

select * from final

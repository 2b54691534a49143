-- mart_sales_alignment's MQLs received, summed over owners, equal the
-- explicit MQLs of fct_lead_funnel by month of the first MQL and for all
-- time; the team and all rollups equal the owner rows' sums too. Returns
-- the level x period pairs that disagree.
with

alignment as (
    select
        level,
        period_key,
        sum(mqls_received) as mqls_received,
        sum(mqls_won) as mqls_won
    from {{ ref('mart_sales_alignment') }}
    group by level, period_key
),

explicit_mqls as (
    select
        substring(
            cast(
                {{ cohort_month('first_mql_at') }} as {{ dbt.type_string() }}
            ),
            1,
            7
        ) as period_key,
        is_won
    from {{ ref('fct_lead_funnel') }}
    where is_explicit_mql
),

expected_by_period as (
    select
        period_key,
        count(*) as mqls_received,
        count(case when is_won then 1 end) as mqls_won
    from explicit_mqls
    group by period_key

    union all

    select
        'all_time' as period_key,
        count(*) as mqls_received,
        count(case when is_won then 1 end) as mqls_won
    from explicit_mqls
    having count(*) > 0
),

levels as (
    select 'owner' as rollup_level
    union all
    select 'team' as rollup_level
    union all
    select 'all' as rollup_level
),

expected as (
    select
        levels.rollup_level,
        expected_by_period.period_key,
        expected_by_period.mqls_received,
        expected_by_period.mqls_won
    from expected_by_period
    cross join levels
),

final as (
    select
        coalesce(expected.rollup_level, alignment.level) as rollup_level,
        coalesce(expected.period_key, alignment.period_key) as period_key,
        expected.mqls_received as expected_mqls,
        alignment.mqls_received as alignment_mqls,
        expected.mqls_won as expected_won,
        alignment.mqls_won as alignment_won
    from expected
    full outer join alignment
        on
            expected.rollup_level = alignment.level
            and expected.period_key = alignment.period_key
    where
        expected.rollup_level is null
        or alignment.level is null
        or expected.mqls_received != alignment.mqls_received
        or expected.mqls_won != alignment.mqls_won
)

select * from final

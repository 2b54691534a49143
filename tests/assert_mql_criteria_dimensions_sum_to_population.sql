-- The values of a dimension criterion partition the matured leads: their
-- leads and wins add up to the baseline (the population of every win rate).
-- Returns the dimensions that do not.
with

lift as (
    select
        criterion_name,
        leads,
        wins,
        baseline_leads,
        baseline_wins
    from {{ ref('mart_mql_criteria_lift') }}
    where is_dimension
),

dimension_totals as (
    select
        criterion_name,
        sum(leads) as leads,
        sum(wins) as wins,
        max(baseline_leads) as baseline_leads,
        max(baseline_wins) as baseline_wins
    from lift
    group by criterion_name
),

matured as (
    select
        count(*) as leads,
        count(case when is_won_in_window then 1 end) as wins
    from {{ ref('int_mql_leads') }}
    where is_mature
),

final as (
    select dimension_totals.*
    from dimension_totals
    cross join matured
    where
        dimension_totals.leads != matured.leads
        or dimension_totals.wins != matured.wins
        or dimension_totals.baseline_leads != matured.leads
        or dimension_totals.baseline_wins != matured.wins
)

select * from final

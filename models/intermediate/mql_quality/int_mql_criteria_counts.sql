-- One row per population (matured, training, evaluation), criterion and
-- criterion value: leads in the group, their wins within the window and the
-- population's leads and wins (the baseline). Only matured leads count.
-- The leads x criteria rows are counted once, by split (each row carries its
-- lead's population), and `matured` adds the two splits up: no join of those
-- rows with the leads (docs/BENCHMARKS.md, item 28).

with

leads as (
    select
        cohort_split,
        is_won_in_window
    from {{ ref('int_mql_leads') }}
    where is_mature
),

evaluated as (
    select
        cohort_split,
        is_won_in_window,
        criterion_name,
        is_dimension,
        criterion_value,
        is_met
    from {{ ref('int_mql_criteria_evaluated') }}
    where is_mature
),

-- a matured lead is in `matured` and in its split
split_totals as (
    select
        cohort_split as population,
        count(*) as population_leads,
        count(case when is_won_in_window then 1 end) as population_wins
    from leads
    group by cohort_split
),

population_totals as (
    select
        population,
        population_leads,
        population_wins
    from split_totals
    union all
    select
        'matured' as population,
        cast(sum(population_leads) as {{ dbt.type_bigint() }})
            as population_leads,
        cast(sum(population_wins) as {{ dbt.type_bigint() }})
            as population_wins
    from split_totals
),

split_counts as (
    select
        cohort_split as population,
        criterion_name,
        criterion_value,
        is_dimension,
        count(case when is_met then 1 end) as leads,
        count(case when is_met and is_won_in_window then 1 end) as wins
    from evaluated
    group by
        cohort_split,
        criterion_name,
        criterion_value,
        is_dimension
),

group_counts as (
    select
        population,
        criterion_name,
        criterion_value,
        is_dimension,
        leads,
        wins
    from split_counts
    union all
    select
        'matured' as population,
        criterion_name,
        criterion_value,
        is_dimension,
        cast(sum(leads) as {{ dbt.type_bigint() }}) as leads,
        cast(sum(wins) as {{ dbt.type_bigint() }}) as wins
    from split_counts
    group by
        criterion_name,
        criterion_value,
        is_dimension
),

final as (
    select
        group_counts.population,
        group_counts.criterion_name,
        group_counts.criterion_value,
        group_counts.is_dimension,
        group_counts.leads,
        group_counts.wins,
        population_totals.population_leads,
        population_totals.population_wins
    from group_counts
    inner join population_totals
        on group_counts.population = population_totals.population
)

select * from final

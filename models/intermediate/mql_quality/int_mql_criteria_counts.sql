-- One row per population (matured, training, evaluation), criterion and
-- criterion value: leads in the group, their wins within the window and the
-- population's leads and wins (the baseline). Only matured leads count.

with

leads as (
    select
        lead_id,
        cohort_split,
        is_won_in_window
    from {{ ref('int_mql_leads') }}
    where is_mature
),

evaluated as (
    select
        lead_id,
        criterion_name,
        is_dimension,
        criterion_value,
        is_met
    from {{ ref('int_mql_criteria_evaluated') }}
),

-- every matured lead is in `matured` and in its split
leads_by_population as (
    select
        lead_id,
        'matured' as population,
        is_won_in_window
    from leads
    union all
    select
        lead_id,
        cohort_split as population,
        is_won_in_window
    from leads
),

population_totals as (
    select
        population,
        count(*) as population_leads,
        count(case when is_won_in_window then 1 end) as population_wins
    from leads_by_population
    group by population
),

group_counts as (
    select
        leads_by_population.population,
        evaluated.criterion_name,
        evaluated.criterion_value,
        evaluated.is_dimension,
        count(case when evaluated.is_met then 1 end) as leads,
        count(
            case
                when
                    evaluated.is_met and leads_by_population.is_won_in_window
                    then 1
            end
        ) as wins
    from leads_by_population
    inner join evaluated
        on leads_by_population.lead_id = evaluated.lead_id
    group by
        leads_by_population.population,
        evaluated.criterion_name,
        evaluated.criterion_value,
        evaluated.is_dimension
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

-- One row per matured lead and score: lead_score (marketing's score; leads
-- without one are left out), current_definition (1 when the lead was ever
-- an explicit MQL, else 0) and predictive_criteria_met (how many of the
-- criteria that are predictive on the training cohorts the lead meets).
-- A table: the distribution, AUC and proposal models and tests all read it.
{{ config(materialized='table') }}

with

leads as (
    select
        lead_id,
        cohort_split,
        is_won_in_window,
        is_explicit_mql,
        lead_score
    from {{ ref('int_mql_leads') }}
    where is_mature
),

predictive_criteria as (
    select criterion_name
    from {{ ref('int_mql_criteria_lift') }}
    where
        population = 'training'
        and not is_dimension
        and verdict = 'predictive'
),

evaluated as (
    select
        lead_id,
        criterion_name,
        is_met
    from {{ ref('int_mql_criteria_evaluated') }}
    -- only the matured leads are scored: filtered before the unpivot
    where is_mature and not is_dimension
),

predictive_criteria_met as (
    select
        evaluated.lead_id,
        count(case when evaluated.is_met then 1 end) as criteria_met
    from evaluated
    inner join predictive_criteria
        on evaluated.criterion_name = predictive_criteria.criterion_name
    group by evaluated.lead_id
),

-- each score row carries its lead's split and outcome from `leads`: no join
-- of the 2M score rows back to the leads (0.4 s at 1M leads)
final as (
    select
        lead_id,
        cohort_split,
        is_won_in_window,
        'lead_score' as score_name,
        cast(lead_score as double) as score
    from leads
    where lead_score is not null
    union all
    select
        lead_id,
        cohort_split,
        is_won_in_window,
        'current_definition' as score_name,
        cast(case when is_explicit_mql then 1 else 0 end as double) as score
    from leads
    union all
    select
        leads.lead_id,
        leads.cohort_split,
        leads.is_won_in_window,
        'predictive_criteria_met' as score_name,
        cast(coalesce(predictive_criteria_met.criteria_met, 0) as double)
            as score
    from leads
    left join predictive_criteria_met
        on leads.lead_id = predictive_criteria_met.lead_id
)

select * from final

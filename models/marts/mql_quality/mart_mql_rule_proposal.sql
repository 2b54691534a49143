-- One row per MQL definition compared on the evaluation cohorts (the newest
-- third of the matured cohort months): the proposed rule ("meets at least K
-- of the criteria predictive on the training cohorts", K maximizing F1 on
-- training), the current definition (explicit MQL) and marketing's lead
-- score (AUC only). See mql_rule_proposal.

with

leads as (
    select
        cohort_split,
        cohort_month
    from {{ ref('int_mql_leads') }}
    where is_mature
),

training_predictive_criteria as (
    select criterion_name
    from {{ ref('int_mql_criteria_lift') }}
    where
        population = 'training'
        and not is_dimension
        and verdict = 'predictive'
),

distribution as (
    select
        population,
        score_name,
        score,
        leads,
        wins,
        leads_at_or_above,
        wins_at_or_above,
        population_wins
    from {{ ref('int_mql_score_distribution') }}
    where population in ('training', 'evaluation')
),

score_auc as (
    select
        population,
        score_name,
        leads,
        wins,
        auc
    from {{ ref('int_mql_score_auc') }}
    where population in ('training', 'evaluation')
),

split_months as (
    select
        min(
            case when cohort_split = 'training' then cohort_month end
        ) as training_first_cohort_month,
        max(
            case when cohort_split = 'training' then cohort_month end
        ) as training_last_cohort_month,
        min(
            case when cohort_split = 'evaluation' then cohort_month end
        ) as evaluation_first_cohort_month,
        max(
            case when cohort_split = 'evaluation' then cohort_month end
        ) as evaluation_last_cohort_month
    from leads
),

criteria_list as (
    select
        cast(count(*) as integer) as predictive_criteria_count,
        {{ dbt.listagg('criterion_name', "', '", 'order by criterion_name') }}
            as predictive_criteria
    from training_predictive_criteria
),

-- candidate K: every count of met criteria seen on training (>= 1)
k_candidates as (
    select
        score as min_criteria_met,
        {{ fraction_of('wins_at_or_above', 'leads_at_or_above') }}
            as precision_rate,
        {{ fraction_of('wins_at_or_above', 'population_wins') }}
            as recall_rate
    from distribution
    where
        population = 'training'
        and score_name = 'predictive_criteria_met'
        and score >= 1
),

k_ranked as (
    select
        min_criteria_met,
        row_number() over (
            order by
                {{ f1_score('precision_rate', 'recall_rate') }} desc nulls last,
                min_criteria_met asc
        ) as f1_rank
    from k_candidates
),

-- an aggregate without group by: one row, null K when there is no candidate
definitions as (
    select
        'proposed_rule' as definition,
        'predictive_criteria_met' as score_name,
        max(case when f1_rank = 1 then min_criteria_met end)
            as score_threshold
    from k_ranked
    union all
    select
        'current_definition' as definition,
        'current_definition' as score_name,
        1.0 as score_threshold
    union all
    select
        'lead_score' as definition,
        'lead_score' as score_name,
        cast(null as double) as score_threshold
),

definition_counts as (
    select
        definitions.definition,
        distribution.population,
        cast(sum(
            case
                when distribution.score >= definitions.score_threshold
                    then distribution.leads
            end
        ) as bigint) as mqls,
        cast(sum(
            case
                when distribution.score >= definitions.score_threshold
                    then distribution.wins
            end
        ) as bigint) as wins_captured
    from definitions
    inner join distribution
        on definitions.score_name = distribution.score_name
    group by definitions.definition, distribution.population
),

definition_metrics as (
    select
        definitions.definition,
        score_auc.population,
        score_auc.leads,
        score_auc.wins,
        definition_counts.mqls,
        definition_counts.wins_captured,
        score_auc.wins - definition_counts.wins_captured as wins_missed,
        {{ fraction_of('definition_counts.wins_captured',
            'definition_counts.mqls') }} as precision_rate,
        {{ fraction_of('definition_counts.wins_captured', 'score_auc.wins') }}
            as recall_rate,
        score_auc.auc
    from definitions
    inner join score_auc
        on definitions.score_name = score_auc.score_name
    left join definition_counts
        on
            definitions.definition = definition_counts.definition
            and score_auc.population = definition_counts.population
),

training_metrics as (
    select
        definition,
        leads,
        wins,
        round({{ f1_score('precision_rate', 'recall_rate') }}, 6) as f1_score
    from definition_metrics
    where population = 'training'
),

evaluation_metrics as (
    select
        definition,
        leads,
        wins,
        mqls,
        wins_captured,
        wins_missed,
        auc,
        round(precision_rate, 6) as precision_rate,
        round(recall_rate, 6) as recall_rate,
        round({{ f1_score('precision_rate', 'recall_rate') }}, 6) as f1_score
    from definition_metrics
    where population = 'evaluation'
),

final as (
    select
        definitions.definition,
        definitions.score_name,
        case
            when definitions.definition = 'current_definition'
                then 'explicit MQL at any time'
            when definitions.definition = 'lead_score'
                then 'marketing lead score as a ranking (AUC only)'
            when definitions.score_threshold is null
                then 'no criterion is predictive on the training cohorts'
            else {{ dbt.concat([
                "'meets at least '",
                dbt.safe_cast('cast(definitions.score_threshold as integer)',
                    dbt.type_string()),
                "' of: '",
                'criteria_list.predictive_criteria',
            ]) }}
        end as rule_description,
        case
            when definitions.definition = 'proposed_rule'
                then criteria_list.predictive_criteria
        end as predictive_criteria,
        case
            when definitions.definition = 'proposed_rule'
                then criteria_list.predictive_criteria_count
        end as predictive_criteria_count,
        case
            when definitions.definition = 'proposed_rule'
                then cast(definitions.score_threshold as integer)
        end as min_criteria_met,
        split_months.training_first_cohort_month,
        split_months.training_last_cohort_month,
        split_months.evaluation_first_cohort_month,
        split_months.evaluation_last_cohort_month,
        training_metrics.leads as training_leads,
        training_metrics.wins as training_wins,
        training_metrics.f1_score as training_f1_score,
        evaluation_metrics.leads as evaluation_leads,
        evaluation_metrics.wins as evaluation_wins,
        evaluation_metrics.mqls,
        evaluation_metrics.wins_captured,
        evaluation_metrics.wins_missed,
        evaluation_metrics.precision_rate,
        evaluation_metrics.recall_rate,
        evaluation_metrics.f1_score,
        evaluation_metrics.auc
    from definitions
    cross join split_months
    cross join criteria_list
    left join training_metrics
        on definitions.definition = training_metrics.definition
    left join evaluation_metrics
        on definitions.definition = evaluation_metrics.definition
)

select * from final

-- One row per MQL criterion of seeds/mql_criteria.csv and value (criterion
-- rows: 'met'; dimension rows: every value of the field), over the matured
-- leads: win rate with its Wilson interval, lift over the baseline with its
-- Katz interval, share of wins and the verdict. See mql_criteria_lift.

with

criteria as (
    select
        criterion_name,
        description,
        criterion_kind,
        field,
        operator,
        value as rule_value
    from {{ ref('mql_criteria') }}
),

lift as (
    select * from {{ ref('int_mql_criteria_lift') }}
),

matured_lift as (
    select * from lift
    where population = 'matured'
),

training_lift as (
    select
        criterion_name,
        criterion_value,
        lift as training_lift,
        verdict as training_verdict
    from lift
    where population = 'training'
),

final as (
    select
        matured_lift.criterion_name,
        matured_lift.criterion_value,
        criteria.description,
        criteria.criterion_kind,
        criteria.field,
        criteria.operator,
        criteria.rule_value,
        matured_lift.is_dimension,
        matured_lift.leads,
        matured_lift.wins,
        matured_lift.win_rate,
        matured_lift.win_rate_ci_low,
        matured_lift.win_rate_ci_high,
        matured_lift.baseline_leads,
        matured_lift.baseline_wins,
        matured_lift.baseline_win_rate,
        matured_lift.lift,
        matured_lift.lift_ci_low,
        matured_lift.lift_ci_high,
        matured_lift.share_of_wins,
        matured_lift.share_of_leads,
        matured_lift.verdict,
        training_lift.training_lift,
        training_lift.training_verdict,
        coalesce(
            not matured_lift.is_dimension
            and training_lift.training_verdict = 'predictive',
            false
        ) as is_in_proposed_rule
    from matured_lift
    inner join criteria
        on matured_lift.criterion_name = criteria.criterion_name
    left join training_lift
        on
            matured_lift.criterion_name = training_lift.criterion_name
            and matured_lift.criterion_value = training_lift.criterion_value
)

select * from final

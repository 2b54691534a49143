-- One row per non-deleted lead and criterion of seeds/mql_criteria.csv. A
-- criterion row says whether the lead meets it (criterion_value 'met'); a
-- dimension row (is_dimension) puts every lead in the group of its value of
-- the field (criterion_value = that value, always met). Evaluated by one
-- join and a case on the operator: no SQL per criterion.
-- A view (a table on Spark, as every intermediate model there): the lift
-- counts and the rule scores each compute their part of the leads x
-- criteria rows (20M at 1M leads), which took longer to write as a table
-- than to compute twice: 4.4 s instead of 7.7 s of DuckDB at 1M leads
-- (docs/BENCHMARKS.md, item 22).

with

criteria as (
    select
        criterion_name,
        field,
        operator,
        value as rule_value,
        {{ dbt.safe_cast('value', 'double') }} as rule_number,
        is_dimension
    from {{ ref('mql_criteria') }}
),

features as (
    select
        lead_id,
        is_mature,
        cohort_split,
        is_won_in_window,
        field,
        value_text,
        value_number
    from {{ ref('int_mql_lead_features') }}
),

evaluated as (
    select
        features.lead_id,
        features.is_mature,
        features.cohort_split,
        features.is_won_in_window,
        criteria.criterion_name,
        criteria.is_dimension,
        case
            when criteria.is_dimension then features.value_text
            else 'met'
        end as criterion_value,
        -- `in` / `not_in` lists are separated by | (compared in lower case)
        case
            when criteria.is_dimension then true
            when criteria.operator in ('in', 'not_in')
                then (
                    {{ dbt.position(
                        dbt.concat(["'|'", 'lower(features.value_text)',
                            "'|'"]),
                        dbt.concat(["'|'", 'lower(criteria.rule_value)',
                            "'|'"]),
                    ) }} > 0
                ) = (criteria.operator = 'in')
            when criteria.operator = 'gte'
                then features.value_number >= criteria.rule_number
            when criteria.operator = 'lte'
                then features.value_number <= criteria.rule_number
            when criteria.operator = 'eq' and features.value_number is null
                then lower(features.value_text) = lower(criteria.rule_value)
            when criteria.operator = 'eq'
                then features.value_number = criteria.rule_number
        end as is_met_or_null
    from criteria
    inner join features
        on criteria.field = features.field
),

final as (
    select
        lead_id,
        is_mature,
        cohort_split,
        is_won_in_window,
        criterion_name,
        is_dimension,
        criterion_value,
        -- a missing value (e.g. no employee count) does not meet a rule
        coalesce(is_met_or_null, false) as is_met
    from evaluated
)

select * from final

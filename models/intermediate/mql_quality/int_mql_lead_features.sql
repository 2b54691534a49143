-- One row per non-deleted lead and allowed field (macro mql_feature_fields):
-- the value as text (null -> 'unknown') and, for numeric fields, as a number.
-- The long form lets seeds/mql_criteria.csv be evaluated by one join.
-- A view over int_mql_lead_fields (one row per lead), read through the view
-- int_mql_criteria_evaluated: the key (lead_id, field) is unique because
-- lead_id is unique there and every field is one branch of the union.
-- Each row carries its lead's population (is_mature, cohort_split,
-- is_won_in_window): a filter on is_mature reaches int_mql_leads' rows
-- before the unpivot.

with

lead_fields as (
    select * from {{ ref('int_mql_lead_fields') }}
),

features as (
    {%- for feature in mql_feature_fields() %}
        select
            lead_id,
            is_mature,
            cohort_split,
            is_won_in_window,
            '{{ feature.field }}' as field,
            coalesce(
                {{ dbt.safe_cast(feature.field, dbt.type_string()) }},
                'unknown'
            ) as value_text,
            {%- if feature.value_type == 'number' %}
                cast({{ feature.field }} as double) as value_number
            {%- else %}
                cast(null as double) as value_number
            {%- endif %}
        from lead_fields
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select * from features
)

select * from final

-- One row per field the MQL criteria seed may name (macro
-- mql_feature_fields): its value type and meaning. Built from the macro, not
-- from data, so the seed can be checked even when there are no leads.

with

fields as (
    {%- for feature in mql_feature_fields() %}
        select
            '{{ feature.field }}' as field,
            '{{ feature.value_type }}' as value_type,
            '{{ feature.description }}' as description
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select * from fields
)

select * from final

{#- Text -> decimal amount. Thousands separators, spaces and currency symbols
    are removed ("1,200.50", "$ 1 200"); anything else that is no number is null. -#}
{% macro parse_amount(column) -%}
    {{ dbt.safe_cast(
        "nullif(" ~ regexp_replace_all(
            "trim(" ~ column ~ ")", "'[,\\s$€£]'", "''"
        ) ~ ", '')",
        "decimal(18, 2)"
    ) }}
{%- endmacro %}

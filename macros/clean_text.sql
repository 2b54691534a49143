{#- Trimmed text; empty strings and placeholder values (seeds/placeholder_values.csv,
    any case: unknown, select, n/a, ...) become null. -#}
{% macro clean_text(column) -%}
    case
        when lower(trim({{ column }})) in (
            select placeholder from {{ ref('placeholder_values') }}
        ) then null
        else nullif(trim({{ column }}), '')
    end
{%- endmacro %}

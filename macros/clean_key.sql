{#- A key as trimmed text; an empty key is null (and the row is quarantined). -#}
{% macro clean_key(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

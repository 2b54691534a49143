{#- One 64-bit hash of several columns, for grouping cheaply. Never null, and
collisions are possible: use it to narrow down, then compare the columns. -#}
{% macro combination_hash(columns) %}
    {{- return(adapter.dispatch('combination_hash', 'lead_funnel')(columns)) -}}
{% endmacro %}

{% macro default__combination_hash(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}

{% macro duckdb__combination_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__combination_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

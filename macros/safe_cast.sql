{#- dbt's safe_cast is a plain cast on DuckDB, so one bad value fails the whole
    model; try_cast returns null instead and the row is flagged or quarantined.
    Unit test fixtures keep a plain cast (unit_test_fixture_cast.sql). -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- Spark 4 has the same try_cast: null for a bad value whatever the ANSI
    setting (dbt-spark's safe_cast is a plain cast, an error in ANSI mode). -#}
{% macro spark__safe_cast(field, type) -%}
    {{ return(duckdb__safe_cast(field, type)) }}
{%- endmacro %}

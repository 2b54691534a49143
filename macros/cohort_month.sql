{#- The first day of the month of a UTC timestamp, in the reporting time zone. -#}
{% macro cohort_month(column) -%}
    cast({{ dbt.date_trunc('month', to_reporting_tz(column)) }} as date)
{%- endmacro %}

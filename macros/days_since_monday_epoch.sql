{#- Days from Monday 1970-01-05 to the date `day` (negative before it): the
    day count the business-hours clock is built on. -#}
{% macro days_since_monday_epoch(day) -%}
    {{ dbt.datediff("cast('1970-01-05' as date)", day, 'day') }}
{%- endmacro %}

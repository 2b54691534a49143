{#- Day of the week of the date `day`: 0 = Monday ... 6 = Sunday, on every
    engine and before 1970 too (floor, not the sign-keeping modulo). -#}
{% macro weekday_index(day) -%}
    {%- set days = days_since_monday_epoch(day) -%}
    ({{ days }} - 7 * floor(({{ days }}) / 7.0))
{%- endmacro %}

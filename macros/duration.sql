{#- Elapsed time from `start` to `finish` in `unit` (days or hours) as a
    double; negative when finish is earlier (impossible orders are kept). -#}
{% macro duration(start, finish, unit='days') -%}
    {%- set seconds = {'days': 86400.0, 'hours': 3600.0}[unit] -%}
    cast({{ dbt.datediff(start, finish, 'second') }} as double)
    / {{ seconds }}
{%- endmacro %}

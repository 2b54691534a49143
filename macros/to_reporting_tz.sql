{#- A UTC timestamp as wall-clock time in var('reporting_time_zone'); used for
    cohort months and business hours. UTC needs no conversion. -#}
{% macro to_reporting_tz(column) -%}
    {%- set tz = var('reporting_time_zone', 'UTC') -%}
    {%- if tz in ('UTC', 'Etc/UTC') -%}
        {{ column }}
    {%- else -%}
        {{ return(adapter.dispatch('to_reporting_tz', 'lead_funnel')(column, tz)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__to_reporting_tz(column, tz) -%}
    from_utc_timestamp({{ column }}, '{{ tz | replace("'", "") }}')
{%- endmacro %}

{% macro duckdb__to_reporting_tz(column, tz) -%}
    timezone('{{ tz | replace("'", "") }}', timezone('UTC', {{ column }}))
{%- endmacro %}

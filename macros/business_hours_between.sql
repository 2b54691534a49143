{#- Business hours from `start` to `finish` (UTC timestamps): only the time
    inside working hours counts, Monday to Friday from
    var('business_day_start_hour') to var('business_day_end_hour'), on the
    wall clock of var('reporting_time_zone'). An MQL on Friday 16:00 answered
    on Monday 10:00 waited 2 business hours (9-17). Negative when finish is
    earlier.
    Holidays (seeds/business_holidays.csv) are skipped when the caller left
    joins int_business_calendar once per timestamp (macro
    business_calendar_join) and passes the aliases as `start_day` and
    `finish_day`; without them every weekday counts. -#}
{% macro business_hours_between(
    start, finish, start_day=none, finish_day=none
) -%}
    {%- if (start_day is none) != (finish_day is none) -%}
        {{ exceptions.raise_compiler_error(
            "business_hours_between needs both start_day and "
            ~ "finish_day or neither: with one, the holidays before "
            ~ "start would count against the duration") }}
    {%- endif -%}
    cast(
        {{ business_seconds_since_epoch(finish, finish_day) }}
        - {{ business_seconds_since_epoch(start, start_day) }}
        as double
    ) / 3600.0
{%- endmacro %}

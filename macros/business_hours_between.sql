{#- Business hours from `start` to `finish` (UTC timestamps): only the time
    inside working hours counts, Monday to Friday from
    var('business_day_start_hour') to var('business_day_end_hour'), on the
    wall clock of var('reporting_time_zone'). An MQL on Friday 16:00 answered
    on Monday 10:00 waited 2 business hours (9-17). Negative when finish is
    earlier. Public holidays are not known and count as working days. -#}
{% macro business_hours_between(start, finish) -%}
    cast(
        {{ business_seconds_since_epoch(finish) }}
        - {{ business_seconds_since_epoch(start) }}
        as double
    ) / 3600.0
{%- endmacro %}

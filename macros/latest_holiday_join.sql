{#- Join condition for business hours with holidays: the row `holiday` of
    int_business_holidays is the latest holiday on or before the local date
    of `ts` (reporting time zone). At most one row matches; none when `ts` is
    before the first holiday or null. Use it in a left join and pass the
    alias to business_hours_between. -#}
{% macro latest_holiday_join(holiday, ts) -%}
    {%- set local_date = 'cast(' ~ to_reporting_tz(ts) ~ ' as date)' -%}
    {{ holiday }}.holiday_date <= {{ local_date }}
    and {{ local_date }} < {{ holiday }}.next_holiday_date
{%- endmacro %}

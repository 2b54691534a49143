{#- Join condition for business hours with holidays: `day` (an alias of
    int_business_calendar) is the calendar row of the local date of `ts`
    (reporting time zone). A date outside the calendar's span is taken to
    its first or last day, whose holidays_before is then right (none before
    the first holiday, all of them after the last), so the join is an
    equality that engines hash. `span` is the alias of a row with the
    calendar's first_calendar_date and last_calendar_date. Use it in a left
    join (the calendar is empty when the seed is) and pass `day` to
    business_hours_between. -#}
{% macro business_calendar_join(day, ts, span) -%}
    {{ day }}.calendar_date = least(
        greatest(
            cast({{ to_reporting_tz(ts) }} as date),
            {{ span }}.first_calendar_date
        ),
        {{ span }}.last_calendar_date
    )
{%- endmacro %}

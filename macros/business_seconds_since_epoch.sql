{#- Working seconds from Monday 1970-01-05 00:00 (reporting time zone) to
    `ts`: whole weeks of 5 working days, whole working days of this week, and
    the working part of today. Its differences are business durations.
    With `calendar_day`, the alias of the int_business_calendar row that
    business_calendar_join matched to `ts` (null when the calendar is
    empty), the working time of holidays is taken out: whole days for the
    holidays before that date, and the working part of today up to `ts`
    when the date is itself a holiday. -#}
{% macro business_seconds_since_epoch(ts, calendar_day=none) -%}
    {%- set open = var('business_day_start_hour', 9) | float -%}
    {%- set close = var('business_day_end_hour', 17) | float -%}
    {%- if not (0 <= open < close <= 24) -%}
        {{ exceptions.raise_compiler_error(
            "vars business_day_start_hour (" ~ open ~ ") and business_day_end_hour ("
            ~ close ~ ") must satisfy 0 <= start < end <= 24; set them in "
            ~ "dbt_project.yml or with --vars") }}
    {%- endif -%}
    {%- set day_seconds = ((close - open) * 3600) | int -%}
    {%- set local = to_reporting_tz(ts) -%}
    {%- set day = days_since_monday_epoch('cast(' ~ local ~ ' as date)') -%}
    {%- set weekday = weekday_index('cast(' ~ local ~ ' as date)') -%}
    {%- set second_of_day = dbt.datediff(
        'cast(cast(' ~ local ~ ' as date) as timestamp)', local, 'second') -%}
    {%- set working_today -%}
        least(
            greatest({{ second_of_day }} - {{ (open * 3600) | int }}, 0),
            {{ day_seconds }}
        )
    {%- endset -%}
    (
        floor(({{ day }}) / 7.0) * {{ 5 * day_seconds }}
        + least({{ weekday }}, 5) * {{ day_seconds }}
        + case
            when {{ weekday }} < 5
                then {{ working_today }}
            else 0
        end
        {%- if calendar_day %}
        - coalesce(
            {{ calendar_day }}.holidays_before * {{ day_seconds }}
            + case
                -- a date before the calendar is taken to its first day, a
                -- holiday: only the holiday itself loses the hours of today
                when {{ calendar_day }}.is_holiday
                    and {{ calendar_day }}.calendar_date
                    = cast({{ local }} as date)
                    then {{ working_today }}
                else 0
            end,
            0
        )
        {%- endif %}
    )
{%- endmacro %}

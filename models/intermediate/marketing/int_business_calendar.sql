-- One row per date from the first holiday of seeds/business_holidays.csv that
-- falls on a working weekday (Monday to Friday, the week of macro
-- business_seconds_since_epoch) to the day after the last one: whether the
-- date is such a holiday, and how many came before it. Business hours look up
-- a timestamp's local date here with an equality join (macro
-- business_calendar_join), which takes dates before the span to its first
-- day (no holiday before) and dates after it to its last (every holiday
-- before). A holiday on a weekend loses no working time and is left out.
-- Empty when the seed is.

with

holidays as (
    select
        cast(holiday_date as date) as holiday_date,
        holiday_name
    from {{ ref('business_holidays') }}
    where holiday_date is not null
),

-- Monday to Friday: the week of macro business_seconds_since_epoch
weekday_holidays as (
    select
        holiday_date,
        holiday_name
    from holidays
    where {{ weekday_index('holiday_date') }} < 5
),

calendar_span as (
    select
        min(holiday_date) as first_date,
        {{ dbt.datediff('min(holiday_date)', 'max(holiday_date)', 'day') }}
        + 1 as last_day_offset
    from weekday_holidays
),

-- 0 to 99,999 days (273 years): more than the seed's test allows
day_offsets as (
    select n as day_offset
    from ({{ integer_spine(5) }}) as numbers
),

calendar_days as (
    select
        cast(
            {{ dbt.dateadd(
                'day', 'day_offsets.day_offset', 'calendar_span.first_date'
            ) }} as date
        ) as calendar_date
    from day_offsets
    cross join calendar_span
    where day_offsets.day_offset <= calendar_span.last_day_offset
),

calendar_days_marked as (
    select
        calendar_days.calendar_date,
        weekday_holidays.holiday_date is not null as is_holiday,
        weekday_holidays.holiday_name
    from calendar_days
    left join weekday_holidays
        on calendar_days.calendar_date = weekday_holidays.holiday_date
),

final as (
    select
        calendar_date,
        is_holiday,
        holiday_name,
        coalesce(
            sum(case when is_holiday then 1 else 0 end) over (
                order by calendar_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as holidays_before
    from calendar_days_marked
)

select * from final

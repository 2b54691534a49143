-- One row per holiday of seeds/business_holidays.csv that falls on a working
-- weekday (Monday to Friday, the week of macro business_seconds_since_epoch):
-- the days whose working hours the business clock skips. A holiday on a
-- weekend loses no working time and is left out.
-- Each row also covers the dates up to the next holiday, so a timestamp finds
-- the latest holiday on or before its local date with one range join (macro
-- latest_holiday_join) and the count of holidays before it in that row:
-- a few rows a year, however many leads.

with

holidays as (
    select
        cast(holiday_date as date) as holiday_date,
        holiday_name
    from {{ ref('business_holidays') }}
    where holiday_date is not null
),

-- days since Monday 1970-01-05, as in macro business_seconds_since_epoch
holidays_numbered as (
    select
        holiday_date,
        holiday_name,
        {{ dbt.datediff(
            "cast('1970-01-05' as date)", 'holiday_date', 'day'
        ) }} as day_number
    from holidays
),

weekday_holidays as (
    select
        holiday_date,
        holiday_name
    from holidays_numbered
    -- 0 = Monday .. 6 = Sunday; floor keeps it right before 1970 on any engine
    where day_number - 7 * floor(day_number / 7.0) < 5
),

final as (
    select
        holiday_date,
        holiday_name,
        row_number() over (order by holiday_date) - 1 as holidays_before,
        -- a far date after the last holiday keeps the join a plain range
        coalesce(
            lead(holiday_date) over (order by holiday_date),
            cast('9999-12-31' as date)
        ) as next_holiday_date
    from weekday_holidays
)

select * from final

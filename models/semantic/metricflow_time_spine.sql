-- One row per calendar day: the time spine MetricFlow joins metrics to
-- (cumulative metrics, gap filling, offsets). Built from digit CTEs so it runs
-- on any engine. The range is fixed, not read from the data or the clock:
-- var('semantic_time_spine_start') plus up to 99,999 days, cut at
-- var('semantic_time_spine_end'); the defaults cover 2000-2049.
{%- set spine_start = var('semantic_time_spine_start', '2000-01-01') %}
{%- set spine_end = var('semantic_time_spine_end', '2049-12-31') %}

with

-- 0 to 99,999 days: about 273 years, far more than the default range.
day_offsets as (
    select n as day_offset
    from ({{ integer_spine(5) }}) as numbers
),

days as (
    select
        cast(
            {{ dbt.dateadd(
                'day',
                'day_offset',
                "cast('" ~ spine_start ~ "' as date)",
            ) }} as date
        ) as date_day
    from day_offsets
),

final as (
    select date_day
    from days
    where date_day <= cast('{{ spine_end }}' as date)
)

select * from final

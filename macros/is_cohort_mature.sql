{#- A cohort month is mature for an N-day window when the as-of timestamp is at
    least N days after the cohort month's last day: every lead of the cohort
    has then had the full window. Recent cohorts are censored, not failures. -#}
{% macro is_cohort_mature(cohort_month, as_of_at, window_days) -%}
    (
        {{ dbt.dateadd(
            'day',
            window_days,
            dbt.last_day(cohort_month, 'month')
        ) }} <= cast({{ as_of_at }} as date)
    )
{%- endmacro %}

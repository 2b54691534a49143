-- mart_funnel_conversion adds up to fct_lead_funnel. One row per failed
-- check, naming it:
--   all_row_matches_facts: the `all` rows (every cohort month and all_time)
--     have exactly the leads, stage counts and mature wins within each
--     window that fct_lead_funnel gives (a missing or extra row fails too);
--   segments_sum_to_all: within a period and cohort month, the rows of every
--     segment type add up to the `all` row, count by count;
--   months_sum_to_all_time: the month rows of a segment add up to its
--     all_time row, count by count.
{%- set stages = ['mql', 'sal', 'sql', 'opportunity', 'won'] %}
{%- set counts = ['leads'] %}
{%- for stage in stages %}
    {%- do counts.append('leads_reached_' ~ stage) %}
{%- endfor %}
{%- for window_days in conversion_windows() %}
    {%- do counts.append('leads_mature_' ~ window_days ~ 'd') %}
    {%- do counts.append('leads_mql_within_' ~ window_days ~ 'd') %}
    {%- do counts.append('leads_won_within_' ~ window_days ~ 'd') %}
{%- endfor %}
{%- set fact_columns = ['leads'] %}
{%- for stage in stages %}
    {%- do fact_columns.append('leads_reached_' ~ stage) %}
{%- endfor %}
{%- for window_days in conversion_windows() %}
    {%- do fact_columns.append('leads_won_within_' ~ window_days ~ 'd') %}
{%- endfor %}

with

conversion as (
    select * from {{ ref('mart_funnel_conversion') }}
),

fact_leads as (
    select
        cohort_month,
        created_at,
        won_at,
        {%- for stage in stages %}
            has_reached_{{ stage }},
        {%- endfor %}
        as_of_at
    from {{ ref('fct_lead_funnel') }}
),

fact_leads_flagged as (
    select
        cohort_month,
        {%- for window_days in conversion_windows() %}
            {{ is_cohort_mature('cohort_month', 'as_of_at', window_days) }}
            and {{ within_days('created_at', 'won_at', window_days) }}
                as is_mature_won_within_{{ window_days }}d,
        {%- endfor %}
        {%- for stage in stages %}
            has_reached_{{ stage }},
        {%- endfor %}
        'month' as period
    from fact_leads
),

fact_leads_by_period as (
    select
        *,
        cohort_month as period_cohort_month
    from fact_leads_flagged
    union all
    select
        *,
        cast(null as date) as period_cohort_month
    from fact_leads_flagged
),

fact_counts as (
    select
        period_cohort_month as cohort_month,
        case
            when period_cohort_month is null then 'all_time' else period
        end as period,
        {%- for stage in stages %}
            count(case when has_reached_{{ stage }} then 1 end)
                as leads_reached_{{ stage }},
        {%- endfor %}
        {%- for window_days in conversion_windows() %}
            count(case when is_mature_won_within_{{ window_days }}d then 1 end)
                as leads_won_within_{{ window_days }}d,
        {%- endfor %}
        count(*) as leads
    from fact_leads_by_period
    group by period_cohort_month, period
),

all_rows as (
    select * from conversion
    where segment_type = 'all'
),

all_row_mismatches as (
    select
        'all_row_matches_facts' as check_name,
        coalesce(all_rows.period, fact_counts.period) as period,
        coalesce(all_rows.cohort_month, fact_counts.cohort_month)
            as cohort_month,
        'all' as segment_type
    from all_rows
    full outer join fact_counts
        on
            all_rows.period = fact_counts.period
            and all_rows.cohort_month
            is not distinct from fact_counts.cohort_month
    where
        all_rows.period is null
        or fact_counts.period is null
        {%- for column in fact_columns %}
            or coalesce(all_rows.{{ column }}, 0)
            != fact_counts.{{ column }}
        {%- endfor %}
),

segment_sums as (
    select
        period,
        cohort_month,
        segment_type,
        {%- for column in counts %}
            sum(coalesce({{ column }}, 0)) as {{ column }},
        {%- endfor %}
        count(*) as segment_rows
    from conversion
    where segment_type != 'all'
    group by period, cohort_month, segment_type
),

segment_mismatches as (
    select
        'segments_sum_to_all' as check_name,
        segment_sums.period,
        segment_sums.cohort_month,
        segment_sums.segment_type
    from segment_sums
    left join all_rows
        on
            segment_sums.period = all_rows.period
            and segment_sums.cohort_month
            is not distinct from all_rows.cohort_month
    where
        all_rows.period is null
        {%- for column in counts %}
            or segment_sums.{{ column }}
            != coalesce(all_rows.{{ column }}, 0)
        {%- endfor %}
),

month_sums as (
    select
        segment_type,
        segment_value,
        {%- for column in counts %}
            sum(coalesce({{ column }}, 0)) as {{ column }},
        {%- endfor %}
        count(*) as month_rows
    from conversion
    where period = 'month'
    group by segment_type, segment_value
),

all_time_rows as (
    select * from conversion
    where period = 'all_time'
),

all_time_mismatches as (
    select
        'months_sum_to_all_time' as check_name,
        'all_time' as period,
        cast(null as date) as cohort_month,
        coalesce(month_sums.segment_type, all_time_rows.segment_type)
            as segment_type
    from month_sums
    full outer join all_time_rows
        on
            month_sums.segment_type = all_time_rows.segment_type
            and month_sums.segment_value = all_time_rows.segment_value
    where
        month_sums.segment_type is null
        or all_time_rows.segment_type is null
        {%- for column in counts %}
            or month_sums.{{ column }}
            != coalesce(all_time_rows.{{ column }}, 0)
        {%- endfor %}
),

final as (
    select * from all_row_mismatches
    union all
    select * from segment_mismatches
    union all
    select * from all_time_mismatches
)

select * from final

-- One row per period x cohort month x segment: how many leads of the cohort
-- reached each stage, step and cumulative conversion, conversion within
-- 30/90/180 days (censored: only cohorts mature for the window count) and
-- velocity. period 'month' rows have a cohort_month; period 'all_time' rows
-- (cohort_month null) pool every cohort of the segment. Formulas: the docs
-- blocks of _funnel__conversion_docs.md.
{%- set stages = ['mql', 'sal', 'sql', 'opportunity', 'won'] %}
{%- set steps = [
    ('lead', 'mql'), ('mql', 'sal'), ('sal', 'sql'),
    ('sql', 'opportunity'), ('opportunity', 'won'),
] %}

with

lead_segments as (
    select * from {{ ref('int_conversion_lead_segments') }}
),

leads_with_maturity as (
    select
        cohort_month,
        segment_type,
        segment_value,
        {%- for stage in stages %}
            has_reached_{{ stage }},
        {%- endfor %}
        {%- for window_days in conversion_windows() %}
            {{ is_cohort_mature('cohort_month', 'as_of_at', window_days) }}
                as is_mature_{{ window_days }}d,
            is_mql_within_{{ window_days }}d,
            is_won_within_{{ window_days }}d,
        {%- endfor %}
        days_lead_to_won,
        as_of_at
    from lead_segments
),

segment_counts as (
    -- each lead counts twice, in its cohort month and in the all-time rollup
    -- of the same pass (macros/rollup_grouping.sql)
    select
        {{ rollup_period('cohort_month') }} as period,
        cohort_month,
        segment_type,
        segment_value,
        count(*) as leads,
        {%- for stage in stages %}
            count(case when has_reached_{{ stage }} then 1 end)
                as leads_reached_{{ stage }},
        {%- endfor %}
        {%- for window_days in conversion_windows() %}
            count(case when is_mature_{{ window_days }}d then 1 end)
                as leads_mature_{{ window_days }}d,
            {%- for stage in ['mql', 'won'] %}
                count(
                    case
                        when
                            is_mature_{{ window_days }}d
                            and is_{{ stage }}_within_{{ window_days }}d
                            then 1
                    end
                ) as mature_{{ stage }}_within_{{ window_days }}d,
            {%- endfor %}
        {%- endfor %}
        cast({{ percentile_value('days_lead_to_won', 0.5) }} as double)
            as median_days_lead_to_won,
        max(as_of_at) as as_of_at
    from leads_with_maturity
    group by segment_type, segment_value, rollup(cohort_month)
),

final as (
    select
        period,
        cohort_month,
        segment_type,
        segment_value,
        leads,
        {%- for stage in stages %}
            leads_reached_{{ stage }},
        {%- endfor %}
        {%- for from_stage, to_stage in steps %}
            {%- set entered = 'leads' if from_stage == 'lead'
                else 'leads_reached_' ~ from_stage %}
            {{ fraction_of('leads_reached_' ~ to_stage, entered) }}
                as {{ from_stage }}_to_{{ to_stage }}_rate,
        {%- endfor %}
        {%- for stage in stages[1:] %}
            {{ fraction_of('leads_reached_' ~ stage, 'leads') }}
                as lead_to_{{ stage }}_rate,
        {%- endfor %}
        {%- for window_days in conversion_windows() %}
            {%- set mature = 'leads_mature_' ~ window_days ~ 'd' %}
            {{ mature }} > 0 as is_mature_{{ window_days }}d,
            {{ mature }},
            {%- for stage in ['mql', 'won'] %}
                case
                    when {{ mature }} > 0
                        then mature_{{ stage }}_within_{{ window_days }}d
                end as leads_{{ stage }}_within_{{ window_days }}d,
                {{ fraction_of(
                    'mature_' ~ stage ~ '_within_' ~ window_days ~ 'd',
                    mature,
                ) }} as lead_to_{{ stage }}_within_{{ window_days }}d_rate,
            {%- endfor %}
        {%- endfor %}
        median_days_lead_to_won,
        as_of_at
    from segment_counts
)

select * from final

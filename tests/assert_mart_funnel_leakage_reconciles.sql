-- mart_funnel_leakage adds up to fct_lead_funnel and agrees with
-- mart_funnel_conversion. One row per failed check, naming it:
--   counts_match_facts: for every period, cohort month and stage, entered,
--     advanced, dropped, still open and stalled are what fct_lead_funnel
--     gives (entered of lead = the cohort's leads; a lead that stopped at a
--     stage has it as furthest_stage), and no row is missing or extra;
--   advanced_is_next_entered: advanced of a stage = entered of the next one,
--     advanced of opportunity = won leads of the conversion mart;
--   entered_matches_conversion: entered of each stage = the leads that
--     reached it in mart_funnel_conversion's `all` row.
{%- set stages = ['lead', 'mql', 'sal', 'sql', 'opportunity'] %}
{%- set reached = ['true', 'has_reached_mql', 'has_reached_sal',
    'has_reached_sql', 'has_reached_opportunity', 'has_reached_won'] %}
{%- set stall_days = var('stall_days', 30) %}
{%- set counts = ['entered', 'advanced', 'dropped', 'still_open', 'stalled'] %}

with

leakage as (
    select * from {{ ref('mart_funnel_leakage') }}
),

conversion_all_rows as (
    select
        period,
        cohort_month,
        leads,
        leads_reached_mql,
        leads_reached_sal,
        leads_reached_sql,
        leads_reached_opportunity,
        leads_reached_won
    from {{ ref('mart_funnel_conversion') }}
    where segment_type = 'all'
),

fact_leads as (
    select
        cohort_month,
        has_reached_mql,
        has_reached_sal,
        has_reached_sql,
        has_reached_opportunity,
        has_reached_won,
        furthest_stage,
        funnel_outcome,
        days_since_last_stage_move
    from {{ ref('fct_lead_funnel') }}
),

fact_lead_stages as (
    {%- for stage in stages %}
        select
            cohort_month,
            '{{ stage }}' as stage,
            {{ reached[loop.index0] }} as is_entered,
            {{ reached[loop.index] }} as is_advanced,
            furthest_stage = '{{ stage }}'
            and funnel_outcome = 'dropped' as is_dropped,
            furthest_stage = '{{ stage }}'
            and funnel_outcome = 'open' as is_still_open,
            furthest_stage = '{{ stage }}'
            and funnel_outcome = 'open'
            and days_since_last_stage_move > {{ stall_days }} as is_stalled
        from fact_leads
        {{- '\n        union all' if not loop.last }}
    {%- endfor %}
),

fact_lead_stages_by_period as (
    select
        *,
        'month' as period,
        cohort_month as period_cohort_month
    from fact_lead_stages
    union all
    select
        *,
        'all_time' as period,
        cast(null as date) as period_cohort_month
    from fact_lead_stages
),

fact_counts as (
    select
        period,
        period_cohort_month as cohort_month,
        stage,
        {%- for column in counts %}
            count(case when is_{{ column }} then 1 end) as {{ column }},
        {%- endfor %}
        count(*) as lead_stages
    from fact_lead_stages_by_period
    group by period, period_cohort_month, stage
),

count_mismatches as (
    select
        'counts_match_facts' as check_name,
        coalesce(leakage.period, fact_counts.period) as period,
        coalesce(leakage.cohort_month, fact_counts.cohort_month)
            as cohort_month,
        coalesce(leakage.stage, fact_counts.stage) as stage
    from leakage
    full outer join fact_counts
        on
            leakage.period = fact_counts.period
            and leakage.cohort_month
            is not distinct from fact_counts.cohort_month
            and leakage.stage = fact_counts.stage
    where
        leakage.period is null
        or fact_counts.period is null
        {%- for column in counts %}
            or leakage.{{ column }} != fact_counts.{{ column }}
        {%- endfor %}
),

leakage_with_next as (
    select
        leakage.period,
        leakage.cohort_month,
        leakage.stage,
        leakage.advanced,
        coalesce(next_leakage.entered, conversion_all_rows.leads_reached_won)
            as next_entered
    from leakage
    left join leakage as next_leakage
        on
            leakage.period = next_leakage.period
            and leakage.cohort_month
            is not distinct from next_leakage.cohort_month
            and leakage.next_stage = next_leakage.stage
    left join conversion_all_rows
        on
            leakage.period = conversion_all_rows.period
            and leakage.cohort_month
            is not distinct from conversion_all_rows.cohort_month
            and leakage.next_stage = 'won'
),

next_stage_mismatches as (
    select
        'advanced_is_next_entered' as check_name,
        period,
        cohort_month,
        stage
    from leakage_with_next
    where not coalesce(advanced = next_entered, false)
),

conversion_mismatches as (
    select
        'entered_matches_conversion' as check_name,
        leakage.period,
        leakage.cohort_month,
        leakage.stage
    from leakage
    left join conversion_all_rows
        on
            leakage.period = conversion_all_rows.period
            and leakage.cohort_month
            is not distinct from conversion_all_rows.cohort_month
    where
        not coalesce(
            leakage.entered = case leakage.stage
                when 'lead' then conversion_all_rows.leads
                {%- for stage in stages[1:] %}
                    when '{{ stage }}'
                        then conversion_all_rows.leads_reached_{{ stage }}
                {%- endfor %}
            end,
            false
        )
),

final as (
    select * from count_mismatches
    union all
    select * from next_stage_mismatches
    union all
    select * from conversion_mismatches
)

select * from final

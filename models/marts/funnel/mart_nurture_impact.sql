-- One row per dimension x dimension value: conversion and velocity of the
-- leads in it, beside the baseline of all leads (dimension `all`).
-- Dimensions: touch_bucket (nurture touches before the first MQL: 0, 1-2,
-- 3-5, 6+), nurtured (at least one such touch or none), program (each
-- nurture program that ever touched the lead, `none` when none did; a lead
-- touched by two programs is in both rows) and recycled (sent back to
-- nurture after an MQL). Values are `unknown` when the data holds no
-- nurture touch at all.
-- Formulas: docs block nurture_impact_kpis in _funnel__channel_docs.md.
{%- set window_days = var('mql_win_window_days', 180) %}
{%- set touch_buckets = ['0', '1-2', '3-5', '6+'] %}
{#- what every dimension row of a lead counts and takes medians of -#}
{%- set measures = [
    'has_reached_mql', 'is_won', 'is_mature', 'is_won_in_window',
    'days_lead_to_mql', 'days_lead_to_won',
] %}

with

leads as (
    select
        lead_id,
        cohort_month,
        created_at,
        nurture_touches_before_mql,
        is_recycled,
        has_reached_mql,
        is_won,
        won_at,
        days_lead_to_mql,
        days_lead_to_won
    from {{ ref('fct_lead_funnel') }}
),

lead_programs as (
    select
        lead_id,
        campaign_id,
        campaign_name
    from {{ ref('int_lead_nurture_programs') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

leads_matured as (
    select
        leads.*,
        {{ is_cohort_mature('leads.cohort_month', 'as_of.as_of_at',
            window_days) }} as is_mature,
        {{ within_days('leads.created_at', 'leads.won_at', window_days) }}
            as is_won_in_window
    from leads
    cross join as_of
),

-- Without a single nurture touch in the data (activities or campaigns not
-- exported) the nurture dimensions are unknown, not "0 touches".
nurture_data as (
    select count(*) > 0 as has_nurture_touches
    from lead_programs
),

leads_bucketed as (
    select
        leads_matured.lead_id,
        leads_matured.is_recycled,
        case
            when nurture_data.has_nurture_touches
                then {{ nurture_touch_bucket(
                    'leads_matured.nurture_touches_before_mql'
                ) }}
            else 'unknown'
        end as touch_bucket,
        case
            when not nurture_data.has_nurture_touches then 'unknown'
            when leads_matured.nurture_touches_before_mql > 0 then 'nurtured'
            else 'not_nurtured'
        end as nurtured,
        {%- for measure in measures %}
            leads_matured.{{ measure }},
        {%- endfor %}
        nurture_data.has_nurture_touches
    from leads_matured
    cross join nurture_data
),

lead_programs_or_none as (
    select
        leads_bucketed.lead_id,
        {%- for measure in measures %}
            leads_bucketed.{{ measure }},
        {%- endfor %}
        coalesce(
            lead_programs.campaign_id,
            case
                when leads_bucketed.has_nurture_touches then 'none'
                else 'unknown'
            end
        ) as program_id,
        coalesce(
            lead_programs.campaign_name,
            case
                when leads_bucketed.has_nurture_touches then 'none'
                else 'unknown'
            end
        ) as program_name
    from leads_bucketed
    left join lead_programs
        on leads_bucketed.lead_id = lead_programs.lead_id
),

-- One row per lead x dimension value it belongs to, with what it counts
-- (the lead key is not needed past here):
-- each branch reads the lead's row as it is, instead of joining the ~5 rows
-- per lead back to the leads (docs/BENCHMARKS.md, item 31).
lead_dimensions as (
    select
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        'all' as dimension,
        'all' as dimension_value,
        'all leads' as dimension_label,
        0 as value_order
    from leads_bucketed

    union all

    select
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        'touch_bucket' as dimension,
        touch_bucket as dimension_value,
        case
            when touch_bucket = 'unknown' then 'nurture touches unknown'
            else {{ dbt.concat([
                'touch_bucket', "' nurture touches before MQL'",
            ]) }}
        end as dimension_label,
        case touch_bucket
            {%- for bucket in touch_buckets %}
                when '{{ bucket }}' then {{ loop.index }}
            {%- endfor %}
            else {{ touch_buckets | length + 1 }}
        end as value_order
    from leads_bucketed

    union all

    select
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        'nurtured' as dimension,
        nurtured as dimension_value,
        case nurtured
            when 'nurtured' then 'nurture touch before MQL'
            when 'not_nurtured' then 'no nurture touch before MQL'
            else 'nurture touches unknown'
        end as dimension_label,
        case nurtured
            when 'nurtured' then 1
            when 'not_nurtured' then 2
            else 3
        end as value_order
    from leads_bucketed

    union all

    select
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        'program' as dimension,
        program_id as dimension_value,
        program_name as dimension_label,
        case program_id
            when 'none' then 2
            when 'unknown' then 3
            else 1
        end as value_order
    from lead_programs_or_none

    union all

    select
        {%- for measure in measures %}
            {{ measure }},
        {%- endfor %}
        'recycled' as dimension,
        case
            when is_recycled then 'recycled' else 'not_recycled'
        end as dimension_value,
        case
            when is_recycled then 'recycled after an MQL'
            else 'never recycled'
        end as dimension_label,
        case when is_recycled then 1 else 2 end as value_order
    from leads_bucketed
),

impact as (
    select
        dimension,
        dimension_value,
        max(dimension_label) as dimension_label,
        min(value_order) as value_order,
        count(*) as leads,
        count(case when has_reached_mql then 1 end) as mqls,
        count(case when is_won then 1 end) as won,
        count(case when is_mature then 1 end) as mature_leads,
        count(case when is_mature and is_won_in_window then 1 end)
            as mature_won_in_window,
        {{ percentile_value('days_lead_to_mql', 0.5) }}
            as median_days_lead_to_mql,
        {{ percentile_value('days_lead_to_won', 0.5) }}
            as median_days_lead_to_won
    from lead_dimensions
    group by dimension, dimension_value
),

baseline as (
    select
        leads as all_leads,
        cast(won as double) / nullif(leads, 0) as all_lead_to_won_rate,
        cast(mature_won_in_window as double)
        / nullif(mature_leads, 0) as all_lead_to_won_window_rate
    from impact
    where dimension = 'all'
),

final as (
    select
        {{ dbt.concat([
            'impact.dimension', "'|'", 'impact.dimension_value',
        ]) }} as nurture_impact_key,
        impact.dimension,
        impact.dimension_value,
        impact.dimension_label,
        cast(impact.value_order as integer) as value_order,
        cast(impact.leads as bigint) as leads,
        cast(impact.leads as double)
        / nullif(baseline.all_leads, 0) as share_of_leads,
        cast(impact.mqls as bigint) as mqls,
        cast(impact.won as bigint) as won,
        cast(impact.mqls as double)
        / nullif(impact.leads, 0) as lead_to_mql_rate,
        cast(impact.won as double)
        / nullif(impact.leads, 0) as lead_to_won_rate,
        cast(impact.won as double)
        / nullif(impact.mqls, 0) as mql_to_won_rate,
        cast(impact.won as double)
        / nullif(impact.leads, 0)
        / nullif(baseline.all_lead_to_won_rate, 0) as lead_to_won_lift,
        cast(impact.mature_leads as bigint) as mature_leads,
        cast(impact.mature_won_in_window as bigint) as mature_won_in_window,
        cast(impact.mature_won_in_window as double)
        / nullif(impact.mature_leads, 0) as lead_to_won_window_rate,
        cast(impact.mature_won_in_window as double)
        / nullif(impact.mature_leads, 0)
        / nullif(baseline.all_lead_to_won_window_rate, 0)
            as lead_to_won_window_lift,
        cast(impact.median_days_lead_to_mql as double)
            as median_days_lead_to_mql,
        cast(impact.median_days_lead_to_won as double)
            as median_days_lead_to_won,
        as_of.as_of_at
    from impact
    cross join baseline
    cross join as_of
)

select * from final

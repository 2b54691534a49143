-- One row per period x cohort month x stage (lead .. opportunity): where the
-- leads of a cohort stopped and why. Every lead that entered a stage either
-- advanced to the next one or stopped there (its furthest stage): dropped out
-- (funnel_outcome dropped) or still open, and an open lead is stalled when
-- it has not moved for more than var('stall_days') days at the as-of date.
-- Lost = dropped + stalled; stages are ranked by it. period 'all_time' rows
-- (cohort_month null) pool every cohort. Formulas: the docs blocks of
-- _funnel__conversion_docs.md.
{%- set stall_days = var('stall_days', 30) %}

with

leads as (
    select
        lead_id,
        cohort_month,
        furthest_stage_order,
        funnel_outcome,
        drop_reason,
        days_since_last_stage_move,
        as_of_at
    from {{ ref('int_conversion_leads') }}
),

stages as (
    select
        stage,
        stage_order
    from {{ ref('funnel_stages') }}
),

leakage_stages as (
    -- every stage with a next one: nobody leaks out of won, the last stage
    select
        stages.stage,
        stages.stage_order,
        next_stages.stage as next_stage
    from stages
    inner join stages as next_stages
        on stages.stage_order + 1 = next_stages.stage_order
),

lead_stages as (
    -- one row per lead and stage, entered or not, so that every cohort has a
    -- row for every stage (entered = 0 when nobody got there)
    select
        leads.lead_id,
        leads.cohort_month,
        leakage_stages.stage,
        leakage_stages.stage_order,
        leakage_stages.next_stage,
        leads.furthest_stage_order >= leakage_stages.stage_order as is_entered,
        leads.furthest_stage_order > leakage_stages.stage_order as is_advanced,
        leads.furthest_stage_order = leakage_stages.stage_order
        and leads.funnel_outcome = 'dropped' as is_dropped,
        leads.furthest_stage_order = leakage_stages.stage_order
        and leads.funnel_outcome = 'open' as is_still_open,
        leads.days_since_last_stage_move,
        leads.drop_reason,
        leads.as_of_at
    from leads
    cross join leakage_stages
),

lead_stages_stalled as (
    select
        *,
        -- exactly stall_days without a move is not stalled yet
        coalesce(
            is_still_open and days_since_last_stage_move > {{ stall_days }},
            false
        ) as is_stalled
    from lead_stages
),

stage_counts as (
    -- each lead counts twice, in its cohort month and in the all-time rollup
    -- of the same pass (macros/rollup_grouping.sql)
    select
        {{ rollup_period('cohort_month') }} as period,
        cohort_month,
        stage,
        stage_order,
        next_stage,
        count(case when is_entered then 1 end) as entered,
        count(case when is_advanced then 1 end) as advanced,
        count(case when is_dropped then 1 end) as dropped,
        count(case when is_still_open then 1 end) as still_open,
        count(case when is_stalled then 1 end) as stalled,
        max(as_of_at) as as_of_at
    from lead_stages_stalled
    group by stage, stage_order, next_stage, rollup(cohort_month)
),

drop_reason_counts as (
    select
        {{ rollup_period('cohort_month') }} as period,
        cohort_month,
        stage,
        drop_reason,
        count(*) as dropped_for_reason
    from lead_stages_stalled
    where is_dropped
    group by stage, drop_reason, rollup(cohort_month)
),

drop_reasons_ranked as (
    select
        *,
        row_number() over (
            partition by period, cohort_month, stage
            order by dropped_for_reason desc, drop_reason asc
        ) as reason_rank
    from drop_reason_counts
),

top_drop_reasons as (
    select
        period,
        cohort_month,
        stage,
        max(case when reason_rank = 1 then drop_reason end)
            as top_drop_reason_1,
        max(case when reason_rank = 1 then dropped_for_reason end)
            as top_drop_reason_1_dropped,
        max(case when reason_rank = 2 then drop_reason end)
            as top_drop_reason_2,
        max(case when reason_rank = 2 then dropped_for_reason end)
            as top_drop_reason_2_dropped,
        max(case when reason_rank = 3 then drop_reason end)
            as top_drop_reason_3,
        max(case when reason_rank = 3 then dropped_for_reason end)
            as top_drop_reason_3_dropped
    from drop_reasons_ranked
    where reason_rank <= 3
    group by period, cohort_month, stage
),

stage_losses as (
    select
        stage_counts.*,
        top_drop_reasons.top_drop_reason_1,
        top_drop_reasons.top_drop_reason_1_dropped,
        top_drop_reasons.top_drop_reason_2,
        top_drop_reasons.top_drop_reason_2_dropped,
        top_drop_reasons.top_drop_reason_3,
        top_drop_reasons.top_drop_reason_3_dropped,
        stage_counts.dropped + stage_counts.stalled as lost
    from stage_counts
    left join top_drop_reasons
        on
            stage_counts.period = top_drop_reasons.period
            and stage_counts.cohort_month
            is not distinct from top_drop_reasons.cohort_month
            and stage_counts.stage = top_drop_reasons.stage
),

final as (
    select
        period,
        cohort_month,
        stage,
        -- the contract's types on every engine: a seed's integers are bigint
        -- on Spark, row_number() is int there
        cast(stage_order as integer) as stage_order,
        next_stage,
        entered,
        advanced,
        dropped,
        still_open,
        stalled,
        still_open - stalled as still_open_active,
        lost,
        {{ fraction_of('advanced', 'entered') }} as advance_rate,
        {{ fraction_of('dropped', 'entered') }} as drop_rate,
        {{ fraction_of('stalled', 'entered') }} as stall_rate,
        {{ fraction_of('lost', 'entered') }} as lost_rate,
        {{ fraction_of(
            'lost',
            'sum(lost) over (partition by period, cohort_month)',
        ) }} as lost_share,
        -- ties: the earlier stage ranks first, so rank 1 is always one stage
        cast(row_number() over (
            partition by period, cohort_month
            order by lost desc, stage_order asc
        ) as bigint) as lost_volume_rank,
        {%- for rank in [1, 2, 3] %}
            top_drop_reason_{{ rank }},
            {{ fraction_of('top_drop_reason_' ~ rank ~ '_dropped', 'dropped') }}
                as top_drop_reason_{{ rank }}_share,
        {%- endfor %}
        cast({{ stall_days }} as integer) as stall_days,
        as_of_at
    from stage_losses
)

select * from final

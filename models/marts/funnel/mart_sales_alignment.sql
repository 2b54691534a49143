-- One row per level (owner, team, all) x owner x team x period (month of
-- the first MQL, and all time): what sales did with the MQLs marketing
-- handed over. One aggregation with rollups makes every rollup from
-- the MQLs themselves (macros/rollup_grouping.sql), so medians and
-- percentiles are exact at every level.
--
-- Formulas: docs block sales_alignment_kpis in _funnel__channel_docs.md.
{%- set rollups = [
    ('owner', 'owner_id'), ('team', 'owner_team'), ('all', none),
] %}
{%- set decisions = ['accepted', 'rejected', 'disqualified', 'pending'] %}
{%- set top_reasons = 3 %}

with

responses as (
    select
        lead_id,
        owner_id,
        owner_team,
        mql_month,
        sales_decision,
        rejection_reason,
        hours_to_first_sales_touch,
        is_touched,
        sla_status,
        business_hours_to_first_sales_touch,
        business_sla_status,
        is_won
    from {{ ref('int_mql_sales_response') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

alignment as (
    select
        {{ rollup_level_columns(rollups) | indent(8) }},
        {{ rollup_period_columns('mql_month') | indent(8) }},
        count(*) as mqls_received,
        {%- for decision in decisions %}
            count(case when sales_decision = '{{ decision }}' then 1 end)
                as mqls_{{ decision }},
        {%- endfor %}
        -- null, not 0, when the data has no sales activity at all
        case
            when count(is_touched) > 0
                then count(case when is_touched then 1 end)
        end as mqls_touched,
        {{ percentile_value('hours_to_first_sales_touch', 0.5) }}
            as median_hours_to_first_sales_touch,
        {{ percentile_value('hours_to_first_sales_touch', 0.9) }}
            as p90_hours_to_first_sales_touch,
        count(case when sla_status = 'met' then 1 end) as mqls_sla_met,
        count(case when sla_status = 'breached' then 1 end)
            as mqls_sla_breached,
        count(case when sla_status = 'pending' then 1 end)
            as mqls_sla_pending,
        count(case when sla_status = 'unknown' then 1 end)
            as mqls_sla_unknown,
        {{ percentile_value('business_hours_to_first_sales_touch', 0.5) }}
            as median_business_hours_to_first_sales_touch,
        count(case when business_sla_status = 'met' then 1 end)
            as mqls_business_sla_met,
        count(case when business_sla_status = 'breached' then 1 end)
            as mqls_business_sla_breached,
        count(case when business_sla_status = 'pending' then 1 end)
            as mqls_business_sla_pending,
        count(case when is_won then 1 end) as mqls_won
    from responses
    group by {{ rollup_group_by(rollups, 'mql_month') }}
    -- the all / all-time set of no MQLs at all is still one row (of zeros);
    -- left out, as every other level has no row without MQLs
    having count(*) > 0
),

rejection_reasons as (
    select
        {{ rollup_level_columns(rollups) | indent(8) }},
        {{ rollup_period_columns('mql_month') | indent(8) }},
        rejection_reason,
        count(*) as rejections
    from responses
    where sales_decision = 'rejected'
    group by {{ rollup_group_by(
        rollups, 'mql_month', ['rejection_reason']
    ) }}
),

rejection_reasons_ranked as (
    select
        *,
        row_number() over (
            partition by level, owner_id, owner_team, period_key
            order by rejections desc, rejection_reason asc
        ) as reason_rank,
        cast(rejections as double) / sum(rejections) over (
            partition by level, owner_id, owner_team, period_key
        ) as reason_share
    from rejection_reasons
),

top_rejection_reasons as (
    select
        level,
        owner_id,
        owner_team,
        {%- for rank in range(1, top_reasons + 1) %}
            max(case when reason_rank = {{ rank }} then rejection_reason end)
                as top_rejection_reason_{{ rank }},
            max(case when reason_rank = {{ rank }} then reason_share end)
                as top_rejection_reason_{{ rank }}_share,
        {%- endfor %}
        period_key
    from rejection_reasons_ranked
    where reason_rank <= {{ top_reasons }}
    group by level, owner_id, owner_team, period_key
),

final as (
    select
        {{ dbt.concat([
            'alignment.level', "'|'", 'alignment.owner_team', "'|'",
            'alignment.owner_id', "'|'", 'alignment.period_key',
        ]) }} as alignment_key,
        alignment.level,
        alignment.owner_id,
        alignment.owner_team,
        alignment.period_type,
        cast(alignment.period_start as date) as period_start,
        alignment.period_key,
        cast(alignment.mqls_received as bigint) as mqls_received,
        {%- for decision in decisions %}
            cast(alignment.mqls_{{ decision }} as bigint)
                as mqls_{{ decision }},
        {%- endfor %}
        cast(alignment.mqls_accepted as double)
        / nullif(alignment.mqls_received, 0) as acceptance_rate,
        cast(alignment.mqls_rejected as double)
        / nullif(alignment.mqls_received, 0) as rejection_rate,
        {%- for rank in range(1, top_reasons + 1) %}
            top_rejection_reasons.top_rejection_reason_{{ rank }},
            cast(
                top_rejection_reasons.top_rejection_reason_{{ rank }}_share
                as double
            ) as top_rejection_reason_{{ rank }}_share,
        {%- endfor %}
        cast(alignment.mqls_touched as bigint) as mqls_touched,
        cast(alignment.median_hours_to_first_sales_touch as double)
            as median_hours_to_first_sales_touch,
        cast(alignment.p90_hours_to_first_sales_touch as double)
            as p90_hours_to_first_sales_touch,
        cast({{ var('sla_hours', 24) }} as double) as sla_hours,
        cast(alignment.mqls_sla_met as bigint) as mqls_sla_met,
        cast(alignment.mqls_sla_breached as bigint) as mqls_sla_breached,
        cast(alignment.mqls_sla_pending as bigint) as mqls_sla_pending,
        cast(alignment.mqls_sla_unknown as bigint) as mqls_sla_unknown,
        cast(alignment.mqls_sla_met as double)
        / nullif(alignment.mqls_sla_met + alignment.mqls_sla_breached, 0)
            as sla_compliance_rate,
        cast(alignment.median_business_hours_to_first_sales_touch as double)
            as median_business_hours_to_first_sales_touch,
        cast({{ var('sla_business_hours', 8) }} as double)
            as sla_business_hours,
        cast(alignment.mqls_business_sla_met as bigint)
            as mqls_business_sla_met,
        cast(alignment.mqls_business_sla_breached as bigint)
            as mqls_business_sla_breached,
        cast(alignment.mqls_business_sla_pending as bigint)
            as mqls_business_sla_pending,
        cast(alignment.mqls_business_sla_met as double)
        / nullif(
            alignment.mqls_business_sla_met
            + alignment.mqls_business_sla_breached,
            0
        ) as business_sla_compliance_rate,
        cast(alignment.mqls_won as bigint) as mqls_won,
        cast(alignment.mqls_won as double)
        / nullif(alignment.mqls_received, 0) as mql_to_won_rate,
        as_of.as_of_at
    from alignment
    left join top_rejection_reasons
        on
            alignment.level = top_rejection_reasons.level
            and alignment.owner_id = top_rejection_reasons.owner_id
            and alignment.owner_team = top_rejection_reasons.owner_team
            and alignment.period_key = top_rejection_reasons.period_key
    cross join as_of
)

select * from final

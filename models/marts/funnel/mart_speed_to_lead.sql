-- One row per level (team, all) x owner team x response-time bucket x
-- period (month of the first MQL, and all time): how MQLs convert by how
-- fast sales first touched them. A bucket is a dimension, not a measure,
-- so it gets rows rather than columns in mart_sales_alignment.
--
-- Formulas: docs block speed_to_lead_kpis in _funnel__channel_docs.md.
{%- set rollups = [('team', 'owner_team'), ('all', none)] %}
{%- set buckets = [
    '<1h', '1-4h', '4-24h', '1-3d', '>3d', 'never', 'unknown',
] %}

with

responses as (
    select
        owner_team,
        mql_month,
        response_time_bucket,
        hours_to_first_sales_touch,
        sales_decision,
        is_won,
        is_won_in_window,
        is_mature
    from {{ ref('int_mql_sales_response') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

buckets as (
    -- one aggregation with rollups makes every rollup from the MQLs
    -- themselves (macros/rollup_grouping.sql), so the median is exact
    select
        {{ rollup_level_columns(rollups) | indent(8) }},
        {{ rollup_period_columns('mql_month') | indent(8) }},
        response_time_bucket,
        count(*) as mqls,
        count(case when sales_decision = 'accepted' then 1 end)
            as mqls_accepted,
        count(case when is_won then 1 end) as mqls_won,
        count(case when is_mature then 1 end) as mature_mqls,
        count(case when is_mature and is_won_in_window then 1 end)
            as mature_mqls_won_in_window,
        {{ percentile_value('hours_to_first_sales_touch', 0.5) }}
            as median_hours_to_first_sales_touch
    from responses
    group by {{ rollup_group_by(
        rollups, 'mql_month', ['response_time_bucket']
    ) }}
),

buckets_shared as (
    select
        *,
        cast(mqls as double) / nullif(
            sum(mqls) over (partition by level, owner_team, period_key), 0
        ) as share_of_mqls
    from buckets
),

final as (
    select
        {{ dbt.concat([
            'buckets_shared.level', "'|'", 'buckets_shared.owner_team', "'|'",
            'buckets_shared.response_time_bucket', "'|'",
            'buckets_shared.period_key',
        ]) }} as speed_to_lead_key,
        buckets_shared.level,
        buckets_shared.owner_team,
        buckets_shared.response_time_bucket,
        cast(
            case buckets_shared.response_time_bucket
                {%- for bucket in buckets %}
                    when '{{ bucket }}' then {{ loop.index }}
                {%- endfor %}
            end as integer
        ) as bucket_order,
        buckets_shared.period_type,
        cast(buckets_shared.period_start as date) as period_start,
        buckets_shared.period_key,
        cast(buckets_shared.mqls as bigint) as mqls,
        cast(buckets_shared.share_of_mqls as double) as share_of_mqls,
        cast(buckets_shared.mqls_accepted as bigint) as mqls_accepted,
        cast(buckets_shared.mqls_accepted as double)
        / nullif(buckets_shared.mqls, 0) as acceptance_rate,
        cast(buckets_shared.mqls_won as bigint) as mqls_won,
        cast(buckets_shared.mqls_won as double)
        / nullif(buckets_shared.mqls, 0) as mql_to_won_rate,
        cast(buckets_shared.mature_mqls as bigint) as mature_mqls,
        cast(buckets_shared.mature_mqls_won_in_window as bigint)
            as mature_mqls_won_in_window,
        cast(buckets_shared.mature_mqls_won_in_window as double)
        / nullif(buckets_shared.mature_mqls, 0) as mql_to_won_window_rate,
        cast(buckets_shared.median_hours_to_first_sales_touch as double)
            as median_hours_to_first_sales_touch,
        as_of.as_of_at
    from buckets_shared
    cross join as_of
)

select * from final

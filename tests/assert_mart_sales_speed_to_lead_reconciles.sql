-- mart_speed_to_lead's buckets of a team and period add up to that team's
-- MQLs received in mart_sales_alignment (team and all levels, every month
-- and all time). Returns the rows that disagree.
with

buckets_summed as (
    select
        level,
        owner_team,
        period_key,
        sum(mqls) as mqls,
        sum(mqls_won) as mqls_won
    from {{ ref('mart_speed_to_lead') }}
    group by level, owner_team, period_key
),

alignment as (
    select
        level,
        owner_team,
        period_key,
        mqls_received,
        mqls_won
    from {{ ref('mart_sales_alignment') }}
    where level in ('team', 'all')
),

final as (
    select
        coalesce(alignment.level, buckets_summed.level) as rollup_level,
        coalesce(alignment.owner_team, buckets_summed.owner_team)
            as owner_team,
        coalesce(alignment.period_key, buckets_summed.period_key)
            as period_key,
        alignment.mqls_received,
        buckets_summed.mqls as bucket_mqls
    from alignment
    full outer join buckets_summed
        on
            alignment.level = buckets_summed.level
            and alignment.owner_team = buckets_summed.owner_team
            and alignment.period_key = buckets_summed.period_key
    where
        alignment.level is null
        or buckets_summed.level is null
        or alignment.mqls_received != buckets_summed.mqls
        or alignment.mqls_won != buckets_summed.mqls_won
)

select * from final

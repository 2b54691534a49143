-- In mart_channel_scorecard, the campaign rows of a channel and period add
-- up to its channel row: leads, MQLs, customers, revenue and spend.
-- Returns the channel rows that disagree.
with

scorecard as (
    select
        level,
        channel,
        period_key,
        leads,
        mqls,
        customers,
        revenue_reporting,
        spend_reporting
    from {{ ref('mart_channel_scorecard') }}
),

campaigns_summed as (
    select
        channel,
        period_key,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(customers) as customers,
        sum(revenue_reporting) as revenue_reporting,
        sum(spend_reporting) as spend_reporting
    from scorecard
    where level = 'campaign'
    group by channel, period_key
),

channels as (
    select * from scorecard
    where level = 'channel'
),

final as (
    select
        coalesce(channels.channel, campaigns_summed.channel) as channel,
        coalesce(channels.period_key, campaigns_summed.period_key)
            as period_key,
        channels.leads as channel_leads,
        campaigns_summed.leads as campaign_leads,
        channels.spend_reporting as channel_spend,
        campaigns_summed.spend_reporting as campaign_spend
    from channels
    full outer join campaigns_summed
        on
            channels.channel = campaigns_summed.channel
            and channels.period_key = campaigns_summed.period_key
    where
        channels.channel is null
        or campaigns_summed.channel is null
        or channels.leads != campaigns_summed.leads
        or channels.mqls != campaigns_summed.mqls
        or channels.customers != campaigns_summed.customers
        or abs(channels.revenue_reporting - campaigns_summed.revenue_reporting)
        > 0.01
        or abs(
            coalesce(channels.spend_reporting, 0)
            - coalesce(campaigns_summed.spend_reporting, 0)
        ) > 0.01
)

select * from final

-- One row per staged spend row (campaign x day): the amount converted to
-- var('reporting_currency') with the rate of the spend month, and the
-- campaign's channel (`unknown` when the campaign is not in campaigns or
-- has no channel), so marts can put spend beside leads by channel.
with

spend as (
    select
        campaign_id,
        spend_date,
        amount,
        currency
    from {{ ref('stg_crm__campaign_spend') }}
),

campaigns as (
    select
        campaign_id,
        campaign_name,
        channel,
        program_type
    from {{ ref('stg_crm__campaigns') }}
),

fx_rates as (
    select
        currency,
        rate_month,
        rate_to_reporting,
        is_rate_approximated
    from {{ ref('int_fx_rates_filled') }}
),

spend_by_month as (
    select
        campaign_id,
        spend_date,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date)
            as spend_month,
        cast(amount as double) as amount,
        currency
    from spend
),

final as (
    select
        spend_by_month.campaign_id,
        spend_by_month.spend_date,
        spend_by_month.spend_month,
        coalesce(campaigns.campaign_name, 'unknown') as campaign_name,
        coalesce(campaigns.channel, 'unknown') as channel,
        campaigns.program_type,
        campaigns.campaign_id is null as has_unknown_campaign,
        spend_by_month.currency,
        spend_by_month.amount,
        fx_rates.rate_to_reporting as fx_rate,
        spend_by_month.amount * fx_rates.rate_to_reporting
            as amount_reporting,
        '{{ var("reporting_currency") }}' as reporting_currency,
        coalesce(fx_rates.is_rate_approximated, false)
            as is_fx_rate_approximated
    from spend_by_month
    left join campaigns
        on spend_by_month.campaign_id = campaigns.campaign_id
    left join fx_rates
        on
            spend_by_month.currency = fx_rates.currency
            and spend_by_month.spend_month = fx_rates.rate_month
)

select * from final

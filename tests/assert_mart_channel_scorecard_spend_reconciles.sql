-- Spend of mart_channel_scorecard's channel rows, summed over channels,
-- equals the staged spend converted here independently (amount x the
-- int_fx_rates_filled rate of the spend month), for every spend month and
-- for all time. Returns the periods that disagree by more than a cent.
with

staged_spend as (
    select
        currency,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date)
            as spend_month,
        cast(amount as double) as amount
    from {{ ref('stg_crm__campaign_spend') }}
),

fx_rates as (
    select
        currency,
        rate_month,
        rate_to_reporting
    from {{ ref('int_fx_rates_filled') }}
),

scorecard as (
    select
        period_key,
        sum(spend_reporting) as spend_reporting
    from {{ ref('mart_channel_scorecard') }}
    where level = 'channel'
    group by period_key
),

converted as (
    select
        substring(
            cast(staged_spend.spend_month as {{ dbt.type_string() }}), 1, 7
        ) as period_key,
        staged_spend.amount * fx_rates.rate_to_reporting as amount_reporting
    from staged_spend
    left join fx_rates
        on
            staged_spend.currency = fx_rates.currency
            and staged_spend.spend_month = fx_rates.rate_month
),

expected as (
    select
        period_key,
        sum(amount_reporting) as spend_reporting
    from converted
    group by period_key

    union all

    select
        'all_time' as period_key,
        sum(amount_reporting) as spend_reporting
    from converted
    having count(*) > 0
),

final as (
    select
        coalesce(expected.period_key, scorecard.period_key) as period_key,
        expected.spend_reporting as expected_spend,
        scorecard.spend_reporting as scorecard_spend
    from expected
    full outer join scorecard
        on expected.period_key = scorecard.period_key
    where
        abs(
            coalesce(expected.spend_reporting, 0)
            - coalesce(scorecard.spend_reporting, 0)
        ) > 0.01
        or (expected.spend_reporting is null)
        != (scorecard.spend_reporting is null)
)

select * from final

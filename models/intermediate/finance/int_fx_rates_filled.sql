-- One row per currency x month: the rate to var('reporting_currency') from
-- seeds/fx_rates_monthly.csv. A month without a rate takes the currency's
-- closest earlier month, else its closest later month, and is flagged.
-- The month spine pads the seed's range by var('fx_rate_padding_months') on
-- both sides, so dates outside the seed still find a (flagged) rate.
{%- set padding_months = var('fx_rate_padding_months', 600) | int %}
{%- set reporting_currency = var('reporting_currency') %}

with

fx_rates as (
    select
        currency,
        cast({{ dbt.date_trunc('month', 'rate_month') }} as date)
            as rate_month,
        cast(rate_to_usd as double) as rate_to_usd
    from {{ ref('fx_rates_monthly') }}
    where rate_to_usd is not null
),

-- 0 to 9999 months: far more than any seed range plus its padding.
month_offsets as (
    select n as month_offset
    from ({{ integer_spine(4) }}) as numbers
),

spine_bounds as (
    select
        cast(
            {{ dbt.dateadd('month', -padding_months, 'min(rate_month)') }}
            as date
        ) as first_month,
        {{ dbt.datediff('min(rate_month)', 'max(rate_month)', 'month') }}
        + {{ 2 * padding_months }} as last_month_offset
    from fx_rates
),

months as (
    select
        cast(
            {{ dbt.dateadd(
                'month',
                'month_offsets.month_offset',
                'spine_bounds.first_month',
            ) }} as date
        ) as rate_month
    from month_offsets
    cross join spine_bounds
    where month_offsets.month_offset <= spine_bounds.last_month_offset
),

currencies as (
    select distinct currency from fx_rates
),

currency_months as (
    select
        currencies.currency,
        months.rate_month,
        fx_rates.rate_to_usd,
        fx_rates.rate_month as known_rate_month
    from currencies
    cross join months
    left join fx_rates
        on
            currencies.currency = fx_rates.currency
            and months.rate_month = fx_rates.rate_month
),

-- Each known rate opens a group of the months after it (earlier_group) and
-- closes a group of the months before it (later_group): a portable
-- "last value ignoring nulls" in both directions.
rate_groups as (
    select
        currency,
        rate_month,
        rate_to_usd,
        known_rate_month,
        count(rate_to_usd) over (
            partition by currency
            order by rate_month
            rows between unbounded preceding and current row
        ) as earlier_group,
        count(rate_to_usd) over (
            partition by currency
            order by rate_month
            rows between current row and unbounded following
        ) as later_group
    from currency_months
),

group_rates as (
    select
        currency,
        rate_month,
        rate_to_usd,
        max(rate_to_usd) over (
            partition by currency, earlier_group
        ) as earlier_rate_to_usd,
        max(known_rate_month) over (
            partition by currency, earlier_group
        ) as earlier_rate_month,
        max(rate_to_usd) over (
            partition by currency, later_group
        ) as later_rate_to_usd,
        max(known_rate_month) over (
            partition by currency, later_group
        ) as later_rate_month
    from rate_groups
),

rates_filled as (
    select
        currency,
        rate_month,
        coalesce(earlier_rate_to_usd, later_rate_to_usd) as rate_to_usd,
        coalesce(earlier_rate_month, later_rate_month) as source_rate_month,
        rate_to_usd is null as is_rate_approximated
    from group_rates
),

reporting_rates as (
    select
        rate_month,
        rate_to_usd,
        is_rate_approximated
    from rates_filled
    where currency = '{{ reporting_currency }}'
),

final as (
    select
        rates_filled.currency,
        rates_filled.rate_month,
        '{{ reporting_currency }}' as reporting_currency,
        rates_filled.rate_to_usd,
        reporting_rates.rate_to_usd as reporting_rate_to_usd,
        rates_filled.rate_to_usd
        / reporting_rates.rate_to_usd as rate_to_reporting,
        rates_filled.source_rate_month,
        rates_filled.is_rate_approximated
        or coalesce(reporting_rates.is_rate_approximated, false)
            as is_rate_approximated
    from rates_filled
    left join reporting_rates
        on rates_filled.rate_month = reporting_rates.rate_month
)

select * from final

-- Every raw spend row (campaign x day), typed, with its issues and outcome.
-- A repeated (campaign, day) keeps one row; an empty currency is the
-- reporting currency.
with

source as (
    select * from {{ source('crm', 'campaign_spend') }}
),

currencies as (
    select distinct currency from {{ ref('fx_rates_monthly') }}
),

parsed as (
    select
        {{ clean_key('campaign_id') }} as campaign_id,
        cast({{ parse_timestamp('spend_date') }} as date) as spend_date,
        nullif(trim(spend_date), '') as spend_date_text,
        {{ parse_amount('amount') }} as amount,
        nullif(trim(amount), '') as amount_text,
        coalesce(
            upper({{ clean_text('currency') }}),
            '{{ var("reporting_currency") }}'
        ) as currency,
        _source_file,
        {{ row_hash([
            'campaign_id', 'spend_date', 'amount', 'currency', '_source_file',
        ]) }} as _row_hash
    from source
),

normalized as (
    select
        parsed.*,
        currencies.currency is null as has_unknown_currency
    from parsed
    left join currencies
        on parsed.currency = currencies.currency
),

checked as (
    select
        *,
        {{ issue_list([
            ('campaign_id is null', 'null_key'),
            ('(spend_date is null and spend_date_text is not null)'
             ~ ' or (amount is null and amount_text is not null)',
             'unparseable_timestamp'),
            ('spend_date_text is null or amount_text is null',
             'missing_required_value'),
            ('amount < 0', 'negative_amount'),
            ('has_unknown_currency', 'unknown_currency'),
            ('spend_date > cast(' ~ future_cutoff() ~ ' as date)',
             'future_timestamp'),
        ]) }} as issues
    from normalized
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome('campaign_id, spend_date') }}
            as _row_outcome
    from checked
)

select * from final

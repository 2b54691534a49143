-- Every raw deal row, typed, with its issues and where it ends. Deals of an
-- opportunity that is not staged are orphans. Duplicate deal ids keep the
-- latest signed row.
with

source as (
    select * from {{ source('crm', 'deals') }}
),

currencies as (
    select distinct currency from {{ ref('fx_rates_monthly') }}
),

staged_opportunities as (
    select opportunity_id
    from {{ ref('base_crm__opportunities') }}
    where _row_outcome = 'staged'
),

parsed as (
    select
        {{ clean_key('deal_id') }} as deal_id,
        {{ clean_key('opportunity_id') }} as opportunity_id,
        {{ parse_timestamp('signed_at') }} as signed_at,
        nullif(trim(signed_at), '') as signed_at_text,
        {{ parse_amount('amount') }} as amount,
        nullif(trim(amount), '') as amount_text,
        upper({{ clean_text('currency') }}) as currency,
        cast({{ parse_amount('term_months') }} as integer) as term_months,
        _source_file,
        {{ row_hash([
            'deal_id', 'opportunity_id', 'signed_at', 'amount', 'currency',
            'term_months', '_source_file',
        ]) }} as _row_hash
    from source
),

normalized as (
    select
        parsed.*,
        staged_opportunities.opportunity_id is not null
            as is_known_opportunity,
        parsed.amount is null
        and parsed.amount_text is not null as has_unparseable_amount,
        parsed.currency is not null
        and currencies.currency is null as has_unknown_currency
    from parsed
    left join staged_opportunities
        on parsed.opportunity_id = staged_opportunities.opportunity_id
    left join currencies
        on parsed.currency = currencies.currency
),

checked as (
    select
        *,
        {{ issue_list([
            ('deal_id is null', 'null_key'),
            ('signed_at is null and signed_at_text is not null',
             'unparseable_timestamp'),
            ('opportunity_id is null or signed_at_text is null',
             'missing_required_value'),
            ('opportunity_id is not null and not is_known_opportunity',
             'orphan_reference'),
            ('amount < 0', 'negative_amount'),
            ('has_unknown_currency', 'unknown_currency'),
            ('signed_at > ' ~ future_cutoff(), 'future_timestamp'),
        ]) }} as issues
    from normalized
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome('deal_id', 'signed_at desc nulls last') }}
            as _row_outcome
    from checked
)

select * from final

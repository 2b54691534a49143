-- One row per deal (signed contract) of a staged opportunity.
select
    deal_id,
    opportunity_id,
    signed_at,
    amount,
    has_unparseable_amount,
    coalesce(currency, '{{ var("reporting_currency") }}') as currency,
    term_months,
    _source_file
from {{ ref('base_crm__deals') }}
where _row_outcome = 'staged'

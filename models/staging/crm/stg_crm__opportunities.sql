-- One row per opportunity: the latest staged version.
select
    opportunity_id,
    lead_id,
    source_lead_id,
    has_unknown_lead,
    created_at,
    updated_at,
    stage,
    is_closed,
    is_won,
    has_unknown_stage,
    amount,
    has_unparseable_amount,
    coalesce(currency, '{{ var("reporting_currency") }}') as currency,
    owner_id,
    closed_at,
    loss_reason,
    is_deleted,
    _source_file
from {{ ref('base_crm__opportunities') }}
where _row_outcome = 'staged'

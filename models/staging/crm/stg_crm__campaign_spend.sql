-- One row per campaign and day of spend.
select
    campaign_id,
    spend_date,
    amount,
    currency,
    _source_file
from {{ ref('base_crm__campaign_spend') }}
where _row_outcome = 'staged'

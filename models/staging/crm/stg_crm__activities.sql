-- One row per activity (touch) on a staged lead.
select
    activity_id,
    lead_id,
    occurred_at,
    activity_type,
    owner_team,
    category,
    is_nurture_type,
    is_unmapped_type,
    campaign_id,
    _source_file
from {{ ref('base_crm__activities') }}
where _row_outcome = 'staged'

-- One row per campaign.
select
    campaign_id,
    campaign_name,
    channel_label,
    channel,
    channel_group,
    program_type,
    started_at,
    ended_at,
    _source_file
from {{ ref('base_crm__campaigns') }}
where _row_outcome = 'staged'

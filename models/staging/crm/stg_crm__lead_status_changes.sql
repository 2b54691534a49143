-- One row per distinct status change (lead, status, time) of a staged lead.
select
    lead_id,
    status,
    changed_at,
    reason,
    status_label != status as is_repaired_status,
    _source_file
from {{ ref('base_crm__lead_status_changes') }}
where _row_outcome = 'staged'

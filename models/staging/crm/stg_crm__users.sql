-- One row per user (rep or marketer).
select
    user_id,
    full_name,
    team,
    region,
    manager_id,
    _source_file
from {{ ref('base_crm__users') }}
where _row_outcome = 'staged'

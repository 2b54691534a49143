-- Every raw status-change row, typed, with its issues and where it ends.
-- Exact repeats of (lead, status, time) are superseded; orphans need the
-- staged leads, so this model reads base_crm__leads.
with

source as (
    select * from {{ source('crm', 'lead_status_changes') }}
),

status_synonyms as (
    select
        raw_status,
        status
    from {{ ref('status_synonyms') }}
),

staged_leads as (
    select lead_id
    from {{ ref('base_crm__leads') }}
    where _row_outcome = 'staged'
),

parsed as (
    select
        {{ clean_key('lead_id') }} as lead_id,
        {{ normalize_label('status') }} as status_label,
        {{ parse_timestamp('changed_at') }} as changed_at,
        nullif(trim(changed_at), '') as changed_at_text,
        {{ clean_text('reason') }} as reason,
        _source_file,
        {{ row_hash(['lead_id', 'status', 'changed_at', 'reason',
                     '_source_file']) }} as _row_hash
    from source
),

normalized as (
    select
        parsed.*,
        status_synonyms.status,
        staged_leads.lead_id is not null as is_known_lead
    from parsed
    left join status_synonyms
        on parsed.status_label = status_synonyms.raw_status
    left join staged_leads
        on parsed.lead_id = staged_leads.lead_id
),

checked as (
    select
        *,
        {{ issue_list([
            ('lead_id is null', 'null_key'),
            ('changed_at is null and changed_at_text is not null',
             'unparseable_timestamp'),
            ('status_label is null or changed_at_text is null',
             'missing_required_value'),
            ('lead_id is not null and not is_known_lead', 'orphan_reference'),
            ('status_label is not null and status is null',
             'unknown_vocabulary'),
            ('changed_at > ' ~ future_cutoff(), 'future_timestamp'),
        ]) }} as issues
    from normalized
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome(
            'lead_id, status, changed_at', 'reason desc nulls last'
        ) }}
            as _row_outcome
    from checked
)

select * from final

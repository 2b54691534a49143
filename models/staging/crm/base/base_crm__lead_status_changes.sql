-- Every raw status-change row, typed, with its issues and where it ends.
-- Exact repeats of (lead, status, time) are superseded; orphans need the
-- staged leads, so this model reads base_crm__leads. Rows arrive parsed from
-- base_crm__lead_status_changes_parsed (incremental); what depends on other
-- rows, on seeds or on the run's clock is decided here. Incremental: a
-- refresh decides again only the leads whose status changes can have a new
-- outcome (macros/keys_to_rebuild.sql) and keeps the other rows.
{%- set seeds = ['status_synonyms', 'placeholder_values'] %}

{{ config(keyed_base_config(
    'lead_id', 'base_crm__lead_status_changes_parsed', 'changed_at', seeds
)) }}

with

parsed as (
    select
        lead_id,
        status_label,
        changed_at,
        changed_at_text,
        {{ clean_text('reason_text') }} as reason,
        _source_file,
        _file_version,
        _row_hash
    from {{ ref('base_crm__lead_status_changes_parsed') }}
    {{- where_key_to_rebuild('lead_id') }}
),

-- (lead, time) pairs with more than one raw row, a superset of the repeated
-- (lead, status, time) keys: only their rows are ranked (a window over every
-- row cost more than the rest of the model together).
keys_with_versions as (
    {{ keys_with_versions(
        ref('base_crm__lead_status_changes_parsed'),
        ['lead_id', 'changed_at'],
        'lead_id',
    ) }}
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

normalized as (
    select
        parsed.*,
        status_synonyms.status,
        staged_leads.lead_id is not null as is_known_lead,
        keys_with_versions.lead_id is not null as has_versions
    from parsed
    left join status_synonyms
        on parsed.status_label = status_synonyms.raw_status
    left join staged_leads
        on parsed.lead_id = staged_leads.lead_id
    left join keys_with_versions
        on
            parsed.lead_id = keys_with_versions.lead_id
            and parsed.changed_at = keys_with_versions.changed_at
),

checked as (
    select
        *,
        {{ issue_list([
            ('lead_id is null', 'null_key'),
            ('changed_at is null and changed_at_text is not null',
             'unparseable_timestamp'),
            ('status_label is null'
             ~ ' or (changed_at is null and changed_at_text is null)',
             'missing_required_value'),
            ('lead_id is not null and not is_known_lead', 'orphan_reference'),
            ('status_label is not null and status is null',
             'unknown_vocabulary'),
            ('changed_at > ' ~ future_cutoff(), 'future_timestamp'),
        ]) }} as issues
    from normalized
),

outcomes as (
    {{ versioned_outcomes(
        'checked', 'lead_id, status, changed_at', 'reason desc nulls last'
    ) }}
),

final as (
    select
        lead_id,
        status_label,
        changed_at,
        changed_at_text,
        reason,
        _source_file,
        _file_version,
        _row_hash,
        '{{ base_logic_signature(seeds) }}' as _logic_version,
        status,
        is_known_lead,
        issues,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        _row_outcome
    from outcomes
)

select * from final

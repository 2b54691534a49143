-- Every raw activity row, typed, with its issues and where it ends.
-- owner_team and category come from seeds/activity_types.csv; an unmapped type
-- keeps the row's owner_team, else marketing. Rows arrive parsed from
-- base_crm__activities_parsed (incremental); what depends on other rows
-- (orphans, versions), on seeds or on the run's clock is decided here.
-- Incremental: a refresh decides again only the activity ids whose outcome
-- can change (macros/keys_to_rebuild.sql) and keeps the other rows.
{%- set seeds = ['activity_types', 'placeholder_values'] %}

{{ config(keyed_base_config(
    'activity_id', 'base_crm__activities_parsed', 'occurred_at', seeds
)) }}

with

parsed as (
    select
        activity_id,
        lead_id,
        occurred_at,
        occurred_at_text,
        activity_type,
        lower({{ clean_text('owner_team_text') }}) as owner_team_raw,
        campaign_id,
        _source_file,
        _file_version,
        _row_hash
    from {{ ref('base_crm__activities_parsed') }}
    {{- where_key_to_rebuild('activity_id') }}
),

-- Keys with more than one raw row: only their rows are ranked (a window over
-- every row cost more than the rest of the model together).
keys_with_versions as (
    {{ keys_with_versions(
        ref('base_crm__activities_parsed'), ['activity_id'], 'activity_id'
    ) }}
),

activity_types as (
    select
        activity_type,
        owner_team,
        category,
        is_nurture_touch
    from {{ ref('activity_types') }}
),

staged_leads as (
    select lead_id
    from {{ ref('base_crm__leads') }}
    where _row_outcome = 'staged'
),

normalized as (
    select
        parsed.*,
        coalesce(
            activity_types.owner_team, parsed.owner_team_raw, 'marketing'
        ) as owner_team,
        coalesce(
            activity_types.category,
            case
                when
                    coalesce(parsed.owner_team_raw, 'marketing') = 'sales'
                    then 'sales_touch'
                else 'engagement'
            end
        ) as category,
        coalesce(activity_types.is_nurture_touch, false) as is_nurture_type,
        parsed.activity_type is not null
        and activity_types.activity_type is null as is_unmapped_type,
        staged_leads.lead_id is not null as is_known_lead,
        keys_with_versions.activity_id is not null as has_versions
    from parsed
    left join activity_types
        on parsed.activity_type = activity_types.activity_type
    left join staged_leads
        on parsed.lead_id = staged_leads.lead_id
    left join keys_with_versions
        on parsed.activity_id = keys_with_versions.activity_id
),

checked as (
    select
        *,
        {{ issue_list([
            ('activity_id is null', 'null_key'),
            ('occurred_at is null and occurred_at_text is not null',
             'unparseable_timestamp'),
            ('lead_id is null'
             ~ ' or (occurred_at is null and occurred_at_text is null)',
             'missing_required_value'),
            ('lead_id is not null and not is_known_lead', 'orphan_reference'),
            ('occurred_at > ' ~ future_cutoff(), 'future_timestamp'),
        ]) }} as issues
    from normalized
),

outcomes as (
    {{ versioned_outcomes(
        'checked', 'activity_id', 'occurred_at desc nulls last'
    ) }}
),

final as (
    select
        activity_id,
        lead_id,
        occurred_at,
        occurred_at_text,
        activity_type,
        owner_team_raw,
        campaign_id,
        _source_file,
        _file_version,
        _row_hash,
        '{{ base_logic_signature(seeds) }}' as _logic_version,
        owner_team,
        category,
        is_nurture_type,
        is_unmapped_type,
        is_known_lead,
        issues,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        _row_outcome
    from outcomes
)

select * from final

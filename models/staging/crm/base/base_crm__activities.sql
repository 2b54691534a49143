-- Every raw activity row, typed, with its issues and where it ends.
-- owner_team and category come from seeds/activity_types.csv; an unmapped type
-- keeps the row's owner_team, else marketing.
with

source as (
    select * from {{ source('crm', 'activities') }}
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

parsed as (
    select
        {{ clean_key('activity_id') }} as activity_id,
        {{ clean_key('lead_id') }} as lead_id,
        {{ parse_timestamp('occurred_at') }} as occurred_at,
        nullif(trim(occurred_at), '') as occurred_at_text,
        replace({{ normalize_label('activity_type') }}, ' ', '_')
            as activity_type,
        lower({{ clean_text('owner_team') }}) as owner_team_raw,
        {{ clean_key('campaign_id') }} as campaign_id,
        _source_file,
        {{ row_hash([
            'activity_id', 'lead_id', 'occurred_at', 'activity_type',
            'owner_team', 'campaign_id', '_source_file',
        ]) }} as _row_hash
    from source
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
        staged_leads.lead_id is not null as is_known_lead
    from parsed
    left join activity_types
        on parsed.activity_type = activity_types.activity_type
    left join staged_leads
        on parsed.lead_id = staged_leads.lead_id
),

checked as (
    select
        *,
        {{ issue_list([
            ('activity_id is null', 'null_key'),
            ('occurred_at is null and occurred_at_text is not null',
             'unparseable_timestamp'),
            ('lead_id is null or occurred_at_text is null',
             'missing_required_value'),
            ('lead_id is not null and not is_known_lead', 'orphan_reference'),
            ('occurred_at > ' ~ future_cutoff(), 'future_timestamp'),
        ]) }} as issues
    from normalized
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome('activity_id', 'occurred_at desc nulls last') }}
            as _row_outcome
    from checked
)

select * from final

-- Every raw campaign row, typed, with its issues and where it ends.
-- Campaign dates may lie in the future (planned campaigns): no future check.
with

source as (
    select * from {{ source('crm', 'campaigns') }}
),

channel_mapping as (
    select
        raw_label,
        channel,
        channel_group
    from {{ ref('channel_mapping') }}
),

parsed as (
    select
        {{ clean_key('campaign_id') }} as campaign_id,
        {{ clean_text('campaign_name') }} as campaign_name,
        {{ clean_text('channel') }} as channel_label,
        {{ normalize_label('program_type') }} as program_type_label,
        {{ parse_timestamp('started_at') }} as started_at,
        {{ parse_timestamp('ended_at') }} as ended_at,
        nullif(trim(started_at), '') as started_at_text,
        nullif(trim(ended_at), '') as ended_at_text,
        _source_file,
        {{ row_hash([
            'campaign_id', 'campaign_name', 'channel', 'program_type',
            'started_at', 'ended_at', '_source_file',
        ]) }} as _row_hash
    from source
),

normalized as (
    select
        parsed.*,
        case
            when parsed.channel_label is null then 'unknown'
            else coalesce(channel_mapping.channel, 'other')
        end as channel,
        case
            when parsed.channel_label is null then 'unknown'
            else coalesce(channel_mapping.channel_group, 'other')
        end as channel_group,
        case
            when parsed.program_type_label in ('acquisition', 'nurture')
                then parsed.program_type_label
        end as program_type
    from parsed
    left join channel_mapping
        on {{ normalize_label('parsed.channel_label') }}
            = channel_mapping.raw_label
),

checked as (
    select
        *,
        {{ issue_list([
            ('campaign_id is null', 'null_key'),
            ('(started_at is null and started_at_text is not null)'
             ~ ' or (ended_at is null and ended_at_text is not null)',
             'unparseable_timestamp'),
        ]) }} as issues
    from normalized
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome('campaign_id', 'started_at desc nulls last') }}
            as _row_outcome
    from checked
)

select * from final

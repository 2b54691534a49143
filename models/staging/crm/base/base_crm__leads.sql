-- Every raw lead row, typed and normalized, with its issues and where it ends.
-- Rows arrive parsed from base_crm__leads_parsed (incremental); what depends
-- on other rows (versions), on seeds or on the run's clock is decided here.
-- Incremental: a refresh decides again only the leads whose outcome can
-- change (macros/keys_to_rebuild.sql) and keeps the other rows.
{%- set seeds = [
    'channel_mapping', 'status_synonyms', 'country_names',
    'seniority_patterns', 'placeholder_values',
] %}

{#- created_at or updated_at after the cutoff is a future_timestamp: the
    later of the two is checked (updated_at falls back to created_at) -#}
{{ config(keyed_base_config(
    'lead_id', 'base_crm__leads_parsed', 'greatest(created_at, updated_at)',
    seeds, lead_rule=false
)) }}

with

channel_mapping as (
    select
        raw_label,
        channel,
        channel_group
    from {{ ref('channel_mapping') }}
),

status_synonyms as (
    select
        raw_status,
        status
    from {{ ref('status_synonyms') }}
),

country_names as (
    select
        country_name,
        country_code
    from {{ ref('country_names') }}
),

seniority_patterns as (
    select
        pattern,
        seniority,
        priority
    from {{ ref('seniority_patterns') }}
),

-- placeholder text (a seed) becomes null here, not in the incremental parse
parsed as (
    select
        lead_id,
        created_at,
        updated_at_parsed,
        created_at_text,
        updated_at_text,
        email,
        {{ clean_text('full_name_text') }} as full_name,
        {{ clean_text('company_name_text') }} as company_name,
        {{ clean_text('job_title_text') }} as job_title,
        lower({{ clean_text('industry_text') }}) as industry,
        employee_count_parsed,
        {{ clean_text('country_text') }} as country,
        {{ clean_text('lead_source_text') }} as lead_source,
        campaign_id,
        owner_id,
        lead_score_parsed,
        status_label,
        {{ clean_text('disqualification_reason_text') }}
            as disqualification_reason,
        is_deleted,
        _source_file,
        _file_version,
        _row_hash
    from {{ ref('base_crm__leads_parsed') }}
    {{- where_key_to_rebuild('lead_id') }}
),

-- Leads with more than one raw row (11% of them at 1M): only their rows are
-- ranked, as in base_crm__activities (docs/BENCHMARKS.md, item 34).
keys_with_versions as (
    {{ keys_with_versions(
        ref('base_crm__leads_parsed'), ['lead_id'], 'lead_id'
    ) }}
),

job_titles_ranked as (
    select
        titles.job_title,
        seniority_patterns.seniority,
        row_number() over (
            partition by titles.job_title
            order by seniority_patterns.priority
        ) as match_rank
    from (select distinct job_title from parsed) as titles
    inner join seniority_patterns
        on {{ regexp_found(
            'titles.job_title', 'seniority_patterns.pattern',
            case_insensitive=true
        ) }}
),

normalized as (
    select
        parsed.*,
        coalesce(parsed.updated_at_parsed, parsed.created_at) as updated_at,
        coalesce(
            {{ regexp_found(
                'parsed.email', "'^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$'"
            ) }},
            false
        ) as is_valid_email,
        coalesce(job_titles_ranked.seniority, 'unknown') as seniority,
        case
            when parsed.employee_count_parsed >= 0
                then cast(parsed.employee_count_parsed as integer)
        end as employee_count,
        case
            when length(parsed.country) = 2
                then upper(parsed.country)
            else country_names.country_code
        end as country_code,
        case
            when parsed.lead_source is null then 'unknown'
            else coalesce(channel_mapping.channel, 'other')
        end as channel,
        case
            when parsed.lead_source is null then 'unknown'
            else coalesce(channel_mapping.channel_group, 'other')
        end as channel_group,
        parsed.lead_source is not null
        and channel_mapping.channel is null as is_unmapped_source,
        case
            when parsed.lead_score_parsed between 0 and 100
                then parsed.lead_score_parsed
        end as lead_score,
        parsed.lead_score_parsed is not null
        and not parsed.lead_score_parsed between 0 and 100
            as has_invalid_score,
        status_synonyms.status,
        parsed.status_label is not null
        and status_synonyms.status is null as has_unknown_status,
        keys_with_versions.lead_id is not null as has_versions
    from parsed
    left join job_titles_ranked
        on
            parsed.job_title = job_titles_ranked.job_title
            and job_titles_ranked.match_rank = 1
    left join channel_mapping
        on {{ normalize_label('parsed.lead_source') }}
            = channel_mapping.raw_label
    left join country_names
        on lower(parsed.country) = country_names.country_name
    left join status_synonyms
        on parsed.status_label = status_synonyms.raw_status
    left join keys_with_versions
        on parsed.lead_id = keys_with_versions.lead_id
),

checked as (
    select
        *,
        {{ issue_list([
            ('lead_id is null', 'null_key'),
            ('(created_at is null and created_at_text is not null)'
             ~ ' or (updated_at_parsed is null'
             ~ ' and updated_at_text is not null)',
             'unparseable_timestamp'),
            ('created_at is null and created_at_text is null',
             'missing_required_value'),
            ('created_at > ' ~ future_cutoff()
             ~ ' or updated_at_parsed > ' ~ future_cutoff(),
             'future_timestamp'),
        ]) }} as issues
    from normalized
),

outcomes as (
    {{ versioned_outcomes(
        'checked',
        'lead_id',
        'updated_at desc nulls last, created_at desc nulls last',
    ) }}
),

-- the parse's intermediate columns (updated_at_parsed, employee_count_parsed,
-- lead_score_parsed, status_label) are not written: 6% of the model's time
final as (
    select
        lead_id,
        created_at,
        updated_at,
        created_at_text,
        updated_at_text,
        email,
        is_valid_email,
        full_name,
        company_name,
        job_title,
        seniority,
        industry,
        employee_count,
        country,
        country_code,
        lead_source,
        channel,
        channel_group,
        is_unmapped_source,
        campaign_id,
        owner_id,
        lead_score,
        has_invalid_score,
        status,
        has_unknown_status,
        disqualification_reason,
        is_deleted,
        _source_file,
        _file_version,
        _row_hash,
        '{{ base_logic_signature(seeds) }}' as _logic_version,
        issues,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        _row_outcome
    from outcomes
)

select * from final

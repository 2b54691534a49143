-- One row per raw lead row, parsed: keys, timestamps, numbers and flags
-- typed, text trimmed, nothing that depends on other rows, seeds or the
-- run's clock (placeholders, channel, country, seniority and status lookups,
-- versions and quarantine are base_crm__leads). Incremental by landing file,
-- like base_crm__activities_parsed.
{#- The parse, rendered: its md5 is part of each loaded file's version, so a
    change to this model or to a macro it calls reparses every file. -#}
{%- set parse_columns %}
    {{ clean_key('lead_id') }} as lead_id,
    {{ parse_timestamp('created_at') }} as created_at,
    {{ parse_timestamp('updated_at') }} as updated_at_parsed,
    -- the raw text only where it did not parse, as in the activities' parse
    case
        when {{ parse_timestamp('created_at') }} is null
            then nullif(trim(created_at), '')
    end as created_at_text,
    case
        when {{ parse_timestamp('updated_at') }} is null
            then nullif(trim(updated_at), '')
    end as updated_at_text,
    lower(trim(email)) as email,
    -- trimmed only: placeholders (a seed) are nulled in base_crm__leads
    nullif(trim(full_name), '') as full_name_text,
    nullif(trim(company_name), '') as company_name_text,
    nullif(trim(job_title), '') as job_title_text,
    nullif(trim(industry), '') as industry_text,
    {{ parse_amount('employee_count') }} as employee_count_parsed,
    nullif(trim(country), '') as country_text,
    nullif(trim(lead_source), '') as lead_source_text,
    {{ clean_key('campaign_id') }} as campaign_id,
    {{ clean_key('owner_id') }} as owner_id,
    {{ dbt.safe_cast('trim(lead_score)', 'double') }} as lead_score_parsed,
    {{ normalize_label('status') }} as status_label,
    nullif(trim(disqualification_reason), '') as disqualification_reason_text,
    coalesce({{ parse_boolean('is_deleted') }}, false) as is_deleted,
    _source_file,
    _file_version,
    {{ row_hash([
        'lead_id', 'created_at', 'updated_at', 'email', 'full_name',
        'company_name', 'job_title', 'industry', 'employee_count',
        'country', 'lead_source', 'campaign_id', 'owner_id',
        'lead_score', 'status', 'disqualification_reason', 'is_deleted',
        '_source_file',
    ]) }} as _row_hash
{%- endset %}
{%- set signature = landing_parse_signature(parse_columns) %}
{%- set files = landing_files_to_load('leads', signature) %}

{{ config(landing_parse_config('leads')) }}

with

source as (
    {{ landing_rows_to_parse('leads', files, signature) }}
),

parsed as (
    select
        {{ parse_columns | trim }}
    from source
),

final as (
    select * from parsed
)

select * from final

-- One row per raw activity row, parsed: keys, timestamp and labels typed,
-- nothing that depends on other rows, seeds or the run's clock (that is
-- base_crm__activities). Incremental by landing file: a daily drop adds a
-- file, and only new or changed files are parsed (macros
-- landing_files_to_load, delete_outdated_landing_rows). The signature makes
-- a change to this parser, to a macro it calls or to
-- var('extra_timestamp_formats') reparse all.
{#- The parse, rendered: its md5 is part of each loaded file's version. -#}
{%- set parse_columns %}
    {{ clean_key('activity_id') }} as activity_id,
    {{ clean_key('lead_id') }} as lead_id,
    {{ parse_timestamp('occurred_at') }} as occurred_at,
    -- the raw text only where it did not parse (occurred_at holds the rest):
    -- what the quarantine needs, and 7.8M fewer strings written at 1M leads
    case
        when {{ parse_timestamp('occurred_at') }} is null
            then nullif(trim(occurred_at), '')
    end as occurred_at_text,
    {{ normalize_label('activity_type', '_') }} as activity_type,
    nullif(trim(owner_team), '') as owner_team_text,
    {{ clean_key('campaign_id') }} as campaign_id,
    _source_file,
    _file_version,
    {{ row_hash([
        'activity_id', 'lead_id', 'occurred_at', 'activity_type',
        'owner_team', 'campaign_id', '_source_file',
    ]) }} as _row_hash
{%- endset %}
{%- set signature = landing_parse_signature(parse_columns) %}
{%- set files = landing_files_to_load('activities', signature) %}

{{ config(landing_parse_config('activities')) }}

with

source as (
    {{ landing_rows_to_parse('activities', files, signature) }}
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

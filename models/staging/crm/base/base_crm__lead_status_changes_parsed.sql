-- One row per raw status-change row, parsed: key, label and timestamp typed,
-- nothing that depends on other rows, seeds or the run's clock (that is
-- base_crm__lead_status_changes). Incremental by landing file, like
-- base_crm__activities_parsed.
{#- The parse, rendered: its md5 is part of each loaded file's version, so a
    change to this model or to a macro it calls reparses every file. -#}
{%- set parse_columns %}
    {{ clean_key('lead_id') }} as lead_id,
    {{ normalize_label('status') }} as status_label,
    {{ parse_timestamp('changed_at') }} as changed_at,
    -- the raw text only where it did not parse, as in the activities' parse
    case
        when {{ parse_timestamp('changed_at') }} is null
            then nullif(trim(changed_at), '')
    end as changed_at_text,
    nullif(trim(reason), '') as reason_text,
    _source_file,
    _file_version,
    {{ row_hash(['lead_id', 'status', 'changed_at', 'reason',
                 '_source_file']) }} as _row_hash
{%- endset %}
{%- set signature = landing_parse_signature(parse_columns) %}
{%- set files = landing_files_to_load('lead_status_changes', signature) %}

{{ config(landing_parse_config('lead_status_changes')) }}

with

source as (
    {{ landing_rows_to_parse('lead_status_changes', files, signature) }}
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

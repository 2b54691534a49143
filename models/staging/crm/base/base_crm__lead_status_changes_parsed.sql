-- One row per raw status-change row, parsed: key, label and timestamp typed,
-- nothing that depends on other rows, seeds or the run's clock (that is
-- base_crm__lead_status_changes). Incremental by landing file, like
-- base_crm__activities_parsed.
{%- set signature = local_md5(
    model.raw_code ~ tojson(var('extra_timestamp_formats', []))
) %}
{%- set files = landing_files_to_load('lead_status_changes', signature) %}

{#- Spark without Delta cannot delete rows (the pre-hook): it rebuilds the
    table in full, which a cluster can afford. -#}
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook="{{ delete_outdated_landing_rows('lead_status_changes', '"
        ~ signature ~ "') }}",
) }}

with

{% if files is not none -%}
files_to_load as (
    {%- for file, version in files %}
        select
            '{{ file | replace("'", "''") }}' as source_file,
            '{{ version }}' as file_version
        {{ 'union all' if not loop.last }}
    {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as source_file,
            cast(null as {{ dbt.type_string() }}) as file_version
        where false
    {%- endfor %}
),
{%- endif %}

source as (
    select
        landing.*,
        {%- if files is not none %}
            files_to_load.file_version as _file_version
        {%- else %}
            cast(null as {{ dbt.type_string() }}) as _file_version
        {%- endif %}
    from {{ source('crm', 'lead_status_changes') }} as landing
    {%- if files is not none %}
        inner join files_to_load
            on landing._source_file = files_to_load.source_file
        -- constants, so that DuckDB skips the files already loaded
        where landing._source_file in (
            {%- for file, version in files %}
                '{{ file | replace("'", "''") }}'
                {{- ', ' if not loop.last }}
            {%- else %}
                null
            {%- endfor %}
        )
    {%- endif %}
),

parsed as (
    select
        {{ clean_key('lead_id') }} as lead_id,
        {{ normalize_label('status') }} as status_label,
        {{ parse_timestamp('changed_at') }} as changed_at,
        nullif(trim(changed_at), '') as changed_at_text,
        nullif(trim(reason), '') as reason_text,
        _source_file,
        _file_version,
        {{ row_hash(['lead_id', 'status', 'changed_at', 'reason',
                     '_source_file']) }} as _row_hash
    from source
),

final as (
    select * from parsed
)

select * from final

{#- The files of one landing table as they are now: one row per file with
    source_file and file_version, a fingerprint of the file's size and
    modification time (landing._landing_files, written by `funnel build`
    before dbt runs) and of `signature` (the parsing code), so a rewritten
    file or a changed parser counts as a new file. Without that table every
    run is a new version: incremental models then reparse everything. -#}
{% macro landing_file_versions(table_name, signature) -%}
    {%- set landing = source('crm', table_name) -%}
    {%- set files = none -%}
    {%- if execute -%}
        {%- set files = adapter.get_relation(
            database=landing.database,
            schema=landing.schema,
            identifier='_landing_files',
        ) -%}
    {%- endif -%}
    {%- if files is not none %}
        select
            source_file,
            {{ dbt.hash(dbt.concat([
                dbt.safe_cast('size_bytes', dbt.type_string()), "'|'",
                dbt.safe_cast('modified_at', dbt.type_string()), "'|'",
                "'" ~ signature ~ "'",
            ])) }} as file_version
        from {{ files }}
        where table_name = '{{ table_name }}'
    {%- else %}
        select distinct
            _source_file as source_file,
            '{{ signature }}|{{ invocation_id }}' as file_version
        from {{ landing }}
    {%- endif %}
{%- endmacro %}

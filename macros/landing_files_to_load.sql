{#- The [source_file, file_version] pairs an incremental parse model must
    load: every current file (landing_file_versions) when the model is built
    in full, else those whose version it has not loaded yet. None when the
    SQL is not run against a registered landing zone (parsing, unit tests,
    linting): the model then reads every row. -#}
{% macro landing_files_to_load(table_name, signature) -%}
    {%- if not execute or model.resource_type != 'model' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set landing = source('crm', table_name) -%}
    {%- if adapter.get_relation(
        database=landing.database,
        schema=landing.schema,
        identifier=landing.identifier,
    ) is none -%}
        {#- no landing zone registered (sqlfluff's lint target) -#}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        with

        current_files as (
            {{ landing_file_versions(table_name, signature) }}
        )

        {%- if is_incremental() %},

        loaded_files as (
            select distinct
                _source_file,
                _file_version
            from {{ this }}
        )
        {%- endif %}

        select
            current_files.source_file,
            current_files.file_version
        from current_files
        {%- if is_incremental() %}
        left join loaded_files
            on
                current_files.source_file = loaded_files._source_file
                and current_files.file_version = loaded_files._file_version
        where loaded_files._source_file is null
        {%- endif %}
        order by current_files.source_file
    {%- endset -%}
    {%- set files = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do files.append([row[0], row[1]]) -%}
    {%- endfor -%}
    {{ return(files) }}
{%- endmacro %}

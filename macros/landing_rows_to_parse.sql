{#- The raw rows an incremental parse model reads: every column of the
    landing table plus `_file_version`, limited to `files` (from
    landing_files_to_load) or, when `files` is none (parsing, unit tests,
    linting), every row with a null `_file_version`. -#}
{% macro landing_rows_to_parse(table_name, files) -%}
    select
        landing.*,
        {%- if files is not none %}
            files_to_load.file_version as _file_version
        {%- else %}
            cast(null as {{ dbt.type_string() }}) as _file_version
        {%- endif %}
    from {{ source('crm', table_name) }} as landing
    {%- if files is not none %}
        inner join (
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
        ) as files_to_load
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
{%- endmacro %}

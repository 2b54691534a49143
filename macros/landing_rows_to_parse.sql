{#- The raw rows an incremental parse model reads: every column of the
    landing table plus `_file_version`, limited to `files` (from
    landing_files_to_load) or, when `files` is none (parsing, unit tests,
    linting), every row with a null `_file_version`. `signature` is the
    model's landing_parse_signature: written in a comment, where the
    pre-hook delete_outdated_landing_rows reads it. -#}
{% macro landing_rows_to_parse(table_name, files, signature) -%}
    {{ landing_parse_signature_marker(signature) }}
    select
        landing.*,
        {%- if files %}
            case landing._source_file
                {%- for file, version in files %}
                    when '{{ file | replace("'", "''") }}' then '{{ version }}'
                {%- endfor %}
            end as _file_version
        {%- else %}
            cast(null as {{ dbt.type_string() }}) as _file_version
        {%- endif %}
    from {{ source('crm', table_name) }} as landing
    {%- if files is not none %}
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

{#- Pre-hook of an incremental parse model: delete the rows of files that
    are gone from the landing zone or have changed since they were loaded
    (a new version is loaded by the model itself). Nothing on a full build. -#}
{% macro delete_outdated_landing_rows(table_name, signature) -%}
    {%- if execute and is_incremental() -%}
        {%- set current_files = run_query(
            landing_file_versions(table_name, signature)
        ).rows -%}
        delete from {{ this }}
        where
            {{ dbt.concat(['_source_file', "'|'", '_file_version']) }}
            not in (
                '' {%- for row in current_files %},
                '{{ (row[0] ~ "|" ~ row[1]) | replace("'", "''") }}'
                {%- endfor %}
            )
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental parse model: delete the rows of files that
    are gone from the landing zone or have changed since they were loaded
    (a new version is loaded by the model itself). Nothing on a full build.
    The parse signature is read from the model's SQL as compiled for this
    run (landing_rows_to_parse writes it there), not passed in the config:
    dbt renders a config when it parses the model, and partial parsing can
    keep that value after a macro the parse calls has changed (dbt-core
    #4364). A stale signature here would delete the rows of every file the
    model then does not load again. -#}
{% macro delete_outdated_landing_rows(table_name) -%}
    {%- if execute and is_incremental() -%}
        {%- set current_files = run_query(
            landing_file_versions(table_name, compiled_parse_signature())
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

{#- The landing parse signature in the SQL compiled for this model and run. -#}
{% macro compiled_parse_signature() -%}
    {%- set found = modules.re.findall(
        landing_parse_signature_marker('([0-9a-f]{32})'), model.compiled_code or ''
    ) | unique | list -%}
    {%- if found | length != 1 -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": expected one landing parse signature in its compiled "
            ~ "SQL, found " ~ (found | length) ~ "; an incremental parse model must "
            ~ "read its rows with landing_rows_to_parse(table_name, files, signature)"
        ) }}
    {%- endif -%}
    {{ return(found[0]) }}
{%- endmacro %}

{#- The comment that carries a parse signature in a model's compiled SQL. -#}
{% macro landing_parse_signature_marker(signature) -%}
    {{ return('-- landing parse signature: ' ~ signature) }}
{%- endmacro %}

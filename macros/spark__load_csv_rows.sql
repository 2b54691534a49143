{#- Seeds on Spark. dbt-spark inserts the rows dbt parsed with agate, which
    reads the text "null" as a null (seeds/placeholder_values.csv lists
    "null" as a placeholder; DuckDB reads it as text) and formats each value
    into the SQL without Spark's escaping (a quote breaks the insert, the
    backslashes of seniority_patterns' \b are read as escapes). With the
    session method Spark shares the machine, so it reads the seed file
    itself, as DuckDB does: empty fields are null, all else is text, cast to
    the column's type. On a remote cluster (which cannot see the file) the
    parsed rows are inserted as Spark string literals, quotes and
    backslashes escaped. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set types = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- do types.append(column_override.get(
            col_name, adapter.convert_type(agate_table, loop.index0)
        )) -%}
    {%- endfor -%}
    {#- dbt shows no connection method to macros; the session method has no
        host (profiles.yml: host NA) -#}
    {%- if target.host in (none, '', 'NA') -%}
        {{ return(_spark_seed_from_file(model, agate_table, types)) }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    {%- if value is none -%}
                        cast(null as {{ types[loop.index0] }})
                    {%- else -%}
                        cast({{ _spark_string(value) }} as {{ types[loop.index0] }})
                    {%- endif -%}
                    {{ ', ' if not loop.last }}
                {%- endfor -%}
                ){{ ',' if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{% macro _spark_string(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro _spark_seed_from_file(model, agate_table, types) %}
    {%- set path = model.root_path ~ '/' ~ model.original_file_path -%}
    {%- set view = '_seed_' ~ model.name -%}
    {%- set delimiter = model['config'].get('delimiter') or ',' -%}
    {%- set read -%}
        create or replace temporary view {{ view }}
        using csv
        options (
            path {{ _spark_string(path) }},
            header 'true',
            sep {{ _spark_string(delimiter) }},
            quote '"',
            escape '"',
            multiLine 'true',
            mode 'FAILFAST'
        )
    {%- endset -%}
    {%- do adapter.add_query(read, abridge_sql_log=True) -%}
    {%- set sql -%}
        insert into {{ this.render() }}
        select
            {%- for col_name in agate_table.column_names %}
            cast(`{{ col_name }}` as {{ types[loop.index0] }})
            {{- ',' if not loop.last }}
            {%- endfor %}
        from {{ view }}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- do adapter.add_query('drop view if exists ' ~ view) -%}
    {{ return(sql) }}
{% endmacro %}

{#- The value of each column of a unit test's given and expected rows, cast
    to the column's type. dbt's own format_row (global_project,
    unit_test_sql/get_fixture_sql.sql) casts with safe_cast, which this
    project makes try_cast (safe_cast.sql) so that bad raw values are
    quarantined: in a fixture, that turned a mistyped value (a 32nd of
    January, "1,200" in a number column) into a silent null, and the test
    checked something other than what its author wrote. dbt calls format_row
    by name, so this version, in the root project, is the one used: a value
    that does not fit its column fails the test with the engine's conversion
    error, which names the value. -#}
{%- macro format_row(row, column_name_to_data_types) -%}
    {%- set formatted = {} -%}
    {%- for given_name, value in row.items() -%}
        {%- set column_name = given_name | lower -%}
        {%- if column_name not in column_name_to_data_types -%}
            {%- set fixture = 'the expected output' if model.resource_type == 'unit_test'
                else "input '" ~ model.name ~ "'" -%}
            {{ exceptions.raise_compiler_error(
                "Unit test fixture for " ~ fixture ~ ": no column '" ~ column_name
                ~ "'. Its columns are: "
                ~ (column_name_to_data_types.keys() | list | join(', '))) }}
        {%- endif -%}
        {%- set column_type = column_name_to_data_types[column_name] -%}
        {%- if value is string -%}
            {#- no length on a text type: a longer value would be cut short -#}
            {%- if 'varying' in column_type -%}
                {%- set column_type = column_type.split('(')[0] -%}
            {%- endif -%}
            {%- set literal = dbt.string_literal(dbt.escape_single_quotes(value)) -%}
        {%- elif value is none -%}
            {%- set literal = 'null' -%}
        {%- else -%}
            {%- set literal = value -%}
        {%- endif -%}
        {%- do formatted.update({column_name: dbt.cast(literal, column_type)}) -%}
    {%- endfor -%}
    {{ return(formatted) }}
{%- endmacro -%}

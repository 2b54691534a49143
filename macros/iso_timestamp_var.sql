{#- The value of a date/timestamp var as text, checked to be ISO-8601 (a date,
    optionally a time, in UTC: no offset); none when the var is unset. Anything
    else (a quote, a semicolon, a word) fails compilation with a message
    naming the var, so no var value can change the SQL that runs. -#}
{% macro iso_timestamp_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- set pattern = '\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?' -%}
    {%- if not modules.re.fullmatch(pattern, text) -%}
        {{ exceptions.raise_compiler_error(
            "var '" ~ name ~ "' must be an ISO-8601 date or UTC timestamp such as "
            ~ "2025-06-30 or 2025-06-30T18:00:00, not " ~ (text | tojson)
        ) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

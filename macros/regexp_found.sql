{#- True when the regular expression `pattern` (a SQL expression: a column
    or a string literal written the standard way, backslashes as they are)
    matches anywhere in `text`; null when either is null. -#}
{% macro regexp_found(text, pattern, case_insensitive=false) -%}
    {{ return(adapter.dispatch('regexp_found', 'lead_funnel')(
        text, pattern, case_insensitive
    )) }}
{%- endmacro %}

{% macro default__regexp_found(text, pattern, case_insensitive) -%}
    regexp_matches(
        {{ text }}, {{ pattern }}{{ ", 'i'" if case_insensitive }}
    )
{%- endmacro %}

{#- Spark string literals treat a backslash as an escape, so the literal's
    backslashes are doubled; (?i) is Java's case-insensitive flag. -#}
{% macro spark__regexp_found(text, pattern, case_insensitive) -%}
    {%- set pattern = pattern | replace('\\', '\\\\') -%}
    {%- if case_insensitive -%}
        ({{ text }} rlike concat('(?i)', {{ pattern }}))
    {%- else -%}
        ({{ text }} rlike {{ pattern }})
    {%- endif -%}
{%- endmacro %}

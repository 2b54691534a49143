{#- Every match of the regular expression `pattern` (a string literal
    written the standard way) in `text` replaced by `replacement`. -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'lead_funnel')(
        text, pattern, replacement
    )) }}
{%- endmacro %}

{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Spark replaces every match by default; its literals need doubled
    backslashes (see regexp_found). -#}
{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace(
        {{ text }},
        {{ pattern | replace('\\', '\\\\') }},
        {{ replacement | replace('\\', '\\\\') }}
    )
{%- endmacro %}

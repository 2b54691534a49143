{#- A fingerprint of a raw row (all its text columns), used to break ties
    deterministically between versions that are otherwise equal, and shown in
    audit_quarantine. Null columns count as a value of their own. -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'lead_funnel')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    md5(concat_ws(
        '|'
        {%- for column in columns %},
        coalesce({{ column }}, '<null>')
        {%- endfor %}
    ))
{%- endmacro %}

{#- DuckDB's 64-bit hash() of the columns: at 1M leads it wrote the two
    activity models 3.7 s faster than a 32-character md5 text, which DuckDB
    cannot compress (docs/BENCHMARKS.md). -#}
{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

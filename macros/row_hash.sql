{#- A stable fingerprint of a raw row (all its text columns), used only to break
    ties deterministically between versions that are otherwise equal. -#}
{% macro row_hash(columns) -%}
    md5(concat_ws(
        '|'
        {%- for column in columns %},
        coalesce({{ column }}, '<null>')
        {%- endfor %}
    ))
{%- endmacro %}

{#- A label for lookups in the mapping seeds: lower case, runs of spaces,
    underscores and dashes folded to one space ("Paid_Search " -> "paid search"). -#}
{% macro normalize_label(column) -%}
    nullif(trim({{ regexp_replace_all(
        'lower(' ~ column ~ ')', "'[\\s_\\-]+'", "' '"
    ) }}), '')
{%- endmacro %}

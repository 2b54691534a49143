{#- A label for lookups in the mapping seeds: lower case, runs of spaces,
    underscores and dashes folded to one `separator` ("Paid_Search " ->
    "paid search"; with separator '_', "Email-Open" -> "email_open").
    A value already in that form (the usual case: exports repeat a few
    clean labels millions of times) is kept as it is after one anchored
    match, instead of a lower, a global replace and a trim on every row:
    7.8M activity types at 1M leads took 2.6 s of DuckDB, 0.6 s now
    (docs/BENCHMARKS.md, item 32). Null stays null, and so does a value
    that folds to nothing. -#}
{% macro normalize_label(column, separator=' ') -%}
    {%- if separator not in [' ', '_'] -%}
        {{ exceptions.raise_compiler_error(
            "normalize_label: separator is '" ~ separator ~ "'; use ' ' or '_'"
        ) }}
    {%- endif -%}
    {%- set folded -%}
        nullif(trim({{ regexp_replace_all(
            'lower(' ~ column ~ ')', "'[\\s_\\-]+'", "' '"
        ) }}), '')
    {%- endset -%}
    case
        when {{ regexp_found(
            column, "'^[a-z0-9]+(" ~ separator ~ "[a-z0-9]+)*\\z'"
        ) }}
            then {{ column }}
        else {{ folded if separator == ' '
            else "replace(" ~ folded ~ ", ' ', '" ~ separator ~ "')" }}
    end
{%- endmacro %}

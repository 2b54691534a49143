{#- dbt's listagg on Spark ignores order_by_clause (with a warning); this one
    keeps it: the values are collected with their sort key, sorted, then
    joined. order_by_clause: "order by <expression> [asc|desc]", one key.
    Null values are skipped and no value gives null, as string_agg does. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause=none,
                        limit_num=none) -%}
    {%- set key = measure -%}
    {%- set descending = false -%}
    {%- if order_by_clause -%}
        {%- set key = order_by_clause | trim -%}
        {%- set key = key[8:] if key.lower().startswith('order by') else key -%}
        {%- set key = key | trim -%}
        {%- set descending = key.lower().endswith(' desc') -%}
        {%- if descending or key.lower().endswith(' asc') -%}
            {%- set key = key.rsplit(' ', 1)[0] -%}
        {%- endif -%}
    {%- endif -%}
    {%- set sorted -%}
        array_sort(collect_list(
            case
                when {{ measure }} is not null
                    then named_struct(
                        'sort_key', {{ key }}, 'value', {{ measure }}
                    )
            end
        ))
    {%- endset -%}
    {%- set values -%}
        transform(
            {{ 'reverse(' ~ sorted ~ ')' if descending else sorted }},
            entry -> entry.value
        )
    {%- endset -%}
    {%- if limit_num -%}
        {%- set values = 'slice(' ~ values ~ ', 1, ' ~ limit_num ~ ')' -%}
    {%- endif -%}
    case
        when size({{ values }}) > 0
            then array_join({{ values }}, {{ delimiter_text }})
    end
{%- endmacro %}

{#- A relation of the integers 0 .. 10^places - 1 in column `n`, built from a
    cross join of digit rows so it runs on any engine (no generate_series). -#}
{% macro integer_spine(places) -%}
    {%- set names = ['units', 'tens', 'hundreds', 'thousands', 'ten_thousands',
                     'hundred_thousands'] -%}
    select
        {%- for place in range(places) %}
        {{ names[place] }}.digit * {{ 10 ** place }}{{ ' +' if not loop.last }}
        {%- endfor %} as n
    from
        {%- for place in range(places) %}
        {{ 'cross join ' if not loop.first }}(
            {%- for digit in range(10) %}
            select {{ digit }} as digit{{ ' union all' if not loop.last }}
            {%- endfor %}
        ) as {{ names[place] }}
        {%- endfor %}
{%- endmacro %}

{#- numerator / denominator as a double fraction (0-1 for rates); null, never
    an error, when the denominator is 0 or null. -#}
{% macro fraction_of(numerator, denominator) -%}
    cast({{ numerator }} as double)
    / nullif({{ denominator }}, 0)
{%- endmacro %}

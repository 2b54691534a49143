{#- The comma-separated list of issue codes whose condition holds, in the order
    given (callers list them by precedence, so the first is the primary one).
    checks: a list of (condition, code) pairs. Empty when nothing holds. -#}
{% macro issue_list(checks) -%}
    concat_ws(
        ','
        {%- for condition, code in checks %},
        case when {{ condition }} then '{{ code }}' end
        {%- endfor %}
    )
{%- endmacro %}

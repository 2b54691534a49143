{#- Bucket of a count of nurture touches: 0, 1-2, 3-5 or 6+ (null counts as
    0: a lead without activities had no touch). -#}
{% macro nurture_touch_bucket(touches) -%}
    case
        when coalesce({{ touches }}, 0) = 0 then '0'
        when {{ touches }} <= 2 then '1-2'
        when {{ touches }} <= 5 then '3-5'
        else '6+'
    end
{%- endmacro %}

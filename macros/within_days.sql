{#- "Within N days": 0 <= finish - start <= N days (elapsed time); false when
    either end is missing. -#}
{% macro within_days(start, finish, window_days) -%}
    coalesce(
        {{ duration(start, finish) }} between 0 and {{ window_days }},
        false
    )
{%- endmacro %}

{#- Harmonic mean of precision and recall; null when either is null or both
    are 0. -#}
{% macro f1_score(precision, recall) -%}
    2 * {{ precision }} * {{ recall }}
    / nullif({{ precision }} + {{ recall }}, 0)
{%- endmacro %}

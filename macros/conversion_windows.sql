{#- The "converted within N days" windows of the conversion marts, in days.
    One list for the intermediate, the mart and their tests; the contract in
    _funnel__conversion.yml names one column set per window. -#}
{% macro conversion_windows() -%}
    {{ return([30, 90, 180]) }}
{%- endmacro %}

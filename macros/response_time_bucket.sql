{#- Speed-to-lead bucket of the hours from first MQL to first sales touch:
    <1h, 1-4h, 4-24h, 1-3d, >3d, or never (no touch as of the as-of date).
    Lower bounds are inclusive: exactly 1 hour is 1-4h, exactly 72 is >3d. -#}
{% macro response_time_bucket(hours) -%}
    case
        when {{ hours }} is null then 'never'
        when {{ hours }} < 1 then '<1h'
        when {{ hours }} < 4 then '1-4h'
        when {{ hours }} < 24 then '4-24h'
        when {{ hours }} < 72 then '1-3d'
        else '>3d'
    end
{%- endmacro %}

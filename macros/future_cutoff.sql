{#- Timestamps after this are quarantined as future_timestamp: var future_cutoff,
    else the start of the run (the only use of the clock in the project). -#}
{% macro future_cutoff() -%}
    {%- set cutoff = var('future_cutoff', none) or run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    cast('{{ cutoff | replace("'", "") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Timestamps after this are quarantined as future_timestamp: var future_cutoff,
    else the start of the run (the only use of the clock in the project). -#}
{% macro future_cutoff() -%}
    {%- set cutoff = iso_timestamp_var('future_cutoff')
        or run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    cast('{{ cutoff }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

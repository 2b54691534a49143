{#- Hooks for a model that runs alone: every node that depends on it waits,
    so while its query runs the other dbt threads have nothing to do (at 1M
    leads int_lead_funnel ran alone for 8 of its 8.7 s, on one of the two
    cores: docs/BENCHMARKS.md, item 37). The profile gives each query
    `settings.threads` DuckDB threads so that dbt's threads do not fight for
    the cores; this model may use all of them: that many per dbt thread.

    DuckDB's `threads` is one setting for the whole database, and dbt-duckdb
    sets the profile's value again on the cursor of every node it starts, so
    a node that starts meanwhile (none should) takes the setting back; the
    post-hook restores it too. Put the pre-hook last, after hooks that run
    while other nodes still run. Nothing on other engines, nor when the
    profile does not limit DuckDB's threads (DuckDB then uses every core). -#}
{% macro duckdb_threads_for_a_lone_model() -%}
    {%- set threads = lone_model_duckdb_threads() -%}
    {%- if threads is not none %}
        set threads = {{ threads.alone }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: the profile's DuckDB threads again. -#}
{% macro restore_duckdb_threads() -%}
    {%- set threads = lone_model_duckdb_threads() -%}
    {%- if threads is not none %}
        set threads = {{ threads.per_query }}
    {%- endif -%}
{%- endmacro %}

{#- {'per_query': the profile's `settings: threads`, 'alone': that times
    dbt's threads}, or none when there is nothing to change: another engine,
    no limit set, or one dbt thread. -#}
{% macro lone_model_duckdb_threads() -%}
    {%- set setting = (target.get('settings') or {}).get('threads') -%}
    {%- if target.type != 'duckdb' or setting is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set per_query = setting | int -%}
    {%- set alone = per_query * target.threads -%}
    {{ return({'per_query': per_query, 'alone': alone} if alone > per_query else none) }}
{%- endmacro %}

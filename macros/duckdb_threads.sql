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
    while other nodes still run. Nothing on other engines, with one dbt
    thread, or when the profile does not limit DuckDB's threads (DuckDB then
    uses every core).

    `alone`: true in the pre-hook (the profile's threads per query times
    dbt's threads), false in the post-hook (the profile's value again). -#}
{% macro lone_model_duckdb_threads(alone) -%}
    {%- set setting = (target.get('settings') or {}).get('threads') -%}
    {%- if target.type == 'duckdb' and setting is not none -%}
        {%- set per_query = setting | int -%}
        {%- if per_query * target.threads > per_query %}
        set threads = {{ per_query * target.threads if alone else per_query }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Incremental lead-level models (int_lead_stage_events,
    int_lead_stage_summary, int_lead_activity_summary, int_lead_funnel,
    fct_funnel_transitions, int_mql_lead_behaviour):
    each row belongs to one lead and is decided by that lead's rows of the
    model's inputs alone, so a refresh rebuilds only the leads whose inputs
    changed. Which ones is decided by comparing fingerprints, not by being
    told by an upstream model: every lead's input rows are hashed (an
    order-free sum of row hashes, with the model's logic signature), and the
    fingerprints the model's rows were built from are kept beside it in
    `<model>__lead_fingerprints`, written in the model's own transaction. A
    lead is rebuilt when its fingerprint differs, is new or is gone. A run
    that fails leaves the model and its fingerprints as they were, so the
    next run still sees every change, whatever ran in between. -#}

{#- The config of a lead-keyed model. `inputs` lists what its rows depend
    on, per lead: a model name (its whole rows, by their lead_id), or a dict
    {'ref': name} with
      'columns': only these columns of its rows (the model must read no
        other: keep the list in one variable that the model selects);
      'via': other, 'on': column: rows without a lead_id that belong to the
        lead of their `other` row with the same `column` (deals through
        their opportunity);
      'fingerprints': true: a lead-keyed model, through its kept
        fingerprints (cheaper than hashing its rows; they decide them, and
        they also stand for what the model reads of that model's inputs
        when they cover it: int_mql_lead_behaviour's activities).
    `relations`: models read whole (every lead depends on them, as on the
    seeds): any change rebuilds every lead. `contracted`: the model's
    contract is enforced (dbt then allows only append_new_columns for a
    new column). `parts`: more text its rows depend on (vars' values,
    macros it renders), each given as a Jinja expression in a string, e.g.
    "cohort_month('created_at')": the hook renders it when the model runs.
    A value rendered in the config would be rendered when dbt parses the
    model, and partial parsing can keep it after the macro changed (dbt-core
    #4364): the leads built before would then never be rebuilt. `pii_salt`:
    its rows hold pii_hash values, so a new salt rebuilds every lead (the
    salt enters the hash in SQL; it is never rendered). Spark without Delta
    cannot delete rows: a table there. -#}
{% macro lead_keyed_config(
    inputs, relations=[], contracted=false, parts=[], pii_salt=false
) -%}
    {%- set hook_args = tojson(inputs) ~ ", " ~ tojson(relations) ~ ", ["
        ~ parts | join(", ") ~ "], " ~ (pii_salt | string | lower) -%}
    {{ return({
        'materialized': 'table' if target.type == 'spark' else 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change':
            'append_new_columns' if contracted else 'sync_all_columns',
        'pre_hook': [
            "{{ stage_lead_fingerprints(" ~ hook_args ~ ") }}",
            "{{ stage_leads_to_rebuild() }}",
            "{{ delete_keys_to_rebuild('lead_id') }}",
        ],
        'post_hook': [
            "{{ drop_kept_lead_fingerprints() }}",
            "{{ keep_lead_fingerprints() }}",
            "{{ drop_keys_to_rebuild() }}",
        ],
    }) }}
{%- endmacro %}

{#- Where a lead-keyed model keeps its fingerprints: in the intermediate
    schema, also for a mart (BI tools read the marts schema), as
    `<model>__lead_fingerprints`; `suffix` `_next` during a run. -#}
{% macro lead_fingerprints_relation(relation=none, suffix='') -%}
    {%- set relation = relation if relation is not none else this -%}
    {{ return(api.Relation.create(
        database=relation.database,
        schema=generate_schema_name('intermediate', model) | trim,
        identifier=relation.identifier ~ '__lead_fingerprints' ~ suffix,
    )) }}
{%- endmacro %}

{#- Whether a fingerprint table exists, asked of the database: dbt's cache
    of relations does not know the tables the hooks wrote during this run
    (the fingerprints of an input built just before, on a full build). -#}
{% macro lead_fingerprints_exist(relation) -%}
    {%- set found = run_query(
        "select count(*) from information_schema.tables"
        ~ " where table_schema = '" ~ relation.schema ~ "'"
        ~ " and table_name = '" ~ relation.identifier ~ "'"
    ).rows[0][0] -%}
    {{ return(found > 0) }}
{%- endmacro %}

{#- One row per lead with input rows: lead_id and a hash of, per input, the
    sum of its rows' hashes (the order of rows does not matter) and their
    count, and of the model's logic signature (its code, the macros it
    renders, `relations`). Each input is summed by lead on its own: one
    aggregate over all of them together cost three times as much. -#}
{% macro lead_fingerprints_sql(inputs, relations, parts=[], pii_salt=false) -%}
    {%- set signature = logic_signature([
        duration('started', 'ended'),
        dbt.type_string(),
        dbt.type_timestamp(),
    ] + parts, relations) -%}
    with

    input_leads as (
        {%- for input in inputs %}
        {%- set input = {'ref': input} if input is string else input %}
        {%- set kept = lead_fingerprints_relation(ref(input.ref))
            if input.get('fingerprints') else none %}
        {%- if kept is not none and lead_fingerprints_exist(kept) %}
        select
            lead_id,
            fingerprint as lead_hash
        from {{ kept }}
        {%- elif kept is not none %}
        {#- not kept yet (built before they existed): a new value on every
            run, so every lead is rebuilt. The input's own rows would not do:
            its fingerprints may cover more than its rows hold (the
            activities int_mql_lead_behaviour counts). #}
        select
            lead_id,
            hash(random()) as lead_hash
        from {{ ref(input.ref) }}
        {%- else %}
        {%- set row = 'input_row'
            if not input.get('columns')
            else 'input_row.' ~ input.columns | join(', input_row.') %}
        select
            {{ 'via' if input.get('via') else 'input_row' }}.lead_id,
            hash(sum(hash({{ row }})), count(*), {{ loop.index }}) as lead_hash
        from {{ ref(input.ref) }} as input_row
        {%- if input.get('via') %}
        inner join {{ ref(input.via) }} as via
            on input_row.{{ input.on }} = via.{{ input.on }}
        {%- endif %}
        group by 1
        {%- endif %}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )

    select
        lead_id,
        hash(
            sum(lead_hash),
            '{{ signature }}'
            {%- if pii_salt %},
            {{ pii_hash("''") }}
            {%- endif %}
        ) as fingerprint
    from input_leads
    where lead_id is not null
    group by lead_id
{%- endmacro %}

{#- Pre-hook: the current fingerprints, into `<model>__lead_fingerprints_next`,
    on a full build too (the model's inputs are built by then); the
    post-hooks keep them as the model's when the run succeeds. -#}
{% macro stage_lead_fingerprints(inputs, relations, parts=[], pii_salt=false) -%}
    {%- if execute and target.type == 'duckdb' -%}
        create or replace table {{ lead_fingerprints_relation(suffix='_next') }} as
        {{ lead_fingerprints_sql(inputs, relations, parts, pii_salt) }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: the leads to rebuild, into keys_to_rebuild_relation(): a
    fingerprint that differs, is new or is gone. Without kept fingerprints
    (a table built before they existed) every lead. Nothing on a full
    build. -#}
{% macro stage_leads_to_rebuild() -%}
    {%- if execute and is_incremental() -%}
        {%- set kept = lead_fingerprints_relation() -%}
        {%- set current = lead_fingerprints_relation(suffix='_next') -%}
        create or replace table {{ keys_to_rebuild_relation() }} as
        {%- if lead_fingerprints_exist(kept) %}
        select coalesce(current_leads.lead_id, kept.lead_id) as lead_id
        from {{ current }} as current_leads
        full outer join {{ kept }} as kept
            on current_leads.lead_id = kept.lead_id
        where current_leads.fingerprint is distinct from kept.fingerprint
        {%- else %}
        select lead_id from {{ current }}
        union
        select lead_id from {{ this }}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- Post-hooks, in the model's transaction: the fingerprints its rows were
    built from replace the kept ones (a drop, then a rename). -#}
{% macro drop_kept_lead_fingerprints() -%}
    {%- if execute and target.type == 'duckdb' -%}
        drop table if exists {{ lead_fingerprints_relation() }}
    {%- endif -%}
{%- endmacro %}

{% macro keep_lead_fingerprints() -%}
    {%- if execute and target.type == 'duckdb' -%}
        alter table {{ lead_fingerprints_relation(suffix='_next') }}
        rename to {{ lead_fingerprints_relation().identifier }}
    {%- endif -%}
{%- endmacro %}

{#- Incremental base models (base_crm__activities, keyed on activity_id;
    base_crm__lead_status_changes and base_crm__leads, keyed on lead_id): a
    refresh decides again only the keys whose rows can have a new outcome,
    and keeps the others. Every rule of those models (versions, orphans,
    seeds) looks at the rows of one key, so a key's rows are deleted and
    rebuilt together. A key is rebuilt when
    * a row of it is in a landing file the model has not seen (new, or
      rewritten: another `_file_version`), or was in a file that is gone;
    * its lead became staged or stopped being staged (an orphan no more, or
      again; not for the leads themselves);
    * a timestamp crossed the future cutoff, which moves with every run;
    * the model was built by other code or other seeds (`_logic_version`:
      every key then, as after a full refresh).
    Rows without a key are quarantined (null_key) and always rebuilt. -#}

{#- The config of an incremental base model keyed on `key`: the two
    pre-hooks and the post-hook below around an append of the rebuilt rows.
    `seeds` are the seeds its outcomes read (for base_logic_signature);
    `lead_rule`: the model has `is_known_lead` (orphans of base_crm__leads).
    Spark without Delta cannot delete rows: it rebuilds the table in full. -#}
{% macro keyed_base_config(key, parsed, timestamp_column, seeds, lead_rule=true) -%}
    {%- set hook_args = "'" ~ key ~ "', '" ~ parsed ~ "', '" ~ timestamp_column
        ~ "', base_logic_signature(" ~ tojson(seeds) ~ "), "
        ~ (lead_rule | string | lower) -%}
    {{ return({
        'materialized': 'table' if target.type == 'spark' else 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'sync_all_columns',
        'pre_hook': [
            "{{ stage_keys_to_rebuild(" ~ hook_args ~ ") }}",
            "{{ delete_keys_to_rebuild('" ~ key ~ "') }}",
        ],
        'post_hook': "{{ drop_keys_to_rebuild() }}",
    }) }}
{%- endmacro %}

{% macro keys_to_rebuild_relation() -%}
    {{ return(api.Relation.create(
        database=this.database,
        schema=this.schema,
        identifier=this.identifier ~ '__keys_to_rebuild',
    )) }}
{%- endmacro %}

{#- The code and seeds an incremental base model's outcomes depend on, as an
    md5: its own code, the macros that decide outcomes (rendered with fixed
    arguments, so a change to them counts) and the content of `seeds` (read
    at execution time). Stored in every row as `_logic_version`. -#}
{% macro base_logic_signature(seeds) -%}
    {{ return(logic_signature([
        issue_list([('condition', 'code')]),
        versioned_outcomes('relation', 'key', 'column'),
        keys_with_versions('relation', ['key']),
        row_outcome('key', 'column'),
        clean_text('column'),
        normalize_label('column'),
        regexp_found('column', 'pattern'),
    ], seeds)) }}
{%- endmacro %}

{#- An md5 of the model's code, of `parts` (macros rendered with fixed
    arguments) and of the content of the `relations` it reads whole (count
    and an order-free hash of their rows, read at execution time). -#}
{% macro logic_signature(parts, relations) -%}
    {%- set parts = [model.raw_code] + parts -%}
    {#- DuckDB only (where the models are incremental; the hash of a whole
        row is DuckDB's), not in unit tests (their refs are fixtures, not
        tables), nor where the relations are not built (sqlfluff's lint
        target) -#}
    {%- if execute and target.type == 'duckdb'
        and model.resource_type == 'model' -%}
        {%- for name in relations -%}
            {%- set relation = ref(name) -%}
            {%- if adapter.get_relation(
                database=relation.database,
                schema=relation.schema,
                identifier=relation.identifier,
            ) is not none -%}
                {%- set fingerprint = run_query(
                    'select count(*), sum(hash(relation_rows)) from '
                    ~ relation ~ ' as relation_rows'
                ).rows[0] -%}
                {%- do parts.append(
                    name ~ ':' ~ fingerprint[0] ~ ':' ~ fingerprint[1]
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(local_md5(parts | join('|'))) }}
{%- endmacro %}

{#- Pre-hook: the keys to rebuild, into keys_to_rebuild_relation(). `parsed`
    is the incremental parse model the rows come from, `timestamp_column`
    the one (or an expression) checked against the future cutoff,
    `lead_rule` whether rows carry `is_known_lead`. Nothing on a full
    build. -#}
{% macro stage_keys_to_rebuild(key, parsed, timestamp_column, signature, lead_rule=true) -%}
    {%- if execute and is_incremental() -%}
        {%- set columns = adapter.get_columns_in_relation(this)
            | map(attribute='name') | map('lower') | list -%}
        {%- set can_compare = '_file_version' in columns
            and '_logic_version' in columns -%}
        create or replace table {{ keys_to_rebuild_relation() }} as
        with

        {%- if can_compare %}

        current_files as (
            select distinct
                _source_file,
                _file_version
            from {{ ref(parsed) }}
        ),

        loaded_files as (
            select distinct
                _source_file,
                _file_version
            from {{ this }}
        ),

        {%- if lead_rule %}

        staged_leads as (
            select lead_id
            from {{ ref('base_crm__leads') }}
            where _row_outcome = 'staged'
        ),
        {%- endif %}
        {%- endif %}

        keys as (
            {%- if can_compare %}
            -- rows of files not loaded yet
            select parsed.{{ key }}
            from {{ ref(parsed) }} as parsed
            left join loaded_files
                on
                    parsed._source_file = loaded_files._source_file
                    and parsed._file_version = loaded_files._file_version
            where loaded_files._source_file is null
            union all
            -- the loaded rows, in one scan: of a file that is gone or has
            -- another version now, whose lead became staged or stopped being
            -- staged, on the other side of the future cutoff now, or decided
            -- by other code or seeds
            select loaded.{{ key }}
            from {{ this }} as loaded
            left join current_files
                on
                    loaded._source_file = current_files._source_file
                    and loaded._file_version = current_files._file_version
            {%- if lead_rule %}
            left join staged_leads
                on loaded.lead_id = staged_leads.lead_id
            {%- endif %}
            where
                current_files._source_file is null
                {%- if lead_rule %}
                or loaded.is_known_lead != (staged_leads.lead_id is not null)
                {%- endif %}
                or (
                    ({{ timestamp_column }} > {{ future_cutoff() }})
                    != (loaded.issues like '%future_timestamp%')
                )
                or loaded._logic_version != '{{ signature }}'
            {%- else %}
            -- built before _file_version and _logic_version: every key
            select {{ key }} from {{ ref(parsed) }}
            union all
            select {{ key }} from {{ this }}
            {%- endif %}
        )

        select distinct {{ key }}
        from keys
        where {{ key }} is not null
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook, after stage_keys_to_rebuild: delete the rows of those keys and
    the rows without a key; the model then inserts them again. -#}
{% macro delete_keys_to_rebuild(key) -%}
    {%- if execute and is_incremental() -%}
        delete from {{ this }}
        where {{ is_key_to_rebuild(key) }}
    {%- endif -%}
{%- endmacro %}

{#- In the model: the filter on the parsed rows, limiting an incremental run
    to the keys to rebuild and the rows without a key. Nothing on a full
    build, nor in unit tests (is_incremental() is true there when the model's
    table exists, but its keys table does not). -#}
{% macro where_key_to_rebuild(key) -%}
    {%- if model.resource_type == 'model' and is_incremental() %}
        where {{ is_key_to_rebuild(key) }}
    {%- endif -%}
{%- endmacro %}

{#- The same, after a `where` of the model's own. -#}
{% macro and_key_to_rebuild(key) -%}
    {%- if model.resource_type == 'model' and is_incremental() %}
        and {{ is_key_to_rebuild(key) }}
    {%- endif -%}
{%- endmacro %}

{#- The condition on a row: its key is to be rebuilt, or it has none. -#}
{% macro is_key_to_rebuild(key) -%}
    ({{ key }} is null or {{ key }} in (
        select {{ key }} from {{ keys_to_rebuild_relation() }}
    ))
{%- endmacro %}

{#- Post-hook: the list of keys is not kept in the warehouse. -#}
{% macro drop_keys_to_rebuild() -%}
    {%- if execute and is_incremental() -%}
        drop table if exists {{ keys_to_rebuild_relation() }}
    {%- endif -%}
{%- endmacro %}

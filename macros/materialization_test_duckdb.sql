{#- Data tests on DuckDB: dbt's own test materialization, but the relation
    that stores a test's failing rows (store_failures: a view here) is
    replaced by one `create or replace` instead of being dropped through
    adapter.drop_relation and created again. That drop is a macro call with
    a fresh macro context, about 5 ms of dbt's Python for each of ~300 data
    tests, on the path of every build and refresh (docs/BENCHMARKS.md,
    item 30). A relation of another type (store_failures_as switched between
    view and table) is still dropped first. Without store_failures the test
    query runs as it is. Other adapters keep dbt's materialization. -#}
{%- materialization test, adapter='duckdb' -%}

    {%- set relations = [] -%}
    {%- set sql_header = config.get('sql_header')
        if flags.REQUIRE_SQL_HEADER_IN_TEST_CONFIGS else none -%}
    {%- set limited_sql = get_limit_subquery_sql(sql, config.get('limit')) -%}

    {%- if should_store_failures() -%}
        {%- set store_as = config.get('store_failures_as') or 'table' -%}
        {%- if store_as not in ['table', 'view'] -%}
            {{ exceptions.raise_compiler_error(
                "store_failures_as is '" ~ store_as ~ "' for " ~ model.unique_id
                ~ "; use table or view (ephemeral stores nothing)"
            ) }}
        {%- endif -%}
        {%- set existing = adapter.get_relation(
            database=database, schema=schema, identifier=model['alias']
        ) -%}
        {%- set failures = api.Relation.create(
            database=database, schema=schema, identifier=model['alias'],
            type=store_as,
        ) -%}
        {%- if existing is not none and existing.type != failures.type -%}
            {%- do adapter.drop_relation(existing) -%}
        {%- endif -%}

        {%- call statement(auto_begin=True) -%}
            {{ sql_header if sql_header is not none }}
            create or replace {{ store_as }} {{ failures }} as (
                {{ limited_sql }}
            )
        {%- endcall -%}
        {%- do relations.append(failures) -%}
        {%- do adapter.commit() -%}
        {#- the failing rows are stored: count them there, not run again -#}
        {%- set main_sql = 'select * from ' ~ failures -%}
    {%- else -%}
        {%- set main_sql = limited_sql -%}
    {%- endif -%}

    {%- call statement('main', fetch_result=True) -%}
        {{ sql_header if sql_header is not none }}
        {{ get_test_sql(
            main_sql,
            config.get('fail_calc'),
            config.get('warn_if'),
            config.get('error_if'),
            limit=none,
        ) }}
    {%- endcall -%}

    {{ return({'relations': relations}) }}

{%- endmaterialization -%}

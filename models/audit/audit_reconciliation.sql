-- One row per raw table: raw rows = staged + superseded + quarantined.
-- raw_rows is counted from the landing files, not from the staging models,
-- so a row lost by any join or filter shows up as unexplained. `funnel
-- build` / `refresh` count every file's rows in their check (read once,
-- then kept while the file is unchanged) and record them in
-- landing._landing_files.row_count: those are added up here, instead of a
-- second read of every file on each run (2 s at 1M leads, a refresh too;
-- docs/BENCHMARKS.md, item 30). Without that column (the landing views
-- registered some other way) the landing view's rows are counted.
{%- set tables = [
    'leads', 'lead_status_changes', 'opportunities', 'deals',
    'activities', 'campaigns', 'campaign_spend', 'users',
] %}
{%- set file_rows = none %}
{%- if execute %}
    {%- set landing = source('crm', 'leads') %}
    {%- set file_rows = adapter.get_relation(
        database=landing.database,
        schema=landing.schema,
        identifier='_landing_files',
    ) %}
    {%- if file_rows is not none and 'row_count' not in (
        adapter.get_columns_in_relation(file_rows)
        | map(attribute='name') | map('lower') | list
    ) %}
        {%- set file_rows = none %}
    {%- endif %}
{%- endif %}

with

raw_counts as (
    {%- for table in tables %}
        select
            '{{ table }}' as table_name,
            {%- if file_rows is not none %}
                cast(coalesce(sum(row_count), 0) as {{ dbt.type_bigint() }})
                    as raw_rows
            from {{ file_rows }}
            where table_name = '{{ table }}'
            {%- else %}
                count(*) as raw_rows
            from {{ source('crm', table) }}
            {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

outcome_counts as (
    {%- for table in tables %}
        select
            '{{ table }}' as table_name,
            count(case when _row_outcome = 'staged' then 1 end) as staged_rows,
            count(case when _row_outcome = 'superseded' then 1 end)
                as superseded_rows,
            count(case when _row_outcome = 'quarantined' then 1 end)
                as quarantined_rows
        from {{ ref('base_crm__' ~ table) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        raw_counts.table_name,
        raw_counts.raw_rows,
        outcome_counts.staged_rows,
        outcome_counts.superseded_rows,
        outcome_counts.quarantined_rows,
        raw_counts.raw_rows
        - outcome_counts.staged_rows
        - outcome_counts.superseded_rows
        - outcome_counts.quarantined_rows as unexplained_rows
    from raw_counts
    inner join outcome_counts
        on raw_counts.table_name = outcome_counts.table_name
)

select * from final

-- One row per raw table: raw rows = staged + superseded + quarantined.
-- raw_rows is counted from the landing view itself, not from the staging
-- models, so a row lost by any join or filter shows up as unexplained.
{%- set tables = [
    'leads', 'lead_status_changes', 'opportunities', 'deals',
    'activities', 'campaigns', 'campaign_spend', 'users',
] %}

with

raw_counts as (
    {%- for table in tables %}
        select
            '{{ table }}' as table_name,
            count(*) as raw_rows
        from {{ source('crm', table) }}
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

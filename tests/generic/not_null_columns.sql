{#-
    Fails with one row per column of `columns` that holds nulls: the column's
    name and its number of null rows. One scan of the model checks every
    column, where a not_null test per column is one dbt node and one scan
    each (a view is computed again for each). A model's plain not_null
    checks are declared this way; a not_null with its own name or config
    stays a column test.
-#}
{% test not_null_columns(model, columns) %}

{%- if columns is string or columns | length == 0 -%}
    {{ exceptions.raise_compiler_error(
        "not_null_columns: `columns` must be a non-empty list of "
        ~ "column names, e.g. columns: [lead_id, created_at]; got " ~ columns
    ) }}
{%- endif %}

with

null_counts as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as nulls_{{ loop.index }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

by_column as (
    {%- for column in columns %}
    select
        '{{ column }}' as column_name,
        nulls_{{ loop.index }} as null_rows
    from null_counts
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from by_column
where null_rows > 0

{% endtest %}

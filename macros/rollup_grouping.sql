{#- Rollups in one aggregation. A mart with rows per month and all time (and
    per owner, team and all) groups its input once with `rollup`, where a
    union all that repeated every input row per rollup fed one group by
    (docs/BENCHMARKS.md, item 31). Medians and percentiles stay exact: each
    grouping set aggregates the input rows themselves. `grouping(column)`
    is 0 where the row's set groups the column, 1 where it rolls it up.

    `levels`: the rollup levels, finest first, each (name, column): a level
    groups its column and those of the coarser levels after it; the last,
    coarsest one has no column (none) and groups none of them. -#}

{#- 'month' or 'all_time': whether the row's set groups `month_column`. -#}
{% macro rollup_period(month_column) -%}
    case
        when grouping({{ month_column }}) = 0 then 'month' else 'all_time'
    end
{%- endmacro %}

{#- The group by clause: every level, each by month and for all time, with
    the columns of `always` grouped in every set. Without `always` the
    coarsest all-time set groups nothing, and such a set makes one row even
    of an empty input: add `having count(*) > 0` where that row must not
    exist. -#}
{% macro rollup_group_by(levels, month_column, always=[]) -%}
    {%- set columns = [] %}
    {%- for level, column in levels | reverse if column is not none %}
        {%- do columns.append(column) %}
    {%- endfor -%}
    {{ (always + ['rollup(' ~ columns | join(', ') ~ ')',
        'rollup(' ~ month_column ~ ')']) | join(', ') }}
{%- endmacro %}

{#- `level` (the finest level whose column the row's set groups), then each
    level's column: its value, or 'all' where the set rolls it up. -#}
{% macro rollup_level_columns(levels) -%}
    case
    {%- for level, column in levels %}
        {%- if column is not none %}
        when grouping({{ column }}) = 0 then '{{ level }}'
        {%- else %}
        else '{{ level }}'
        {%- endif %}
    {%- endfor %}
    end as level,  -- noqa: RF04
    {%- for level, column in levels if column is not none %}
    case
        when grouping({{ column }}) = 0 then {{ column }} else 'all'
    end as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- period_type, period_start (the month; null for all time) and period_key
    ('YYYY-MM' or 'all_time') of a row grouped by rollup_group_by. -#}
{% macro rollup_period_columns(month_column) -%}
    {{ rollup_period(month_column) }} as period_type,
    case
        when grouping({{ month_column }}) = 0 then {{ month_column }}
    end as period_start,
    case
        when grouping({{ month_column }}) = 0
            then substring(
                cast({{ month_column }} as {{ dbt.type_string() }}), 1, 7
            )
        else 'all_time'
    end as period_key
{%- endmacro %}

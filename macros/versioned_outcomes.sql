{#- The rows of `relation` (a CTE with `issues` and a boolean `has_versions`:
    its key has more than one raw row) with `_row_outcome`. Only the rows
    with versions are ranked (row_outcome): a window over every row carried
    all the columns of millions of single-version rows through a sort
    (docs/BENCHMARKS.md, item 3). -#}
{% macro versioned_outcomes(relation, partition_by, order_by=none) -%}
    select
        *,
        case
            when issues != '' then 'quarantined' else 'staged'
        end as _row_outcome
    from {{ relation }}
    where not has_versions
    union all
    select
        *,
        {{ row_outcome(partition_by, order_by) }} as _row_outcome
    from {{ relation }}
    where has_versions
{%- endmacro %}

{#- The keys of `relation` with more than one raw row, by the `columns` that
    identify one key's versions: what sets `has_versions` for
    versioned_outcomes. With `rebuild_key`, a refresh counts only the rows of
    the keys it decides again (where_key_to_rebuild), all of a key's rows. -#}
{% macro keys_with_versions(relation, columns, rebuild_key=none) -%}
    select {{ columns | join(', ') }}
    from {{ relation }}
    {%- if rebuild_key is not none %}
    {{- where_key_to_rebuild(rebuild_key) }}
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{%- endmacro %}

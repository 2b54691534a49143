{#- Where a raw row ends: 'quarantined' when it has any issue, else 'staged'
    for the winning version of its key and 'superseded' for the others.
    Expects a column `issues` (see issue_list). order_by ranks versions, best
    first; `_row_hash` breaks the remaining ties so reruns pick the same row. -#}
{% macro row_outcome(partition_by, order_by=none) -%}
    case
        when issues != '' then 'quarantined'
        when row_number() over (
            partition by {{ partition_by }}, issues = ''
            order by
                {%- if order_by %} {{ order_by }},{% endif %}
                _source_file desc, _row_hash desc
        ) = 1 then 'staged'
        else 'superseded'
    end
{%- endmacro %}

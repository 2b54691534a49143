{#- Fails for every combination of `combination` that occurs more than once.

Two passes, because the big long tables (int_mql_lead_features: ~20 rows a
lead) made grouping by the real columns one of the slowest tests: the first
pass groups one 64-bit hash per row and keeps the hashes seen twice; only the
rows with such a hash are grouped again by their real columns, so a hash
collision is never reported as a duplicate. -#}
{% test unique_combination_of_columns(model, combination) %}

with

hashed as (
    select
        {{ combination | join(', ') }},
        {{ combination_hash(combination) }} as _combination_hash
    from {{ model }}
),

repeated_hashes as (
    select _combination_hash
    from hashed
    group by _combination_hash
    having count(*) > 1
),

grouped as (
    select
        {{ combination | join(', ') }},
        count(*) as occurrences
    from hashed
    where _combination_hash in (select _combination_hash from repeated_hashes)
    group by {{ combination | join(', ') }}
)

select * from grouped
where occurrences > 1

{% endtest %}

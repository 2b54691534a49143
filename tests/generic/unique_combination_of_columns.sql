{#- Fails for every combination of `combination` that occurs more than once. -#}
{% test unique_combination_of_columns(model, combination) %}

with

grouped as (
    select
        {{ combination | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination | join(', ') }}
)

select * from grouped
where occurrences > 1

{% endtest %}

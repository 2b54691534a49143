-- Rows the project's own generic tests must catch: the tests applied to this
-- model in _testing__models.yml expect exactly the failing rows marked here,
-- so a generic test that stopped finding failures would fail the build.
with

final as (
    select
        1 as fixture_id,
        'a' as group_key,
        1 as member_key,
        10 as amount
    union all
    select
        2 as fixture_id,
        'a' as group_key,
        1 as member_key,
        -5 as amount
    union all
    select
        3 as fixture_id,
        'b' as group_key,
        1 as member_key,
        cast(null as integer) as amount
    union all
    select
        4 as fixture_id,
        'b' as group_key,
        2 as member_key,
        0 as amount
    union all
    -- a duplicate whose key is partly null: still one failing group
    select
        5 as fixture_id,
        cast(null as {{ dbt.type_string() }}) as group_key,
        3 as member_key,
        1 as amount
    union all
    select
        6 as fixture_id,
        cast(null as {{ dbt.type_string() }}) as group_key,
        3 as member_key,
        1 as amount
    union all
    select
        7 as fixture_id,
        cast(null as {{ dbt.type_string() }}) as group_key,
        4 as member_key,
        1 as amount
)

select * from final

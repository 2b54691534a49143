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
)

select * from final

-- One row per non-deleted lead: its path through lead -> mql -> sal -> sql
-- -> opportunity -> won, where it stands as of the as-of date, and the
-- segment fields the marts slice by. No raw PII: the email is a salted hash.
-- Every column but the last three comes from int_lead_funnel (incremental by
-- lead); those three depend on the as-of date, which moves with every
-- refresh, so they are computed when read: a view on DuckDB.
{{ config(
    materialized='table' if target.type == 'spark' else 'view',
) }}

with

lead_funnel as (
    select * from {{ ref('int_lead_funnel') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

final as (
    select
        lead_funnel.*,
        {{ duration('lead_funnel.last_stage_move_at', 'as_of.as_of_at') }}
            as days_since_last_stage_move,
        {{ duration('lead_funnel.created_at', 'as_of.as_of_at') }}
            as lead_age_days,
        as_of.as_of_at
    from lead_funnel
    cross join as_of
)

-- int_lead_funnel's columns: the contract (_funnel__models.yml) lists them
select * from final  -- noqa: AM04

-- One row per non-deleted lead that was won, at its first win (first
-- closed-won opportunity or signed deal, whichever came first). The win event
-- of the semantic layer: the conversion event of lead -> won and MQL -> won.
-- The timestamp is int_conversion_leads.won_at, the one the windowed rates of
-- mart_funnel_conversion use.

with

conversion_leads as (
    select
        lead_id,
        won_at
    from {{ ref('int_conversion_leads') }}
    where won_at is not null
),

final as (
    select
        lead_id,
        won_at
    from conversion_leads
)

select * from final

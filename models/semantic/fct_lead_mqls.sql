-- One row per non-deleted lead that reached mql, at the moment it did: its
-- first entry into mql or any later stage (an implied mql counts at the entry
-- of the stage that implied it). The MQL event of the semantic layer: the
-- conversion event of lead -> MQL and the base event of MQL -> won. The
-- timestamp is int_conversion_leads.reached_mql_at, the one the windowed
-- rates of mart_funnel_conversion use, so both count the same conversions.

with

conversion_leads as (
    select
        lead_id,
        reached_mql_at
    from {{ ref('int_conversion_leads') }}
    where reached_mql_at is not null
),

final as (
    select
        lead_id,
        reached_mql_at
    from conversion_leads
)

select * from final

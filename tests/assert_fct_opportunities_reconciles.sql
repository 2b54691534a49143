-- fct_opportunities keeps every non-deleted staged opportunity (one row
-- each) and every deal of those opportunities: returns a row per check that
-- does not reconcile.
with

staged_opportunities as (
    select opportunity_id
    from {{ ref('stg_crm__opportunities') }}
    where not is_deleted
),

staged_deals as (
    select deals.deal_id
    from {{ ref('stg_crm__deals') }} as deals
    inner join staged_opportunities
        on deals.opportunity_id = staged_opportunities.opportunity_id
),

fact as (
    select
        count(*) as opportunities_count,
        coalesce(sum(deals_count), 0) as deals_count
    from {{ ref('fct_opportunities') }}
),

checks as (
    select
        'opportunities' as reconciled,
        (select count(*) from staged_opportunities) as expected_count,
        fact.opportunities_count as actual_count
    from fact
    union all
    select
        'deals' as reconciled,
        (select count(*) from staged_deals) as expected_count,
        fact.deals_count as actual_count
    from fact
),

final as (
    select
        reconciled,
        expected_count,
        actual_count
    from checks
    where expected_count != actual_count
)

select * from final

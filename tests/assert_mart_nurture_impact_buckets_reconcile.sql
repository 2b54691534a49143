-- In mart_nurture_impact the values of the touch_bucket, nurtured and
-- recycled dimensions each add up to all leads of fct_lead_funnel (leads,
-- MQLs, wins), as does the `all` row. Program rows overlap and are left
-- out. Returns the dimensions that disagree.
with

impact as (
    select
        dimension,
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(won) as won
    from {{ ref('mart_nurture_impact') }}
    where dimension in ('all', 'touch_bucket', 'nurtured', 'recycled')
    group by dimension
),

lead_funnel as (
    select
        count(*) as leads,
        count(case when has_reached_mql then 1 end) as mqls,
        count(case when is_won then 1 end) as won
    from {{ ref('fct_lead_funnel') }}
),

dimensions as (
    select 'all' as dimension
    union all
    select 'touch_bucket' as dimension
    union all
    select 'nurtured' as dimension
    union all
    select 'recycled' as dimension
),

final as (
    select
        dimensions.dimension,
        lead_funnel.leads as expected_leads,
        impact.leads as impact_leads,
        lead_funnel.won as expected_won,
        impact.won as impact_won
    from dimensions
    cross join lead_funnel
    left join impact
        on dimensions.dimension = impact.dimension
    where
        coalesce(impact.leads, 0) != lead_funnel.leads
        or coalesce(impact.mqls, 0) != lead_funnel.mqls
        or coalesce(impact.won, 0) != lead_funnel.won
)

select * from final

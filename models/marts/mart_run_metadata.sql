-- One row: what this build of the marts describes. Only data-derived values
-- (no build time), so two builds of the same input are identical.
with

as_of as (
    select
        as_of_at,
        is_as_of_set
    from {{ ref('int_as_of') }}
),

leads as (
    select
        count(*) as leads,
        min(created_at) as first_lead_created_at,
        max(created_at) as last_lead_created_at
    from {{ ref('fct_lead_funnel') }}
),

final as (
    select
        cast(as_of.as_of_at as {{ dbt.type_timestamp() }}) as as_of_at,
        cast(as_of.as_of_at as date) as as_of_date,
        as_of.is_as_of_set,
        cast('{{ var("reporting_currency") }}' as {{ dbt.type_string() }})
            as reporting_currency,
        cast('{{ var("reporting_time_zone") }}' as {{ dbt.type_string() }})
            as reporting_time_zone,
        leads.leads,
        leads.first_lead_created_at,
        leads.last_lead_created_at
    from as_of
    cross join leads
)

select * from final

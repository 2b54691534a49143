-- One row per non-deleted staged opportunity: stage dates from its version
-- history, amounts in the reporting currency, cycle time and its bookings.
-- Months (created_month and the fx month) are calendar months in the
-- reporting time zone, like every other month of the project.
with

opportunities as (
    select
        opportunity_id,
        lead_id,
        source_lead_id,
        has_unknown_lead,
        owner_id,
        stage,
        is_closed,
        is_won,
        has_unknown_stage,
        created_at,
        updated_at,
        closed_at,
        amount,
        has_unparseable_amount,
        currency,
        loss_reason
    from {{ ref('stg_crm__opportunities') }}
    where not is_deleted
),

stage_history as (
    select
        opportunity_id,
        stage,
        first_seen_at,
        is_reopened
    from {{ ref('int_opportunity_stage_history') }}
),

fx_rates as (
    select
        currency,
        rate_month,
        rate_to_reporting,
        is_rate_approximated
    from {{ ref('int_fx_rates_filled') }}
),

deals as (
    select
        opportunity_id,
        signed_at,
        amount,
        currency
    from {{ ref('stg_crm__deals') }}
),

stage_dates as (
    select
        opportunity_id,
        is_reopened,
        max(
            case when stage = 'discovery' then first_seen_at end
        ) as discovery_at,
        max(case when stage = 'demo' then first_seen_at end) as demo_at,
        max(
            case when stage = 'proposal' then first_seen_at end
        ) as proposal_at,
        max(
            case when stage = 'negotiation' then first_seen_at end
        ) as negotiation_at
    from stage_history
    -- is_reopened is a property of the opportunity: one value per group.
    group by opportunity_id, is_reopened
),

deals_converted as (
    select
        deals.opportunity_id,
        deals.signed_at,
        deals.amount * fx_rates.rate_to_reporting as amount_reporting,
        fx_rates.is_rate_approximated
    from deals
    left join fx_rates
        on
            deals.currency = fx_rates.currency
            and {{ cohort_month('deals.signed_at') }} = fx_rates.rate_month
),

deals_per_opportunity as (
    select
        opportunity_id,
        count(*) as deals_count,
        -- money summed as decimal: a double sum's last bits depend on the
        -- order rows arrive in, and facts must be reproducible
        cast(
            sum(cast(amount_reporting as decimal(38, 9))) as double
        ) as booked_amount_reporting,
        min(signed_at) as first_signed_at,
        max(signed_at) as last_signed_at,
        max(
            case when amount_reporting is null then 1 else 0 end
        ) = 1 as has_unpriced_deal,
        max(
            case when is_rate_approximated then 1 else 0 end
        ) = 1 as has_approximated_deal_rate
    from deals_converted
    group by opportunity_id
),

-- A reopened opportunity may still carry the closed_at of its closed
-- version: an open opportunity has no close date.
opportunities_dated as (
    select
        *,
        case when is_closed then closed_at end as effective_closed_at,
        {{ cohort_month(
            'case when is_closed then closed_at else created_at end'
        ) }} as fx_month
    from opportunities
),

opportunities_converted as (
    select
        opportunities_dated.*,
        fx_rates.rate_to_reporting as fx_rate,
        fx_rates.is_rate_approximated as is_fx_rate_approximated,
        opportunities_dated.amount
        * fx_rates.rate_to_reporting as amount_reporting,
        {{ duration(
            'opportunities_dated.created_at',
            'opportunities_dated.effective_closed_at',
        ) }} as cycle_days
    from opportunities_dated
    left join fx_rates
        on
            opportunities_dated.currency = fx_rates.currency
            and opportunities_dated.fx_month = fx_rates.rate_month
),

opportunities_joined as (
    select
        opportunities_converted.*,
        stage_dates.discovery_at,
        stage_dates.demo_at,
        stage_dates.proposal_at,
        stage_dates.negotiation_at,
        coalesce(stage_dates.is_reopened, false) as is_reopened,
        coalesce(deals_per_opportunity.deals_count, 0) as deals_count,
        coalesce(
            deals_per_opportunity.booked_amount_reporting, 0
        ) as booked_amount_reporting,
        deals_per_opportunity.first_signed_at,
        deals_per_opportunity.last_signed_at,
        coalesce(
            deals_per_opportunity.has_unpriced_deal, false
        ) as has_unpriced_deal,
        coalesce(
            deals_per_opportunity.has_approximated_deal_rate, false
        ) as has_approximated_deal_rate
    from opportunities_converted
    left join stage_dates
        on opportunities_converted.opportunity_id = stage_dates.opportunity_id
    left join deals_per_opportunity
        on
            opportunities_converted.opportunity_id
            = deals_per_opportunity.opportunity_id
),

final as (
    select
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(source_lead_id as {{ dbt.type_string() }}) as source_lead_id,
        cast(lead_id is null as {{ dbt.type_boolean() }}) as is_sales_sourced,
        cast(has_unknown_lead as {{ dbt.type_boolean() }})
            as has_unknown_lead,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(stage as {{ dbt.type_string() }}) as stage,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(is_closed and not is_won as {{ dbt.type_boolean() }})
            as is_lost,
        cast(has_unknown_stage as {{ dbt.type_boolean() }})
            as has_unknown_stage,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(effective_closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        {{ cohort_month('created_at') }} as created_month,
        cast(discovery_at as {{ dbt.type_timestamp() }}) as discovery_at,
        cast(demo_at as {{ dbt.type_timestamp() }}) as demo_at,
        cast(proposal_at as {{ dbt.type_timestamp() }}) as proposal_at,
        cast(negotiation_at as {{ dbt.type_timestamp() }}) as negotiation_at,
        cast(is_reopened as {{ dbt.type_boolean() }}) as is_reopened,
        cast(cycle_days as double) as cycle_days,
        cast(coalesce(cycle_days < 0, false) as {{ dbt.type_boolean() }})
            as has_negative_cycle,
        cast(amount as decimal(18, 2)) as amount,
        cast(has_unparseable_amount as {{ dbt.type_boolean() }})
            as has_unparseable_amount,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(
            '{{ var("reporting_currency") }}' as {{ dbt.type_string() }}
        ) as reporting_currency,
        cast(fx_rate as double) as fx_rate,
        cast(is_fx_rate_approximated as {{ dbt.type_boolean() }})
            as is_fx_rate_approximated,
        cast(amount_reporting as double) as amount_reporting,
        cast(deals_count as {{ dbt.type_int() }}) as deals_count,
        cast(booked_amount_reporting as double) as booked_amount_reporting,
        cast(first_signed_at as {{ dbt.type_timestamp() }})
            as first_signed_at,
        cast(last_signed_at as {{ dbt.type_timestamp() }}) as last_signed_at,
        cast(has_unpriced_deal as {{ dbt.type_boolean() }})
            as has_unpriced_deal,
        cast(has_approximated_deal_rate as {{ dbt.type_boolean() }})
            as has_approximated_deal_rate,
        cast(is_won and deals_count = 0 as {{ dbt.type_boolean() }})
            as is_won_without_deal,
        cast(
            is_closed and not is_won and deals_count > 0
            as {{ dbt.type_boolean() }}
        ) as has_deal_on_lost,
        cast(loss_reason as {{ dbt.type_string() }}) as loss_reason,
        cast(is_won or deals_count > 0 as {{ dbt.type_boolean() }})
            as is_won_or_booked
    from opportunities_joined
)

select * from final

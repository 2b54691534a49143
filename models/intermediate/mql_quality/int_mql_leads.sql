-- One row per non-deleted lead: the MQL-quality outcome (won within the win
-- window), cohort maturity, the training / evaluation split of the matured
-- cohorts and the lead-score bands. See the mql_win_population docs block.
-- A table: every MQL model and test reads it (ranks would be recomputed).
{{ config(materialized='table') }}
{%- set window_days = var('mql_win_window_days', 180) %}

with

leads as (
    select
        lead_id,
        created_at,
        cohort_month,
        is_explicit_mql,
        lead_score,
        won_at
    from {{ ref('fct_lead_funnel') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of') }}
),

leads_with_outcome as (
    select
        leads.lead_id,
        leads.created_at,
        leads.cohort_month,
        leads.is_explicit_mql,
        leads.lead_score,
        leads.won_at,
        {{ within_days('leads.created_at', 'leads.won_at', window_days) }}
            as is_won_in_window,
        {{ is_cohort_mature('leads.cohort_month', 'as_of.as_of_at',
            window_days) }} as is_mature
    from leads
    cross join as_of
),

matured_months as (
    select distinct cohort_month
    from leads_with_outcome
    where is_mature
),

matured_months_numbered as (
    select
        cohort_month,
        row_number() over (order by cohort_month) as month_number,
        count(*) over () as month_count
    from matured_months
),

-- The older two thirds of the matured months train the proposed rule, the
-- newer third evaluates it (an out-of-time split).
months_split as (
    select
        cohort_month,
        case
            when month_number <= floor(2.0 * month_count / 3)
                then 'training'
            else 'evaluation'
        end as cohort_split
    from matured_months_numbered
),

scored_matured_leads_ranked as (
    select
        lead_id,
        rank() over (order by lead_score) as score_rank,
        count(*) over () as scored_leads
    from leads_with_outcome
    where is_mature and lead_score is not null
),

score_bands as (
    select
        leads_with_outcome.lead_id,
        cast(
            greatest(
                least(floor(leads_with_outcome.lead_score / 10), 9), 0
            ) + 1 as integer
        ) as lead_score_band_order,
        -- ties share the decile of their lowest rank: deciles can be uneven
        cast(
            floor(
                10.0 * (scored_matured_leads_ranked.score_rank - 1)
                / scored_matured_leads_ranked.scored_leads
            ) + 1 as integer
        ) as lead_score_decile
    from leads_with_outcome
    left join scored_matured_leads_ranked
        on leads_with_outcome.lead_id = scored_matured_leads_ranked.lead_id
    where leads_with_outcome.lead_score is not null
),

final as (
    select
        leads_with_outcome.lead_id,
        leads_with_outcome.created_at,
        leads_with_outcome.cohort_month,
        leads_with_outcome.is_explicit_mql,
        leads_with_outcome.lead_score,
        score_bands.lead_score_band_order,
        case
            when score_bands.lead_score_band_order = 10 then '90-100'
            else {{ dbt.concat([
                dbt.safe_cast('(score_bands.lead_score_band_order - 1) * 10',
                    dbt.type_string()),
                "'-'",
                dbt.safe_cast('(score_bands.lead_score_band_order - 1) * 10 + 9',
                    dbt.type_string()),
            ]) }}
        end as lead_score_band,
        score_bands.lead_score_decile,
        leads_with_outcome.won_at,
        leads_with_outcome.is_won_in_window,
        leads_with_outcome.is_mature,
        coalesce(months_split.cohort_split, 'immature') as cohort_split,
        {{ window_days }} as win_window_days
    from leads_with_outcome
    left join months_split
        on leads_with_outcome.cohort_month = months_split.cohort_month
    left join score_bands
        on leads_with_outcome.lead_id = score_bands.lead_id
)

select * from final

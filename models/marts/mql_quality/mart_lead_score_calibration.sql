-- One row per lead-score band: fixed bands of 10 points and deciles
-- (band_type), over the matured leads with a score: leads, wins within the
-- window, observed win rate, mean score, whether the win rate rises with the
-- band, and the score's ROC AUC (same on every row). See
-- lead_score_calibration.

with

leads as (
    select
        lead_score,
        lead_score_band_order,
        lead_score_band,
        lead_score_decile,
        is_won_in_window,
        win_window_days
    from {{ ref('int_mql_leads') }}
    where is_mature and lead_score is not null
),

score_auc as (
    select auc
    from {{ ref('int_mql_score_auc') }}
    where population = 'matured' and score_name = 'lead_score'
),

leads_banded as (
    select
        'fixed_10' as band_type,
        lead_score_band_order as band_order,
        lead_score_band as band_label,
        lead_score,
        is_won_in_window,
        win_window_days
    from leads
    union all
    select
        'decile' as band_type,
        lead_score_decile as band_order,
        {{ dbt.concat(["'decile '", dbt.safe_cast('lead_score_decile',
            dbt.type_string())]) }} as band_label,
        lead_score,
        is_won_in_window,
        win_window_days
    from leads
),

band_counts as (
    select
        band_type,
        band_order,
        band_label,
        win_window_days,
        count(*) as leads,
        count(case when is_won_in_window then 1 end) as wins,
        min(lead_score) as min_score,
        max(lead_score) as max_score,
        avg(lead_score) as mean_score
    from leads_banded
    group by band_type, band_order, band_label, win_window_days
),

band_rates as (
    select
        *,
        {{ fraction_of('wins', 'leads') }} as win_rate,
        {{ fraction_of('leads', 'sum(leads) over (partition by band_type)') }}
            as share_of_leads
    from band_counts
),

band_steps as (
    select
        *,
        case
            when
                win_rate < lag(win_rate) over (
                    partition by band_type order by band_order
                )
                then 1
            else 0
        end as is_decrease
    from band_rates
),

final as (
    select
        band_steps.band_type,
        band_steps.band_order,
        band_steps.band_label,
        band_steps.min_score,
        band_steps.max_score,
        round(band_steps.mean_score, 6) as mean_score,
        band_steps.leads,
        round(band_steps.share_of_leads, 6) as share_of_leads,
        band_steps.wins,
        round(band_steps.win_rate, 6) as win_rate,
        band_steps.win_window_days,
        max(band_steps.is_decrease) over (
            partition by band_steps.band_type
        ) = 0 as is_win_rate_monotonic,
        score_auc.auc
    from band_steps
    cross join score_auc
)

select * from final

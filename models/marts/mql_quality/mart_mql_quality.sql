-- One row per cohort month: leads, explicit MQLs, wins within the window and
-- how well the MQL set matches the wins (precision, recall, F1, false
-- negatives). Rates (to 6 decimals) are null for immature cohorts. See
-- mql_quality_kpis.

with

leads as (
    select
        cohort_month,
        is_mature,
        cohort_split,
        win_window_days,
        is_explicit_mql,
        is_won_in_window
    from {{ ref('int_mql_leads') }}
),

cohort_counts as (
    select
        cohort_month,
        is_mature,
        cohort_split,
        win_window_days,
        count(*) as leads,
        count(case when is_explicit_mql then 1 end) as mqls,
        count(case when is_won_in_window then 1 end) as wins,
        count(
            case when is_explicit_mql and is_won_in_window then 1 end
        ) as mqls_won,
        count(
            case when is_explicit_mql and not is_won_in_window then 1 end
        ) as mqls_not_won,
        count(
            case when not is_explicit_mql and is_won_in_window then 1 end
        ) as false_negatives
    from leads
    group by cohort_month, is_mature, cohort_split, win_window_days
),

cohort_rates as (
    select
        *,
        case
            when is_mature then {{ fraction_of('mqls', 'leads') }}
        end as lead_to_mql_rate,
        case
            when is_mature then {{ fraction_of('mqls_won', 'mqls') }}
        end as precision_rate,
        case
            when is_mature then {{ fraction_of('mqls_won', 'wins') }}
        end as recall_rate,
        case
            when is_mature then {{ fraction_of('wins', 'leads') }}
        end as win_rate
    from cohort_counts
),

final as (
    select
        cohort_month,
        is_mature,
        cohort_split,
        win_window_days,
        leads,
        mqls,
        round(lead_to_mql_rate, 6) as lead_to_mql_rate,
        wins,
        round(win_rate, 6) as win_rate,
        mqls_won,
        mqls_not_won,
        false_negatives,
        round(precision_rate, 6) as precision_rate,
        round(recall_rate, 6) as recall_rate,
        round({{ f1_score('precision_rate', 'recall_rate') }}, 6) as f1_score
    from cohort_rates
)

select * from final

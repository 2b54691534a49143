-- One row per non-deleted lead: every field the MQL criteria seed may name
-- (macro mql_feature_fields), in columns. int_mql_lead_behaviour's fields
-- (incremental by lead) with the two that depend on the as-of date through
-- int_mql_leads: the lead-score band and the decile among the matured leads.
-- It also carries the lead's population (is_mature, cohort_split,
-- is_won_in_window), so that the readers of int_mql_criteria_evaluated
-- filter the matured leads before the unpivot and count by split without a
-- join of its leads x criteria rows.
-- A view: int_mql_lead_features unpivots it when read.

with

behaviour as (
    select * from {{ ref('int_mql_lead_behaviour') }}
),

mql_leads as (
    select
        lead_id,
        lead_score_band,
        lead_score_decile,
        is_mature,
        cohort_split,
        is_won_in_window
    from {{ ref('int_mql_leads') }}
),

final as (
    select
        behaviour.*,
        mql_leads.lead_score_band,
        mql_leads.lead_score_decile,
        mql_leads.is_mature,
        mql_leads.cohort_split,
        mql_leads.is_won_in_window
    from behaviour
    left join mql_leads
        on behaviour.lead_id = mql_leads.lead_id
)

-- int_mql_lead_behaviour's columns and int_mql_leads' five
select * from final  -- noqa: AM04

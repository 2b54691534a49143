-- One row per non-deleted lead: every field the MQL criteria seed may name
-- (macro mql_feature_fields), in columns. int_mql_lead_behaviour's fields
-- (incremental by lead) with the two that depend on the as-of date through
-- int_mql_leads: the lead-score band and the decile among the matured leads.
-- A view: int_mql_lead_features unpivots it when read.

with

behaviour as (
    select * from {{ ref('int_mql_lead_behaviour') }}
),

score_bands as (
    select
        lead_id,
        lead_score_band,
        lead_score_decile
    from {{ ref('int_mql_leads') }}
),

final as (
    select
        behaviour.*,
        score_bands.lead_score_band,
        score_bands.lead_score_decile
    from behaviour
    left join score_bands
        on behaviour.lead_id = score_bands.lead_id
)

-- int_mql_lead_behaviour's columns and the two
select * from final  -- noqa: AM04

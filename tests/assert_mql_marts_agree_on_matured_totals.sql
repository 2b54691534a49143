-- The matured cohorts of mart_mql_quality, the current_definition row of
-- mart_mql_threshold_whatif and the calibration bands describe the same
-- leads: same leads, MQLs, wins and captured wins; every band type covers all
-- matured scored leads. Returns one row per disagreement.
with

quality as (
    select
        sum(leads) as leads,
        sum(mqls) as mqls,
        sum(wins) as wins,
        sum(mqls_won) as mqls_won
    from {{ ref('mart_mql_quality') }}
    where is_mature
),

current_definition as (
    select
        leads,
        mqls,
        wins,
        wins_captured
    from {{ ref('mart_mql_threshold_whatif') }}
    where definition = 'current_definition'
),

threshold_zero as (
    select mqls as scored_leads
    from {{ ref('mart_mql_threshold_whatif') }}
    where score_threshold = 0
),

calibration as (
    select
        band_type,
        sum(leads) as leads
    from {{ ref('mart_lead_score_calibration') }}
    group by band_type
),

whatif_mismatch as (
    select 'whatif current_definition' as check_name
    from quality
    cross join current_definition
    where
        quality.leads != current_definition.leads
        or quality.mqls != current_definition.mqls
        or quality.wins != current_definition.wins
        or quality.mqls_won != current_definition.wins_captured
),

calibration_mismatch as (
    select
        {{ dbt.concat(["'calibration '", 'calibration.band_type']) }}
            as check_name
    from calibration
    cross join threshold_zero
    where calibration.leads != threshold_zero.scored_leads
),

final as (
    select * from whatif_mismatch
    union all
    select * from calibration_mismatch
)

select * from final

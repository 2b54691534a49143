-- One row per candidate MQL definition over the matured leads: "lead score >=
-- threshold" for thresholds 0 to 100 by var mql_threshold_step (5), plus
-- `current_definition` (the leads that were explicit MQLs): MQL volume, wins
-- captured and missed, precision, recall, F1. See mql_quality_kpis.
{%- set step = var('mql_threshold_step', 5) %}

with

leads as (
    select
        lead_score,
        is_explicit_mql,
        is_won_in_window
    from {{ ref('int_mql_leads') }}
    where is_mature
),

thresholds as (
    {%- for threshold in range(0, 101, step) %}
        select {{ threshold }} as score_threshold
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

population as (
    select
        count(*) as leads,
        count(case when is_won_in_window then 1 end) as wins
    from leads
),

score_counts as (
    select
        lead_score,
        count(*) as leads,
        count(case when is_won_in_window then 1 end) as wins
    from leads
    where lead_score is not null
    group by lead_score
),

threshold_counts as (
    select
        {{ dbt.concat(["'lead_score_gte_'", dbt.safe_cast(
            'thresholds.score_threshold', dbt.type_string())]) }}
            as definition,
        'score_threshold' as definition_kind,
        thresholds.score_threshold,
        cast(coalesce(sum(score_counts.leads), 0) as bigint) as mqls,
        cast(coalesce(sum(score_counts.wins), 0) as bigint) as wins_captured
    from thresholds
    left join score_counts
        on thresholds.score_threshold <= score_counts.lead_score
    group by thresholds.score_threshold
),

current_counts as (
    select
        'current_definition' as definition,
        'current_definition' as definition_kind,
        cast(null as integer) as score_threshold,
        count(case when is_explicit_mql then 1 end) as mqls,
        count(
            case when is_explicit_mql and is_won_in_window then 1 end
        ) as wins_captured
    from leads
),

definitions as (
    select * from threshold_counts
    union all
    select * from current_counts
),

definition_rates as (
    select
        definitions.definition,
        definitions.definition_kind,
        definitions.score_threshold,
        population.leads,
        definitions.mqls,
        population.wins,
        definitions.wins_captured,
        population.wins - definitions.wins_captured as wins_missed,
        {{ fraction_of('definitions.mqls', 'population.leads') }}
            as mql_rate,
        {{ fraction_of('definitions.wins_captured', 'definitions.mqls') }}
            as precision_rate,
        {{ fraction_of('definitions.wins_captured', 'population.wins') }}
            as recall_rate
    from definitions
    cross join population
),

final as (
    select
        definition,
        definition_kind,
        score_threshold,
        leads,
        mqls,
        round(mql_rate, 6) as mql_rate,
        wins,
        wins_captured,
        wins_missed,
        round(precision_rate, 6) as precision_rate,
        round(recall_rate, 6) as recall_rate,
        round({{ f1_score('precision_rate', 'recall_rate') }}, 6) as f1_score
    from definition_rates
)

select * from final

-- One row per population (matured, training, evaluation), score and distinct
-- score value: leads and wins at that value, cumulated from the top (leads
-- and wins at or above it: an MQL rule `score >= value`) and from the bottom
-- (non-wins strictly below it: the rank-sum AUC).

with

scores as (
    select
        cohort_split,
        is_won_in_window,
        score_name,
        score
    from {{ ref('int_mql_lead_scores') }}
),

scores_by_population as (
    select
        'matured' as population,
        score_name,
        score,
        is_won_in_window
    from scores
    union all
    select
        cohort_split as population,
        score_name,
        score,
        is_won_in_window
    from scores
),

value_counts as (
    select
        population,
        score_name,
        score,
        count(*) as leads,
        count(case when is_won_in_window then 1 end) as wins,
        count(case when not is_won_in_window then 1 end) as non_wins
    from scores_by_population
    group by population, score_name, score
),

final as (
    select
        population,
        score_name,
        score,
        leads,
        wins,
        non_wins,
        cast(sum(leads) over (
            partition by population, score_name
            order by score desc
            rows between unbounded preceding and current row
        ) as bigint) as leads_at_or_above,
        cast(sum(wins) over (
            partition by population, score_name
            order by score desc
            rows between unbounded preceding and current row
        ) as bigint) as wins_at_or_above,
        cast(coalesce(sum(non_wins) over (
            partition by population, score_name
            order by score
            rows between unbounded preceding and 1 preceding
        ), 0) as bigint) as non_wins_below,
        cast(sum(leads) over (partition by population, score_name) as bigint)
            as population_leads,
        cast(sum(wins) over (partition by population, score_name) as bigint)
            as population_wins
    from value_counts
)

select * from final

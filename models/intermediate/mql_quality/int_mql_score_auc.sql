-- One row per population and score: its ROC AUC by rank sum, ties counted
-- half: sum over wins of (non-wins with a lower score + 0.5 x non-wins with
-- the same score) / (wins x non-wins). Null without wins or non-wins.

with

distribution as (
    select
        population,
        score_name,
        wins,
        non_wins,
        non_wins_below
    from {{ ref('int_mql_score_distribution') }}
),

final as (
    select
        population,
        score_name,
        cast(sum(wins + non_wins) as bigint) as leads,
        cast(sum(wins) as bigint) as wins,
        cast(sum(non_wins) as bigint) as non_wins,
        -- reported to 6 decimals
        round(
            sum(wins * (non_wins_below + 0.5 * non_wins))
            / nullif(cast(sum(wins) as double) * sum(non_wins), 0),
            6
        ) as auc
    from distribution
    group by population, score_name
)

select * from final

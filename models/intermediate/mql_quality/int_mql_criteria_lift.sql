-- One row per population, criterion and criterion value: win rate with its
-- Wilson interval, lift over the population's win rate with its Katz
-- interval, share of wins and the verdict. Formulas and verdict rules: the
-- mql_criteria_lift docs block.
{%- set min_leads = var('mql_min_leads', 30) %}
{%- set min_wins = var('mql_min_wins', 5) %}

with

counts as (
    select
        population,
        criterion_name,
        criterion_value,
        is_dimension,
        leads,
        wins,
        population_leads,
        population_wins
    from {{ ref('int_mql_criteria_counts') }}
),

rates as (
    select
        *,
        {{ fraction_of('wins', 'leads') }} as win_rate,
        {{ wilson_bound('wins', 'leads', 'low') }} as win_rate_ci_low,
        {{ wilson_bound('wins', 'leads', 'high') }} as win_rate_ci_high,
        {{ fraction_of('population_wins', 'population_leads') }}
            as baseline_win_rate,
        {{ katz_lift_bound('wins', 'leads', 'population_wins',
            'population_leads', 'low') }} as lift_ci_low,
        {{ katz_lift_bound('wins', 'leads', 'population_wins',
            'population_leads', 'high') }} as lift_ci_high,
        {{ fraction_of('wins', 'population_wins') }} as share_of_wins,
        {{ fraction_of('leads', 'population_leads') }} as share_of_leads
    from counts
),

judged as (
    select
        *,
        win_rate / nullif(baseline_win_rate, 0) as lift,
        case
            when leads < {{ min_leads }} or wins < {{ min_wins }}
                then 'too_few_leads'
            when lift_ci_low > 1 then 'predictive'
            when lift_ci_high < 1 then 'negative'
            else 'vanity'
        end as verdict
    from rates
),

-- statistics are reported to 6 decimals; the verdict uses the exact values
final as (
    select
        population,
        criterion_name,
        criterion_value,
        is_dimension,
        leads,
        wins,
        round(win_rate, 6) as win_rate,
        round(win_rate_ci_low, 6) as win_rate_ci_low,
        round(win_rate_ci_high, 6) as win_rate_ci_high,
        population_leads as baseline_leads,
        population_wins as baseline_wins,
        round(baseline_win_rate, 6) as baseline_win_rate,
        round(lift, 6) as lift,
        round(lift_ci_low, 6) as lift_ci_low,
        round(lift_ci_high, 6) as lift_ci_high,
        round(share_of_wins, 6) as share_of_wins,
        round(share_of_leads, 6) as share_of_leads,
        verdict
    from judged
)

select * from final

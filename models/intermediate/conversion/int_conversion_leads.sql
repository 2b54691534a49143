-- One row per non-deleted lead: what the conversion marts count about it.
-- The furthest-stage flags and outcome come from fct_lead_funnel; this adds
-- when the lead first reached mql (an implied mql counts at the entry of the
-- later stage that implied it) and whether it reached mql / won within each
-- window of conversion_windows(). Maturity is a cohort property and is left
-- to the marts.
{%- set stages = ['mql', 'sal', 'sql', 'opportunity', 'won'] %}

with

leads as (
    select
        lead_id,
        cohort_month,
        created_at,
        channel,
        seniority,
        company_size_band,
        industry,
        {%- for stage in stages %}
            first_{{ stage }}_at,
            has_reached_{{ stage }},
        {%- endfor %}
        furthest_stage,
        furthest_stage_order,
        funnel_outcome,
        drop_reason,
        days_lead_to_won,
        days_since_last_stage_move,
        as_of_at
    from {{ ref('fct_lead_funnel') }}
),

reached_mql as (
    select
        *,
        -- least() skips nulls: the first entry into mql or any later stage
        -- (null when the lead never reached mql: it has none of them)
        least(
            first_mql_at,
            first_sal_at,
            first_sql_at,
            first_opportunity_at,
            first_won_at
        ) as reached_mql_at
    from leads
),

final as (
    select
        lead_id,
        cohort_month,
        created_at,
        coalesce(channel, 'unknown') as channel,
        coalesce(seniority, 'unknown') as seniority,
        coalesce(company_size_band, 'unknown') as company_size_band,
        coalesce(industry, 'unknown') as industry,
        {%- for stage in stages %}
            has_reached_{{ stage }},
        {%- endfor %}
        furthest_stage,
        furthest_stage_order,
        funnel_outcome,
        drop_reason,
        reached_mql_at,
        first_won_at as won_at,
        {%- for window_days in conversion_windows() %}
            {{ within_days('created_at', 'reached_mql_at', window_days) }}
                as is_mql_within_{{ window_days }}d,
            {{ within_days('created_at', 'first_won_at', window_days) }}
                as is_won_within_{{ window_days }}d,
        {%- endfor %}
        -- impossible orders (won before created) are no velocity figure
        case
            when days_lead_to_won >= 0 then days_lead_to_won
        end as days_lead_to_won,
        days_since_last_stage_move,
        as_of_at
    from reached_mql
)

select * from final

-- int_mql_criteria_evaluated has one row per lead of int_mql_lead_fields for
-- every criterion of seeds/mql_criteria.csv. Returns each criterion whose row
-- count differs from the lead count: a join that fans out or loses leads.
-- With its inputs' keys (int_mql_lead_fields.lead_id, which is
-- int_mql_lead_behaviour's and int_mql_leads', and
-- mql_criteria.criterion_name, all tested) this stands for a key test on
-- (lead_id, criterion_name), which grouped 20M rows at 1M leads (3.0 s)
-- where this counts them by criterion (docs/BENCHMARKS.md, item 22).
with

criteria as (
    select criterion_name from {{ ref('mql_criteria') }}
),

evaluated as (
    select
        criterion_name,
        count(*) as evaluated_rows
    from {{ ref('int_mql_criteria_evaluated') }}
    group by criterion_name
),

leads as (
    select count(*) as lead_count from {{ ref('int_mql_lead_fields') }}
),

final as (
    select
        coalesce(criteria.criterion_name, evaluated.criterion_name)
            as criterion_name,
        coalesce(evaluated.evaluated_rows, 0) as evaluated_rows,
        leads.lead_count
    from criteria
    full outer join evaluated
        on criteria.criterion_name = evaluated.criterion_name
    cross join leads
    where
        criteria.criterion_name is null
        or coalesce(evaluated.evaluated_rows, 0) != leads.lead_count
)

select * from final

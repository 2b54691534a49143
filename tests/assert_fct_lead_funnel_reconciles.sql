-- Every staged non-deleted lead appears exactly once in fct_lead_funnel, and
-- nothing else does. Returns the leads that break the rule.
with

expected as (
    select lead_id from {{ ref('stg_crm__leads') }}
    where not is_deleted
),

actual as (
    select
        lead_id,
        count(*) as occurrences
    from {{ ref('fct_lead_funnel') }}
    group by lead_id
),

final as (
    select
        coalesce(expected.lead_id, actual.lead_id) as lead_id,
        coalesce(actual.occurrences, 0) as occurrences
    from expected
    full outer join actual
        on expected.lead_id = actual.lead_id
    where
        expected.lead_id is null
        or actual.lead_id is null
        or actual.occurrences != 1
)

select * from final

-- The criteria mart_mql_criteria_lift marks as in the proposed rule are the
-- ones mart_mql_rule_proposal's proposed rule lists: the same number, and
-- each of them in its predictive_criteria. Returns one row per criterion
-- missing from the list, and one when the numbers differ (also when the
-- proposal has no proposed_rule row).
with

in_lift_rule as (
    select criterion_name
    from {{ ref('mart_mql_criteria_lift') }}
    where is_in_proposed_rule
),

proposal as (
    select
        predictive_criteria,
        predictive_criteria_count
    from {{ ref('mart_mql_rule_proposal') }}
    where definition = 'proposed_rule'
),

lift_rule_size as (
    select count(*) as criteria
    from in_lift_rule
),

proposal_size as (
    select coalesce(max(predictive_criteria_count), 0) as criteria
    from proposal
),

-- the list is "a, b, c": each name is looked for between separators
missing_from_proposal as (
    select in_lift_rule.criterion_name
    from in_lift_rule
    cross join proposal
    where
        proposal.predictive_criteria is null
        or {{ dbt.position(
            dbt.concat(["', '", 'in_lift_rule.criterion_name', "', '"]),
            dbt.concat(["', '", 'proposal.predictive_criteria', "', '"]),
        ) }} = 0
),

size_mismatch as (
    select 'number of criteria' as criterion_name
    from lift_rule_size
    cross join proposal_size
    where lift_rule_size.criteria != proposal_size.criteria
)

select criterion_name from missing_from_proposal
union all
select criterion_name from size_mismatch

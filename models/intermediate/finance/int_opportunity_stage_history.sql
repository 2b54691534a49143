-- One row per opportunity x stage it was ever seen in, over every
-- non-quarantined version (staged or superseded) of a staged opportunity.
-- first_seen_at is the updated_at of the first version in that stage; an
-- opportunity is reopened when an open version is strictly later than its
-- first closed version.
with

opportunity_versions as (
    select
        opportunity_id,
        stage,
        is_closed,
        updated_at
    from {{ ref('base_crm__opportunities') }}
    where _row_outcome in ('staged', 'superseded')
),

-- A superseded version always has a staged sibling today; the join keeps
-- the grain right should row_outcome ever change.
staged_opportunities as (
    select opportunity_id
    from {{ ref('base_crm__opportunities') }}
    where _row_outcome = 'staged'
),

opportunity_stages as (
    select
        stage,
        min(stage_order) as stage_order
    from {{ ref('opportunity_stages') }}
    group by stage
),

versions_of_staged as (
    select
        opportunity_versions.opportunity_id,
        opportunity_versions.stage,
        opportunity_versions.is_closed,
        opportunity_versions.updated_at
    from opportunity_versions
    inner join staged_opportunities
        on opportunity_versions.opportunity_id
            = staged_opportunities.opportunity_id
),

stages_seen as (
    select
        opportunity_id,
        stage,
        min(updated_at) as first_seen_at,
        max(updated_at) as last_seen_at,
        count(*) as versions_count
    from versions_of_staged
    group by opportunity_id, stage
),

reopenings as (
    select
        opportunity_id,
        coalesce(
            max(case when not is_closed then updated_at end)
            > min(case when is_closed then updated_at end),
            false
        ) as is_reopened
    from versions_of_staged
    group by opportunity_id
),

final as (
    select
        stages_seen.opportunity_id,
        stages_seen.stage,
        opportunity_stages.stage_order,
        stages_seen.first_seen_at,
        stages_seen.last_seen_at,
        stages_seen.versions_count,
        reopenings.is_reopened
    from stages_seen
    inner join reopenings
        on stages_seen.opportunity_id = reopenings.opportunity_id
    left join opportunity_stages
        on stages_seen.stage = opportunity_stages.stage
)

select * from final

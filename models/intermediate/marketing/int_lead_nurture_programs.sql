-- One row per lead x nurture program (a campaign with program_type nurture)
-- that touched it: its touches of that program in all and strictly before
-- the lead's first MQL (all of them when it never became an MQL), as
-- int_lead_activity_summary counts nurture touches.
with

activities as (
    select
        lead_id,
        campaign_id,
        occurred_at
    from {{ ref('stg_crm__activities') }}
    where campaign_id is not null
),

nurture_programs as (
    select
        campaign_id,
        campaign_name
    from {{ ref('stg_crm__campaigns') }}
    where program_type = 'nurture'
),

first_mql as (
    select
        lead_id,
        first_mql_at
    from {{ ref('int_lead_stage_summary') }}
),

nurture_touches as (
    select
        activities.lead_id,
        activities.campaign_id,
        nurture_programs.campaign_name,
        activities.occurred_at,
        first_mql.first_mql_at is null
        or activities.occurred_at < first_mql.first_mql_at as is_before_mql
    from activities
    inner join nurture_programs
        on activities.campaign_id = nurture_programs.campaign_id
    left join first_mql
        on activities.lead_id = first_mql.lead_id
),

final as (
    select
        lead_id,
        campaign_id,
        max(campaign_name) as campaign_name,
        count(*) as touches,
        count(case when is_before_mql then 1 end) as touches_before_mql,
        min(occurred_at) as first_touch_at,
        max(occurred_at) as last_touch_at
    from nurture_touches
    group by lead_id, campaign_id
)

select * from final

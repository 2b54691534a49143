-- One row per lead: the winning version of each staged lead key.
with

leads as (
    select * from {{ ref('base_crm__leads') }}
    where _row_outcome = 'staged'
),

campaigns as (
    select campaign_id from {{ ref('stg_crm__campaigns') }}
),

users as (
    select user_id from {{ ref('stg_crm__users') }}
),

final as (
    select
        leads.lead_id,
        leads.created_at,
        leads.updated_at,
        leads.email,
        leads.is_valid_email,
        leads.full_name,
        leads.company_name,
        leads.job_title,
        leads.seniority,
        leads.industry,
        leads.employee_count,
        leads.country,
        leads.country_code,
        leads.lead_source,
        leads.channel,
        leads.channel_group,
        leads.is_unmapped_source,
        leads.campaign_id,
        leads.campaign_id is not null
        and campaigns.campaign_id is null as has_unknown_campaign,
        leads.owner_id,
        leads.owner_id is not null
        and users.user_id is null as has_unknown_owner,
        leads.lead_score,
        leads.has_invalid_score,
        leads.status,
        leads.has_unknown_status,
        leads.disqualification_reason,
        leads.is_deleted,
        leads._source_file
    from leads
    left join campaigns
        on leads.campaign_id = campaigns.campaign_id
    left join users
        on leads.owner_id = users.user_id
)

select * from final

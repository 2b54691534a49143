-- One row per lead with activities: touches before its first MQL (all of
-- them when it never became an MQL), nurture touches, counts by type, and
-- the first sales touch at or after the first MQL. One pass over activities.
-- Incremental by lead (macros/lead_keyed.sql); every lead is rebuilt when the
-- campaigns change (which are nurture programs).
{%- set types = [
    'email_open', 'email_click', 'content_download', 'webinar_attended',
    'pricing_page_visit', 'demo_request',
] %}
{#- the columns it reads of activities and leads (macros/lead_keyed.sql) #}
{%- set activity_columns = [
    'lead_id', 'occurred_at', 'activity_type', 'owner_team', 'campaign_id',
] %}
{%- set lead_columns = ['lead_id', 'created_at'] %}

{{ config(lead_keyed_config(
    [
        {'ref': 'stg_crm__activities', 'columns': activity_columns},
        {'ref': 'stg_crm__leads', 'columns': lead_columns},
        {'ref': 'int_lead_stage_summary', 'fingerprints': true},
    ],
    ['stg_crm__campaigns'],
)) }}

with

activities as (
    select {{ activity_columns | join(', ') }}
    from {{ ref('stg_crm__activities') }}
    {{- where_key_to_rebuild('lead_id') }}
),

nurture_campaigns as (
    select campaign_id
    from {{ ref('stg_crm__campaigns') }}
    where program_type = 'nurture'
),

leads as (
    select {{ lead_columns | join(', ') }}
    from {{ ref('stg_crm__leads') }}
    {{- where_key_to_rebuild('lead_id') }}
),

first_mql as (
    select
        lead_id,
        first_mql_at
    from {{ ref('int_lead_stage_summary') }}
),

activities_timed as (
    select
        activities.lead_id,
        activities.occurred_at,
        activities.activity_type,
        activities.owner_team,
        nurture_campaigns.campaign_id is not null as is_nurture_touch,
        first_mql.first_mql_at,
        first_mql.first_mql_at is null
        or activities.occurred_at < first_mql.first_mql_at as is_before_mql,
        {{ duration('leads.created_at', 'activities.occurred_at') }}
            as days_since_created
    from activities
    inner join leads
        on activities.lead_id = leads.lead_id
    left join nurture_campaigns
        on activities.campaign_id = nurture_campaigns.campaign_id
    left join first_mql
        on activities.lead_id = first_mql.lead_id
),

final as (
    select
        lead_id,
        count(*) as touches,
        count(
            case when owner_team = 'marketing' and is_before_mql then 1 end
        ) as marketing_touches_before_mql,
        count(
            case when is_nurture_touch and is_before_mql then 1 end
        ) as nurture_touches_before_mql,
        count(case when is_nurture_touch then 1 end) as nurture_touches,
        count(
            case when days_since_created between 0 and 14 then 1 end
        ) as touches_first_14_days,
        {%- for type in types %}
            count(
                case
                    when activity_type = '{{ type }}' and is_before_mql then 1
                end
            ) as {{ type }}s_before_mql,
        {%- endfor %}
        min(
            case
                when owner_team = 'sales' and occurred_at >= first_mql_at
                    then occurred_at
            end
        ) as first_sales_touch_after_mql_at,
        min(
            case when owner_team = 'sales' then occurred_at end
        ) as first_sales_touch_at
    from activities_timed
    group by lead_id
)

select * from final

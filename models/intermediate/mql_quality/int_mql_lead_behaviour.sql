-- One row per non-deleted lead: every field the MQL criteria seed may name
-- (macro mql_feature_fields) that does not depend on the as-of date, in
-- columns (the score band and decile are added by int_mql_lead_fields).
-- Behaviour counts use a fixed window after creation, the same for every
-- lead (see the mql_behaviour_window docs block). Kept wide so the table is
-- 1 row per lead (22 times fewer rows than the long form) and its key is one
-- column (docs/BENCHMARKS.md). Incremental by lead (macros/lead_keyed.sql):
-- its inputs are int_lead_funnel and int_lead_activity_summary, whose kept
-- fingerprints cover the lead columns and the activity columns it reads.
{%- set window_days = var('mql_behaviour_window_days', 90) %}
{%- set counted_types = [
    ('demo_requests', 'demo_request'),
    ('pricing_page_visits', 'pricing_page_visit'),
    ('email_opens', 'email_open'),
    ('email_clicks', 'email_click'),
    ('content_downloads', 'content_download'),
    ('webinars_attended', 'webinar_attended'),
] %}

-- its fingerprints read int_lead_activity_summary's, which must be built first:
-- depends_on: {{ ref('int_lead_activity_summary') }}

{#- parts: a var's value can be a literal, as dbt parses every model again
    when the vars change (a macro's output cannot: macros/lead_keyed.sql) -#}
{{ config(lead_keyed_config(
    [
        {'ref': 'int_lead_funnel', 'fingerprints': true},
        {'ref': 'int_lead_activity_summary', 'fingerprints': true},
    ],
    parts=["'mql_behaviour_window_days=" ~ window_days ~ "'"],
)) }}

with

leads as (
    select
        lead_id,
        created_at,
        seniority,
        company_size_band,
        industry,
        channel,
        country_code,
        employee_count,
        lead_score,
        demo_requests_before_mql,
        pricing_page_visits_before_mql,
        email_opens_before_mql,
        content_downloads_before_mql,
        webinars_attended_before_mql
    from {{ ref('int_lead_funnel') }}
    {{- where_key_to_rebuild('lead_id') }}
),

activities as (
    select
        lead_id,
        occurred_at,
        activity_type,
        owner_team
    from {{ ref('stg_crm__activities') }}
    {{- where_key_to_rebuild('lead_id') }}
),

activities_timed as (
    select
        activities.lead_id,
        activities.activity_type,
        activities.owner_team,
        {{ within_days('leads.created_at', 'activities.occurred_at',
            window_days) }} as is_in_window,
        {{ within_days('leads.created_at', 'activities.occurred_at', 14) }}
            as is_in_first_14_days
    from activities
    inner join leads
        on activities.lead_id = leads.lead_id
),

activity_counts as (
    select
        lead_id,
        {%- for field, activity_type in counted_types %}
            count(
                case
                    when is_in_window and activity_type = '{{ activity_type }}'
                        then 1
                end
            ) as {{ field }},
        {%- endfor %}
        count(
            case when is_in_window and owner_team = 'marketing' then 1 end
        ) as marketing_touches,
        count(
            case
                when is_in_first_14_days and owner_team = 'marketing' then 1
            end
        ) as marketing_touches_first_14_days
    from activities_timed
    group by lead_id
),

lead_fields as (
    select
        leads.*,
        {%- for field, activity_type in counted_types %}
            coalesce(activity_counts.{{ field }}, 0) as {{ field }},
        {%- endfor %}
        coalesce(activity_counts.marketing_touches, 0) as marketing_touches,
        coalesce(activity_counts.marketing_touches_first_14_days, 0)
            as marketing_touches_first_14_days
    from leads
    left join activity_counts
        on leads.lead_id = activity_counts.lead_id
),

final as (
    select * from lead_fields
)

select * from final

-- One row per explicit MQL (a non-deleted lead with an mql status change):
-- how sales answered it as of the as-of date. The hand-off from marketing
-- to sales is judged on the first MQL: who owns it, what sales decided
-- (accepted, rejected, disqualified or pending), how fast the first sales
-- touch came, whether that met var('sla_hours') (elapsed) and
-- var('sla_business_hours') (working hours only, macro business_hours_between),
-- and whether it was won. Business hours skip the holidays of
-- seeds/business_holidays.csv: each timestamp is left joined to its local
-- date's row of int_business_calendar.
-- Without any sales activity in the data (activities not exported, or no
-- sales touches in them) speed to lead is unknown, not "never touched":
-- bucket and SLA status are `unknown` and the SLA KPIs come out null.
{%- set sla_hours = var('sla_hours', 24) %}
{%- set sla_business_hours = var('sla_business_hours', 8) %}
{%- set window_days = var('mql_win_window_days', 180) %}

with

mqls as (
    select
        lead_id,
        owner_id,
        owner_team,
        first_mql_at,
        has_reached_sal,
        funnel_outcome,
        drop_type,
        drop_reason,
        first_sales_touch_after_mql_at,
        hours_to_first_sales_touch,
        is_won,
        won_at
    from {{ ref('fct_lead_funnel') }}
    where is_explicit_mql
),

calendar as (
    select
        calendar_date,
        is_holiday,
        holidays_before
    from {{ ref('int_business_calendar') }}
),

calendar_span as (
    select
        min(calendar_date) as first_calendar_date,
        max(calendar_date) as last_calendar_date
    from calendar
),

-- The as-of row carries the columns of its own calendar row, so it serves
-- as the calendar alias of as_of_at: one join for the run, not one per MQL.
as_of as (
    select
        as_of_run.as_of_at,
        as_of_day.calendar_date,
        as_of_day.is_holiday,
        as_of_day.holidays_before
    from {{ ref('int_as_of') }} as as_of_run
    cross join calendar_span
    left join calendar as as_of_day
        on {{ business_calendar_join(
            'as_of_day', 'as_of_run.as_of_at', 'calendar_span'
        ) }}
),

sales_activity_data as (
    select count(*) > 0 as has_sales_activities
    from {{ ref('stg_crm__activities') }}
    where owner_team = 'sales'
),

mqls_aged as (
    select
        mqls.*,
        {{ cohort_month('mqls.first_mql_at') }} as mql_month,
        {{ duration('mqls.first_mql_at', 'as_of.as_of_at', 'hours') }}
            as hours_since_mql,
        {{ business_hours_between(
            'mqls.first_mql_at', 'mqls.first_sales_touch_after_mql_at',
            'mql_day', 'touch_day'
        ) }} as business_hours_to_first_sales_touch,
        {{ business_hours_between(
            'mqls.first_mql_at', 'as_of.as_of_at', 'mql_day', 'as_of'
        ) }} as business_hours_since_mql,
        {{ is_cohort_mature(
            cohort_month('mqls.first_mql_at'), 'as_of.as_of_at', window_days
        ) }} as is_mature,
        as_of.as_of_at,
        sales_activity_data.has_sales_activities
    from mqls
    cross join as_of
    cross join sales_activity_data
    cross join calendar_span
    left join calendar as mql_day
        on {{ business_calendar_join(
            'mql_day', 'mqls.first_mql_at', 'calendar_span'
        ) }}
    left join calendar as touch_day
        on {{ business_calendar_join(
            'touch_day', 'mqls.first_sales_touch_after_mql_at', 'calendar_span'
        ) }}
),

final as (
    select
        lead_id,
        owner_id,
        owner_team,
        first_mql_at,
        mql_month,
        case
            when has_reached_sal then 'accepted'
            when drop_type = 'rejected' then 'rejected'
            when funnel_outcome = 'dropped' then 'disqualified'
            else 'pending'
        end as sales_decision,
        case
            when not has_reached_sal and drop_type = 'rejected'
                then drop_reason
        end as rejection_reason,
        hours_to_first_sales_touch,
        case
            when has_sales_activities
                then hours_to_first_sales_touch is not null
        end as is_touched,
        case
            when has_sales_activities
                then {{ response_time_bucket('hours_to_first_sales_touch') }}
            else 'unknown'
        end as response_time_bucket,
        case
            when not has_sales_activities then 'unknown'
            when hours_to_first_sales_touch <= {{ sla_hours }} then 'met'
            when hours_to_first_sales_touch > {{ sla_hours }} then 'breached'
            -- untouched: a breach once older than the SLA, else pending
            when hours_since_mql > {{ sla_hours }} then 'breached'
            else 'pending'
        end as sla_status,
        case
            when has_sales_activities
                then business_hours_to_first_sales_touch
        end as business_hours_to_first_sales_touch,
        case
            when not has_sales_activities then 'unknown'
            when business_hours_to_first_sales_touch <= {{ sla_business_hours }}
                then 'met'
            when business_hours_to_first_sales_touch > {{ sla_business_hours }}
                then 'breached'
            when business_hours_since_mql > {{ sla_business_hours }}
                then 'breached'
            else 'pending'
        end as business_sla_status,
        is_won,
        is_won
        and {{ within_days('first_mql_at', 'won_at', window_days) }}
            as is_won_in_window,
        is_mature,
        as_of_at
    from mqls_aged
)

select * from final

-- One row per lead and segment type: the lead once under segment_type `all`
-- (segment_value 'all') and once under each segment field, so the conversion
-- mart aggregates every slice with one group by and BI filters segment_type.
{%- set segment_fields = [
    'channel', 'seniority', 'company_size_band', 'industry',
] %}
{%- set stages = ['mql', 'sal', 'sql', 'opportunity', 'won'] %}

with

leads as (
    select
        lead_id,
        cohort_month,
        channel,
        seniority,
        company_size_band,
        industry,
        {%- for stage in stages %}
            has_reached_{{ stage }},
        {%- endfor %}
        {%- for window_days in conversion_windows() %}
            is_mql_within_{{ window_days }}d,
            is_won_within_{{ window_days }}d,
        {%- endfor %}
        days_lead_to_won,
        as_of_at
    from {{ ref('int_conversion_leads') }}
),

leads_by_segment as (
    {%- for segment in ['all'] + segment_fields %}
        select
            lead_id,
            cohort_month,
            '{{ segment }}' as segment_type,
            {{ "'all'" if segment == 'all' else segment }} as segment_value,
            {%- for stage in stages %}
                has_reached_{{ stage }},
            {%- endfor %}
            {%- for window_days in conversion_windows() %}
                is_mql_within_{{ window_days }}d,
                is_won_within_{{ window_days }}d,
            {%- endfor %}
            days_lead_to_won,
            as_of_at
        from leads
        {{- '\n        union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select * from leads_by_segment
)

select * from final

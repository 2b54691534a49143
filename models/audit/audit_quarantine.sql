-- One row per quarantined raw row, from every table: the key, the file, the
-- primary reason (by the precedence of seeds/quarantine_reasons.csv) and every
-- reason that applies.
{%- set tables = [
    ('leads', "lead_id"),
    ('lead_status_changes', "lead_id || ' ' || coalesce(status_label, '') || ' ' || coalesce(changed_at_text, cast(changed_at as " ~ dbt.type_string() ~ "), '')"),
    ('opportunities', "opportunity_id"),
    ('deals', "deal_id"),
    ('activities', "activity_id"),
    ('campaigns', "campaign_id"),
    ('campaign_spend', "campaign_id || ' ' || coalesce(spend_date_text, '')"),
    ('users', "user_id"),
] %}

with

quarantined as (
    {%- for table, key in tables %}
        select
            '{{ table }}' as table_name,
            {{ key }} as record_key,
            _source_file as source_file,
            primary_issue as primary_reason,
            issues as reasons,
            cast(_row_hash as {{ dbt.type_string() }}) as row_hash
        from {{ ref('base_crm__' ~ table) }}
        where _row_outcome = 'quarantined'
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        quarantined.*,
        quarantine_reasons.description as primary_reason_description
    from quarantined
    left join {{ ref('quarantine_reasons') }} as quarantine_reasons
        on quarantined.primary_reason = quarantine_reasons.reason
)

select * from final

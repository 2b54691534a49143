-- One row: the as-of timestamp every age, "still open", "stalled" and
-- maturity rule uses. var('as_of_date') when set, else the latest timestamp
-- left in the staged data (future timestamps are quarantined before this).
{%- set as_of = iso_timestamp_var('as_of_date') %}

with

latest_timestamps as (
    select max(updated_at) as latest_at from {{ ref('stg_crm__leads') }}
    union all
    select max(changed_at) from {{ ref('stg_crm__lead_status_changes') }}
    union all
    select max(updated_at) from {{ ref('stg_crm__opportunities') }}
    union all
    select max(closed_at) from {{ ref('stg_crm__opportunities') }}
    union all
    select max(signed_at) from {{ ref('stg_crm__deals') }}
    union all
    select max(occurred_at) from {{ ref('stg_crm__activities') }}
),

latest as (
    select max(latest_at) as latest_at
    from latest_timestamps
),

final as (
    select
        {% if as_of -%}
            cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
        {%- else -%}
            latest_at
        {%- endif %} as as_of_at,
        {{ 'true' if as_of else 'false' }} as is_as_of_set
    from latest
)

select * from final

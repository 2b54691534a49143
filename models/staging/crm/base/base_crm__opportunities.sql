-- Every raw opportunity row (one per version), typed, with issues and outcome.
-- An unknown stage is kept as an open 'unknown' stage and flagged; an unknown
-- lead_id is kept and treated as sales-sourced (flagged).
with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

opportunity_stages as (
    select
        raw_stage,
        stage,
        is_closed,
        is_won
    from {{ ref('opportunity_stages') }}
),

currencies as (
    select distinct currency from {{ ref('fx_rates_monthly') }}
),

staged_leads as (
    select lead_id
    from {{ ref('base_crm__leads') }}
    where _row_outcome = 'staged'
),

parsed as (
    select
        {{ clean_key('opportunity_id') }} as opportunity_id,
        {{ clean_key('lead_id') }} as source_lead_id,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at_parsed,
        {{ parse_timestamp('closed_at') }} as closed_at,
        nullif(trim(created_at), '') as created_at_text,
        nullif(trim(updated_at), '') as updated_at_text,
        nullif(trim(closed_at), '') as closed_at_text,
        {{ normalize_label('stage') }} as stage_label,
        {{ parse_amount('amount') }} as amount,
        nullif(trim(amount), '') as amount_text,
        upper({{ clean_text('currency') }}) as currency,
        {{ clean_key('owner_id') }} as owner_id,
        {{ clean_text('loss_reason') }} as loss_reason,
        coalesce({{ parse_boolean('is_deleted') }}, false) as is_deleted,
        _source_file,
        {{ row_hash([
            'opportunity_id', 'lead_id', 'created_at', 'updated_at', 'stage',
            'amount', 'currency', 'owner_id', 'closed_at', 'loss_reason',
            'is_deleted', '_source_file',
        ]) }} as _row_hash
    from source
),

normalized as (
    select
        parsed.*,
        coalesce(parsed.updated_at_parsed, parsed.created_at) as updated_at,
        coalesce(opportunity_stages.stage, 'unknown') as stage,
        coalesce(opportunity_stages.is_closed, false) as is_closed,
        coalesce(opportunity_stages.is_won, false) as is_won,
        parsed.stage_label is not null
        and opportunity_stages.stage is null as has_unknown_stage,
        case
            when staged_leads.lead_id is not null then parsed.source_lead_id
        end as lead_id,
        parsed.source_lead_id is not null
        and staged_leads.lead_id is null as has_unknown_lead,
        parsed.amount is null
        and parsed.amount_text is not null as has_unparseable_amount,
        parsed.currency is not null
        and currencies.currency is null as has_unknown_currency
    from parsed
    left join opportunity_stages
        on parsed.stage_label = opportunity_stages.raw_stage
    left join staged_leads
        on parsed.source_lead_id = staged_leads.lead_id
    left join currencies
        on parsed.currency = currencies.currency
),

checked as (
    select
        *,
        {{ issue_list([
            ('opportunity_id is null', 'null_key'),
            ('(created_at is null and created_at_text is not null)'
             ~ ' or (updated_at_parsed is null'
             ~ ' and updated_at_text is not null)'
             ~ ' or (closed_at is null and closed_at_text is not null)',
             'unparseable_timestamp'),
            ('created_at_text is null or (is_closed and closed_at_text is null)',
             'missing_required_value'),
            ('amount < 0', 'negative_amount'),
            ('has_unknown_currency', 'unknown_currency'),
            ('created_at > ' ~ future_cutoff()
             ~ ' or updated_at_parsed > ' ~ future_cutoff()
             ~ ' or closed_at > ' ~ future_cutoff(),
             'future_timestamp'),
        ]) }} as issues
    from normalized
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome(
            'opportunity_id',
            'updated_at desc nulls last, created_at desc nulls last'
        ) }} as _row_outcome
    from checked
)

select * from final

-- Every raw user row, typed, with its issues and where it ends.
with

source as (
    select * from {{ source('crm', 'users') }}
),

parsed as (
    select
        {{ clean_key('user_id') }} as user_id,
        {{ clean_text('full_name') }} as full_name,
        lower({{ clean_text('team') }}) as team,
        {{ clean_text('region') }} as region,
        {{ clean_key('manager_id') }} as manager_id,
        _source_file,
        {{ row_hash([
            'user_id', 'full_name', 'team', 'region', 'manager_id',
            '_source_file',
        ]) }} as _row_hash
    from source
),

checked as (
    select
        *,
        {{ issue_list([('user_id is null', 'null_key')]) }} as issues
    from parsed
),

final as (
    select
        *,
        nullif(split_part(issues, ',', 1), '') as primary_issue,
        {{ row_outcome('user_id') }} as _row_outcome
    from checked
)

select * from final

{#- Text -> UTC timestamp, or null when the text is no timestamp.
    ISO-8601 with an offset (Z, +02:00, -0530) is converted to UTC; without an
    offset it is taken as UTC; date-only is midnight UTC. Then the formats of
    var('extra_timestamp_formats') are tried in order (spreadsheet re-saves).
    Never depends on the session time zone. -#}
{% macro parse_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp(column) -%}
    {%- set text = "trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "))" -%}
    coalesce(
        {{ dbt.safe_cast(text, dbt.type_timestamp()) }}
        {%- for fmt in var('extra_timestamp_formats', []) %},
        to_timestamp({{ text }}, '{{ fmt | replace("%d", "dd") | replace("%m", "MM") | replace("%Y", "yyyy") | replace("%H", "HH") | replace("%M", "mm") | replace("%S", "ss") }}')
        {%- endfor %}
    )
{%- endmacro %}

{% macro duckdb__parse_timestamp(column) -%}
    {%- set text = "trim(cast(" ~ column ~ " as varchar))" -%}
    case
        when regexp_matches(
            {{ text }},
            '\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$'
        )
            then timezone('UTC', try_cast({{ text }} as timestamptz))
        else coalesce(
            try_cast({{ text }} as timestamp)
            {%- if var('extra_timestamp_formats', []) %},
            try_strptime({{ text }}, [
                {%- for fmt in var('extra_timestamp_formats') -%}
                    '{{ fmt | replace("'", "''") }}'{{ ", " if not loop.last }}
                {%- endfor -%}
            ])
            {%- endif %}
        )
    end
{%- endmacro %}

{#- Spark's cast reads ISO-8601 with or without an offset (Z, +02:00,
    -0530) into the session time zone, UTC (funnel.spark sets it); only text
    that starts with a full date is cast, as Spark would also read "2025" or
    "2025-03" as timestamps where DuckDB does not. The strftime formats of
    var('extra_timestamp_formats') become Java patterns (%d -> d, ...: one
    letter reads one or two digits, as strptime does). -#}
{% macro spark__parse_timestamp(column) -%}
    {%- set text = "trim(cast(" ~ column ~ " as string))" -%}
    {%- set java = {'%d': 'd', '%m': 'M', '%Y': 'y', '%H': 'H', '%M': 'm',
                    '%S': 's'} -%}
    coalesce(
        case
            when {{ text }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
                then try_cast({{ text }} as timestamp)
        end
        {%- for fmt in var('extra_timestamp_formats', []) %}
        {%- set pattern = namespace(text=fmt | replace("'", "")) %}
        {%- for code, letter in java.items() %}
            {%- set pattern.text = pattern.text | replace(code, letter) %}
        {%- endfor %},
        try_to_timestamp({{ text }}, '{{ pattern.text }}')
        {%- endfor %}
    )
{%- endmacro %}

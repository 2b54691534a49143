{#- A salted hash of a personal value, for the few places a person key is
    needed; raw PII never reaches a mart. The salt comes from the environment
    (FUNNEL_PII_SALT; the default is for the demo data only). On DuckDB the
    profile's plugin (funnel.reliability) binds it as the variable
    funnel_pii_salt, so it never appears in compiled SQL, logs or artifacts. -#}
{% macro pii_hash(column) -%}
    {{ return(adapter.dispatch('pii_hash', 'lead_funnel')(column)) }}
{%- endmacro %}

{% macro default__pii_hash(column) -%}
    md5(
        '{{ env_var("FUNNEL_PII_SALT", "demo-salt-change-me") | replace("'", "''") }}'
        || coalesce(lower(trim({{ column }})), '')
    )
{%- endmacro %}

{% macro duckdb__pii_hash(column) -%}
    md5(
        getvariable('funnel_pii_salt')
        || coalesce(lower(trim({{ column }})), '')
    )
{%- endmacro %}

{#- On Spark the salt is the session conf funnel.pii_salt (set by
    funnel.spark at session start, or server_side_parameters on a cluster),
    read through Spark's ${...} substitution when the statement runs: the
    compiled SQL holds the reference, never the salt. An unset conf is an
    error, not a hash with the literal text as salt. -#}
{% macro spark__pii_hash(column) -%}
    md5(concat(
        case
            when '${funnel.pii_salt}' = concat('$', '{funnel.pii_salt}')
                then raise_error(
                    'the Spark conf funnel.pii_salt (the PII salt) is not set'
                )
            else '${funnel.pii_salt}'
        end,
        coalesce(lower(trim({{ column }})), '')
    ))
{%- endmacro %}

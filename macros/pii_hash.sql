{#- A salted hash of a personal value, for the few places a person key is
    needed; raw PII never reaches a mart. The salt comes from the environment
    (FUNNEL_PII_SALT); the default is for the demo data only. -#}
{% macro pii_hash(column) -%}
    md5(
        '{{ env_var("FUNNEL_PII_SALT", "demo-salt-change-me") | replace("'", "''") }}'
        || coalesce(lower(trim({{ column }})), '')
    )
{%- endmacro %}

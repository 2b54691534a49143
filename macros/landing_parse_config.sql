{#- The signature of an incremental parse model (base_crm__*_parsed): an md5
    of its code, of its parse as rendered (`parse_columns`, so a change to a
    macro it calls counts) and of var('extra_timestamp_formats'). It is part
    of every loaded file's version, so a change reparses every file. -#}
{% macro landing_parse_signature(parse_columns) -%}
    {{ return(local_md5(
        model.raw_code ~ parse_columns
        ~ tojson(var('extra_timestamp_formats', []))
    )) }}
{%- endmacro %}

{#- The config of an incremental parse model: append the rows of new or
    changed landing files, after a pre-hook deleted the rows of files that
    are gone or changed. Spark without Delta cannot delete rows: it rebuilds
    the table in full, which a cluster can afford. -#}
{% macro landing_parse_config(table_name) -%}
    {{ return({
        'materialized': 'table' if target.type == 'spark' else 'incremental',
        'incremental_strategy': 'append',
        'on_schema_change': 'sync_all_columns',
        'pre_hook': "{{ delete_outdated_landing_rows('" ~ table_name ~ "') }}",
    }) }}
{%- endmacro %}

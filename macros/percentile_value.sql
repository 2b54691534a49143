{#- The `fraction` percentile (0-1) of `column` over the rows of a group, as
    an aggregate. DuckDB interpolates exactly (quantile_cont), and so does
    Spark's percentile; the default uses percentile_approx, whose result is
    an observed value within its default accuracy. -#}
{% macro percentile_value(column, fraction) -%}
    {{ return(adapter.dispatch('percentile_value', 'lead_funnel')(
        column, fraction
    )) }}
{%- endmacro %}

{% macro default__percentile_value(column, fraction) -%}
    percentile_approx({{ column }}, {{ fraction }})
{%- endmacro %}

{% macro duckdb__percentile_value(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}

{#- Spark's percentile interpolates exactly like quantile_cont, so both
    engines give the same figure. -#}
{% macro spark__percentile_value(column, fraction) -%}
    percentile({{ column }}, {{ fraction }})
{%- endmacro %}

{#- One bound of the Wilson score interval of a proportion successes / trials
    (95% with the default z). Null when there are no trials. -#}
{% macro wilson_bound(successes, trials, side='low', z=1.959964) -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    case
        when {{ trials }} > 0
            then (
                cast({{ successes }} as double) / {{ trials }}
                + {{ z * z }} / (2.0 * {{ trials }})
                {{ sign }} {{ z }} * sqrt(
                    cast({{ successes }} as double) / {{ trials }}
                    * (1 - cast({{ successes }} as double) / {{ trials }})
                    / {{ trials }}
                    + {{ z * z }} / (4.0 * {{ trials }} * {{ trials }})
                )
            ) / (1 + {{ z * z }} / {{ trials }})
    end
{%- endmacro %}

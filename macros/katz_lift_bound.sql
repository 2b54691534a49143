{#- One bound of the Katz log interval of a ratio of two proportions
    (wins / leads) / (baseline_wins / baseline_leads), 95% with the default z:
    lift * exp(-/+ z * sqrt(1/wins - 1/leads + 1/baseline_wins
    - 1/baseline_leads)). Null when either sample has no wins. -#}
{% macro katz_lift_bound(
    wins, leads, baseline_wins, baseline_leads, side='low', z=1.959964
) -%}
    {%- set sign = '-' if side == 'low' else '' -%}
    case
        when {{ wins }} > 0 and {{ baseline_wins }} > 0
            then (cast({{ wins }} as double) / {{ leads }})
            / (cast({{ baseline_wins }} as double) / {{ baseline_leads }})
            * exp({{ sign }}{{ z }} * sqrt(
                1.0 / {{ wins }} - 1.0 / {{ leads }}
                + 1.0 / {{ baseline_wins }} - 1.0 / {{ baseline_leads }}
            ))
    end
{%- endmacro %}

{#- The per-lead fields the MQL criteria seed (seeds/mql_criteria.csv) may
    name, each with its type and meaning. One list for int_mql_lead_features
    (which unpivots them from int_mql_lead_fields) and int_mql_feature_fields
    (which the seed's field column is tested against). -#}
{% macro mql_feature_fields() -%}
    {%- set window = var('mql_behaviour_window_days', 90) -%}
    {%- set in_window = 'within ' ~ window ~ ' days of creation' -%}
    {{ return([
        {'field': 'seniority', 'value_type': 'text',
         'description': 'seniority derived from the job title'},
        {'field': 'company_size_band', 'value_type': 'text',
         'description': 'company-size band (seeds/company_size_bands.csv)'},
        {'field': 'industry', 'value_type': 'text',
         'description': 'industry, lower case'},
        {'field': 'channel', 'value_type': 'text',
         'description': 'acquisition channel'},
        {'field': 'country_code', 'value_type': 'text',
         'description': 'ISO-3166 alpha-2 country'},
        {'field': 'lead_score_band', 'value_type': 'text',
         'description': 'fixed lead-score band of 10 points (0-9 ... 90-100)'},
        {'field': 'lead_score_decile', 'value_type': 'number',
         'description': 'lead-score decile (1-10) among the matured leads'},
        {'field': 'employee_count', 'value_type': 'number',
         'description': 'company employees'},
        {'field': 'lead_score', 'value_type': 'number',
         'description': 'marketing lead score (0-100)'},
        {'field': 'demo_requests', 'value_type': 'number',
         'description': 'demo requests ' ~ in_window},
        {'field': 'pricing_page_visits', 'value_type': 'number',
         'description': 'pricing-page visits ' ~ in_window},
        {'field': 'email_opens', 'value_type': 'number',
         'description': 'marketing email opens ' ~ in_window},
        {'field': 'email_clicks', 'value_type': 'number',
         'description': 'marketing email clicks ' ~ in_window},
        {'field': 'content_downloads', 'value_type': 'number',
         'description': 'content downloads ' ~ in_window},
        {'field': 'webinars_attended', 'value_type': 'number',
         'description': 'webinars attended ' ~ in_window},
        {'field': 'marketing_touches', 'value_type': 'number',
         'description': 'marketing activities ' ~ in_window},
        {'field': 'marketing_touches_first_14_days', 'value_type': 'number',
         'description': 'marketing activities within 14 days of creation'},
        {'field': 'demo_requests_before_mql', 'value_type': 'number',
         'description': 'demo requests strictly before the first MQL'},
        {'field': 'pricing_page_visits_before_mql', 'value_type': 'number',
         'description': 'pricing-page visits strictly before the first MQL'},
        {'field': 'email_opens_before_mql', 'value_type': 'number',
         'description': 'email opens strictly before the first MQL'},
        {'field': 'content_downloads_before_mql', 'value_type': 'number',
         'description': 'content downloads strictly before the first MQL'},
        {'field': 'webinars_attended_before_mql', 'value_type': 'number',
         'description': 'webinars attended strictly before the first MQL'},
    ]) }}
{%- endmacro %}

"""The channel, sales-alignment and nurture marts on generated demo data.

One build of 30,000 demo leads (seed 42) through the `funnel build` command line; the
planted truths are read from ``funnel.generate.PLANTED`` and ``CAMPAIGNS``, never typed.
The headline: the channel with the most leads is not the one that converts best, and
the all-time channel scorecard says so (rank_by_volume 1 has rank_by_conversion > 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEMO_LEADS, DEMO_SEED, query
from funnel.generate import CAMPAIGNS, PLANTED

LEADS = DEMO_LEADS
SEED = DEMO_SEED

CHANNEL_ALL_TIME = """
    select channel, leads, customers, lead_to_customer_rate,
        lead_to_customer_window_rate, rank_by_volume, rank_by_conversion
    from marts.mart_channel_scorecard
    where level = 'channel' and period_type = 'all_time'
"""


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path) -> Path:
    """The session's demo build (conftest.demo_warehouse: LEADS leads, SEED)."""
    return demo_warehouse


def _channels(database: Path) -> dict[str, dict]:
    columns = ["channel", "leads", "customers", "rate", "window_rate", "rank_volume",
               "rank_conversion"]
    return {row[0]: dict(zip(columns, row, strict=True))
            for row in query(database, CHANNEL_ALL_TIME)}


def _check_volume_is_not_value(database: Path) -> None:
    channels = _channels(database)
    volume_leader = PLANTED.volume_leader_channel
    quality_leader = PLANTED.quality_leader_channel

    top_by_volume = [c for c in channels.values() if c["rank_volume"] == 1]
    assert [c["channel"] for c in top_by_volume] == [volume_leader]
    assert top_by_volume[0]["rank_conversion"] > 1

    quality = channels[quality_leader]
    volume = channels[volume_leader]
    assert quality["rank_conversion"] == 1
    assert quality["rate"] > volume["rate"]
    # censoring-safe too: mature cohorts, wins within the window
    assert quality["window_rate"] > volume["window_rate"]
    # "100 leads with 20 customers beat 1,000 leads with 10": fewer leads, more customers
    assert quality["leads"] < volume["leads"]
    assert quality["customers"] > volume["customers"]


def _check_spend_and_leads_both_show(database: Path) -> None:
    rows = query(database, """
        select campaign_name, leads, spend_reporting
        from marts.mart_channel_scorecard
        where level = 'campaign' and period_type = 'all_time'
    """)
    by_name = {name: (leads, spend) for name, leads, spend in rows}
    for name, _channel, program, daily_spend, _currency, gets_leads, _always in CAMPAIGNS:
        if program != "acquisition":
            continue
        leads, spend = by_name[name]
        if daily_spend > 0 and not gets_leads:
            assert leads == 0 and spend > 0, name
        if daily_spend == 0 and gets_leads:
            assert leads > 0 and spend is None, name

    cost_rows = query(database, """
        select count(*) from marts.mart_channel_scorecard
        where spend_reporting is null
            and (cost_per_lead is not null or roi is not null)
    """)
    assert cost_rows == [(0,)]


def _check_leads_reconcile(database: Path) -> None:
    mismatches = query(database, """
        with scorecard as (
            select period_start, sum(leads) as leads
            from marts.mart_channel_scorecard
            where level = 'channel' and period_type = 'month'
            group by period_start
        ),
        funnel as (
            select cohort_month, count(*) as leads
            from marts.fct_lead_funnel group by cohort_month
        )
        select * from funnel
        full outer join scorecard on funnel.cohort_month = scorecard.period_start
        where coalesce(funnel.leads, 0) != coalesce(scorecard.leads, 0)
    """)
    assert mismatches == []


def _check_speed_to_lead(database: Path) -> None:
    rates = dict(query(database, """
        select response_time_bucket, mql_to_won_window_rate
        from marts.mart_speed_to_lead
        where level = 'all' and period_type = 'all_time'
    """))
    # planted: conversion decays with the hours to the first touch
    assert PLANTED.speed_decay_hours > 0
    assert rates["<1h"] > rates["4-24h"] > rates[">3d"]

    compliance = query(database, """
        select sla_compliance_rate, mqls_received,
            mqls_sla_met + mqls_sla_breached + mqls_sla_pending
        from marts.mart_sales_alignment
        where level = 'all' and period_type = 'all_time'
    """)
    rate, received, classified = compliance[0]
    assert 0 < rate < 1
    assert received == classified


def _check_nurture(database: Path) -> None:
    rows = query(database, """
        select dimension, dimension_value, leads, lead_to_won_window_rate
        from marts.mart_nurture_impact
    """)
    rate = {(dim, value): window_rate for dim, value, _leads, window_rate in rows}
    leads = {(dim, value): count for dim, value, count, _rate in rows}
    # planted: 3-8 nurture touches before the MQL raise the odds of winning
    assert PLANTED.nurture_effect > 0
    assert rate[("touch_bucket", "3-5")] > rate[("touch_bucket", "0")]
    assert rate[("nurtured", "nurtured")] > rate[("nurtured", "not_nurtured")]
    for dimension in ("touch_bucket", "nurtured", "recycled"):
        total = sum(count for (dim, _v), count in leads.items() if dim == dimension)
        assert total == leads[("all", "all")], dimension


def test_channel_marts_on_demo_data(warehouse: Path) -> None:
    _check_volume_is_not_value(warehouse)
    _check_spend_and_leads_both_show(warehouse)
    _check_leads_reconcile(warehouse)
    _check_speed_to_lead(warehouse)
    _check_nurture(warehouse)

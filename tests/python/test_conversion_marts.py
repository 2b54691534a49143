"""The conversion marts on generated demo data find what the generator planted.

The demo data (conftest.demo_warehouse: 30,000 leads, seed 42) is built once per
test session with every model and dbt test (contracts, unit tests, reconciliations),
and shared read-only by the mart tests. Expected values come from ``PLANTED`` or
are recomputed here, never typed.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import DEMO_LEADS, DEMO_SEED, query
from funnel.generate import PLANTED

LEADS = DEMO_LEADS
SEED = DEMO_SEED
WINDOWS = (30, 90, 180)


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path) -> Path:
    """The session's demo build (conftest.demo_warehouse: LEADS leads, SEED)."""
    return demo_warehouse


def is_mature(cohort_month: date, as_of: date, window_days: int) -> bool:
    """The censoring rule, recomputed: as-of >= last day of the cohort month + N days."""
    last_day = cohort_month.replace(
        day=calendar.monthrange(cohort_month.year, cohort_month.month)[1]
    )
    return last_day + timedelta(days=window_days) <= as_of


def test_biggest_leak_is_the_planted_stage(warehouse: Path) -> None:
    rows = query(warehouse, """
        select stage, lost, dropped, stalled from marts.mart_funnel_leakage
        where period = 'all_time' and lost_volume_rank = 1
    """)
    assert len(rows) == 1
    stage, lost, dropped, stalled = rows[0]
    assert stage == PLANTED.biggest_leak_stage, rows
    assert lost == dropped + stalled > 0


def test_every_cohort_has_one_stage_per_rank(warehouse: Path) -> None:
    rows = query(warehouse, """
        select period, cohort_month, list(lost_volume_rank order by lost_volume_rank),
               sum(dropped) + sum(still_open), max(case when stage = 'lead' then entered end)
        from marts.mart_funnel_leakage
        group by period, cohort_month
    """)
    won = dict(query(warehouse, """
        select cohort_month, leads_reached_won from marts.mart_funnel_conversion
        where segment_type = 'all'
    """))
    assert rows
    for _period, cohort_month, ranks, stopped, leads in rows:
        assert ranks == [1, 2, 3, 4, 5]
        # every lead either stopped at one stage (dropped or open) or won
        assert stopped + won[cohort_month] == leads


def test_immature_windows_are_null_and_mature_ones_are_not(warehouse: Path) -> None:
    columns = ", ".join(
        f"is_mature_{n}d, leads_mature_{n}d, leads_won_within_{n}d, "
        f"lead_to_won_within_{n}d_rate, lead_to_mql_within_{n}d_rate"
        for n in WINDOWS
    )
    rows = query(warehouse, f"""
        select cohort_month, cast(as_of_at as date), leads, {columns}
        from marts.mart_funnel_conversion
        where period = 'month'
    """)
    assert rows
    for n_index, window_days in enumerate(WINDOWS):
        mature_rows = immature_rows = 0
        for cohort_month, as_of, leads, *window_columns in rows:
            flag, mature_leads, won_within, won_rate, mql_rate = (
                window_columns[5 * n_index: 5 * n_index + 5]
            )
            if is_mature(cohort_month, as_of, window_days):
                mature_rows += 1
                assert flag is True and mature_leads == leads
                assert won_within is not None and won_rate is not None and mql_rate is not None
                assert won_rate == pytest.approx(won_within / leads)
            else:
                immature_rows += 1
                assert flag is False and mature_leads == 0
                assert won_within is None and won_rate is None and mql_rate is None
        # two years of cohorts: some are mature for every window, the latest never
        assert mature_rows > 0 and immature_rows > 0, window_days


def test_volume_leader_is_not_the_value_leader(warehouse: Path) -> None:
    rows = query(warehouse, """
        select segment_value, leads, lead_to_won_within_180d_rate
        from marts.mart_funnel_conversion
        where period = 'all_time' and segment_type = 'channel'
    """)
    by_volume = max(rows, key=lambda row: row[1])
    by_value = max(rows, key=lambda row: row[2])
    assert by_volume[0] == PLANTED.volume_leader_channel
    assert by_value[0] == PLANTED.quality_leader_channel
    assert by_volume[2] < by_value[2] / 5


def test_marts_add_up_to_the_lead_fact(warehouse: Path) -> None:
    [(leads, won, dropped, still_open)] = query(warehouse, """
        select count(*), count(*) filter (where is_won),
               count(*) filter (where funnel_outcome = 'dropped'),
               count(*) filter (where funnel_outcome = 'open')
        from marts.fct_lead_funnel
    """)
    assert leads > 0.95 * LEADS
    [(all_leads, all_won)] = query(warehouse, """
        select leads, leads_reached_won from marts.mart_funnel_conversion
        where period = 'all_time' and segment_type = 'all'
    """)
    assert (all_leads, all_won) == (leads, won)
    [(entered, total_dropped, total_open, advanced_to_won)] = query(warehouse, """
        select max(case when stage = 'lead' then entered end), sum(dropped),
               sum(still_open), max(case when stage = 'opportunity' then advanced end)
        from marts.mart_funnel_leakage where period = 'all_time'
    """)
    assert (entered, total_dropped, total_open, advanced_to_won) == (
        leads, dropped, still_open, won
    )

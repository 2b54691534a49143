"""Pieces of `funnel bench` that decide what its figures mean."""

from __future__ import annotations

import duckdb
import pytest
from funnel.bench import data_test_fails_sql, parse_sizes

# (test rows, config) -> does the build fail? as dbt decides it
CASES = [
    (0, {}, False),
    (1, {}, True),
    (2, {"fail_calc": "count(*)", "error_if": "!= 2"}, False),  # expects exactly two
    (1, {"fail_calc": "count(*)", "error_if": "!= 2"}, True),
    (3, {"severity": "warn"}, False),
    (3, {"severity": "ERROR", "error_if": "> 5"}, False),
    (6, {"severity": "ERROR", "error_if": "> 5"}, True),
    (2, {"fail_calc": "sum(x)", "error_if": "> 10"}, False),  # x is 1, 2: 3
    (0, {"fail_calc": "sum(x)"}, False),  # null over no rows: passes, as in dbt
]


@pytest.mark.parametrize(("rows", "config", "fails"), CASES)
def test_direct_run_judges_a_data_test_as_dbt_does(rows: int, config: dict, fails: bool) -> None:
    node = {"config": config, "compiled_code": f"select x from range(1, {rows + 1}) t(x)"}
    assert duckdb.sql(data_test_fails_sql(node)).fetchall() == [(fails,)]


def test_sizes_are_parsed_with_suffixes() -> None:
    assert parse_sizes("100k,1m") == [100_000, 1_000_000]

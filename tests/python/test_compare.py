"""funnel.compare: the row-for-row comparison behind `funnel spark-check`."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from conftest import PROJECT_DIR
from funnel.compare import compare_rows, values_equal
from funnel.spark import CONTRACT_MARTS

COLUMNS = ["lead_id", "cohort_month", "amount", "rate", "is_won", "reached_at"]
ROWS = [
    ("L1", date(2025, 1, 1), Decimal("10.50"), 0.1, True, datetime(2025, 1, 2, 3, 4, 5)),
    ("L2", date(2025, 2, 1), Decimal("0.00"), 1 / 3, False, None),
    ("L3", None, None, None, None, None),
]


def test_identical_rows_in_another_order_and_column_case_match():
    diff = compare_rows("mart", COLUMNS, ROWS, [c.upper() for c in COLUMNS], ROWS[::-1])
    assert diff.ok, diff.mismatches
    assert (diff.left_rows, diff.right_rows) == (3, 3)


def test_a_changed_value_is_a_mismatch_naming_the_column():
    changed = [ROWS[0], ("L2", date(2025, 2, 1), Decimal("0.01"), 1 / 3, False, None), ROWS[2]]
    diff = compare_rows("mart", COLUMNS, ROWS, COLUMNS, changed)
    assert not diff.ok
    assert diff.mismatched_rows == 1
    assert "amount: Decimal('0.00') vs Decimal('0.01')" in diff.mismatches[0]


def test_a_missing_row_is_a_mismatch():
    diff = compare_rows("mart", COLUMNS, ROWS, COLUMNS, ROWS[:2])
    assert not diff.ok
    assert "row count differs: 3 vs 2" in diff.mismatches


def test_a_missing_column_is_a_mismatch():
    diff = compare_rows("mart", COLUMNS, ROWS, COLUMNS[:-1], [row[:-1] for row in ROWS])
    assert not diff.ok
    assert diff.mismatches == ["columns only on the left: reached_at"]


def test_float_noise_within_the_tolerance_passes_and_beyond_it_fails():
    noisy = [(*ROWS[1][:3], ROWS[1][3] * (1 + 1e-12), *ROWS[1][4:]), ROWS[0], ROWS[2]]
    assert compare_rows("mart", COLUMNS, ROWS, COLUMNS, noisy).ok
    off = [(*ROWS[1][:3], ROWS[1][3] * (1 + 1e-6), *ROWS[1][4:]), ROWS[0], ROWS[2]]
    assert not compare_rows("mart", COLUMNS, ROWS, COLUMNS, off).ok
    assert values_equal(0.0, 1e-17)  # a zero that came out as rounding noise


def test_decimals_and_integers_are_exact():
    assert values_equal(Decimal("1.10"), Decimal("1.1"))
    assert values_equal(3, Decimal("3"))
    assert not values_equal(Decimal("1.000000001"), Decimal("1"))
    assert not values_equal(1, 2)


def test_nulls_equal_only_nulls():
    assert values_equal(None, None)
    assert not values_equal(None, 0)
    assert not values_equal("", None)
    nulled = [ROWS[0], ROWS[1], ("L3", None, None, None, False, None)]
    diff = compare_rows("mart", COLUMNS, ROWS, COLUMNS, nulled)
    assert not diff.ok
    assert "is_won: None vs False" in diff.mismatches[0]


def test_types_must_agree_except_numbers():
    assert not values_equal("1", 1)
    assert not values_equal(True, 1)
    assert not values_equal(date(2025, 1, 1), datetime(2025, 1, 1))
    assert values_equal(2.0, 2)


def test_the_parity_check_guards_the_marts_of_the_contract():
    """funnel.spark.CONTRACT_MARTS (marts the parity check requires) is the
    outputs table of ../shared/CONTRACT.md, so neither can drift from the other."""
    contract = PROJECT_DIR.parent / "shared" / "CONTRACT.md"
    outputs = contract.read_text().split("## Outputs", 1)[1]
    named = re.findall(r"^\| ((?:fct|mart)_\w+) \|", outputs, re.MULTILINE)
    assert named, f"no mart table found under '## Outputs' in {contract}"
    assert sorted(CONTRACT_MARTS) == sorted(named)

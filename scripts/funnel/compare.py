"""Compare two builds of the same mart, row for row.

Rows are compared as multisets: both sides are sorted by every column (in the
left side's column order) and then paired. Floats match within a relative
tolerance (two engines may sum or divide in another order, or round the last
bit differently); decimals, integers, strings, booleans, dates and timestamps
match exactly; null equals only null. A missing or extra column, a row count
that differs or any value that differs is a mismatch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

REL_TOL = 1e-9
ABS_TOL = 1e-12  # floats that should be 0 may come out as 1e-17 on one engine
SORT_DIGITS = 9  # floats are rounded to this many significant digits to sort
MAX_SHOWN = 5  # mismatching rows described per mart


@dataclass
class MartDiff:
    """The outcome of one mart's comparison."""

    name: str
    left_rows: int
    right_rows: int
    mismatches: list[str] = field(default_factory=list)
    mismatched_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _is_float(value: Any) -> bool:
    return isinstance(value, float)


def _sort_value(value: Any) -> tuple:
    """A key that orders any mix of values and nulls (nulls first), floats rounded."""
    if value is None:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | Decimal):
        return (2, float(value))
    if _is_float(value):
        if math.isnan(value):
            return (2, math.inf, 1)
        if value == 0 or math.isinf(value):
            return (2, value)
        return (2, float(f"{value:.{SORT_DIGITS}g}"))
    if isinstance(value, datetime):
        return (3, value.isoformat())
    if isinstance(value, date):
        return (3, datetime(value.year, value.month, value.day).isoformat())
    return (4, str(value))


def values_equal(left: Any, right: Any, rel_tol: float = REL_TOL) -> bool:
    """Equal as the module docstring says: floats within rel_tol, others exactly."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_float(left) or _is_float(right):
        if not isinstance(left, int | float | Decimal) or not isinstance(
            right, int | float | Decimal
        ):
            return False
        a, b = float(left), float(right)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=ABS_TOL)
    if isinstance(left, int | Decimal) and isinstance(right, int | Decimal):
        return Decimal(left) == Decimal(right)
    if isinstance(left, datetime) and isinstance(right, datetime):
        return left.replace(tzinfo=None) == right.replace(tzinfo=None)
    if isinstance(left, date) and isinstance(right, date):
        return left == right and isinstance(left, datetime) == isinstance(right, datetime)
    return type(left) is type(right) and left == right


def compare_rows(
    name: str,
    left_columns: Sequence[str],
    left_rows: Sequence[Sequence[Any]],
    right_columns: Sequence[str],
    right_rows: Sequence[Sequence[Any]],
    rel_tol: float = REL_TOL,
) -> MartDiff:
    """Compare two row sets of one mart; columns are matched by name (any case)."""
    diff = MartDiff(name, len(left_rows), len(right_rows))
    left_names = [c.lower() for c in left_columns]
    right_names = [c.lower() for c in right_columns]
    missing = [c for c in left_names if c not in right_names]
    extra = [c for c in right_names if c not in left_names]
    if missing:
        diff.mismatches.append(f"columns only on the left: {', '.join(missing)}")
    if extra:
        diff.mismatches.append(f"columns only on the right: {', '.join(extra)}")
    common = [c for c in left_names if c in right_names]
    left_at = [left_names.index(c) for c in common]
    right_at = [right_names.index(c) for c in common]
    left = sorted(
        (tuple(row[i] for i in left_at) for row in left_rows),
        key=lambda row: tuple(_sort_value(v) for v in row),
    )
    right = sorted(
        (tuple(row[i] for i in right_at) for row in right_rows),
        key=lambda row: tuple(_sort_value(v) for v in row),
    )
    if len(left) != len(right):
        diff.mismatches.append(f"row count differs: {len(left)} vs {len(right)}")
    for number, (a, b) in enumerate(zip(left, right, strict=False), start=1):
        differing = [
            f"{column}: {x!r} vs {y!r}"
            for column, x, y in zip(common, a, b, strict=True)
            if not values_equal(x, y, rel_tol)
        ]
        if differing:
            diff.mismatched_rows += 1
            if diff.mismatched_rows <= MAX_SHOWN:
                diff.mismatches.append(f"sorted row {number}: " + "; ".join(differing))
    if diff.mismatched_rows > MAX_SHOWN:
        diff.mismatches.append(
            f"... {diff.mismatched_rows - MAX_SHOWN} more mismatching row(s)"
        )
    return diff

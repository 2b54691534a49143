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
from pathlib import Path
from typing import Any

import duckdb

from funnel.landing import quote_ident, quote_literal

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


# Where two DuckDB builds of the same landing zone are compared table by table: the
# incremental base tables too must equal a full build's row for row.
COMPARED_SCHEMAS = ("marts", "audit", "staging", "intermediate")
CHECKSUM_ABS_TOL = 1e-6  # sums of many doubles, added in the order DuckDB's threads run


def table_checksums(database: Path, schemas: Sequence[str] = COMPARED_SCHEMAS) -> dict[str, tuple]:
    """Per table and view of ``schemas`` in a DuckDB file: its row count, an order-free
    checksum of its exact columns and, per double column, sums tied to the rows
    (compared with a tolerance: a sum of doubles depends on the order of addition)."""
    wanted = "(" + ", ".join(quote_literal(name) for name in schemas) + ")"
    con = duckdb.connect(str(database), read_only=True)
    try:
        # views too: fct_lead_funnel is one (its as-of columns are computed when read)
        tables = con.execute(
            f"select schema_name, table_name from duckdb_tables() where schema_name in {wanted} "
            "union all select schema_name, view_name from duckdb_views() "
            f"where schema_name in {wanted} order by all"
        ).fetchall()
        sums = {}
        for schema, table in tables:
            columns = con.execute(
                "select column_name, data_type in ('DOUBLE', 'FLOAT') from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
            exact = ", ".join(quote_ident(name) for name, is_float in columns if not is_float)
            row = f"(hash({exact}) % 997 + 1)" if exact else "1"
            floats = "".join(
                f", count({quote_ident(name)}), sum({quote_ident(name)}), "
                f"sum({quote_ident(name)} * {row})"
                for name, is_float in columns if is_float
            )
            exact_sum = f"cast(sum(hash({exact})) as varchar)" if exact else "''"
            sums[f"{schema}.{table}"] = con.execute(
                f"select count(*), {exact_sum}{floats} "
                f"from {quote_ident(schema)}.{quote_ident(table)}"
            ).fetchall()[0]
        return sums
    finally:
        con.close()


def checksums_equal(got: tuple, want: tuple) -> bool:
    """Two tables' table_checksums agree (the float sums within a tolerance)."""
    return len(got) == len(want) and all(
        math.isclose(a, b, rel_tol=REL_TOL, abs_tol=CHECKSUM_ABS_TOL)
        if isinstance(a, float) and isinstance(b, float) else a == b
        for a, b in zip(got, want, strict=True)
    )


def differing_tables(got: dict[str, tuple], want: dict[str, tuple]) -> dict[str, str]:
    """What differs between two warehouses' table_checksums, by table: missing on one
    side, or other rows (with both row counts)."""
    differing = {name: "missing" for name in want if name not in got}
    differing |= {name: "not in the other build" for name in got if name not in want}
    differing |= {
        name: f"other rows: {got[name][0]} rows against {want[name][0]}"
        for name in want
        if name in got and not checksums_equal(got[name], want[name])
    }
    return dict(sorted(differing.items()))

"""Shared fixtures: build a landing zone into a throw-away warehouse."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))
REAL_DATA_DIR = PROJECT_DIR.parent / "shared" / "data" / "real"
FUNNEL = str(Path(sys.executable).parent / "funnel")


def run_funnel(
    *args: str, landing_dir: Path | None = None, database: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Run the `funnel` command line as a user would; returns the finished process."""
    full_env = dict(os.environ)
    if landing_dir is not None:
        full_env["FUNNEL_LANDING_DIR"] = str(landing_dir)
    if database is not None:
        full_env["FUNNEL_BUILD_DB"] = str(database)
        # Tests never publish into the repository's warehouse/ folder.
        full_env.setdefault(
            "FUNNEL_PUBLISHED_DB", str(database.parent / "published" / database.name)
        )
    full_env.update(env or {})
    return subprocess.run(
        [FUNNEL, *args], cwd=PROJECT_DIR, env=full_env, capture_output=True, text=True,
        check=False,
    )


@pytest.fixture
def build_warehouse(tmp_path: Path) -> Callable[..., tuple[subprocess.CompletedProcess, Path]]:
    """Build a landing directory; returns (finished process, warehouse path)."""

    def _build(landing_dir: Path, *extra: str, env: dict[str, str] | None = None):
        database = tmp_path / "warehouse" / "funnel.duckdb"
        proc = run_funnel("build", *extra, landing_dir=landing_dir, database=database, env=env)
        return proc, database

    return _build


DEMO_LEADS = 30_000
DEMO_SEED = 42


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data (30,000 leads, seed 42) fully built once per test session.

    The mart tests only read it, so one build serves them all. Its landing
    folder is the warehouse's grandparent's `raw/`.
    """
    from funnel.generate import generate

    root = tmp_path_factory.mktemp("demo")
    generate(root / "raw", leads=DEMO_LEADS, seed=DEMO_SEED)
    database = root / "warehouse" / "funnel.duckdb"
    proc = run_funnel("build", "--no-publish", landing_dir=root / "raw", database=database)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return database


def query(database: Path, sql: str) -> list[tuple]:
    """Rows of one query on a built warehouse, opened read-only."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# Where a build's tables are compared with another build's: the incremental
# base tables too must equal a full build row for row.
COMPARED_SCHEMAS = ("marts", "audit", "staging", "intermediate")


def table_checksums(database: Path) -> dict[str, tuple]:
    """Per table and view of the compared schemas: rows and an order-free checksum of the
    exact columns, and, per double column, sums tied to the rows (compared with a
    tolerance: a sum of doubles depends on the order DuckDB's threads add them in)."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        # views too: fct_lead_funnel is one (its as-of columns are computed when read)
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            f"where schema_name in {COMPARED_SCHEMAS} "
            "union all select schema_name, view_name from duckdb_views() "
            f"where schema_name in {COMPARED_SCHEMAS} order by all"
        ).fetchall()
        sums = {}
        for schema, table in tables:
            columns = con.execute(
                "select column_name, data_type in ('DOUBLE', 'FLOAT') "
                "from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
            exact = ", ".join(f'"{name}"' for name, is_float in columns if not is_float)
            row = f"(hash({exact}) % 997 + 1)" if exact else "1"
            floats = "".join(
                f', count("{name}"), sum("{name}"), sum("{name}" * {row})'
                for name, is_float in columns if is_float
            )
            exact_sum = f"cast(sum(hash({exact})) as varchar)" if exact else "''"
            result = con.execute(
                f'select count(*), {exact_sum}{floats} from "{schema}"."{table}"'
            ).fetchall()[0]
            sums[f"{schema}.{table}"] = result
        return sums
    finally:
        con.close()


def _same(got: tuple, want: tuple) -> bool:
    return len(got) == len(want) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6) if isinstance(a, float)
        and isinstance(b, float) else a == b
        for a, b in zip(got, want, strict=True)
    )


def assert_same_tables(got_database: Path, want_database: Path) -> None:
    """Every table of the compared schemas holds the same rows in both warehouses."""
    got, want = table_checksums(got_database), table_checksums(want_database)
    assert sorted(got) == sorted(want)
    assert any(name.startswith("marts.") for name in want)
    differing = {name: f"{got[name][0]} rows against {want[name][0]}" for name in want
                 if not _same(got[name], want[name])}
    assert not differing, f"{got_database} != {want_database} for {differing}"

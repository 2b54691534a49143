"""Shared fixtures: build a landing zone into a throw-away warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from funnel.compare import differing_tables, table_checksums

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


def assert_same_tables(got_database: Path, want_database: Path) -> None:
    """Every table of the compared schemas holds the same rows in both warehouses."""
    got, want = table_checksums(got_database), table_checksums(want_database)
    assert any(name.startswith("marts.") for name in want)
    differing = differing_tables(got, want)
    assert not differing, f"{got_database} != {want_database} for {differing}"

"""The MetricFlow semantic layer (models/semantic) agrees with the marts.

One demo warehouse (5,000 leads) is built; `mf validate-configs` then checks the
semantic models against it, and the conversion metric
`lead_to_mql_within_30d_rate` (MetricFlow's `conversion` type) is compared
with `mart_funnel_conversion.lead_to_mql_within_30d_rate`: per cohort month and
pooled over the mature cohorts. Every expected figure is read from the mart.

Definitions, and why they match (docs block `semantic_conversion_metrics`):
both count a lead as converted when it reached mql (its first entry into mql or
any later stage) 0 to 30 days after creation, in elapsed time to the second.
The mart counts only cohorts mature for 30 days, so the query keeps those; and
the mart's window is closed (<= 30 days) while MetricFlow's is half-open
(< 30 days), so the test first checks that no lead sits exactly on the edge.

mf reads `<project root>/target/semantic_manifest.json` (a fixed path) and the
profile from DBT_PROFILES_DIR. To stay clear of other runs writing the shared
target/, the test parses into a private project root that links to the
project's sources.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR, query, run_funnel

LEADS = 5_000
SEED = 42
METRIC = "lead_to_mql_within_30d_rate"
COUNT_METRIC = "leads_mql_within_30d"  # the same conversion, calculation: conversions
COHORT = "lead__cohort_month__month"
BIN = Path(sys.executable).parent
# What dbt reads from the project (dbt_project.yml paths); target/ stays private.
DBT_SOURCES = ("dbt_project.yml", "models", "macros", "seeds", "tests", "analyses")


@pytest.fixture(scope="module")
def semantic_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(warehouse, project root): a built demo warehouse and a parsed private project."""
    from funnel.generate import generate

    root = tmp_path_factory.mktemp("semantic")
    generate(root / "raw", leads=LEADS, seed=SEED)
    database = root / "warehouse" / "funnel.duckdb"
    proc = run_funnel("build", "--no-publish", landing_dir=root / "raw", database=database)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    project = root / "project"
    project.mkdir()
    for name in DBT_SOURCES:
        if (PROJECT_DIR / name).exists():
            (project / name).symlink_to(PROJECT_DIR / name)
    parse = subprocess.run(
        [str(BIN / "dbt"), "parse", "--quiet", "--project-dir", str(project),
         "--profiles-dir", str(PROJECT_DIR)],
        cwd=project, env=_env(database, project), capture_output=True, text=True, check=False,
    )
    assert parse.returncode == 0, parse.stdout + parse.stderr
    assert (project / "target" / "semantic_manifest.json").exists()
    return database, project


def _env(database: Path, project: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        FUNNEL_BUILD_DB=str(database),  # profiles.yml: the dev target's path
        DBT_PROFILES_DIR=str(PROJECT_DIR),  # mf's profile lookup (default: the cwd)
        DBT_PROJECT_DIR=str(project),  # mf's project root (default: the cwd)
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    env.pop("FUNNEL_TARGET", None)
    return env


def _mf(database: Path, project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "mf"), *args], cwd=project, env=_env(database, project),
        capture_output=True, text=True, check=False,
    )


def _mf_query(database: Path, project: Path, out: Path, *args: str) -> list[dict[str, str]]:
    proc = _mf(database, project, "query", "--quiet", "--csv", str(out), *args)
    assert proc.returncode == 0 and out.exists(), proc.stdout + proc.stderr
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _mature_cohorts(database: Path) -> dict[dt.date, tuple[int, int, float]]:
    """Mart rows (segment all) of the cohorts mature for 30 days:
    cohort month -> (leads_mature_30d, leads_mql_within_30d, rate)."""
    rows = query(
        database,
        "select cohort_month, leads_mature_30d, leads_mql_within_30d, "
        "lead_to_mql_within_30d_rate from marts.mart_funnel_conversion "
        "where period = 'month' and segment_type = 'all' and is_mature_30d",
    )
    return {month: (leads, converted, rate) for month, leads, converted, rate in rows}


def test_validate_configs_passes_against_the_warehouse(semantic_project):
    """`make semantic` skips the warehouse checks; here they run on a built one."""
    database, project = semantic_project
    proc = _mf(database, project, "validate-configs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "against data warehouse" in proc.stdout


def test_no_lead_sits_on_the_window_edge(semantic_project):
    """Precondition of an exact match: the closed and half-open windows differ
    only for an MQL exactly 30 days after creation."""
    database, _ = semantic_project
    [(on_edge, converted)] = query(
        database,
        "select count(case when datediff('second', leads.created_at, "
        "mqls.reached_mql_at) = 30 * 86400 then 1 end), count(*) "
        "from semantic.fct_lead_mqls as mqls "
        "inner join marts.fct_lead_funnel as leads on mqls.lead_id = leads.lead_id",
    )
    assert converted > 0
    assert on_edge == 0


def test_conversion_rate_matches_the_mart_per_mature_cohort(semantic_project, tmp_path):
    database, project = semantic_project
    expected = _mature_cohorts(database)
    assert len(expected) >= 12, "the demo data should have a year of mature cohorts"

    rows = _mf_query(
        database, project, tmp_path / "by_cohort.csv",
        "--metrics", f"{METRIC},leads,{COUNT_METRIC}", "--group-by", COHORT,
    )
    actual = {dt.date.fromisoformat(row[COHORT][:10]): row for row in rows}
    for month, (leads, converted, rate) in sorted(expected.items()):
        row = actual[month]
        assert int(row["leads"]) == leads, month
        assert int(row[COUNT_METRIC]) == converted, month
        assert float(row[METRIC]) == pytest.approx(rate, rel=1e-12), month


def test_conversion_rate_matches_the_mart_all_time(semantic_project, tmp_path):
    """The mart's all-time rate pools the mature cohorts: the same filter in mf."""
    database, project = semantic_project
    [(rate, leads, converted)] = query(
        database,
        "select lead_to_mql_within_30d_rate, leads_mature_30d, leads_mql_within_30d "
        "from marts.mart_funnel_conversion "
        "where period = 'all_time' and segment_type = 'all'",
    )
    last_mature = max(_mature_cohorts(database))
    # Maturity only grows with time: the mature cohorts are all those up to the last.
    [(immature_before,)] = query(
        database,
        "select count(*) from marts.mart_funnel_conversion where period = 'month' "
        f"and segment_type = 'all' and not is_mature_30d and cohort_month < '{last_mature}'",
    )
    assert immature_before == 0

    where = (
        "{{ TimeDimension('lead__cohort_month', 'month') }} <= "
        f"'{last_mature.isoformat()}'"
    )
    [row] = _mf_query(
        database, project, tmp_path / "all_time.csv",
        "--metrics", f"{METRIC},leads,{COUNT_METRIC}", "--where", where,
    )
    assert int(row["leads"]) == leads
    assert int(row[COUNT_METRIC]) == converted
    assert float(row[METRIC]) == pytest.approx(rate, rel=1e-12)

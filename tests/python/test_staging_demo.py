"""Staging on generated demo data: every raw row is accounted for, clean and dirty.

The dirty landing zone is the clean one (same seed) plus the generator's injected
defects, so every difference between the two builds must be explained by
`_injected.json`: quarantined rows by reason, superseded rows and flagged rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import query, run_funnel
from funnel import generate

LEADS = 3000
SEED = 7


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for kind in ("clean", "dirty"):
        root = tmp_path_factory.mktemp(kind)
        generate.generate(root / "raw", leads=LEADS, seed=SEED, dirty=kind == "dirty")
        database = root / "warehouse" / "funnel.duckdb"
        proc = run_funnel("build", "--no-publish", landing_dir=root / "raw",
                          database=database)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        out[kind] = database
        out[f"{kind}_raw"] = root / "raw"
    return out


def outcome_counts(database: Path) -> dict[str, tuple[int, int, int, int, int]]:
    rows = query(database, "select table_name, raw_rows, staged_rows, superseded_rows, "
                           "quarantined_rows, unexplained_rows from audit.audit_reconciliation")
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.mark.parametrize("kind", ["clean", "dirty"])
def test_every_raw_row_is_accounted_for(builds: dict[str, Path], kind: str) -> None:
    counts = outcome_counts(builds[kind])
    summary = json.loads((builds[f"{kind}_raw"] / "_generator.json").read_text())
    assert set(counts) == set(summary["row_counts"])
    for table, (raw, staged, superseded, quarantined, unexplained) in counts.items():
        assert raw == summary["row_counts"][table], table
        assert unexplained == 0, table
        assert raw == staged + superseded + quarantined, table


def test_clean_data_quarantines_nothing(builds: dict[str, Path]) -> None:
    assert query(builds["clean"], "select count(*) from audit.audit_quarantine") == [(0,)]


def test_every_injected_defect_is_quarantined_with_its_reason(builds: dict[str, Path]) -> None:
    injected = json.loads((builds["dirty_raw"] / "_injected.json").read_text())
    expected: dict[tuple[str, str], int] = {}
    for table, kinds in injected.items():
        for spec in kinds.values():
            if spec["outcome"] == "quarantined":
                key = (table, spec["reason"])
                expected[key] = expected.get(key, 0) + spec["rows"]
    rows = query(builds["dirty"], "select table_name, primary_reason, count(*) "
                                  "from audit.audit_quarantine group by all")
    assert {(table, reason): n for table, reason, n in rows} == expected


def test_injected_versions_and_repeats_are_superseded(builds: dict[str, Path]) -> None:
    injected = json.loads((builds["dirty_raw"] / "_injected.json").read_text())
    clean, dirty = outcome_counts(builds["clean"]), outcome_counts(builds["dirty"])
    for table, kinds in injected.items():
        added = sum(s["rows"] for s in kinds.values() if s["outcome"] == "superseded")
        assert dirty[table][2] - clean[table][2] == added, table


@pytest.mark.parametrize(
    ("kind", "sql"),
    [
        ("unmapped_lead_source", "select count(*) from staging.stg_crm__leads "
                                 "where is_unmapped_source"),
        ("unknown_campaign", "select count(*) from staging.stg_crm__leads "
                             "where has_unknown_campaign"),
        ("unknown_owner", "select count(*) from staging.stg_crm__leads where has_unknown_owner"),
        ("invalid_email", "select count(*) from staging.stg_crm__leads where not is_valid_email"),
        ("unknown_stage", "select count(*) from staging.stg_crm__opportunities "
                          "where has_unknown_stage"),
        ("unknown_lead_id", "select count(*) from staging.stg_crm__opportunities "
                            "where has_unknown_lead"),
    ],
)
def test_flagged_defects_are_kept_and_flagged(builds: dict[str, Path], kind: str, sql: str) -> None:
    injected = json.loads((builds["dirty_raw"] / "_injected.json").read_text())
    spec = next(s for kinds in injected.values() for k, s in kinds.items() if k == kind)
    assert spec["outcome"] == "flagged"
    [(clean,)] = query(builds["clean"], sql)
    [(dirty,)] = query(builds["dirty"], sql)
    assert dirty - clean == spec["rows"]


def test_repaired_amounts_and_statuses_keep_their_rows(builds: dict[str, Path]) -> None:
    # Amounts written as "1,200.50" and status variants are edited in place, so
    # these tables stage exactly the clean data's rows and amounts.
    clean, dirty = outcome_counts(builds["clean"]), outcome_counts(builds["dirty"])
    for table in ("deals", "campaign_spend", "lead_status_changes"):
        assert dirty[table][1] == clean[table][1], table
    for table in ("deals", "campaign_spend"):
        sql = f"select sum(amount) from staging.stg_crm__{table}"
        assert query(builds["dirty"], sql) == query(builds["clean"], sql), table

"""Preflight: a broken landing zone stops the run with a message that says what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import query, run_funnel
from funnel import landing

SPECS = landing.load_specs()


def write_minimal(landing_dir: Path, skip: tuple[str, ...] = ()) -> None:
    """A header-only file for every required table (a valid, empty landing zone)."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    for spec in SPECS.values():
        if spec.required and spec.name not in skip:
            (landing_dir / f"{spec.name}.csv").write_text(",".join(spec.columns) + "\n")


def test_specs_come_from_the_sources_file() -> None:
    assert set(SPECS) == {
        "leads", "lead_status_changes", "opportunities", "deals",
        "activities", "campaigns", "campaign_spend", "users",
    }
    assert SPECS["leads"].required_columns == ("lead_id", "created_at")
    assert not SPECS["activities"].required


def test_missing_required_file_names_the_table_and_the_expected_files(tmp_path: Path) -> None:
    write_minimal(tmp_path, skip=("deals",))
    proc = run_funnel("check", landing_dir=tmp_path)
    assert proc.returncode == 2
    assert "deals: required table is missing" in proc.stderr
    assert "deals.csv" in proc.stderr and "deals.parquet" in proc.stderr
    assert str(tmp_path) in proc.stderr
    assert "deal_id, opportunity_id, signed_at" in proc.stderr


def test_missing_required_column_names_file_missing_and_expected(tmp_path: Path) -> None:
    write_minimal(tmp_path)
    (tmp_path / "leads.csv").write_text("lead_id,email\nL1,a@b.co\n")
    proc = run_funnel("check", landing_dir=tmp_path)
    assert proc.returncode == 2
    message = next(line for line in proc.stderr.splitlines() if "leads.csv" in line)
    assert str(tmp_path / "leads.csv") in message
    assert "missing required column(s) created_at" in message
    assert "expected columns: " + ", ".join(SPECS["leads"].columns) in message


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    write_minimal(tmp_path, skip=("deals",))
    (tmp_path / "opportunities.csv").write_text("opportunity_id\nO1\n")
    proc = run_funnel("check", landing_dir=tmp_path)
    assert proc.returncode == 2
    assert "deals: required table is missing" in proc.stderr
    assert "missing required column(s) created_at" in proc.stderr


def test_missing_landing_directory_says_how_to_set_it(tmp_path: Path) -> None:
    proc = run_funnel("check", landing_dir=tmp_path / "nope")
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "FUNNEL_LANDING_DIR" in proc.stderr


def test_empty_file_asks_for_a_header(tmp_path: Path) -> None:
    write_minimal(tmp_path)
    (tmp_path / "deals.csv").write_text("")
    proc = run_funnel("check", landing_dir=tmp_path)
    assert proc.returncode == 2
    assert "deals.csv: the file is empty" in proc.stderr
    assert "deal_id,opportunity_id,signed_at" in proc.stderr


def test_file_and_folder_for_one_table_is_ambiguous(tmp_path: Path) -> None:
    write_minimal(tmp_path)
    (tmp_path / "leads").mkdir()
    shutil.copy(tmp_path / "leads.csv", tmp_path / "leads" / "day1.csv")
    proc = run_funnel("check", landing_dir=tmp_path)
    assert proc.returncode == 2
    assert "keep one of them" in proc.stderr


def test_headers_are_case_insensitive_and_extra_columns_ignored(tmp_path: Path) -> None:
    write_minimal(tmp_path)
    (tmp_path / "leads.csv").write_text(
        "LEAD_ID,Created_At,Favourite Colour\nL1,2025-01-01,blue\n"
    )
    report = landing.check(tmp_path)
    assert report.ok, report.errors
    assert report.tables["leads"].rows == 1
    sql = landing.view_sql(report.tables["leads"], tmp_path)
    assert '"LEAD_ID"' in sql and "Favourite" not in sql


def test_header_only_landing_zone_builds_empty(tmp_path: Path, build_warehouse) -> None:
    write_minimal(tmp_path / "raw")
    proc, database = build_warehouse(tmp_path / "raw")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    rows = query(database, "select sum(raw_rows), sum(unexplained_rows) "
                           "from audit.audit_reconciliation")
    assert rows == [(0, 0)]


def test_folder_of_daily_files_and_parquet_are_one_table(tmp_path: Path, build_warehouse) -> None:
    raw = tmp_path / "raw"
    write_minimal(raw, skip=("leads",))
    (raw / "leads").mkdir()
    (raw / "leads" / "2025-01-01.csv").write_text(
        "lead_id,created_at\nL1,2025-01-01T09:00:00+02:00\n"
    )
    (raw / "leads" / "2025-01-02.csv").write_text(
        "Lead_Id,Created_At,updated_at\nL1,2025-01-01T09:00:00+02:00,2025-01-02\nL2,2025-01-02,\n"
    )
    con = __import__("duckdb").connect()
    con.execute(
        "copy (select 'L3' as lead_id, timestamp '2025-01-03 10:00:00' as created_at) "
        f"to '{raw / 'leads' / 'part.parquet'}' (format parquet)"
    )
    con.close()
    proc, database = build_warehouse(raw)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    rows = query(database, "select raw_rows, staged_rows, superseded_rows "
                           "from audit.audit_reconciliation where table_name = 'leads'")
    assert rows == [(4, 3, 1)]
    created = query(database, "select lead_id, created_at::varchar, updated_at::varchar "
                              "from staging.stg_crm__leads order by lead_id")
    assert created == [
        ("L1", "2025-01-01 07:00:00", "2025-01-02 00:00:00"),
        ("L2", "2025-01-02 00:00:00", "2025-01-02 00:00:00"),
        ("L3", "2025-01-03 10:00:00", "2025-01-03 10:00:00"),
    ]


def test_unparseable_timestamp_is_quarantined_and_reported(tmp_path: Path, build_warehouse) -> None:
    raw = tmp_path / "raw"
    write_minimal(raw)
    (raw / "leads.csv").write_text("lead_id,created_at\nL1,2025-01-01\nL2,yesterday-ish\n")
    proc, database = build_warehouse(raw)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "leads: 1 row(s) quarantined as unparseable_timestamp" in proc.stderr
    assert "leads.csv" in proc.stderr and "L2" in proc.stderr
    rows = query(database, "select record_key, primary_reason, source_file "
                           "from audit.audit_quarantine")
    assert rows == [("L2", "unparseable_timestamp", "leads.csv")]


@pytest.mark.parametrize("value", ["x'; drop table leads; --", 'a"b'])
def test_quotes_in_paths_are_escaped(value: str) -> None:
    assert landing.quote_literal(value) == "'" + value.replace("'", "''") + "'"

"""Preflight: a broken landing zone stops the run with a message that says what to fix."""

from __future__ import annotations

import json
import os
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


# --- the check cache of `funnel build` / `funnel refresh` ------------------------------


@pytest.fixture
def file_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files check() reads, in order (the cache's misses)."""
    read: list[str] = []
    check_file = landing._check_file

    def counting(con, spec, table, fmt, path, report):
        read.append(path.name)
        return check_file(con, spec, table, fmt, path, report)

    monkeypatch.setattr(landing, "_check_file", counting)
    return read


def test_a_file_checked_clean_is_not_read_again_until_it_changes(
    tmp_path: Path, file_checks: list[str]
) -> None:
    raw, cache = tmp_path / "raw", tmp_path / "build" / "funnel.landing-check.json"
    write_minimal(raw)
    (raw / "leads.csv").write_text("lead_id,created_at,email\nL1,2025-01-01,a\nL2\n")
    first = landing.check(raw, cache=cache)
    assert first.ok and first.tables["leads"].rows == 2
    assert "leads.csv" in file_checks
    short_row_warning = [w for w in first.warnings if "fewer fields" in w]
    assert short_row_warning

    file_checks.clear()
    again = landing.check(raw, cache=cache)
    assert file_checks == []  # nothing read: every outcome is the cached one
    assert again.tables["leads"].rows == 2 and again.warnings == first.warnings
    assert again.tables["leads"].dialects == first.tables["leads"].dialects
    assert again.tables["leads"].headers == first.tables["leads"].headers
    assert landing.view_sql(again.tables["leads"], raw) == landing.view_sql(
        first.tables["leads"], raw)

    # the same size and modification time, other bytes: the change time differs
    path = raw / "leads.csv"
    stat = path.stat()
    path.write_text("lead_id,created_at,email\nL9,2025-01-01,b\nL8\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = landing.check(raw, cache=cache)
    assert file_checks == ["leads.csv"]

    file_checks.clear()
    path.write_text("lead_id,created_at\nL1,2025-01-01\nL2,2025-01-02\nL3,2025-01-03\n")
    again = landing.check(raw, cache=cache)
    assert file_checks == ["leads.csv"]
    assert again.tables["leads"].rows == 3
    assert not any("fewer fields" in w for w in again.warnings)


def test_a_refused_file_is_read_and_refused_every_run(
    tmp_path: Path, file_checks: list[str]
) -> None:
    cache = tmp_path / "check.json"
    write_minimal(tmp_path)
    (tmp_path / "leads.csv").write_text("lead_id,created_at\nL1,2025-01-01,extra\n")
    first = landing.check(tmp_path, cache=cache)
    assert any("more fields than the header" in e for e in first.errors)
    file_checks.clear()
    again = landing.check(tmp_path, cache=cache)
    assert file_checks == ["leads.csv"]  # the clean files come from the cache
    assert again.errors == first.errors


def test_the_cache_is_dropped_when_the_contract_or_the_check_changes(
    tmp_path: Path, file_checks: list[str]
) -> None:
    cache = tmp_path / "check.json"
    write_minimal(tmp_path)
    landing.check(tmp_path, cache=cache)
    wider = dict(SPECS)
    spec = SPECS["deals"]
    wider["deals"] = landing.TableSpec(spec.name, spec.required, (*spec.columns, "region"),
                                       spec.required_columns)
    file_checks.clear()
    landing.check(tmp_path, specs=wider, cache=cache)
    assert file_checks == ["deals.csv"]
    every_file = sorted(f"{s.name}.csv" for s in SPECS.values() if s.required)
    # another version of the check's code (or of DuckDB) reads every file again
    saved = json.loads(cache.read_text())
    cache.write_text(json.dumps({**saved, "logic": "an older check"}))
    file_checks.clear()
    landing.check(tmp_path, cache=cache)
    assert sorted(file_checks) == every_file
    file_checks.clear()
    landing.check(tmp_path, cache=cache)
    assert file_checks == []
    cache.write_text("{not json")
    file_checks.clear()
    report = landing.check(tmp_path, cache=cache)
    assert report.ok and sorted(file_checks) == every_file


def test_a_file_written_while_it_is_checked_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "check.json"
    write_minimal(tmp_path)
    path = tmp_path / "leads.csv"
    path.write_text("lead_id,created_at\nL1,2025-01-01\n")
    check_file = landing._check_file

    def exporter_still_writing(con, spec, table, fmt, checked, report):
        rows = check_file(con, spec, table, fmt, checked, report)
        if checked == path:  # the export appends a row once the count is taken
            with path.open("a") as handle:
                handle.write("L2,2025-01-02\n")
        return rows

    monkeypatch.setattr(landing, "_check_file", exporter_still_writing)
    assert landing.check(tmp_path, cache=cache).tables["leads"].rows == 1
    monkeypatch.setattr(landing, "_check_file", check_file)
    assert landing.check(tmp_path, cache=cache).tables["leads"].rows == 2


def test_a_cache_that_cannot_be_written_does_not_fail_the_check(
    tmp_path: Path, file_checks: list[str]
) -> None:
    write_minimal(tmp_path / "raw")
    (tmp_path / "not_a_folder").write_text("")
    cache = tmp_path / "not_a_folder" / "check.json"
    for _ in range(2):
        file_checks.clear()
        report = landing.check(tmp_path / "raw", cache=cache)
        assert report.ok and len(file_checks) == len(
            [s for s in SPECS.values() if s.required])  # read every time: nothing cached

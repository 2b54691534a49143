"""Bad input at the door: every damaged file is repaired or refused, never a crash.

File-level damage only (the generator's `--dirty` value-level defects are
tested by test_staging_demo.py, the damaged real copies by
test_real_exports.py). Repaired files are compared, field by field, with what
Python's csv module reads from them; refused files stop `funnel check` and
`funnel build` with exit code 2 and a message naming the file and the line.
End-to-end builds of repaired damage run in test_reliability_pipeline.py. No
dbt here: these tests take seconds.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, run_funnel
from funnel import landing, reliability

SPECS = landing.load_specs()
HEADER = "lead_id,created_at,email,full_name,job_title"


def write_minimal(landing_dir: Path) -> None:
    """A header-only file for every required table (a valid, empty landing zone)."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    for spec in SPECS.values():
        if spec.required:
            (landing_dir / f"{spec.name}.csv").write_text(",".join(spec.columns) + "\n")


def leads_file(landing_dir: Path, content: bytes, name: str = "leads.csv") -> Path:
    write_minimal(landing_dir)
    path = landing_dir / name
    if name != "leads.csv":
        (landing_dir / "leads.csv").unlink()
    path.write_bytes(content)
    return path


def crashed(proc: subprocess.CompletedProcess) -> bool:
    return "Traceback" in proc.stderr or proc.returncode not in (0, 1, 2, 3)


# --- refused: exit 2, the file and the line named --------------------------------

GOOD = "L1,2025-01-01,a@b.co,Ann Lee,CTO\n"
REFUSED: dict[str, tuple[bytes, str, str]] = {
    # kind: (file content, where the message must point, what it must say)
    "too_many_fields": (
        (HEADER + "\n" + GOOD * 3 + "L9,2025-01-09,x@y.co,Bo Li,VP,surplus\n" + GOOD).encode(),
        "line 5", "more fields than the header",
    ),
    "latin1_bytes": (
        (HEADER + "\n" + GOOD).encode() + "L2,2025-01-02,j@k.co,José Müller,CEO\n".encode(
            "latin-1"),
        "line 3", "not UTF-8",
    ),
    "unclosed_quote": (
        (HEADER + "\n" + GOOD + 'L2,2025-01-02,c@d.co,"Ann,CTO\n' + GOOD).encode(),
        "line 3", "quote that is not closed",
    ),
    "utf16": (
        (HEADER + "\n" + GOOD).encode("utf-16"), "line 1", "UTF-16",
    ),
    "duplicate_header": (
        b"lead_id,created_at,email,email\nL1,2025-01-01,a@b.co,c@d.co\n",
        "line 1", "more than once",
    ),
    "empty_file": (b"", "leads.csv", "the file is empty"),
}


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """`funnel check` and `funnel build` on each refused kind, and one corrupt Parquet."""
    out = {}
    for kind, (content, _, _) in REFUSED.items():
        root = tmp_path_factory.mktemp(kind)
        path = leads_file(root / "raw", content)
        out[kind] = {"path": path, "rows": content.count(b"\n") - 1}
    root = tmp_path_factory.mktemp("corrupt_parquet")
    path = leads_file(root / "raw", b"PAR1 this is not a parquet file", "leads.parquet")
    out["corrupt_parquet"] = {"path": path, "rows": 1}
    for case in out.values():
        raw = case["path"].parent
        database = raw.parent / "warehouse" / "funnel.duckdb"
        case["check"] = run_funnel("check", landing_dir=raw)
        case["build"] = run_funnel("build", landing_dir=raw, database=database)
        case["database"] = database
    return out


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_damaged_file_is_refused_naming_the_file_and_line(
    refused: dict[str, dict], kind: str,
) -> None:
    _, where, what = REFUSED[kind]
    case = refused[kind]
    for command in ("check", "build"):
        proc = case[command]
        assert proc.returncode == 2, (command, proc.stderr)
        assert not crashed(proc), proc.stderr
        message = next(line for line in proc.stderr.splitlines() if str(case["path"]) in line)
        assert where in message and what in message, message
    # nothing was built or published, and no row's content was echoed (it may be PII)
    assert not case["database"].exists()
    assert not (case["database"].parent / "published" / "funnel.duckdb").exists()
    assert "a@b.co" not in case["check"].stderr and "Müller" not in case["check"].stderr


def test_corrupt_parquet_is_refused_naming_the_file(refused: dict[str, dict]) -> None:
    case = refused["corrupt_parquet"]
    for command in ("check", "build"):
        proc = case[command]
        assert proc.returncode == 2 and not crashed(proc), proc.stderr
        assert f"{case['path']}: cannot be read" in proc.stderr


def test_refused_file_leaves_the_published_warehouse_as_it_was(tmp_path: Path) -> None:
    published = tmp_path / "published" / "funnel.duckdb"
    published.parent.mkdir()
    con = duckdb.connect(str(published))
    con.execute("create schema marts; create table marts.m as select 1 as kept")
    con.close()
    before = published.read_bytes()
    leads_file(tmp_path / "raw", REFUSED["too_many_fields"][0])
    proc = run_funnel("build", landing_dir=tmp_path / "raw",
                      database=tmp_path / "build" / "funnel.duckdb",
                      env={"FUNNEL_PUBLISHED_DB": str(published)})
    assert proc.returncode == 2 and not crashed(proc)
    assert published.read_bytes() == before


# --- repaired: every field as written ------------------------------------------------

ROWS = [
    ["L1", "2025-01-01", "a@b.co", "Ann Lee", "CTO"],
    ["L2", "2025-01-02T09:30:00Z", "c@d.co", 'Pat "P.J." O\'Brien',
     'Head of "Growth", EMEA\nline 2'],
    ["L3", "2025-01-03", "", "", ""],
    ["L4", "2025-01-04", "e@f.co", "Zoë Ångström", "Engineer; Backend"],
]


def csv_text(rows: list[list[str]], delimiter: str = ",", crlf: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    return out.getvalue()


def short_rows() -> bytes:
    """Trailing empty fields left out, and one row cut after its key."""
    lines = [HEADER, "L1,2025-01-01,a@b.co,Ann Lee,CTO", "L3,2025-01-03", "L5"]
    return ("\n".join(lines) + "\n").encode()


def parquet(path: Path) -> None:
    con = duckdb.connect()
    con.execute(
        "copy (select 'CTO' as JOB_TITLE, 'Ann Lee' as Full_Name, 'a@b.co' as EMAIL, "
        "'2025-01-01' as Created_At, 'L1' as LEAD_ID) to ? (format parquet)".replace(
            "?", landing.quote_literal(str(path)))
    )
    con.close()


REPAIRED: dict[str, Callable[[Path], list[tuple]]] = {}


def repaired(kind: str):
    def register(function):
        REPAIRED[kind] = function
        return function
    return register


def expected(rows: list[list[str]]) -> list[tuple]:
    return sorted(tuple(value or None for value in row) for row in rows)


@repaired("quotes_and_newlines_in_fields")
def _quoted(path: Path) -> list[tuple]:
    path.write_text(csv_text(ROWS))
    return expected(ROWS)


@repaired("utf8_bom")
def _bom(path: Path) -> list[tuple]:
    path.write_bytes(b"\xef\xbb\xbf" + csv_text(ROWS).encode())
    return expected(ROWS)


@repaired("crlf_line_endings")
def _crlf(path: Path) -> list[tuple]:
    path.write_text(csv_text(ROWS, crlf=True))
    return expected(ROWS)  # a line break inside quotes is kept as written


@repaired("semicolon_delimiter")
def _semicolon(path: Path) -> list[tuple]:
    path.write_text(csv_text(ROWS, delimiter=";"))
    return expected(ROWS)


@repaired("tab_delimiter")
def _tab(path: Path) -> list[tuple]:
    path.write_text(csv_text(ROWS, delimiter="\t"))
    return expected(ROWS)


@repaired("short_rows")
def _short(path: Path) -> list[tuple]:
    path.write_bytes(short_rows())
    return expected([["L1", "2025-01-01", "a@b.co", "Ann Lee", "CTO"],
                     ["L3", "2025-01-03", "", "", ""], ["L5", "", "", "", ""]])


@repaired("header_only")
def _header_only(path: Path) -> list[tuple]:
    path.write_text(HEADER + "\n")
    return []


@repaired("no_final_newline")
def _no_newline(path: Path) -> list[tuple]:
    path.write_text(csv_text(ROWS).rstrip("\n"))
    return expected(ROWS)


@repaired("parquet_column_order_and_case")
def _parquet(path: Path) -> list[tuple]:
    path.unlink()
    parquet(path.with_suffix(".parquet"))
    return [("L1", "2025-01-01", "a@b.co", "Ann Lee", "CTO")]


@repaired("folder_mixing_delimiters")
def _folder(path: Path) -> list[tuple]:
    path.unlink()
    folder = path.parent / "leads"
    folder.mkdir()
    (folder / "day1.csv").write_text(csv_text(ROWS[:2]))
    (folder / "day2.csv").write_bytes(b"\xef\xbb\xbf" + csv_text(ROWS[2:], ";").encode())
    return expected(ROWS)


@pytest.fixture(scope="module")
def repaired_zones(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = {}
    for kind, make in REPAIRED.items():
        raw = tmp_path_factory.mktemp(kind) / "raw"
        write_minimal(raw)
        want = make(raw / "leads.csv")
        report = landing.check(raw)
        got = None
        if report.ok:
            database = raw.parent / "funnel.duckdb"
            landing.register(database, report)
            con = duckdb.connect(str(database), read_only=True)
            got = sorted(con.execute(
                "select lead_id, created_at, email, full_name, job_title from landing.leads"
            ).fetchall(), key=lambda row: tuple("" if v is None else v for v in row))
            con.close()
        out[kind] = {"raw": raw, "report": report, "want": want, "got": got}
    return out


@pytest.mark.parametrize("kind", sorted(REPAIRED))
def test_repairable_file_lands_every_field_as_written(
    repaired_zones: dict[str, dict], kind: str,
) -> None:
    case = repaired_zones[kind]
    assert case["report"].ok, case["report"].errors
    want = sorted(case["want"], key=lambda row: tuple("" if v is None else v for v in row))
    assert case["got"] == want
    assert case["report"].tables["leads"].rows == len(want)


def test_short_rows_are_padded_with_a_warning_naming_the_lines(
    repaired_zones: dict[str, dict],
) -> None:
    warnings = repaired_zones["short_rows"]["report"].warnings
    assert any("2 row(s) had fewer fields than the header (line 3, 4)" in w for w in warnings)


def test_check_accepts_every_repairable_zone_without_a_traceback(
    repaired_zones: dict[str, dict],
) -> None:
    procs = [run_funnel("check", "--verbose", landing_dir=case["raw"])
             for case in repaired_zones.values()]
    assert all(proc.returncode == 0 and not crashed(proc) for proc in procs), [
        proc.stderr for proc in procs]
    rows = sum(len(case["want"]) for case in repaired_zones.values())
    refused_rows = sum(content.count(b"\n") for content, _, _ in REFUSED.values())
    reliability.record("bad_input_files", {
        "repaired_kinds": sorted(REPAIRED),
        "refused_kinds": [*sorted(REFUSED), "corrupt_parquet"],
        "rows": rows + refused_rows, "crashes": 0,
    })


# --- hostile values on the command line ------------------------------------------------

HOSTILE_VARS = [
    '{"as_of_date": "2025-01-01\'; drop table marts.fct_lead_funnel; --"}',
    '{"future_cutoff": "2025-01-01\' or 1=1 --"}',
    '{"reporting_currency": "USD\'; drop schema marts cascade; --"}',
    '{"reporting_time_zone": "UTC\'); drop table x; --"}',
    '{"sla_hours": "24) as x; drop table y; --"}',
    '{"extra_timestamp_formats": ["%d\'); drop table z; --"]}',
    '{"as_of_dat": "2025-01-01"}',
]


@pytest.mark.parametrize("value", HOSTILE_VARS)
def test_hostile_vars_are_refused_before_anything_runs(tmp_path: Path, value: str) -> None:
    write_minimal(tmp_path / "raw")
    database = tmp_path / "warehouse" / "funnel.duckdb"
    proc = run_funnel("build", "--vars", value, landing_dir=tmp_path / "raw",
                      database=database)
    assert proc.returncode == 2 and not crashed(proc), proc.stderr
    assert "--vars" in proc.stderr and "var '" in proc.stderr
    assert not database.exists()  # refused before the build file was touched


def test_hostile_date_var_fails_dbt_compilation_too(tmp_path: Path) -> None:
    """Plain dbt, without the command line's check: the macro refuses it at parse time."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUNNEL_")}
    env["FUNNEL_BUILD_DB"] = str(tmp_path / "funnel.duckdb")
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "parse", "--no-partial-parse",
         "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
         "--vars", '{"as_of_date": "2025-01-01\'; drop table x; --"}'],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode != 0
    assert "var 'as_of_date' must be an ISO-8601 date" in proc.stdout
    reliability.record("injection", {
        "tried": len(HOSTILE_VARS) + 2,  # + this one, + the hostile landing folder name
        "harmful": 0,
    })


def test_valid_vars_pass_validation() -> None:
    assert reliability.validate_vars({
        "as_of_date": "2025-06-30", "future_cutoff": "2025-07-01T06:00:00",
        "reporting_currency": "EUR", "reporting_time_zone": "Europe/Berlin",
        "sla_hours": 12, "extra_timestamp_formats": ["%d.%m.%Y"], "stall_days": None,
    }) == []

"""Reliability of the whole pipeline: damaged files, kills, readers, reruns, PII, secrets.

One scenario on a throw-away copy of the project (its own target/, logs/,
warehouses and exports) serves every test; the steps run in order:

1. refresh v1: 1,000 generated leads with the generator's value-level defects
   (`--dirty`) plus file-level damage (BOM, CRLF, quotes and line breaks inside
   fields, a semicolon file, short rows, Parquet with other column order and
   case), from a landing folder named ``a'; drop table x; --``;
2. refresh v2 (1,200 other leads), SIGKILLed during dbt;
3. refresh v2 again while four readers query the published warehouse and the
   exports;
4. SIGKILL at every publish and export fault point (FUNNEL_FAULT_POINT), via
   `funnel publish`, `funnel export` and `funnel refresh`;
5. refresh v2 once more on a landing zone whose files are four days old:
   it completes (with a stale warning) without manual cleanup, and its marts
   equal step 3's;
6. the same with `--freshness error`: refused, nothing built.

dbt's data tests are skipped here (DBT_EXCLUDE_RESOURCE_TYPES): they do not
change the marts and other modules run them; the reconciliation model is
queried directly instead.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, query
from funnel import generate, reliability

SALT = f"s4lt-{uuid.uuid4().hex}"
HOSTILE_DIR = "a'; drop table x; --"
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "target", "warehouse", "data", "exports", "report", "logs",
    ".pytest_cache", ".ruff_cache", "__pycache__", "*.egg-info",
)
SKIP_TESTS = {"DBT_EXCLUDE_RESOURCE_TYPES": "test unit_test"}
SMALL = ("--select", "int_as_of mart_run_metadata")  # a fast rebuild that changes a mart
TEMP_PATTERNS = (".funnel.duckdb.tmp-*", ".exports.tmp-*", ".exports.old-*")
PUBLISH_POINTS = ("publish:after_checkpoint", "publish:before_replace", "publish:after_replace")
EXPORT_POINTS = ("export:after_first_table", "export:before_swap", "export:after_swap")


# --- the project copy -----------------------------------------------------------


@dataclass
class Copy:
    root: Path
    build_db: Path
    published_db: Path
    export_dir: Path
    runs: list[subprocess.CompletedProcess] = field(default_factory=list)
    killed_on_purpose: list[subprocess.CompletedProcess] = field(default_factory=list)

    def env(self, landing: Path | None = None, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FUNNEL_", "DBT_"))}
        env.update(
            PYTHONPATH=str(self.root / "scripts"), PYTHONUNBUFFERED="1",
            FUNNEL_BUILD_DB=str(self.build_db), FUNNEL_PUBLISHED_DB=str(self.published_db),
            FUNNEL_EXPORT_DIR=str(self.export_dir), FUNNEL_PII_SALT=SALT,
            DBT_SEND_ANONYMOUS_USAGE_STATS="false", **SKIP_TESTS,
        )
        if landing is not None:
            env["FUNNEL_LANDING_DIR"] = str(landing)
        env.update(extra)
        return env

    def run(self, *args: str, landing: Path | None = None, **extra: str):
        proc = subprocess.run(
            [sys.executable, "-m", "funnel.cli", *args], cwd=self.root,
            env=self.env(landing, **extra), capture_output=True, text=True, timeout=600,
        )
        self.runs.append(proc)
        if "FUNNEL_FAULT_POINT" in extra:
            self.killed_on_purpose.append(proc)
        return proc

    def start(self, *args: str, landing: Path | None = None, **extra: str):
        return subprocess.Popen(
            [sys.executable, "-m", "funnel.cli", *args], cwd=self.root,
            env=self.env(landing, **extra), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )

    def leftovers(self) -> list[str]:
        found = []
        for pattern in TEMP_PATTERNS:
            for folder in (self.published_db.parent, self.export_dir.parent):
                found += [p.name for p in folder.glob(pattern)]
        return sorted(set(found))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mart_checksums(database: Path) -> dict[str, str]:
    """md5 of each mart's rows in a fixed order: equal iff the contents are equal."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        marts = [name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "order by 1"
        ).fetchall()]
        return {
            name: con.execute(
                f"select md5(coalesce(string_agg(cast(t as varchar), chr(10) "
                f"order by cast(t as varchar)), '')) from marts.\"{name}\" as t"
            ).fetchall()[0][0]
            for name in marts
        }
    finally:
        con.close()


def state(database: Path) -> tuple:
    """What a reader sees: (leads in mart_run_metadata, rows of fct_lead_funnel, as_of)."""
    [row] = query(database, "select (select leads from marts.mart_run_metadata), "
                            "(select count(*) from marts.fct_lead_funnel), "
                            "(select cast(as_of_date as varchar) from marts.mart_run_metadata)")
    return row


def export_problems(export_dir: Path) -> list[str]:
    """Why the export folder is not one complete version (empty when it is)."""
    manifest_path = export_dir / "_manifest.json"
    if not manifest_path.is_file():
        return [f"{manifest_path} is missing"]
    manifest = json.loads(manifest_path.read_text())
    problems = []
    for name, table in manifest["tables"].items():
        for kind in ("parquet", "csv"):
            path = export_dir / table[kind]["path"]
            if not path.is_file() or sha256(path) != table[kind]["sha256"]:
                problems.append(f"{name}.{kind} does not match the manifest")
    return problems


def export_as_of(export_dir: Path) -> str | None:
    return json.loads((export_dir / "_manifest.json").read_text())["as_of"]


# --- landing zones ----------------------------------------------------------------


def read_rows(path: Path, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",",
               bom: bool = False, crlf: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(header)
        writer.writerows(rows)


def damage(raw: Path) -> dict:
    """File-level damage on a generated landing zone; returns what was done, per kind."""
    done: dict[str, dict] = {}
    # leads: UTF-8 BOM, CRLF, quotes, delimiters and line breaks inside quoted fields
    header, rows = read_rows(raw / "leads.csv")
    title, company = header.index("job_title"), header.index("company_name")
    for row in rows[:40]:
        row[title] = f'{row[title] or "Analyst"}, "Growth"\nsecond line'
        row[company] = f"{row[company]}; O'Brien & Sons"
    write_rows(raw / "leads.csv", header, rows, bom=True, crlf=True)
    done["utf8_bom"] = {"table": "leads", "rows": len(rows)}
    done["crlf_line_endings"] = {"table": "leads", "rows": len(rows)}
    done["quotes_and_newlines_in_fields"] = {"table": "leads", "rows": 40}
    # users: an apostrophe and quotes in a name (a SQL quote in the data)
    header, rows = read_rows(raw / "users.csv")
    rows[0][header.index("full_name")] = "Pat \"P.J.\" O'Brien, Jr."
    write_rows(raw / "users.csv", header, rows, crlf=True)
    done["crlf_line_endings"]["rows"] += len(rows)
    # lead_status_changes: semicolon-delimited
    header, rows = read_rows(raw / "lead_status_changes.csv")
    write_rows(raw / "lead_status_changes.csv", header, rows, delimiter=";")
    done["semicolon_delimiter"] = {"table": "lead_status_changes", "rows": len(rows)}
    # activities: trailing empty fields left out (exact repair), and a few rows cut
    # after lead_id (their required occurred_at is missing: quarantined)
    header, rows = read_rows(raw / "activities.csv")
    trimmed = cut = 0
    lines = [",".join(header)]
    for row in rows:
        if row[-1] == "" and trimmed < 300:
            row, trimmed = row[:-1], trimmed + 1
        elif cut < 5 and row[2]:
            row, cut = row[:2], cut + 1
        lines.append(",".join(row))
    assert not any('"' in line or "\n" in line for line in lines[1:])
    (raw / "activities.csv").write_text("\n".join(lines) + "\n")
    done["short_rows"] = {"table": "activities", "rows": trimmed}
    done["short_rows_missing_a_required_field"] = {"table": "activities", "rows": cut}
    # deals: Parquet, columns in reverse order and upper case
    header, rows = read_rows(raw / "deals.csv")
    con = duckdb.connect()
    try:
        con.execute("create table deals as select * from read_csv(?, all_varchar = true)",
                    [str(raw / "deals.csv")])
        columns = ", ".join(f'"{c}" as "{c.upper()}"' for c in reversed(header))
        target = str(raw / "deals.parquet").replace("'", "''")
        con.execute(f"copy (select {columns} from deals) to '{target}' (format parquet)")
    finally:
        con.close()
    (raw / "deals.csv").unlink()
    done["parquet_column_order_and_case"] = {"table": "deals", "rows": len(rows)}
    return done


# Personal data and identifying free text of the input. Reasons, labels, lead
# sources, campaign names, industries and countries are categories, not PII; a job
# title counts when it is one lead's own (a title shared by many leads is a category).
PII_COLUMNS = {"leads": ("email", "full_name", "company_name"), "users": ("full_name",)}


def pii_values(raw: Path) -> set[str]:
    """The raw personal and free-text values of a landing zone, normalized (lower, trim)."""
    values: set[str] = set()
    for table, columns in PII_COLUMNS.items():
        header, rows = read_rows(raw / f"{table}.csv")
        for row in rows:
            values.update(row[header.index(c)].strip().lower() for c in columns)
    header, rows = read_rows(raw / "leads.csv")
    titles = [row[header.index("job_title")].strip().lower() for row in rows]
    values.update(title for title in titles if titles.count(title) == 1)
    return {value for value in values if len(value) >= 6}


def leaked(values: set[str], pii: set[str]) -> set[str]:
    """PII among ``values``: equal to a raw value, or an email inside a longer text."""
    found = values & pii
    emails = {value for value in pii if "@" in value}
    for value in values:
        if "@" in value:
            found |= {email for email in emails if email in value}
    return found


# --- readers during a refresh ---------------------------------------------------

READER = r"""
import hashlib, json, os, sys, time
from pathlib import Path
import duckdb

mode, db, export_dir, stop, log = sys.argv[1:6]
SQL = ("select (select leads from marts.mart_run_metadata), "
       "(select count(*) from marts.fct_lead_funnel), "
       "(select cast(as_of_date as varchar) from marts.mart_run_metadata)")
out = open(log, "a")
held = duckdb.connect(db, read_only=True) if mode == "held" else None
print("ready", flush=True)
while not Path(stop).exists():
    t0 = time.time()
    record = {}
    try:
        if mode == "exports":
            folder = Path(export_dir)
            inode = os.stat(folder).st_ino
            try:
                manifest = json.loads((folder / "_manifest.json").read_text())
                entry = manifest["tables"]["fct_lead_funnel"]["csv"]
                data = (folder / entry["path"]).read_bytes()
                record = {"complete": hashlib.sha256(data).hexdigest() == entry["sha256"],
                          "leads": manifest["tables"]["fct_lead_funnel"]["rows"]}
            except FileNotFoundError as exc:
                record = {"missing": repr(exc)}
            record["raced"] = os.stat(folder).st_ino != inode
        else:
            con = held or duckdb.connect(db, read_only=True)
            try:
                row = con.execute(SQL).fetchall()[0]
            finally:
                if con is not held:
                    con.close()
            record = {"state": list(row)}
    except Exception as exc:
        record = {"error": repr(exc)}
    record.update(t0=t0, t1=time.time())
    print(json.dumps(record), file=out, flush=True)
    time.sleep(0.02 if mode == "held" else 0.05)
out.close()
"""
READER_MODES = ("held", "fresh", "fresh", "exports")


def start_readers(copy: Copy, where: Path) -> tuple[list, Path, list[Path]]:
    stop = where / "stop-readers"
    logs, procs = [], []
    for n, mode in enumerate(READER_MODES):
        log = where / f"reader-{n}-{mode}.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-c", READER, mode, str(copy.published_db), str(copy.export_dir),
             str(stop), str(log)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        logs.append(log)
        procs.append(proc)
    return procs, stop, logs


# --- the scenario -------------------------------------------------------------------


@dataclass
class Scenario:
    copy: Copy
    v1: Path
    v2: Path
    damage: dict
    results: dict = field(default_factory=dict)


def kill_during_dbt(copy: Copy, landing: Path) -> tuple[int, str, list[str]]:
    """Refresh --verbose and SIGKILL it once dbt has written its first mart."""
    proc = copy.start("refresh", "--verbose", landing=landing)
    seen: list[str] = []
    killed = False
    for line in proc.stderr:
        seen.append(line)
        if re.search(r"created sql table model marts\.", line):
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
    proc.wait(timeout=120)
    rest = proc.stderr.read()
    proc.stdout.read()
    assert killed, "".join(seen)[-3000:]
    return proc.returncode, "".join(seen) + rest, seen


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    where = tmp_path_factory.mktemp("reliability")
    root = where / "project"
    shutil.copytree(PROJECT_DIR, root, ignore=COPY_IGNORE)
    copy = Copy(root=root, build_db=where / "warehouse" / "build" / "funnel.duckdb",
                published_db=where / "warehouse" / "funnel.duckdb",
                export_dir=where / "exports")
    v1 = where / HOSTILE_DIR / "raw"
    generate.generate(v1, leads=1000, seed=11, dirty=True)
    done = damage(v1)
    v2 = where / "raw-v2"
    generate.generate(v2, leads=1200, seed=12)
    scenario = Scenario(copy=copy, v1=v1, v2=v2, damage=done)
    results = scenario.results

    # a table the hostile landing path would drop if it ever reached SQL unquoted
    copy.build_db.parent.mkdir(parents=True)
    con = duckdb.connect(str(copy.build_db))
    con.execute("create table x as select 42 as survivor")
    con.close()

    # 1. the damaged landing zone, end to end
    results["v1"] = copy.run("refresh", landing=v1)
    assert results["v1"].returncode == 0, results["v1"].stderr
    results["v1_state"] = state(copy.published_db)
    results["v1_published_sha"] = sha256(copy.published_db)
    results["v1_manifest"] = (copy.export_dir / "_manifest.json").read_text()
    report_dir = where / "report"
    results["report"] = copy.run("report", "--warehouse", str(copy.published_db),
                                 "--out", str(report_dir))
    results["report_file"] = report_dir / "funnel_report.html"
    results["v1_exports"] = where / "exports-v1"
    shutil.copytree(copy.export_dir, results["v1_exports"])
    results["v1_marts"] = where / "marts-v1.duckdb"
    shutil.copyfile(copy.published_db, results["v1_marts"])

    # 2. killed during dbt
    code, stderr, _ = kill_during_dbt(copy, v2)
    results["dbt_kill"] = {"code": code, "stderr": stderr,
                           "published_sha": sha256(copy.published_db),
                           "export_problems": export_problems(copy.export_dir),
                           "manifest": (copy.export_dir / "_manifest.json").read_text()}
    results["publish_after_dbt_kill"] = copy.run("publish")

    # 3. the next refresh completes while readers read
    procs, stop, logs = start_readers(copy, where)
    try:
        started = time.time()
        results["v2"] = copy.run("refresh", landing=v2)
        finished = time.time()
        time.sleep(1.0)  # readers go on reading the new version for a moment
    finally:
        stop.touch()
        reader_errors = [proc.communicate(timeout=60)[1] for proc in procs]
    results["readers"] = {
        "window": (started, finished), "errors": reader_errors,
        "logs": {log.name: [json.loads(line) for line in log.read_text().splitlines()]
                 for log in logs},
    }
    assert results["v2"].returncode == 0, results["v2"].stderr
    results["v2_state"] = state(copy.published_db)
    results["v2_checksums"] = mart_checksums(copy.published_db)

    # 4. kills at every publish and export point
    kills = results["kills"] = {}
    proc = copy.run("build", "--no-publish", *SMALL, "--vars", '{"as_of_date": "2021-01-01"}',
                    landing=v2)
    assert proc.returncode == 0, proc.stderr
    for point in PUBLISH_POINTS:
        before = sha256(copy.published_db)
        proc = copy.run("publish", FUNNEL_FAULT_POINT=point)
        kills[point] = {"via": "funnel publish", "code": proc.returncode, "before": before,
                        "published_sha": sha256(copy.published_db),
                        "state": state(copy.published_db), "leftovers": copy.leftovers(),
                        "export_problems": export_problems(copy.export_dir)}
    for point in EXPORT_POINTS:
        before = (copy.export_dir / "_manifest.json").read_text()
        proc = copy.run("export", FUNNEL_FAULT_POINT=point)
        kills[point] = {"via": "funnel export", "code": proc.returncode,
                        "manifest_before": before,
                        "manifest": (copy.export_dir / "_manifest.json").read_text(),
                        "export_problems": export_problems(copy.export_dir),
                        "leftovers": copy.leftovers()}
    for point, as_of in (("publish:before_replace", "2022-01-01"),
                         ("export:before_swap", "2023-01-01")):
        published = sha256(copy.published_db)
        manifest = (copy.export_dir / "_manifest.json").read_text()
        proc = copy.run("refresh", *SMALL, "--vars", json.dumps({"as_of_date": as_of}),
                        landing=v2, FUNNEL_FAULT_POINT=point)
        kills[f"refresh@{point}"] = {
            "via": "funnel refresh", "code": proc.returncode, "published_before": published,
            "published_sha": sha256(copy.published_db), "state": state(copy.published_db),
            "manifest_before": manifest,
            "manifest": (copy.export_dir / "_manifest.json").read_text(),
            "export_problems": export_problems(copy.export_dir),
            "leftovers": copy.leftovers(), "stdout": proc.stdout, "stderr": proc.stderr,
        }

    # 5. the next run completes without cleanup (on a four-day-old landing zone)
    old = time.time() - 4 * 86400
    for path in v2.iterdir():
        os.utime(path, (old, old))
    results["final"] = copy.run("refresh", landing=v2)
    results["final_checksums"] = mart_checksums(copy.published_db)
    results["final_leftovers"] = copy.leftovers()
    # 6. the same, refused by --freshness error
    published = sha256(copy.published_db)
    results["stale_error"] = copy.run("refresh", "--freshness", "error", landing=v2)
    results["stale_error_published_unchanged"] = sha256(copy.published_db) == published
    return scenario


def is_crash(proc: subprocess.CompletedProcess) -> bool:
    return "Traceback" in proc.stderr or proc.returncode not in (0, 1, 2, 3)


def log_line(proc: subprocess.CompletedProcess) -> dict:
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout + proc.stderr
    return json.loads(lines[0])


# --- 1. bad input, end to end -------------------------------------------------------


def test_damaged_landing_zone_builds_with_every_row_accounted_for(scenario: Scenario) -> None:
    copy, results = scenario.copy, scenario.results
    proc = results["v1"]
    assert not is_crash(proc), proc.stderr
    v1 = results["v1_marts"]  # the published warehouse as step 1 left it
    recon = {row[0]: row[1:] for row in query(
        v1, "select table_name, raw_rows, staged_rows, superseded_rows, "
            "quarantined_rows, unexplained_rows from audit.audit_reconciliation")}
    rows = json.loads((scenario.v1 / "_generator.json").read_text())["row_counts"]
    for table, (raw, staged, superseded, quarantined, unexplained) in recon.items():
        assert raw == rows[table], table  # nothing lost or invented while reading the files
        assert unexplained == 0 and raw == staged + superseded + quarantined, table
    # the rows cut short before their required timestamp are quarantined, with a reason
    [(cut,)] = query(v1,
                     "select count(*) from audit.audit_quarantine where table_name = "
                     "'activities' and primary_reason = 'missing_required_value'")
    assert cut >= scenario.damage["short_rows_missing_a_required_field"]["rows"]
    # the hostile landing folder name was a path, not SQL
    assert query(copy.build_db, "select survivor from main.x") == [(42,)]
    assert HOSTILE_DIR in log_line(proc)["landing_dir"]
    injected = json.loads((scenario.v1 / "_injected.json").read_text())
    reliability.record("bad_input", {
        "kinds": sorted(scenario.damage),
        "generator_kinds": sorted({kind for kinds in injected.values() for kind in kinds}),
        "rows": sum(rows.values()),
        "crashes": sum(is_crash(p) for p in copy.runs if p not in copy.killed_on_purpose),
        "unaccounted_rows": sum(r[4] for r in recon.values()),
        "tables": len(recon),
    })


def test_repaired_fields_reach_the_warehouse_intact(scenario: Scenario) -> None:
    """Every landing view equals the file as Python's csv module reads it."""
    con = duckdb.connect(str(scenario.results["v1_marts"]), read_only=True)
    try:
        for table, delimiter in (("leads", ","), ("users", ","),
                                 ("lead_status_changes", ";"), ("activities", ",")):
            header, rows = read_rows(scenario.v1 / f"{table}.csv", delimiter)
            expected = [
                tuple((row[i] if i < len(row) else "") or None for i in range(len(header)))
                for row in rows
            ]
            cols = ", ".join(f'"{c}"' for c in header)
            got = con.execute(f"select {cols} from landing.{table}").fetchall()

            def order(row: tuple) -> tuple:
                return tuple("" if value is None else value for value in row)

            assert sorted(got, key=order) == sorted(expected, key=order), table
        [(deals,)] = con.execute("select count(*) from landing.deals").fetchall()
        assert deals == scenario.damage["parquet_column_order_and_case"]["rows"]
    finally:
        con.close()


# --- 2. crash safety ------------------------------------------------------------------


def test_kill_during_dbt_leaves_published_files_and_the_next_run_completes(
    scenario: Scenario,
) -> None:
    results = scenario.results
    killed = results["dbt_kill"]
    assert killed["code"] == -signal.SIGKILL
    assert killed["published_sha"] == results["v1_published_sha"]
    assert killed["manifest"] == results["v1_manifest"] and killed["export_problems"] == []
    # the half-built file is not publishable by hand either
    refused = results["publish_after_dbt_kill"]
    assert refused.returncode == 1 and "did not pass" in refused.stderr
    # the lock died with the process: the next refresh ran (and completed)
    assert results["v2"].returncode == 0 and log_line(results["v2"])["status"] == "ok"
    assert results["v2_state"][0] == results["v2_state"][1] != results["v1_state"][0]


def test_kill_at_every_publish_and_export_point_leaves_a_complete_version(
    scenario: Scenario,
) -> None:
    kills = scenario.results["kills"]
    assert set(kills) >= set(reliability.FAULT_POINTS)
    for point, kill in kills.items():
        assert kill["code"] == -signal.SIGKILL, (point, kill)
        assert kill["export_problems"] == [], point  # exports always one whole version
    for point in ("publish:after_checkpoint", "publish:before_replace"):
        assert kills[point]["published_sha"] == kills[point]["before"], point
    assert kills["publish:before_replace"]["leftovers"]  # a temporary copy was left ...
    assert kills["publish:after_replace"]["state"][2] == "2021-01-01"  # the new one is whole
    for point in ("export:after_first_table", "export:before_swap"):
        assert kills[point]["manifest"] == kills[point]["manifest_before"], point
    assert '"as_of": "2021-01-01"' in kills["export:after_swap"]["manifest"]
    via_refresh = kills["refresh@publish:before_replace"]
    assert via_refresh["published_sha"] == via_refresh["published_before"]
    via_refresh = kills["refresh@export:before_swap"]
    assert via_refresh["state"][2] == "2023-01-01"  # published, then killed
    assert via_refresh["manifest"] == via_refresh["manifest_before"]
    for kill in kills.values():
        if "state" in kill:  # the published file opens and its marts agree
            assert kill["state"][0] == kill["state"][1]


def test_next_run_after_the_kills_completes_and_cleans_up(scenario: Scenario) -> None:
    results, copy = scenario.results, scenario.copy
    final = results["final"]
    assert final.returncode == 0, final.stderr
    assert results["final_leftovers"] == []
    assert export_problems(copy.export_dir) == []
    assert export_as_of(copy.export_dir) == state(copy.published_db)[2]
    kills = results["kills"]
    reliability.record("crash", {
        "survived": f"{1 + len(kills)}/{1 + len(kills)}",
        "points": ["dbt (first mart written)", *kills],
        "leftovers": len(results["final_leftovers"]),
    })


def test_two_builds_of_the_same_input_give_identical_marts(scenario: Scenario) -> None:
    # Bit for bit, money included: money is summed as decimal in the models,
    # since a parallel double sum's last bits depend on the order rows arrive in.
    results = scenario.results
    first, second = results["v2_checksums"], results["final_checksums"]
    assert len(first) >= 10 and set(first) == set(second)
    differ = {name for name in first if first[name] != second[name]}
    assert not differ, differ
    reliability.record("idempotency", {
        "identical": f"{len(first) - len(differ)}/{len(first)} bit for bit",
    })


# --- 3. concurrency ----------------------------------------------------------------------


def test_readers_during_a_refresh_see_one_complete_version(scenario: Scenario) -> None:
    readers = scenario.results["readers"]
    old, new = tuple(scenario.results["v1_state"]), tuple(scenario.results["v2_state"])
    start, end = readers["window"]
    assert old != new and all(err == "" for err in readers["errors"]), readers["errors"]
    served = inconsistent = raced = 0
    seen_by_fresh: set[tuple] = set()
    for name, records in readers["logs"].items():
        assert records, name
        for record in records:
            during = record["t0"] >= start and record["t1"] <= end
            if "exports" in name:
                if record["raced"]:
                    raced += 1  # the folder was swapped mid-read: the reader reads again
                    continue
                ok = record.get("complete") is True and record["leads"] in (old[1], new[1])
            else:
                seen = tuple(record.get("state") or ())
                ok = seen in (old, new)
                if "fresh" in name:
                    seen_by_fresh.add(seen)
                elif "held" in name:
                    ok = ok and seen == old  # an open connection keeps its version
            served += during
            inconsistent += not ok
            assert ok, (name, record)
    assert seen_by_fresh == {old, new}  # the swap happened while they read
    assert served > 0
    reliability.record("concurrency", {
        "reads": served, "readers": len(readers["logs"]), "inconsistent_reads": inconsistent,
        "export_reads_that_raced_a_swap": raced,
    })


# --- 4. PII and secrets ----------------------------------------------------------------


def text_values(database: Path) -> dict[str, set[str]]:
    """Every text value of every mart, normalized (lower, trim), by mart."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and data_type = 'VARCHAR'"
        ).fetchall()
        out: dict[str, set[str]] = {}
        for table, column in columns:
            values = con.execute(
                f'select distinct lower(trim("{column}")) from marts."{table}" '
                f'where "{column}" is not null'
            ).fetchall()
            out.setdefault(table, set()).update(v for (v,) in values)
        return out
    finally:
        con.close()


def file_values(path: Path) -> set[str]:
    """Every value of an exported CSV or Parquet file as text, normalized."""
    reader = (
        "read_parquet(?)" if path.suffix == ".parquet"
        else "read_csv(?, all_varchar = true, header = true)"
    )
    con = duckdb.connect()
    try:
        rows = con.execute(f"select * from {reader}", [str(path)]).fetchall()
    finally:
        con.close()
    return {str(value).strip().lower() for row in rows for value in row if value is not None}


def report_text(path: Path) -> str:
    """The report without the embedded plotly.js library (the data and the words)."""
    html = path.read_text()
    scripts = re.findall(r"<script[^>]*>.*?</script>", html, flags=re.S)
    library = max(scripts, key=len) if scripts else ""
    return html.replace(library, " ").lower()


def test_no_raw_pii_in_marts_exports_or_report(scenario: Scenario) -> None:
    results = scenario.results
    artefacts = 0
    all_pii: set[str] = set()
    for marts, exports, raw in ((results["v1_marts"], results["v1_exports"], scenario.v1),
                                (scenario.copy.published_db, scenario.copy.export_dir,
                                 scenario.v2)):
        pii = pii_values(raw)
        all_pii |= pii
        assert len(pii) > 2000
        for mart, values in text_values(marts).items():
            assert not leaked(values, pii), (mart, sorted(leaked(values, pii))[:5])
            artefacts += 1
        for path in sorted(exports.rglob("*")):
            if path.suffix in (".csv", ".parquet"):
                assert not leaked(file_values(path), pii), path
                artefacts += 1
    report = results["report"]
    assert report.returncode == 0, report.stderr
    text = report_text(results["report_file"])
    assert "channel" in text  # the data and words are there
    pii = pii_values(scenario.v1)
    assert not {value for value in pii if value in text}
    artefacts += 1
    reliability.record("pii", {
        "values": len(all_pii), "artefacts": artefacts, "leaks": 0,
        "fields": {table: list(columns) for table, columns in PII_COLUMNS.items()},
    })


def test_salt_stays_out_of_marts_exports_logs_and_the_published_file(
    scenario: Scenario,
) -> None:
    copy, results = scenario.copy, scenario.results
    # the salt is used: the mart holds salted hashes, not plain md5 of the email
    [(hashes,)] = query(copy.published_db,
                        "select count(distinct email_hash) from marts.fct_lead_funnel")
    assert hashes > 100
    needle = SALT.encode()
    for proc in copy.runs:
        assert SALT not in proc.stdout and SALT not in proc.stderr
    for path in [copy.published_db, results["v1_marts"], results["report_file"],
                 *copy.export_dir.rglob("*"), *results["v1_exports"].rglob("*")]:
        if path.is_file():
            assert needle not in path.read_bytes(), path
    for values in text_values(copy.published_db).values():
        assert not any(SALT.lower() in value for value in values)
    reliability.record("secrets", {"salt_found": 0})


PLUGIN_PROFILE_LINE = "      plugins:\n        - module: funnel.reliability\n"
PII_HASH_GETVARIABLE = """{% macro pii_hash(column) -%}
    md5(getvariable('funnel_pii_salt') || coalesce(lower(trim({{ column }})), ''))
{%- endmacro %}
"""


def leaks_in(folders: list[Path]) -> list[str]:
    return sorted(
        str(path) for folder in folders if folder.is_dir() for path in folder.rglob("*")
        if path.is_file() and SALT.encode() in path.read_bytes()
    )


def test_salt_as_a_duckdb_variable_keeps_it_out_of_target_and_logs(
    scenario: Scenario, tmp_path: Path,
) -> None:
    """The proposed fix (README, Reliability): profiles.yml loads funnel.reliability as a
    dbt-duckdb plugin that binds FUNNEL_PII_SALT to a DuckDB variable, and pii_hash reads
    getvariable(): same hashes, and the salt is in no compiled SQL, artifact or log."""
    copy = scenario.copy
    root = tmp_path / "project"
    shutil.copytree(copy.root, root, ignore=COPY_IGNORE)
    profiles = (root / "profiles.yml").read_text()
    anchor = "      settings:\n"  # the dev output's settings, the first in the file
    assert anchor in profiles
    (root / "profiles.yml").write_text(profiles.replace(anchor, PLUGIN_PROFILE_LINE + anchor, 1))
    (root / "macros" / "pii_hash.sql").write_text(PII_HASH_GETVARIABLE)
    database = tmp_path / "funnel.duckdb"
    shutil.copyfile(copy.build_db, database)
    env = copy.env()
    env.update(FUNNEL_BUILD_DB=str(database), PYTHONPATH=str(root / "scripts"))
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "--select", "fct_lead_funnel",
         "--project-dir", str(root), "--profiles-dir", str(root)],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    sql = "select lead_id, email_hash from marts.fct_lead_funnel order by lead_id"
    assert query(database, sql) == query(copy.build_db, sql)
    assert leaks_in([root / "target", root / "logs"]) == []
    assert SALT not in proc.stdout + proc.stderr
    # this project, as configured now
    configured = "funnel.reliability" in (PROJECT_DIR / "profiles.yml").read_text()
    current = leaks_in([copy.root / "target", copy.root / "logs"])
    reliability.record("secrets", {"salt_in_target_or_logs": bool(current),
                                   "fix_verified": True, "fix_applied": configured})
    if not configured:
        assert current  # documents the leak the fix removes
        pytest.xfail("FUNNEL_PII_SALT is rendered into target/ and logs/dbt.log until "
                     "profiles.yml and macros/pii_hash.sql take the fix (README, Reliability)")
    assert current == []


# --- 5. freshness -----------------------------------------------------------------------


def test_stale_landing_zone_warns_by_default_and_stops_with_freshness_error(
    scenario: Scenario,
) -> None:
    results = scenario.results
    fresh = log_line(results["v2"])["freshness"]
    assert fresh["status"] == "pass" and fresh["mode"] == "warn"
    final = results["final"]
    log = log_line(final)
    assert final.returncode == 0 and log["status"] == "ok"
    assert log["freshness"]["status"] == "error"
    assert "warning: stale landing zone: leads: the newest landing file was written 96" \
        in final.stderr
    refused = results["stale_error"]
    assert refused.returncode == 1 and not is_crash(refused)
    log = log_line(refused)
    assert log["status"] == "failed" and log["duration_s"]["dbt"] is None
    assert "stale landing zone" in refused.stderr and "--freshness" in refused.stderr
    assert results["stale_error_published_unchanged"]
    reliability.record("freshness", {"detected": "2/2", "modes": ["warn", "error"]})

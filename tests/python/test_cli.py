"""The `funnel` command line: write-audit-publish, the refresh lock, exports, the JSON log.

The tests share one throw-away copy of the project (its own target/, warehouse
and exports, so nothing here touches the repository's), run through the copy's
own `python -m funnel.cli`: with PYTHONPATH=<copy>/scripts, PROJECT_DIR is the
copy. The copy carries an extra mart (so there is something to export whatever
marts the project has) and, for one test each, a singular test that always fails and
two unit tests with a mistyped fixture value.
One full refresh serves every test; the others select a few nodes to stay fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import PROJECT_DIR, query, run_funnel
from funnel import landing

PROBE_MART = "zz_cli_probe"
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "target", "warehouse", "data", "exports", "report", "logs",
    ".pytest_cache", ".ruff_cache", "__pycache__", "*.egg-info",
)


@dataclass
class Project:
    root: Path
    landing: Path
    build_db: Path
    published_db: Path
    export_dir: Path
    # set by the module fixture
    first_refresh: subprocess.CompletedProcess | None = None
    refreshed_at: float = 0.0
    reader_seen: list[dict] | None = None
    reader_stderr: str = ""
    first_node_types: dict[str, int] | None = None

    @property
    def lock_file(self) -> Path:
        return self.published_db.parent / ".refresh.lock"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FUNNEL_")}
        env.update(
            PYTHONPATH=str(self.root / "scripts"),
            FUNNEL_LANDING_DIR=str(self.landing),
            FUNNEL_BUILD_DB=str(self.build_db),
            FUNNEL_PUBLISHED_DB=str(self.published_db),
            FUNNEL_EXPORT_DIR=str(self.export_dir),
        )
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "funnel.cli", *args]

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(*args), cwd=self.root, env={**self.env(), **(env or {})},
            capture_output=True, text=True, check=False, timeout=300,
        )

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args), cwd=self.root, env=self.env(), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )


def make_project(where: Path, extra_files: dict[str, str]) -> Project:
    """A copy of the repository's project, plus ``extra_files`` (path -> text)."""
    root = where / "project"
    shutil.copytree(PROJECT_DIR, root, ignore=COPY_IGNORE)
    for relative, text in extra_files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    project = Project(
        root=root,
        landing=where / "raw",
        build_db=where / "warehouse" / "build" / "funnel.duckdb",
        published_db=where / "warehouse" / "funnel.duckdb",
        export_dir=where / "exports",
    )
    write_landing(project.landing, leads=3)
    return project


def write_landing(landing_dir: Path, leads: int) -> None:
    """Header-only files for every required table, and ``leads`` leads."""
    landing_dir.mkdir(parents=True, exist_ok=True)
    for spec in landing.load_specs().values():
        if spec.required:
            (landing_dir / f"{spec.name}.csv").write_text(",".join(spec.columns) + "\n")
    rows = "".join(f"L{i},2025-01-{i:02d}\n" for i in range(1, leads + 1))
    (landing_dir / "leads.csv").write_text("lead_id,created_at\n" + rows)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def log_line(proc: subprocess.CompletedProcess) -> dict:
    """stdout of `funnel refresh` is exactly one JSON line."""
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout + proc.stderr
    return json.loads(lines[0])


def last_run(project: Project) -> dict:
    """The copy's last target/run_results.json: its nodes and the arguments dbt recorded."""
    return json.loads((project.root / "target" / "run_results.json").read_text())


def node_types(project: Project) -> dict[str, int]:
    """Resource type -> nodes run in the copy's last dbt run."""
    types: dict[str, int] = {}
    for node in last_run(project)["results"]:
        kind = node["unique_id"].split(".")[0]
        types[kind] = types.get(kind, 0) + 1
    return types


READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

path, stop, mart, log = sys.argv[1:5]
con = duckdb.connect(path, read_only=True)
print(json.dumps({"ready": True}), flush=True)
# Observations go to a file: a pipe nobody drains would fill and stall the
# reader during a slow refresh.
out = open(log, "a")
while not Path(stop).exists():
    try:
        row = con.execute(
            f"select (select count(*) from marts.{mart}), "
            "(select count(*) from staging.stg_crm__leads)"
        ).fetchall()[0]
        print(json.dumps({"t": time.time(), "row": list(row)}), file=out, flush=True)
    except Exception as exc:
        print(json.dumps({"t": time.time(), "error": repr(exc)}), file=out, flush=True)
    time.sleep(0.05)
out.close()
con.close()
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project copy with a probe mart, refreshed once (3 leads) while a reader holds
    yesterday's published warehouse (1 lead) open: one full build serves every test."""
    project = make_project(
        tmp_path_factory.mktemp("cli"),
        {f"models/marts/{PROBE_MART}.sql": "select lead_id from {{ ref('stg_crm__leads') }}\n"},
    )
    project.published_db.parent.mkdir(parents=True)
    con = duckdb.connect(str(project.published_db))
    con.execute("create schema marts; create schema staging")
    con.execute(f"create table marts.{PROBE_MART} as select 'L0' as lead_id")
    con.execute("create table staging.stg_crm__leads as select 'L0' as lead_id")
    con.close()
    stop = project.root / "stop-reader"
    log = project.root / "reader.jsonl"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(project.published_db), str(stop), PROBE_MART,
         str(log)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert json.loads(reader.stdout.readline()) == {"ready": True}
        project.first_refresh = project.run("refresh")
        project.refreshed_at = time.time()
        project.first_node_types = node_types(project)
        time.sleep(0.5)  # the reader goes on reading the replaced file for a while
    finally:
        stop.touch()
        _, err = reader.communicate(timeout=30)
    project.reader_seen = [json.loads(line) for line in log.read_text().splitlines()]
    project.reader_stderr = err
    return project


def test_refresh_builds_publishes_exports_and_logs_one_json_line(project: Project) -> None:
    proc = project.first_refresh
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # quiet for cron: nothing but the JSON line
    log = log_line(proc)
    assert log["status"] == "ok" and log["exit_code"] == 0
    assert set(log["duration_s"]) == {"total", "preflight", "dbt", "publish", "export"}
    assert all(isinstance(v, float) for v in log["duration_s"].values())
    assert log["landing_rows"]["leads"] == 3 and log["landing_rows"]["deals"] == 0
    assert log["dbt_nodes"]["pass"] > 0 and log["dbt_nodes"]["success"] > 0
    assert set(log["dbt_nodes"]) <= {"pass", "success", "warn", "no-op"}  # no-op: exposures
    assert log["failing_tests"] == [] and log["errors"] == []
    assert log["published"] is True and log["published_path"] == str(project.published_db)
    assert log["exported_tables"][PROBE_MART] == 3
    assert "as_of" in log and log["started_at"] <= log["finished_at"]
    assert query(project.published_db, f"select count(*) from marts.{PROBE_MART}") == [(3,)]
    # readers never need the build file; views of the copy resolve in the copy
    assert query(project.published_db, "select count(*) from staging.stg_crm__leads") == [(3,)]


def test_compact_publish_writes_the_same_warehouse_without_free_blocks(
    project: Project,
) -> None:
    """Rows deleted in the build file leave free blocks the plain copy carries along (the
    JSON line says how many); `publish --compact` writes every schema, table and view
    again without them, and the views still resolve in the published file."""
    from funnel.compare import differing_tables, table_checksums

    con = duckdb.connect(str(project.build_db))
    # free blocks in the middle of the file: DuckDB truncates those at its end
    con.execute("create table main.zz_dropped as select random() as x from range(2000000)")
    con.execute("create table main.zz_kept as select 1 as x")
    con.execute("checkpoint")
    con.execute("drop table main.zz_dropped")
    con.execute("checkpoint")
    schemas = [name for (name,) in con.execute(
        "select schema_name from duckdb_schemas() where not internal "
        "and database_name = current_database()").fetchall()]
    con.close()
    plain = project.run("refresh", "--select", "int_as_of")
    assert plain.returncode == 0, plain.stderr
    written = log_line(plain)["published_file"]
    assert written["compact"] is False and written["free_block_share"] >= 0.25
    assert written["bytes"] == project.published_db.stat().st_size

    # what a compacting publish killed half-way leaves: its spill folder
    spill = project.published_db.parent / ".funnel.duckdb.tmp-1-dead.spill"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"")
    compact = project.run("publish", "--compact")
    assert compact.returncode == 0, compact.stderr
    assert "compacted" in compact.stdout
    assert project.published_db.stat().st_size < written["bytes"] * 0.75
    assert query(project.published_db,
                 "select free_blocks from pragma_database_size()") == [(0,)]
    assert {"landing", "staging", "marts"} <= set(schemas)
    assert query(project.published_db, "select x from main.zz_kept") == [(1,)]
    want = table_checksums(project.build_db, schemas)
    assert len(want) > 300  # the landing, staging, ... views too
    assert differing_tables(table_checksums(project.published_db, schemas), want) == {}
    assert query(project.published_db, "select count(*) from staging.stg_crm__leads") == [(3,)]
    assert not list(project.published_db.parent.glob(".funnel.duckdb.tmp-*"))
    con = duckdb.connect(str(project.build_db))
    con.execute("drop table main.zz_kept")
    con.close()


def test_refresh_runs_data_tests_and_unit_tests_only_when_asked(project: Project) -> None:
    """A scheduled refresh runs every data test but not the unit tests (they test the code,
    not the data); --unit-tests brings them back."""
    assert project.first_node_types["test"] > 100
    assert project.first_node_types["model"] > 50
    assert "unit_test" not in project.first_node_types
    proc = project.run("refresh", "--unit-tests", "--select", "int_as_of")
    assert proc.returncode == 0, proc.stderr
    with_units = node_types(project)
    assert with_units["unit_test"] >= 1 and with_units["model"] == 1
    assert last_run(project)["args"].get("full_refresh", False) is False


def lone_model_statements(project: Project, env: dict[str, str] | None = None) -> str:
    """What dbt ran for int_lead_funnel in a refresh of it alone, from logs/dbt.log."""
    proc = project.run("refresh", "--select", "int_lead_funnel", "--no-csv", env=env)
    assert proc.returncode == 0, proc.stderr
    log = (project.root / "logs" / "dbt.log").read_text()
    node = "model.lead_funnel.int_lead_funnel"
    run = log[log.rindex(f"Began running node {node}"):]
    return run[:run.index(f"Finished running node {node}")]


def test_the_model_that_runs_alone_gets_every_core_and_gives_them_back(
    project: Project,
) -> None:
    """int_lead_funnel runs alone (every later node waits for it): its own statement gets
    the DuckDB threads of both dbt threads, set after the fingerprint hooks that run beside
    other nodes, and the profile's one thread per query comes back after it."""
    run = lone_model_statements(project)
    fingerprints = run.index("int_lead_funnel__lead_fingerprints_next")
    every_core = run.index("set threads = 2")
    own_statement = run.index('into "funnel"."intermediate"."int_lead_funnel"', every_core)
    given_back = run.index("set threads = 1", own_statement)
    assert fingerprints < every_core < own_statement < given_back
    assert run.count("set threads") == 2
    # One dbt thread: the model already has every core dbt gives; nothing to set.
    alone = lone_model_statements(project, {"FUNNEL_DBT_THREADS": "1"})
    assert 'into "funnel"."intermediate"."int_lead_funnel"' in alone
    assert "set threads" not in alone


def test_each_run_keeps_node_seconds_for_the_next_order(project: Project) -> None:
    """funnel.schedule orders the next run by these; a partial run updates its own nodes."""
    path = project.root / "target" / "node_seconds.json"
    before = json.loads(path.read_text())
    assert "model.lead_funnel.fct_lead_funnel" in before
    assert any(node.startswith("test.") for node in before)
    proc = project.run("refresh", "--select", "int_as_of")
    assert proc.returncode == 0, proc.stderr
    after = json.loads(path.read_text())
    assert set(after) == set(before)
    [run] = [n for n in last_run(project)["results"] if n["unique_id"].endswith(".int_as_of")]
    assert after[run["unique_id"]] == round(run["execution_time"], 3)


# Another valid value for every var of dbt_project.yml.
OTHER_VARS = {
    "reporting_currency": "EUR", "reporting_time_zone": "America/New_York",
    "as_of_date": "2024-01-31", "future_cutoff": "2024-02-01T00:00:00", "stall_days": 10,
    "sla_hours": 12, "sla_business_hours": 4, "business_day_start_hour": 8,
    "business_day_end_hour": 18, "mql_win_window_days": 90, "mql_behaviour_window_days": 30,
    "mql_min_leads": 5, "mql_min_wins": 1, "mql_threshold_step": 10,
    "fx_rate_padding_months": 1, "extra_timestamp_formats": ["%d.%m.%Y"],
}


def test_unit_tests_pass_whatever_vars_the_team_sets(project: Project) -> None:
    """A build runs the unit tests with the team's vars (dbt_project.yml or --vars). A
    unit test whose expectation depends on a var pins it in its overrides: before, a team
    reporting in EUR, or with its own SLA or future cutoff, could never publish."""
    project_vars = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"]
    assert set(OTHER_VARS) == set(project_vars), "give a new var another value here"
    assert [name for name, value in OTHER_VARS.items() if value == project_vars[name]] == []
    # `dbt build` runs nothing when only unit tests are selected: `dbt test` does.
    proc = dbt_test(project, "resource_type:unit_test", "--vars", json.dumps(OTHER_VARS))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert node_types(project) == {"unit_test": len(unit_test_names())}


def dbt_test(project: Project, select: str, *args: str) -> subprocess.CompletedProcess:
    """Plain `dbt test --select ...` in the copy, as an analytics engineer runs it."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "test", "--select", select, *args,
         "--project-dir", ".", "--profiles-dir", "."],
        cwd=project.root, env=project.env(), capture_output=True, text=True, check=False,
        timeout=300,
    )


# int_as_of's latest-timestamp unit test with a closing date mistyped as 2025-01-32,
# in a given row and in an expected row. Cast with try_cast (dbt's format_row with this
# project's safe_cast), the first became null and the test passed: the latest timestamp
# was then 2025-01-08, which it expects.
MISTYPED_FIXTURES = """
unit_tests:
  - name: zz_mistyped_given_value
    model: int_as_of
    overrides: {vars: {as_of_date: null}}
    given:
      - {input: ref('stg_crm__leads'), rows: [{updated_at: "2025-01-05 00:00:00"}]}
      - {input: ref('stg_crm__lead_status_changes'), rows: [{changed_at: "2025-01-06"}]}
      - input: ref('stg_crm__opportunities')
        rows: [{updated_at: "2025-01-07 00:00:00", closed_at: "2025-01-32 12:00:00"}]
      - {input: ref('stg_crm__deals'), rows: []}
      - {input: ref('stg_crm__activities'), rows: [{occurred_at: "2025-01-08 00:00:00"}]}
    expect:
      rows: [{as_of_at: "2025-01-08 00:00:00", is_as_of_set: false}]
  - name: zz_mistyped_expected_value
    model: int_as_of
    overrides: {vars: {as_of_date: "2025-01-31"}}
    given:
      - {input: ref('stg_crm__leads'), rows: []}
      - {input: ref('stg_crm__lead_status_changes'), rows: []}
      - {input: ref('stg_crm__opportunities'), rows: []}
      - {input: ref('stg_crm__deals'), rows: []}
      - {input: ref('stg_crm__activities'), rows: []}
    expect:
      rows: [{as_of_at: "2025-01-32 00:00:00", is_as_of_set: true}]
"""


def test_a_unit_test_fixture_value_that_does_not_fit_its_column_fails(
    project: Project,
) -> None:
    """Unit test fixtures are cast plainly (macros/unit_test_fixture_cast.sql): a mistyped
    value stops its unit test with the conversion error naming it, not a silent null."""
    fixtures = project.root / "models" / "testing" / "_zz_mistyped_fixtures.yml"
    fixtures.write_text(MISTYPED_FIXTURES)
    try:
        proc = dbt_test(project, "unit_test:zz_mistyped_*")
    finally:
        fixtures.unlink()
    results = {r["unique_id"].rsplit(".", 1)[-1]: r for r in last_run(project)["results"]}
    assert sorted(results) == ["zz_mistyped_expected_value", "zz_mistyped_given_value"]
    for name, result in results.items():
        assert result["status"] == "error", (name, result["status"], proc.stdout)
        assert "Conversion Error" in result["message"], result["message"]
        assert "2025-01-32" in result["message"], result["message"]
    assert proc.returncode == 1


def unit_test_names() -> list[str]:
    """Every unit test of the project's yml files."""
    names = []
    for path in (PROJECT_DIR / "models").rglob("*.yml"):
        names += [test["name"] for test in yaml.safe_load(path.read_text()).get("unit_tests", [])]
    return names


def test_full_refresh_is_passed_to_dbt(project: Project) -> None:
    proc = project.run("build", "--full-refresh", "--no-publish", "--select",
                       "base_crm__activities_parsed")
    assert proc.returncode == 0, proc.stderr
    assert last_run(project)["args"]["full_refresh"] is True
    assert node_types(project)["model"] == 1


def test_export_has_every_mart_of_the_manifest_with_matching_rows(project: Project) -> None:
    manifest = json.loads((project.root / "target" / "manifest.json").read_text())
    marts = {
        node["alias"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    exported = json.loads((project.export_dir / "_manifest.json").read_text())
    assert PROBE_MART in marts and set(exported["tables"]) == marts
    for name, table in exported["tables"].items():
        parquet = project.export_dir / table["parquet"]["path"]
        csv = project.export_dir / table["csv"]["path"]
        [(rows,)] = query(project.published_db, f'select count(*) from marts."{name}"')
        assert table["rows"] == rows
        con = duckdb.connect()
        try:
            assert con.execute(f"select count(*) from read_parquet('{parquet}')").fetchall() == [
                (rows,)
            ]
            assert con.execute(f"select count(*) from read_csv('{csv}')").fetchall() == [(rows,)]
        finally:
            con.close()
        assert table["parquet"]["sha256"] == sha256(parquet)
        assert table["csv"]["sha256"] == sha256(csv)
    # a standalone export replaces the folder whole, and leaves nothing beside it
    proc = project.run("export")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in project.export_dir.parent.iterdir() if "exports" in p.name) == [
        "exports"
    ]


def test_export_without_csv_writes_parquet_only_and_replaces_a_csv_export(
    project: Project,
) -> None:
    out = project.root / "exports_parquet_only"
    assert project.run("export", "--export-dir", str(out)).returncode == 0
    assert any((out / "csv").iterdir())
    proc = project.run("export", "--export-dir", str(out), "--no-csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("(Parquet)")
    assert sorted(p.name for p in out.iterdir()) == ["_manifest.json", "parquet"]
    tables = json.loads((out / "_manifest.json").read_text())["tables"]
    assert PROBE_MART in tables and all(set(t) == {"rows", "parquet"} for t in tables.values())
    for name, table in tables.items():
        parquet = out / table["parquet"]["path"]
        assert table["parquet"]["sha256"] == sha256(parquet)
        assert query(project.published_db, f'select count(*) from marts."{name}"') == [
            (table["rows"],)
        ]


def test_export_refuses_to_replace_a_folder_it_did_not_write(project: Project) -> None:
    foreign = project.root / "my_documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    proc = project.run("export", "--export-dir", str(foreign))
    assert proc.returncode == 2
    assert str(foreign) in proc.stderr and "FUNNEL_EXPORT_DIR" in proc.stderr
    assert (foreign / "thesis.docx").read_text() == "precious"


def test_open_reader_keeps_reading_while_a_refresh_publishes(project: Project) -> None:
    """A BI tool holding the published file neither blocks the refresh nor sees a mix."""
    assert project.first_refresh.returncode == 0, project.first_refresh.stderr
    seen = project.reader_seen
    assert seen and not [s for s in seen if "error" in s], project.reader_stderr
    # every read, before, during and after the swap, saw yesterday's whole warehouse
    assert {tuple(s["row"]) for s in seen} == {(1, 1)}
    assert max(s["t"] for s in seen) > project.refreshed_at
    # a new connection sees today's
    assert query(project.published_db, f"select count(*) from marts.{PROBE_MART}") == [(3,)]


def test_overlapping_refresh_is_refused_with_exit_code_3(project: Project) -> None:
    # a small selection keeps the first run short; it holds the lock all the same
    first = project.start("refresh", "--select", PROBE_MART)
    try:
        deadline = time.time() + 60
        while f"pid {first.pid}," not in (
            project.lock_file.read_text() if project.lock_file.exists() else ""
        ):
            assert first.poll() is None and time.time() < deadline, "the first never locked"
            time.sleep(0.02)
        # both started while the first certainly holds the lock; both must end at once
        second, build = project.start("refresh"), project.start("build")
        second_out, second_err = second.communicate(timeout=60)
        build_out, build_err = build.communicate(timeout=60)
        assert first.poll() is None, "the first refresh ended before the others were refused"
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert json.loads(out)["status"] == "ok"
    assert second.returncode == 3
    assert "another refresh holds the lock" in second_err
    assert str(project.lock_file) in second_err and f"pid {first.pid}" in second_err
    refused = json.loads(second_out)
    assert refused["status"] == "locked" and refused["exit_code"] == 3
    assert refused["duration_s"]["dbt"] is None
    assert build.returncode == 3 and "another refresh holds the lock" in build_err
    assert build_out == ""


def test_empty_selection_is_an_error_not_a_silent_success(project: Project) -> None:
    published = sha256(project.published_db)
    proc = project.run("refresh", "--select", "no_such_model")
    assert proc.returncode == 2
    assert "the selection matched nothing" in proc.stderr and "no_such_model" in proc.stderr
    log = log_line(proc)
    assert log["status"] == "error" and log["dbt_nodes"] == {} and log["published"] is False
    assert sha256(project.published_db) == published


def test_failing_test_leaves_the_published_file_byte_for_byte(project: Project) -> None:
    """The mart is rebuilt in the build file, a test fails: readers' file stays as it was."""
    always_fails = project.root / "tests" / "always_fails.sql"
    published, exported = sha256(project.published_db), sha256(
        project.export_dir / "_manifest.json"
    )
    always_fails.write_text("select 1 as x\n")
    try:
        proc = project.run("refresh", "--select", f"{PROBE_MART} always_fails")
        manual = project.run("publish")
    finally:
        always_fails.unlink()
    assert proc.returncode == 1, proc.stderr
    assert sha256(project.published_db) == published
    assert sha256(project.export_dir / "_manifest.json") == exported
    log = log_line(proc)
    assert log["status"] == "failed" and log["published"] is False
    assert log["duration_s"]["publish"] is None and log["dbt_nodes"] == {"success": 1, "fail": 1}
    [failure] = log["failing_tests"]
    assert failure["name"] == "test.lead_funnel.always_fails" and failure["failures"] == 1
    assert failure["relation"] == '"funnel"."test_failures"."always_fails"'
    assert failure["relation"] in proc.stderr and str(project.build_db) in proc.stderr
    assert "nothing was published" in proc.stderr and str(project.published_db) in proc.stderr
    assert query(project.build_db, "select x from test_failures.always_fails") == [(1,)]
    # publishing the failed build by hand is refused too
    assert manual.returncode == 1 and "always_fails" in manual.stderr


def test_publish_names_both_settings_when_file_names_differ(tmp_path: Path) -> None:
    proc = run_funnel("publish", database=tmp_path / "build" / "funnel.duckdb",
                      env={"FUNNEL_PUBLISHED_DB": str(tmp_path / "bi.duckdb")})
    assert proc.returncode == 2
    assert "FUNNEL_BUILD_DB" in proc.stderr and "FUNNEL_PUBLISHED_DB" in proc.stderr
    assert str(tmp_path / "funnel.duckdb") in proc.stderr  # the suggested fix


def test_vars_must_be_a_mapping(tmp_path: Path) -> None:
    proc = run_funnel("build", "--vars", "[1, 2]", landing_dir=tmp_path)
    assert proc.returncode == 2 and "--vars" in proc.stderr and "mapping" in proc.stderr


def test_docs_writes_one_static_page(project: Project) -> None:
    proc = project.run("docs")
    assert proc.returncode == 0, proc.stderr
    page = project.root / "target" / "static_index.html"
    assert proc.stdout.strip() == f"docs: {page}" and page.stat().st_size > 0

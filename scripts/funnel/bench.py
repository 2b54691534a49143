"""`funnel bench`: time and peak memory of the pipeline as the data grows.

For each size (number of leads) the demo generator writes a landing zone; the
three big tables (leads, lead_status_changes, activities) are laid out as
daily-drop folders (``<table>/day1.<fmt>``). Then, ``runs`` times, on a fresh
warehouse, each step runs as its own process, exactly as a user runs it:

* ``preflight``  ``funnel check`` (every landing file read and counted)
* ``build``      ``funnel build --no-publish`` (preflight, seeds, every model,
  every data and unit test)
* ``publish``    ``funnel publish``
* ``export``     ``funnel export``
* ``direct``     the compiled SQL of the same build (``manifest.json``), run
  in one DuckDB connection with the profile's settings, no dbt: every model
  created as it is materialized, in DAG order, then every data test counted.
  ``build / direct`` is dbt's overhead.
* ``refresh``    ``funnel refresh`` after a day-2 drop (``<table>/day2.<fmt>``):
  1% new leads (with their status changes and activities) and 1% updated
  leads (a new version, a status change, an activity). The incremental
  models load only the new files. ``--days N`` refreshes N daily drops one
  after another (day 2, 3, ...: other leads each day), as a schedule does,
  and reports each day's time and the build file's size: whether a refresh
  slows down or the file grows as the days go by. ``--compare-full`` then
  builds the landing zone as it stands into a fresh warehouse and compares
  every table with the refreshed one (funnel.compare.table_checksums): the
  refreshes must give what a full build gives.

Each step is timed on the wall clock and in CPU seconds (user + system, the
step's whole process tree), and its peak memory is the largest resident set
of the tree (``wait4``'s rusage). The machine is shared: the 1-minute load
average before each step is recorded beside it, and medians are reported.
Results are appended to ``docs/benchmarks.json`` and the tables between the
markers of ``docs/BENCHMARKS.md`` are replaced; the rest of that file is prose.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

from funnel.dbt import excluded_resource_types
from funnel.landing import (
    DEFAULT_DUCKDB_MEMORY_LIMIT,
    PROJECT_DIR,
    duckdb_memory_limit,
    quote_ident,
    quote_literal,
)

DROP_TABLES = ("leads", "lead_status_changes", "activities")
STEPS = ("preflight", "build", "publish", "export", "direct", "refresh")
MARK_BEGIN = "<!-- bench:begin (written by `funnel bench`; edit outside the markers) -->"
MARK_END = "<!-- bench:end -->"
DEFAULT_MD = PROJECT_DIR / "docs" / "BENCHMARKS.md"
DEFAULT_JSON = PROJECT_DIR / "docs" / "benchmarks.json"


class BenchError(Exception):
    """The benchmark cannot run; the message says what to fix."""


# --- sizes and the machine ---------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    """'100k,1m,10m' -> [100000, 1000000, 10000000]; 'none' -> [] (only --demo-runs)."""
    if text.strip().lower() == "none":
        return []
    sizes = []
    for part in (p.strip().lower() for p in text.split(",") if p.strip()):
        scale = {"k": 1_000, "m": 1_000_000}.get(part[-1], 1)
        number = part[:-1] if scale > 1 else part
        try:
            value = int(float(number) * scale)
        except ValueError:
            raise BenchError(f"--sizes: {part!r} is not a size; write e.g. 100k,1m,10m") from None
        if value < 1000:
            raise BenchError(f"--sizes: {part!r} is below 1000 leads; the drop needs 1% of them")
        sizes.append(value)
    if not sizes:
        raise BenchError("--sizes is empty; write e.g. 100k,1m (or none, with --demo-runs)")
    return sizes


def size_label(leads: int) -> str:
    for scale, suffix in ((1_000_000, "M"), (1_000, "k")):
        if leads % scale == 0:
            return f"{leads // scale}{suffix}"
    return str(leads)


def machine() -> dict:
    """What the figures were measured on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    versions = {"python": platform.python_version()}
    for package in ("dbt-core", "dbt-duckdb", "duckdb", "pyarrow", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "nproc": os.cpu_count(),
        "memory_gb": memory_gb,
        "cpu_model": cpu,
        "kernel": platform.release(),
        "versions": versions,
        "duckdb_threads": os.environ.get("FUNNEL_DUCKDB_THREADS", "1 (profile default)"),
        "duckdb_memory_limit": os.environ.get(
            "FUNNEL_DUCKDB_MEMORY_LIMIT", f"{DEFAULT_DUCKDB_MEMORY_LIMIT} (profile default)"
        ),
        "git_commit": _git(["rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(_git(["status", "--porcelain", "--untracked-files=no"])),
    }


def _git(args: list[str]) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=PROJECT_DIR, capture_output=True,
                              text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# --- one measured step ---------------------------------------------------------


def run_step(argv: list[str], env: dict[str, str], cwd: Path, log: Path) -> dict:
    """Run one command as a child process: wall and CPU seconds, peak RSS, exit code."""
    log.parent.mkdir(parents=True, exist_ok=True)
    load = _load()
    start = time.monotonic()
    with log.open("w") as out, open(log.with_suffix(".err"), "w") as err:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": round(time.monotonic() - start, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # kB on Linux
        "exit_code": proc.returncode,
        "load_1m": load,
    }


# --- the landing zone and the day-2 drop --------------------------------------


def prepare_landing(project: Path, landing: Path, leads: int, fmt: str, seed: int,
                    env: dict[str, str], logs: Path) -> dict:
    """Generate (or reuse) the landing zone of one size, in daily-drop folder layout."""
    stamp = landing / "_bench.json"
    if stamp.exists():
        recorded = json.loads(stamp.read_text())
        if recorded.get("leads") == leads and recorded.get("format") == fmt \
                and recorded.get("seed") == seed:
            remove_drop(landing, fmt)
            return {**recorded["generate"], "reused": True}
    if landing.exists():
        shutil.rmtree(landing)
    step = run_step(
        [sys.executable, "-m", "funnel.cli", "generate", "--out", str(landing),
         "--leads", str(leads), "--seed", str(seed), "--format", fmt],
        env, project, logs / "generate.log",
    )
    if step["exit_code"] != 0:
        raise BenchError(f"the generator failed for {leads} leads; see {logs / 'generate.err'}")
    for table in DROP_TABLES:
        single = landing / f"{table}.{fmt}"
        (landing / table).mkdir()
        single.rename(landing / table / f"day1.{fmt}")
    stamp.write_text(json.dumps({"leads": leads, "format": fmt, "seed": seed,
                                 "generate": step}, indent=2))
    return {**step, "reused": False}


def remove_drop(landing: Path, fmt: str) -> None:
    """Delete every daily drop (day 2 on), leaving the generated day 1."""
    for table in DROP_TABLES:
        for path in (landing / table).glob(f"day*.{fmt}"):
            if path.stem != "day1":
                path.unlink()


def write_drop(landing: Path, fmt: str, share_percent: int = 1, day: int = 2) -> dict[str, int]:
    """Day ``day`` (2 on): ``share_percent`` % new leads and as many updated leads,
    as new files ``<table>/day<day>.<fmt>``.

    New leads are copies of existing ones (every version, status change and
    activity) under new keys; an updated lead gets a new version, a status
    change (nurture) and an activity, 12 hours after the data's end on day 2
    and a day later for each day after. Each day takes other leads (another
    hash bucket), so up to 50 days at 1%.
    """
    import duckdb

    buckets = 100 // share_percent
    if not 2 <= day <= buckets // 2 + 1:
        raise BenchError(f"a {share_percent}% drop can be made for days 2 to "
                         f"{buckets // 2 + 1}, not {day}")
    generator = json.loads((landing / "_generator.json").read_text())
    data_end = datetime.fromisoformat(generator["data_end"].replace("Z", "+00:00"))
    drop_at = (data_end + timedelta(hours=12 + 24 * (day - 2))).astimezone(UTC)
    con = duckdb.connect()
    try:
        day1 = {t: quote_literal(str(landing / t / f"day1.{fmt}")) for t in DROP_TABLES}
        reader = (
            "read_csv({}, header = true, all_varchar = true)" if fmt == "csv"
            else "read_parquet({})"
        )
        for table, path in day1.items():
            con.execute(f"create view day1_{table} as select * from {reader.format(path)}")

        def at(table: str, column: str) -> str:
            kind = con.execute(
                f"select column_type from (describe day1_{table}) where column_name = ?",
                [column],
            ).fetchall()[0][0]
            if "TIMESTAMP" in kind.upper():
                return f"cast('{drop_at:%Y-%m-%d %H:%M:%S}+00' as {kind})"
            return f"'{drop_at:%Y-%m-%dT%H:%M:%SZ}'"

        bucket = f"hash(lead_id) % {buckets}"
        new_bucket = 2 * (day - 2)
        con.execute(f"create table new_ids as select distinct lead_id from day1_leads "
                    f"where {bucket} = {new_bucket}")
        con.execute(f"create table updated_ids as select distinct lead_id from day1_leads "
                    f"where {bucket} = {new_bucket + 1}")
        suffix = f"'-d{day}'"
        queries = {
            "leads": f"""
                select * replace (lead_id || {suffix} as lead_id)
                from day1_leads where lead_id in (select lead_id from new_ids)
                union all by name
                select * replace ({at('leads', 'updated_at')} as updated_at,
                                  'nurture' as status)
                from day1_leads where lead_id in (select lead_id from updated_ids)
                qualify row_number() over (
                    partition by lead_id order by updated_at desc) = 1
            """,
            "lead_status_changes": f"""
                select * replace (lead_id || {suffix} as lead_id)
                from day1_lead_status_changes
                where lead_id in (select lead_id from new_ids)
                union all by name
                select lead_id, 'nurture' as status,
                    {at('lead_status_changes', 'changed_at')} as changed_at,
                    'day-{day} drop' as reason
                from updated_ids
            """,
            "activities": f"""
                select * replace (lead_id || {suffix} as lead_id,
                                  activity_id || {suffix} as activity_id)
                from day1_activities where lead_id in (select lead_id from new_ids)
                union all by name
                select 'D{day}-' || lead_id as activity_id, lead_id,
                    {at('activities', 'occurred_at')} as occurred_at,
                    'email_open' as activity_type, 'marketing' as owner_team
                from updated_ids
            """,
        }
        rows = {}
        for table, query in queries.items():
            target = landing / table / f"day{day}.{fmt}"
            options = "format csv, header true" if fmt == "csv" else "format parquet"
            con.execute(f"copy ({query}) to {quote_literal(str(target))} ({options})")
            rows[table] = con.execute(
                f"select count(*) from {reader.format(quote_literal(str(target)))}"
            ).fetchall()[0][0]
        rows["new_leads"] = con.execute("select count(*) from new_ids").fetchall()[0][0]
        rows["updated_leads"] = con.execute("select count(*) from updated_ids").fetchall()[0][0]
        return rows
    finally:
        con.close()


# --- the compiled SQL without dbt ----------------------------------------------


def _dag_order(nodes: dict[str, dict]) -> list[str]:
    """Model ids, every model after the models it depends on."""
    models = {uid for uid, node in nodes.items() if node["resource_type"] == "model"}
    order, done, visiting = [], set(), set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        if uid in visiting:
            raise BenchError(f"the manifest has a cycle through {uid}")
        visiting.add(uid)
        for parent in nodes[uid]["depends_on"]["nodes"]:
            if parent in models:
                visit(parent)
        visiting.discard(uid)
        done.add(uid)
        order.append(uid)

    for uid in sorted(models):
        visit(uid)
    return order


def data_test_fails_sql(node: dict) -> str:
    """SQL returning whether a data test fails the build, judged as dbt judges it:
    ``fail_calc`` over the test's rows, compared with ``error_if``; a warn-severity
    test never fails it."""
    config = node["config"]
    if str(config.get("severity") or "error").lower() != "error":
        return "select false"
    fail_calc = config.get("fail_calc") or "count(*)"
    error_if = config.get("error_if") or "!= 0"
    return (f"select coalesce(({fail_calc}) {error_if}, false) from (\n"
            f"{node['compiled_code']}\n) as dbt_internal_test")


def run_direct(manifest_path: Path, build_db: Path, direct_db: Path) -> dict:
    """Run the build's compiled SQL in one DuckDB connection: seconds for models and tests.

    The landing views and the seeds are copied from the dbt-built warehouse
    (not timed), so both runs read the same inputs.
    """
    import duckdb

    manifest = json.loads(manifest_path.read_text())
    nodes = manifest["nodes"]
    if direct_db.name != build_db.name:
        raise BenchError("the direct warehouse must have the build file's name (its catalog)")
    direct_db.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (direct_db, direct_db.with_name(direct_db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    # One query at a time here, so every core serves it (dbt runs two at once,
    # each on one DuckDB thread: profiles.yml).
    con = duckdb.connect(str(direct_db), config={
        "threads": os.cpu_count() or 1,
        "memory_limit": duckdb_memory_limit(),
        "preserve_insertion_order": False,
    })
    catalog = direct_db.stem
    try:
        con.execute(f"attach {quote_literal(str(build_db))} as dbt_build (read_only)")
        con.execute("create schema landing")
        for name, kind, sql in con.execute(
            "select view_name, 'view', sql from duckdb_views() "
            "where database_name = 'dbt_build' and schema_name = 'landing' "
            "union all select table_name, 'table', null from duckdb_tables() "
            "where database_name = 'dbt_build' and schema_name = 'landing'"
        ).fetchall():
            if kind == "view":
                con.execute(sql)
            else:
                con.execute(f"create table landing.{quote_ident(name)} as "
                            f"select * from dbt_build.landing.{quote_ident(name)}")
        for node in nodes.values():
            if node["resource_type"] == "seed":
                schema, alias = node["schema"], node["alias"]
                con.execute(f"create schema if not exists {quote_ident(schema)}")
                con.execute(f"create table {quote_ident(schema)}.{quote_ident(alias)} as "
                            f"select * from dbt_build.{quote_ident(schema)}.{quote_ident(alias)}")
        con.execute("detach dbt_build")

        seconds: dict[str, float] = {}
        start = time.monotonic()
        models = 0
        for uid in _dag_order(nodes):
            node = nodes[uid]
            kind = node["config"].get("materialized")
            if kind == "ephemeral":
                continue
            code = node.get("compiled_code")
            if code is None:
                raise BenchError(f"{uid} has no compiled code in {manifest_path}; the "
                                 "build did not run it")
            con.execute(f"create schema if not exists {quote_ident(catalog)}."
                        f"{quote_ident(node['schema'])}")
            what = "view" if kind == "view" else "table"
            began = time.monotonic()
            con.execute(f"create or replace {what} {node['relation_name']} as (\n{code}\n)")
            seconds[uid] = time.monotonic() - began
            models += 1
        con.execute("checkpoint")
        models_s = time.monotonic() - start

        start = time.monotonic()
        tests = failing = 0
        for uid, node in nodes.items():
            if node["resource_type"] != "test" or node.get("compiled_code") is None:
                continue
            tests += 1
            began = time.monotonic()
            failing += bool(con.execute(data_test_fails_sql(node)).fetchall()[0][0])
            seconds[uid] = time.monotonic() - began
        tests_s = time.monotonic() - start
    finally:
        con.close()
    slowest = sorted(seconds.items(), key=lambda item: -item[1])[:12]
    return {"models": models, "models_s": round(models_s, 2), "tests": tests,
            "tests_s": round(tests_s, 2), "failing_tests": failing,
            "slowest": {uid.split(".", 2)[-1]: round(s, 2) for uid, s in slowest}}


# --- one size, several runs -----------------------------------------------------


def _node_times(run_results: Path) -> dict:
    """Seconds per resource type and the slowest nodes of one dbt run."""
    if not run_results.exists():
        return {}
    results = json.loads(run_results.read_text())
    by_type: dict[str, float] = {}
    for node in results["results"]:
        kind = node["unique_id"].split(".")[0]
        by_type[kind] = round(by_type.get(kind, 0.0) + node["execution_time"], 2)
    slowest = sorted(results["results"], key=lambda n: -n["execution_time"])[:12]
    return {
        "elapsed_s": round(results.get("elapsed_time") or 0.0, 2),
        "by_type_s": by_type,
        "slowest": {n["unique_id"].split(".", 2)[-1]: round(n["execution_time"], 2)
                    for n in slowest},
    }


def parse_steps(text: str) -> tuple[str, ...]:
    """'build,refresh' -> the steps to run, in pipeline order; export needs publish."""
    steps = {part.strip() for part in text.split(",") if part.strip()}
    unknown = steps - set(STEPS)
    if unknown or not steps:
        raise BenchError(f"--steps: {', '.join(sorted(unknown)) or 'nothing'} is not a step; "
                         f"choose from {', '.join(STEPS)}")
    if "export" in steps and "publish" not in steps:
        raise BenchError("--steps: export reads the published warehouse; add publish")
    if "direct" in steps and "build" not in steps:
        raise BenchError("--steps: direct runs the build's compiled SQL; add build")
    if "refresh" in steps and "build" not in steps:
        raise BenchError("--steps: refresh follows a full build; add build")
    return tuple(step for step in STEPS if step in steps)


def bench_size(project: Path, work: Path, leads: int, runs: int, fmt: str, seed: int,
               steps: tuple[str, ...], progress, days: int = 1,
               compare_full: bool = False) -> dict:
    label = size_label(leads)
    root = work / label
    landing = root / "raw"
    base_env = {**os.environ, "PYTHONPATH": str(project / "scripts"),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    progress(f"[{label}] generating {leads} leads ({fmt})")
    generated = prepare_landing(project, landing, leads, fmt, seed, base_env, root / "logs")
    progress(f"[{label}] generate: {generated['wall_s']} s"
             + (" (reused; timed when first written)" if generated["reused"] else ""))
    landing_bytes = sum(p.stat().st_size for p in landing.rglob(f"*.{fmt}"))
    result: dict = {"leads": leads, "label": label, "format": fmt,
                    "landing_mb": round(landing_bytes / 1e6), "generate": generated, "runs": []}
    for run in range(1, runs + 1):
        remove_drop(landing, fmt)
        # The same paths every run, as a scheduled refresh has: dbt's partial
        # parsing (target/partial_parse.msgpack) is invalidated by a new path.
        wh = root / "warehouse"
        if wh.exists():
            shutil.rmtree(wh)
        env = {
            **base_env,
            "FUNNEL_LANDING_DIR": str(landing),
            "FUNNEL_BUILD_DB": str(wh / "build" / "funnel.duckdb"),
            "FUNNEL_PUBLISHED_DB": str(wh / "published" / "funnel.duckdb"),
            "FUNNEL_EXPORT_DIR": str(wh / "exports"),
            # dbt's artifacts and partial-parse state, shared by the runs of one size
            "DBT_TARGET_PATH": str(root / "target"),
            "DBT_LOG_PATH": str(root / "logs" / "dbt"),
        }
        funnel = [sys.executable, "-m", "funnel.cli"]
        record: dict = {"run": run}
        commands = {
            "preflight": [*funnel, "check"],
            "build": [*funnel, "build", "--no-publish"],
            "publish": [*funnel, "publish"],
            "export": [*funnel, "export"],
        }
        for name, argv in commands.items():
            if name not in steps:
                continue
            progress(f"[{label} run {run}/{runs}] {name} ...")
            step = run_step(argv, env, project, wh / "logs" / f"{name}.log")
            record[name] = step
            progress(f"[{label} run {run}/{runs}] {name}: {step['wall_s']} s wall, "
                     f"{step['cpu_s']} s CPU, {step['peak_rss_mb']} MB (load {step['load_1m']})")
            if step["exit_code"] != 0:
                raise BenchError(f"{name} failed (exit {step['exit_code']}) for {label} leads, "
                                 f"run {run}; see {wh / 'logs' / (name + '.err')}")
            if name == "build":
                target = root / "target"
                shutil.copy(target / "manifest.json", wh / "manifest.json")
                step["dbt"] = _node_times(target / "run_results.json")
        if "direct" in steps:
            progress(f"[{label} run {run}/{runs}] direct SQL ...")
            step = run_step(
                [sys.executable, "-m", "funnel.bench", "direct", str(wh / "manifest.json"),
                 str(wh / "build" / "funnel.duckdb"), str(wh / "direct" / "funnel.duckdb")],
                env, project, wh / "logs" / "direct.log",
            )
            if step["exit_code"] != 0:
                raise BenchError(f"the direct SQL run failed for {label} leads; see "
                                 f"{wh / 'logs' / 'direct.err'}")
            step["sql"] = json.loads((wh / "logs" / "direct.log").read_text())
            record["direct"] = step
            shutil.rmtree(wh / "direct", ignore_errors=True)
            progress(f"[{label} run {run}/{runs}] direct: {step['wall_s']} s wall "
                     f"(models {step['sql']['models_s']} s, tests {step['sql']['tests_s']} s)")
        if "refresh" in steps:
            # day 2 is the refresh of the tables; with --days, the days after it too
            for day in range(2, days + 2):
                step = _refresh(funnel, env, project, landing, fmt, wh, "publish" in steps,
                                f"[{label} run {run}/{runs} day {day}]", progress, day)
                step["dbt"] = _node_times(root / "target" / "run_results.json")
                step["build_db_mb"] = round(
                    (wh / "build" / "funnel.duckdb").stat().st_size / 1e6)
                if day == 2:
                    record["drop_rows"] = step.pop("drop_rows")
                    record["refresh"] = step
                if days > 1:
                    record.setdefault("refresh_days", []).append({
                        "day": day, "wall_s": step["wall_s"], "cpu_s": step["cpu_s"],
                        "build_part_s": _build_part(step), "build_db_mb": step["build_db_mb"],
                        "peak_rss_mb": step["peak_rss_mb"], "load_1m": step["load_1m"],
                    })
        if compare_full and run == runs:
            result["compare_full"] = compare_with_full_build(
                funnel, env, project, root, f"[{label} run {run}/{runs}]", progress)
            result["compare_full"]["after_day"] = days + 1
        result["runs"].append(record)
        remove_drop(landing, fmt)  # the last run's warehouse stays for inspection
    result["median"] = summarize(result["runs"])
    return result


def compare_with_full_build(funnel: list[str], env: dict[str, str], project: Path,
                            root: Path, where: str, progress) -> dict:
    """Build the landing zone as it now stands into a fresh warehouse (with its own dbt
    target) and compare every table and view of funnel.compare.COMPARED_SCHEMAS with
    the refreshed warehouse of ``env``: the step's figures, the tables compared and
    those that differ. A difference is an error; the fresh warehouse is then kept."""
    from funnel.compare import differing_tables, table_checksums

    full = root / "warehouse_full"
    shutil.rmtree(full, ignore_errors=True)
    full_env = {**env, "FUNNEL_BUILD_DB": str(full / "build" / "funnel.duckdb"),
                "DBT_TARGET_PATH": str(root / "target_full"),
                "DBT_LOG_PATH": str(root / "logs" / "dbt_full")}
    progress(f"{where} full build of the same landing files, to compare ...")
    step = run_step([*funnel, "build", "--no-publish"], full_env, project,
                    full / "logs" / "build.log")
    if step["exit_code"] != 0:
        raise BenchError(f"the full build to compare with failed (exit {step['exit_code']}); "
                         f"see {full / 'logs' / 'build.err'}")
    refreshed = table_checksums(Path(env["FUNNEL_BUILD_DB"]))
    built = table_checksums(full / "build" / "funnel.duckdb")
    differing = differing_tables(refreshed, built)
    step |= {"tables": len(built), "differing": differing}
    if differing:
        raise BenchError(
            f"the refreshed warehouse failed the comparison with a full build of the same "
            f"files ({full}): {len(differing)} of {len(built)} tables differ: "
            + "; ".join(f"{name} {what}" for name, what in differing.items()))
    shutil.rmtree(full)
    progress(f"{where} full build: {step['wall_s']} s; the {len(built)} tables and views "
             "compared hold the same rows as the refreshed warehouse")
    return step


def refresh_command(funnel: list[str], env: dict[str, str],
                    publish: bool) -> tuple[list[str], dict[str, str]]:
    """The refresh step's command: `funnel refresh`, or without publishing the same dbt
    work as `funnel build --no-publish` with dbt's unit tests left out, as `funnel
    refresh` leaves them out (only its landing freshness check, ~1 s, is not run)."""
    if publish:
        return [*funnel, "refresh"], env
    excluded = " ".join(excluded_resource_types(env, "unit_test"))
    return [*funnel, "build", "--no-publish"], {**env, "DBT_EXCLUDE_RESOURCE_TYPES": excluded}


def _refresh(funnel: list[str], env: dict[str, str], project: Path, landing: Path, fmt: str,
             wh: Path, publish: bool, where: str, progress, day: int = 2) -> dict:
    """Write the drop of ``day``, then refresh with refresh_command (`funnel refresh`, or
    with --steps lacking publish its dbt work without publish and export)."""
    rows = write_drop(landing, fmt, day=day)
    progress(f"{where} refresh after the day-{day} drop {rows} ...")
    argv, env = refresh_command(funnel, env, publish)
    log = wh / "logs" / "refresh.log"
    step = run_step(argv, env, project, log)
    lines = log.read_text().strip().splitlines()
    if step["exit_code"] != 0 or (publish and not lines):
        raise BenchError(f"refresh failed (exit {step['exit_code']}); see {log} and "
                         f"{log.with_suffix('.err')}")
    step["durations_s"] = (
        json.loads(lines[-1])["duration_s"] if publish else {"total": step["wall_s"]}
    )
    progress(f"{where} refresh: {step['wall_s']} s wall, {step['cpu_s']} s CPU, "
             f"{step['peak_rss_mb']} MB")
    step["drop_rows"] = rows
    return step


DEMO_LEADS = 50_000  # `funnel demo`'s default, what `make demo` runs


def bench_demo(funnel: list[str], project: Path, work: Path, runs: int, progress) -> dict:
    """`funnel demo` ``runs`` times, as `make demo` runs it once the venv exists: each run
    into a fresh folder (data, warehouse, exports, report), dbt's target folder kept
    between runs as a checkout keeps it (the first run parses the whole project)."""
    root = work / "demo"
    result: dict = {"leads": DEMO_LEADS, "runs": []}
    for run in range(1, runs + 1):
        home = root / "run"
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
        env = {key: value for key, value in os.environ.items()
               if key not in ("FUNNEL_LANDING_DIR", "FUNNEL_EXPORT_DIR")}
        env |= {
            "PYTHONPATH": str(project / "scripts"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "FUNNEL_BUILD_DB": str(home / "warehouse" / "build" / "funnel.duckdb"),
            "FUNNEL_PUBLISHED_DB": str(home / "warehouse" / "funnel.duckdb"),
            "DBT_TARGET_PATH": str(root / "target"),
            "DBT_LOG_PATH": str(root / "logs" / "dbt"),
        }
        progress(f"[demo run {run}/{runs}] funnel demo ({DEMO_LEADS} leads) ...")
        step = run_step([*funnel, "demo", "--out", str(home / "raw"),
                         "--leads", str(DEMO_LEADS), "--export-dir", str(home / "exports")],
                        env, home, root / "logs" / "demo.log")
        if step["exit_code"] != 0:
            raise BenchError(f"funnel demo failed (exit {step['exit_code']}), run {run}; see "
                             f"{root / 'logs' / 'demo.err'}")
        progress(f"[demo run {run}/{runs}] demo: {step['wall_s']} s wall, {step['cpu_s']} s "
                 f"CPU, {step['peak_rss_mb']} MB (load {step['load_1m']})")
        result["runs"].append(step)
    result["median"] = _median_step(result["runs"])
    return result


def _median_step(steps: list[dict]) -> dict:
    """One step's figures over its runs: medians of the times and load, the largest peak."""
    median = {key: round(statistics.median(step[key] for step in steps), 2)
              for key in ("wall_s", "cpu_s", "load_1m")}
    return median | {"peak_rss_mb": max(step["peak_rss_mb"] for step in steps)}


def summarize(runs: list[dict]) -> dict:
    """Medians over the runs of each step's figures."""
    summary: dict = {}
    for name in STEPS:
        steps = [run[name] for run in runs if name in run]
        if steps:
            summary[name] = _median_step(steps)
    if "direct" in summary:
        summary["direct"]["sql_s"] = round(statistics.median(
            run["direct"]["sql"]["models_s"] + run["direct"]["sql"]["tests_s"]
            for run in runs
        ), 2)
    if "refresh" in summary:
        summary["refresh"]["build_part_s"] = round(statistics.median(
            _build_part(run["refresh"]) for run in runs
        ), 2)
    return summary


def _build_part(refresh: dict) -> float:
    """A refresh's preflight + dbt seconds (its JSON log line), comparable with a build;
    the wall clock when it was not published (no log line)."""
    durations = refresh["durations_s"]
    if "dbt" not in durations:
        return refresh["wall_s"]
    return round((durations.get("preflight") or 0) + (durations.get("dbt") or 0), 3)


# --- reports ----------------------------------------------------------------------


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "-"
    return f"{numerator / denominator:.2f}x"


def _gb(mb: float | None) -> str:
    return "-" if mb is None else f"{mb / 1024:.2f}"


def latest_sizes(records: list[dict], having: Callable[[dict], object] | None = None,
                 ) -> list[tuple[dict, dict]]:
    """(record, size) of the latest measurement of each size and format, by size.

    A later measurement replaces an earlier one only if it measured every step the
    earlier one did: a run of a few steps (`--steps build,refresh --days 10`) does
    not take the place of a full one in the tables. With ``having``, the latest
    measurement of each size for which ``having(size)`` is true.
    """
    latest: dict[tuple[str, int], tuple[dict, dict]] = {}
    for record in records:
        for size in record["sizes"]:
            key = (size["format"], size["leads"])
            if having is not None:
                if having(size):
                    latest[key] = (record, size)
            elif key not in latest or set(latest[key][1]["median"]) <= set(size["median"]):
                latest[key] = (record, size)
    return [latest[key] for key in sorted(latest, key=lambda k: (k[0] != "csv", k[0], k[1]))]


# The targets of issue #8 for this 2-core, 24 GB machine (docs/BENCHMARKS.md, "Targets").
BUILD_1M_SECONDS = 60.0  # full build with every test, median of RUNS_FOR_TARGET runs
RUNS_FOR_TARGET = 3
BUILD_OVER_DIRECT = 2.0  # full build / the same compiled SQL without dbt
REFRESH_OVER_BUILD = 0.20  # refresh build part after a 1% drop / full build
PEAK_GB_10M = 8.0
BUILD_10M_OVER_1M = 12.0
GENERATE_10M_SECONDS = 180.0
DEMO_SECONDS = 60.0  # `make demo` once the dependencies are installed
MILLION, TEN_MILLION = 1_000_000, 10_000_000


def _fewer_runs(runs: int) -> str:
    """What a figure's note says when it is a median of fewer runs than the targets ask."""
    return "" if runs >= RUNS_FOR_TARGET else f"; {runs} run(s), not {RUNS_FOR_TARGET}"


def nearest_1m_build(records: list[dict], ten_m: dict) -> tuple[dict, dict] | None:
    """(record, size) of the CSV 1M build measured nearest in time to the 10M record
    ``ten_m``: its own 1M row if it has one, else the closest start, the later on a tie.

    The 10M target is a ratio of two builds, and this shared machine's speed changes by
    the hour (the same 1M build took 52-137 s): a 1M row measured on another day would
    judge the machine, not the 10M build.
    """
    def start(record: dict) -> datetime | None:
        try:
            return datetime.fromisoformat(record["started_at"])
        except (KeyError, TypeError, ValueError):
            return None

    when = start(ten_m)
    candidates = [(record, size) for record in records for size in record["sizes"]
                  if size["format"] == "csv" and size["leads"] == MILLION
                  and size["median"].get("build", {}).get("wall_s")]
    if when is None or not candidates:
        return None
    same = [(record, size) for record, size in candidates if record is ten_m]
    if same:
        return same[0]
    dated = [(abs((start(record) - when).total_seconds()), index, record, size)
             for index, (record, size) in enumerate(candidates) if start(record) is not None]
    if not dated:
        return None
    _, _, record, size = min(dated, key=lambda item: (item[0], -item[1]))
    return record, size


def targets(rows: list[tuple[dict, dict]], measured: list[dict],
            demo: tuple[dict, dict] | None = None,
            scale_1m: tuple[dict, dict] | None = None) -> list[tuple[str, str, str]]:
    """(target, measured, met) of each target, judged on the CSV rows shown and the
    latest `--demo-runs` measurement.

    ``met`` is yes, no, or "-" when the rows hold no figure for it. A row
    measured with fewer runs than a target's median needs is judged all the
    same, and says so; rows of different measurements (different hours on a
    shared machine) say which they are. ``scale_1m`` is the 1M build the 10M
    build is divided by (nearest_1m_build); without it, the 1M row shown.
    """
    csv = {size["leads"]: (record, size) for record, size in rows if size["format"] == "csv"}

    def figure(leads: int, step: str, key: str = "wall_s") -> float | None:
        return csv[leads][1]["median"].get(step, {}).get(key) if leads in csv else None

    def which(*sizes: int, pairs: tuple[tuple[dict, dict], ...] = ()) -> str:
        """The measurements the figures come from, and how many runs when under 3."""
        pairs = (*(csv[leads] for leads in sizes), *pairs)
        numbers = sorted({measured.index(record) + 1 for record, _ in pairs})
        text = ("measurement " if len(numbers) == 1 else "measurements ") + " and ".join(
            str(number) for number in numbers)
        return text + _fewer_runs(min(len(size["runs"]) for _, size in pairs))

    def verdict(value: float | None, limit: float) -> str:
        return "-" if value is None else "yes" if value <= limit else "no"

    def absent(leads: int, what: str) -> str:
        return f"no {size_label(leads)} {what} in the rows shown"

    judged: list[tuple[str, str, str]] = []
    build = figure(MILLION, "build")
    judged.append((
        f"1M leads: full build with all tests <= {BUILD_1M_SECONDS:g} s "
        f"(median of {RUNS_FOR_TARGET})",
        f"{build} s ({which(MILLION)})" if build else absent(MILLION, "build"),
        verdict(build, BUILD_1M_SECONDS),
    ))
    direct = figure(MILLION, "direct", "sql_s")
    judged.append((
        f"1M leads: full build <= {BUILD_OVER_DIRECT:.1f}x the compiled SQL run directly",
        f"{build / direct:.2f}x ({build} / {direct} s, {which(MILLION)})" if build and direct
        else absent(MILLION, "build and direct run"),
        verdict(build / direct if build and direct else None, BUILD_OVER_DIRECT),
    ))
    refresh = figure(MILLION, "refresh", "build_part_s")
    judged.append((
        f"1M leads: refresh after a 1% drop <= {REFRESH_OVER_BUILD:.0%} of the full build",
        f"{refresh / build:.2f}x ({refresh} / {build} s, {which(MILLION)})"
        if build and refresh else absent(MILLION, "build and refresh"),
        verdict(refresh / build if build and refresh else None, REFRESH_OVER_BUILD),
    ))
    peak_target = f"10M leads: peak memory <= {PEAK_GB_10M:g} GB"
    if TEN_MILLION in csv:
        peak = max(step["peak_rss_mb"] for step in csv[TEN_MILLION][1]["median"].values())
        judged.append((peak_target,
                       f"{_gb(peak)} GB ({which(TEN_MILLION)})",
                       verdict(peak / 1024, PEAK_GB_10M)))
    else:
        judged.append((peak_target, absent(TEN_MILLION, "row"), "-"))
    build_10m = figure(TEN_MILLION, "build")
    base = build
    if build_10m and scale_1m is not None:  # the 1M build of the 10M run's hour
        base = scale_1m[1]["median"]["build"]["wall_s"]
        nearest = "" if scale_1m[0] is csv[TEN_MILLION][0] else "the 1M build nearest in time, "
        basis = nearest + which(TEN_MILLION, pairs=(scale_1m,))
    elif build and build_10m:
        basis = which(MILLION, TEN_MILLION)
    judged.append((
        f"10M leads: full build <= {BUILD_10M_OVER_1M:g}x the 1M build",
        f"{build_10m / base:.1f}x ({build_10m} / {base} s, {basis})"
        if base and build_10m else absent(TEN_MILLION, "and 1M builds"),
        verdict(build_10m / base if base and build_10m else None, BUILD_10M_OVER_1M),
    ))
    generated = csv[TEN_MILLION][1]["generate"]["wall_s"] if TEN_MILLION in csv else None
    judged.append((f"generator: 10M leads <= {GENERATE_10M_SECONDS / 60:g} minutes",
                   f"{generated} s" if generated is not None
                   else absent(TEN_MILLION, "landing zone"),
                   verdict(generated, GENERATE_10M_SECONDS)))
    target = (f"`make demo` after the dependencies (`funnel demo`, {DEMO_LEADS:,} leads) "
              f"<= {DEMO_SECONDS:g} s")
    if demo is None:
        judged.append((target, "not in the measurements shown (`--demo-runs 3`)", "-"))
    else:
        record, figures = demo
        wall = figures["median"]["wall_s"]
        judged.append((target, f"{wall} s (measurement {measured.index(record) + 1}"
                               f"{_fewer_runs(len(figures['runs']))})",
                       verdict(wall, DEMO_SECONDS)))
    return judged


def markdown(records: list[dict]) -> str:
    """The tables of the latest measurement of every size (records: oldest first)."""
    rows = latest_sizes(records)
    daily = latest_sizes(records, lambda size: size["runs"][-1].get("refresh_days"))
    compared = latest_sizes(records, lambda size: size.get("compare_full"))
    demo = next(((record, record["demo"]) for record in reversed(records)
                 if record.get("demo")), None)
    ten_m = next((record for record, size in rows
                  if size["format"] == "csv" and size["leads"] == TEN_MILLION), None)
    scale_1m = nearest_1m_build(records, ten_m) if ten_m is not None else None
    measured = []
    for record, _ in [*rows, *daily, *compared, *([demo] if demo else []),
                      *([scale_1m] if scale_1m else [])]:
        if record not in measured:
            measured.append(record)
    info = records[-1]["machine"]
    lines = ["Measurements shown (a size measured again, with at least the same steps, "
             "replaces its row):", ""]
    for number, record in enumerate(measured, start=1):
        code = record["machine"].get("git_commit")
        dirty = " + uncommitted changes" if record["machine"].get("git_dirty") else ""
        lines.append(
            f"{number}. {record['started_at']}, {record['label'] or 'no label'}: "
            f"{record['runs']} run(s) per size (medians), code {code}{dirty}, DuckDB "
            f"memory_limit {record['machine']['duckdb_memory_limit']}; `{record['command']}`"
        )
    lines += [
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB RAM, "
        f"Linux {info['kernel']}, shared with other work (the 1-minute load average before "
        f"each step is in the second table). DuckDB threads {info['duckdb_threads']}. "
        "Versions: "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items()) + ".",
        "",
        "Wall-clock seconds (median); `refresh build part` is the refresh's preflight + "
        "dbt, comparable with `full build`:",
        "",
        "| leads | format | # | landing MB | generate | preflight | full build | publish "
        "| export | refresh (1% drop) | refresh build part | direct SQL | build / direct "
        "| refresh / build | peak RSS GB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for record, size in rows:
        med = size["median"]
        peak = max(step["peak_rss_mb"] for step in med.values())
        wall = {name: med.get(name, {}).get("wall_s", "-") for name in STEPS}
        direct = med.get("direct", {}).get("sql_s")
        build = med.get("build", {}).get("wall_s")
        refresh = med.get("refresh", {})
        lines.append(
            f"| {size['label']} | {size['format']} | {measured.index(record) + 1} "
            f"| {size['landing_mb']} | {size['generate']['wall_s']} "
            f"| {wall['preflight']} | **{wall['build']}** | {wall['publish']} "
            f"| {wall['export']} | {wall['refresh']} | {refresh.get('build_part_s', '-')} "
            f"| {direct or '-'} | {_ratio(build, direct)} "
            f"| {_ratio(refresh.get('build_part_s'), build)} | {_gb(peak)} |"
        )
    if demo is not None:
        record, figures = demo
        median = figures["median"]
        lines += ["", f"`funnel demo` ({figures['leads']:,} leads, measurement "
                  f"{measured.index(record) + 1}), as `make demo` runs it once the venv "
                  f"exists: {' / '.join(str(step['wall_s']) for step in figures['runs'])} s "
                  f"wall, median {median['wall_s']} s, CPU {median['cpu_s']} s, peak RSS "
                  f"{_gb(median['peak_rss_mb'])} GB, load {median['load_1m']}."]
    lines += [
        "",
        "The targets (docs/BENCHMARKS.md, \"Targets\"), judged on the csv rows above and "
        "the latest `funnel demo` measurement:",
        "",
        "| target | measured | met? |",
        "|---|---|---|",
        *(f"| {target} | {value} | {met} |"
          for target, value, met in targets(rows, measured, demo, scale_1m)),
    ]
    if not rows:  # only `funnel demo` was measured
        return "\n".join(lines) + "\n"
    lines += [
        "",
        "Per step: CPU seconds (user + system, less sensitive to other load than the wall "
        "clock), peak RSS and the load before the step:",
        "",
        "| leads | format | step | wall s | CPU s | peak RSS GB | load before |",
        "|---:|---|---|---:|---:|---:|---:|",
    ]
    for _, size in rows:
        for name, step in size["median"].items():
            lines.append(f"| {size['label']} | {size['format']} | {name} | {step['wall_s']} "
                         f"| {step['cpu_s']} | {_gb(step['peak_rss_mb'])} | {step['load_1m']} |")
    csv_rows = [(record, size) for record, size in rows if size["format"] == "csv"]
    for (low, smaller), (high, larger) in itertools.pairwise(csv_rows):
        numbers = sorted({measured.index(low) + 1, measured.index(high) + 1})
        lines += ["", f"Scaling {smaller['label']} -> {larger['label']} (csv): full build "
                  + _ratio(larger["median"].get("build", {}).get("wall_s"),
                           smaller["median"].get("build", {}).get("wall_s"))
                  + " the time for " + _ratio(larger["leads"], smaller["leads"]) + " the leads"
                  + (f" (measurements {numbers[0]} and {numbers[1]}, different hours)."
                     if len(numbers) > 1 else ".")]
    for step, title in (("build", "full build"), ("refresh", "refresh")):
        lines += ["", f"dbt seconds by node type, and the slowest nodes, of the last {title}:", ""]
        for _, size in rows:
            dbt = size["runs"][-1].get(step, {}).get("dbt") or {}
            slowest = list(dbt.get("slowest", {}).items())[:8]
            lines.append(f"* {size['label']} {size['format']}: {dbt.get('by_type_s')}; "
                         + ", ".join(f"{name} {sec}" for name, sec in slowest))
    if daily:
        lines += ["", "Daily refreshes one after another (`--days`), last run: refresh build part "
                  "in seconds, and the build file's size after it:", ""]
        for record, size in daily:
            lines.append(f"* {size['label']} {size['format']} (measurement "
                         f"{measured.index(record) + 1}): " + ", ".join(
                f"day {d['day']} {d['build_part_s']} s / {d['build_db_mb']} MB"
                for d in size["runs"][-1]["refresh_days"]))
    if compared:
        lines += ["", "The refreshed warehouse against a full build of the same landing files "
                  "(`--compare-full`, last run):", ""]
        for record, size in compared:
            check = size["compare_full"]
            lines.append(f"* {size['label']} {size['format']} (measurement "
                         f"{measured.index(record) + 1}): after day {check['after_day']}, "
                         f"{check['tables']} tables and views, none differing (full build "
                         f"{check['wall_s']} s)")
    direct = []
    for _, size in rows:
        sql = size["runs"][-1].get("direct", {}).get("sql") or {}
        if sql.get("slowest"):
            direct.append(f"* {size['label']} {size['format']}: models {sql['models_s']} s, "
                         f"tests {sql['tests_s']} s; "
                         + ", ".join(f"{name} {sec}" for name, sec in
                                     list(sql["slowest"].items())[:8]))
    if direct:
        lines += ["", "The same SQL without dbt (direct), slowest models and tests of the last "
                  "run:", "", *direct]
    return "\n".join(lines) + "\n"


def write_reports(record: dict | None, md_path: Path, json_path: Path) -> str:
    """Append the record (if any) to the JSON history; rewrite the tables between the
    markers from the whole history; return those tables."""
    history: dict = {"runs": []}
    if json_path.exists():
        history = json.loads(json_path.read_text())
    if record is not None:
        history["runs"].append(record)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(history, indent=1) + "\n")
    if not history["runs"]:
        raise BenchError(f"{json_path} holds no measurements yet; run `funnel bench` first")
    tables = markdown(history["runs"])
    section = f"{MARK_BEGIN}\n{tables}{MARK_END}"
    text = md_path.read_text() if md_path.exists() else "# Benchmarks\n\n"
    if MARK_BEGIN in text and MARK_END in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + section + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Latest figures\n\n" + section + "\n"
    md_path.write_text(text)
    return tables


def run(sizes: list[int], runs: int, fmt: str, work_dir: Path | None, md_path: Path,
        json_path: Path, label: str | None, steps: tuple[str, ...] = STEPS, seed: int = 42,
        project: Path = PROJECT_DIR, command: str | None = None, progress=print,
        days: int = 1, compare_full: bool = False, demo_runs: int = 0) -> dict:
    """Benchmark every size, then `funnel demo` ``demo_runs`` times; write the reports;
    return the record."""
    if not sizes and not demo_runs:
        raise BenchError("nothing to measure: --sizes none needs --demo-runs")
    if days > 1 and "refresh" not in steps:
        raise BenchError("--days counts daily refreshes: add the refresh step to --steps")
    if compare_full and "refresh" not in steps:
        raise BenchError("--compare-full compares a refreshed warehouse: add the refresh "
                         "step to --steps")
    work = (work_dir or Path(tempfile.gettempdir()) / "funnel-bench").resolve()
    work.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(work).free / 1e9
    # GB per million leads, measured at 1M (CSV): landing 0.9, build warehouse 2.3,
    # published copy 2.3 + exports 0.8, the direct run's warehouse 2.3, --compare-full's 2.3
    per_million = (3.5 + (3.2 if "publish" in steps else 0) + (2.5 if "direct" in steps else 0)
                   + (2.3 if compare_full else 0))
    need = max(sizes, default=0) / 1e6 * per_million
    if free < need:
        raise BenchError(f"{work} has {free:.0f} GB free; {max(sizes)} leads need about "
                         f"{need:.0f} GB: pass --work-dir on a larger disk, or fewer --steps")
    record = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": label,
        "command": command or " ".join(sys.argv),
        "format": fmt,
        "runs": runs,
        "machine": machine(),
        "sizes": [],
    }
    for leads in sizes:
        record["sizes"].append(bench_size(project, work, leads, runs, fmt, seed, steps,
                                          progress, days, compare_full))
        # a long run (10M) leaves its finished sizes behind even if a later one fails
        (work / "partial.json").write_text(json.dumps(record, indent=1))
    if demo_runs:
        record["demo"] = bench_demo([sys.executable, "-m", "funnel.cli"], project, work,
                                    demo_runs, progress)
    record["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    write_reports(record, md_path, json_path)
    return record


def main(argv: list[str] | None = None) -> int:
    """``python -m funnel.bench direct MANIFEST BUILD_DB DIRECT_DB``: the direct SQL run."""
    parser = argparse.ArgumentParser(prog="python -m funnel.bench")
    sub = parser.add_subparsers(dest="command", required=True)
    direct = sub.add_parser("direct", help="run a build's compiled SQL without dbt")
    direct.add_argument("manifest", type=Path)
    direct.add_argument("build_db", type=Path)
    direct.add_argument("direct_db", type=Path)
    args = parser.parse_args(argv)
    result = run_direct(args.manifest, args.build_db, args.direct_db)
    print(json.dumps(result))
    return 0 if not result["failing_tests"] else 1


if __name__ == "__main__":
    sys.exit(main())

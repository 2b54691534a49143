"""Build the project on Apache Spark: a local session, the landing zone, dbt build.

The profile's ``spark`` output uses dbt-spark's ``session`` method: dbt runs
its SQL on the SparkSession of its own process (``SparkSession.builder
.getOrCreate()``). ``start_session`` creates that session first, so that dbt
finds it configured: a local master, the warehouse and Derby metastore in a
folder of our choosing (never the repository root), UTC, the PII salt as the
conf ``funnel.pii_salt`` (macros/pii_hash.sql reads it by substitution, so the
salt is in no compiled SQL).

The landing zone is checked by the same preflight as on DuckDB
(``funnel.landing.check``: a damaged file stops the run before dbt), then
``landing_statements`` turns the report into Spark SQL: one external table per
landing file (CSV read with the delimiter and column names of its header line,
every column a string; Parquet by name) and one ``landing.<table>`` view per
contract table with the contract's columns as strings plus ``_source_file``,
the same relation `funnel build` registers in DuckDB. On a cluster the same
statements can be run through any SQL connection to it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from funnel import landing

SALT_CONF = "funnel.pii_salt"
SPARK_TARGET = "spark"
# dbt unit tests are not run on Spark: 4 of the 63 stop with a
# ClassCastException inside Spark 4.3 (UnionExec.children, deserializing a
# task over the fixture rows) and the other 59 add two minutes. They test SQL
# logic, which the DuckDB build runs them on (README, Outgrowing one machine).
SPARK_EXCLUDE = "resource_type:unit_test"


class SparkBuildError(Exception):
    """Spark could not build the project; the message says what failed."""


def quote_ident(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def quote_literal(value: str) -> str:
    """A Spark SQL string literal: backslashes and quotes are escapes there."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def check_salt(salt: str) -> None:
    """The salt reaches SQL by text substitution: it must not end a string literal."""
    if "'" in salt or "\\" in salt or "$" in salt:
        raise SparkBuildError(
            "FUNNEL_PII_SALT holds a quote, a backslash or a dollar sign, which Spark's "
            "${...} substitution would put into the SQL as they are; choose a salt without them"
        )


def check_java() -> None:
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise SparkBuildError(
            "PySpark needs Java 17: install it (Debian: apt-get install openjdk-17-jre-headless) "
            "or set JAVA_HOME"
        )


def start_session(work_dir: Path, salt: str, shuffle_partitions: int = 4) -> Any:
    """The local SparkSession dbt's session method will use; warehouse under work_dir."""
    check_salt(salt)
    check_java()
    # PySpark turns timestamps into Python datetimes in the process's time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    # a local session: no need to look for (and warn about) the network address
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    work_dir.mkdir(parents=True, exist_ok=True)
    metastore = work_dir / "metastore_db"
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("lead-funnel")
        .config("spark.sql.warehouse.dir", str(work_dir / "warehouse"))
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={metastore};create=true")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={work_dir}")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        # a few thousand rows per model: the default 200 partitions cost more than the work
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("FUNNEL_SPARK_DRIVER_MEMORY", "2g"))
        .enableHiveSupport()
    )
    session = builder.getOrCreate()
    session.conf.set(SALT_CONF, salt)  # a runtime conf: not in the JVM's startup settings
    # dbt reports every error; Spark would add a page of JSON and Java stack to each
    session.sparkContext.setLogLevel("FATAL")
    return session


def _csv_options(path: Path, dialect: landing.CsvDialect) -> str:
    options = {
        "path": str(path),
        "header": "true",  # skipped: the names are ours (the table's schema)
        "sep": dialect.delimiter,
        "quote": '"',
        "escape": '"',
        "multiLine": "true",  # quoted line breaks
        "mode": "PERMISSIVE",  # a short row (repaired by the preflight) gets nulls
        "encoding": "UTF-8",
    }
    return ", ".join(f"{quote_literal(k)} {quote_literal(v)}" for k, v in options.items())


def landing_statements(report: landing.LandingReport) -> list[str]:
    """Spark SQL that creates the landing schema from a checked landing zone."""
    if not report.ok:
        raise landing.LandingError("\n".join(report.errors))
    schema = landing.LANDING_SCHEMA
    statements = [f"create database if not exists {schema}"]
    prefix = str(report.landing_dir).rstrip("/") + "/"
    for name, table in report.tables.items():
        spec = table.spec
        view = f"{schema}.{quote_ident(name)}"
        parts = []
        number = 0
        for fmt, paths in table.files.items():
            for path in paths:
                number += 1
                raw = f"{schema}.{quote_ident(f'_file_{name}_{number}')}"
                statements.append(f"drop table if exists {raw}")
                mapping = table.headers.get(path, {})
                if fmt == "csv":
                    dialect = table.dialects[path]
                    used = set(mapping.values())
                    columns = [
                        column if column in used else f"_extra_{n}"
                        for n, column in enumerate(dialect.columns, start=1)
                    ]
                    schema_sql = ", ".join(f"{quote_ident(c)} string" for c in columns)
                    statements.append(
                        f"create table {raw} ({schema_sql}) using csv "
                        f"options ({_csv_options(path, dialect)})"
                    )
                else:
                    statements.append(
                        f"create table {raw} using parquet "
                        f"options ({quote_literal('path')} {quote_literal(str(path))})"
                    )
                selected = [
                    f"cast({quote_ident(mapping[c])} as string)" if c in mapping
                    else "cast(null as string)"
                    for c in spec.columns
                ]
                source_file = quote_literal(str(path).removeprefix(prefix))
                parts.append(
                    "select " + ", ".join(
                        f"{expr} as {quote_ident(c)}"
                        for expr, c in zip(selected, spec.columns, strict=True)
                    ) + f", {source_file} as _source_file from {raw}"
                )
        if not parts:
            nulls = ", ".join(f"cast(null as string) as {quote_ident(c)}" for c in spec.columns)
            parts.append(f"select {nulls}, cast(null as string) as _source_file where false")
        statements.append(f"create or replace view {view} as " + " union all ".join(parts))
    statements.extend(_files_statements(report))
    return statements


def _files_statements(report: landing.LandingReport) -> list[str]:
    """`landing._landing_files`, as funnel.landing.files_sql writes it in DuckDB."""
    table = f"{landing.LANDING_SCHEMA}.{landing.FILES_TABLE}"
    statements = [
        f"drop table if exists {table}",
        f"create table {table} (table_name string, source_file string, "
        "modified_at timestamp, size_bytes bigint, row_count bigint) using parquet",
    ]
    _, files = landing.files_sql(report)  # the DuckDB rows: one per landing file
    rows = [
        f"({quote_literal(name)}, {quote_literal(source_file)}, "
        f"timestamp {quote_literal(modified.isoformat(sep=' '))}, {size}, {rows})"
        for name, source_file, modified, size, rows in files
    ]
    if rows:
        statements.append(f"insert into {table} values " + ", ".join(rows))
    return statements


def register_landing(session: Any, report: landing.LandingReport) -> None:
    for statement in landing_statements(report):
        session.sql(statement)


@dataclass
class SparkBuild:
    """What `dbt build` did on Spark."""

    success: bool
    passed: dict[str, int] = field(default_factory=dict)  # resource type -> nodes that passed
    failures: list[str] = field(default_factory=list)  # "<node>: <status>: <message>"
    warned: list[str] = field(default_factory=list)  # warn-severity tests that found rows
    skipped: int = 0  # nodes skipped because something upstream failed
    seconds: float = 0.0


def dbt_build(
    target_path: Path, dbt_vars: dict | None = None, quiet: bool = True
) -> SparkBuild:
    """`dbt build --target spark` in this process (it uses the session started here)."""
    from funnel.dbt import FAILED_STATUSES, run_dbt

    started = time.monotonic()
    result = run_dbt(
        ["build", "--target", SPARK_TARGET, "--exclude", SPARK_EXCLUDE],
        quiet=quiet, dbt_vars=dbt_vars, target_path=target_path,
    )
    build = SparkBuild(success=result.success, seconds=time.monotonic() - started)
    if result.exception is not None:
        build.failures.append(f"dbt could not run: {result.exception}")
    for node in result.nodes:
        status, name = node["status"], str(node["name"])
        if status in ("success", "pass"):
            kind = name.split(".", 1)[0]  # model., test., unit_test., seed.
            build.passed[kind] = build.passed.get(kind, 0) + 1
        elif status == "skipped":
            build.skipped += 1
        elif status == "warn":
            build.warned.append(f"{name}: {node['failures']} row(s)")
        elif status in FAILED_STATUSES:
            message = re.sub(r"\s+", " ", str(node["message"] or ""))[:400]
            build.failures.append(f"{name}: {status}: {message}")
    return build


def read_table(session: Any, relation: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a Spark table."""
    frame = session.table(relation)
    return list(frame.columns), [tuple(row) for row in frame.collect()]


def table_exists(session: Any, schema: str, name: str) -> bool:
    return bool(session.catalog.tableExists(f"{schema}.{name}"))


# --- the parity check: the same input built on DuckDB and on Spark ------------

# The marts of ../shared/CONTRACT.md; the check compares every model of the
# `marts` schema (the project adds more) and fails when one of these is absent.
# Typed here on purpose, as a guard the manifest cannot give (a deleted model
# leaves no trace in it); tests/python/test_compare.py holds it to CONTRACT.md.
CONTRACT_MARTS = (
    "fct_lead_funnel", "fct_funnel_transitions", "fct_opportunities",
    "mart_funnel_conversion", "mart_funnel_leakage", "mart_channel_scorecard",
    "mart_sales_alignment", "mart_nurture_impact", "mart_mql_quality",
    "mart_mql_criteria_lift", "mart_lead_score_calibration", "mart_mql_threshold_whatif",
)
MARTS_SCHEMA = "marts"
DEFAULT_LEADS = 2_000


@dataclass
class ParityResult:
    """What `funnel spark-check` found; exit code 0 only when every mart is identical."""

    marts: list = field(default_factory=list)  # funnel.compare.MartDiff per mart
    problems: list[str] = field(default_factory=list)
    spark: SparkBuild | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and all(diff.ok for diff in self.marts)


def _duckdb_build(
    work_dir: Path, raw: Path, salt: str, dbt_vars: dict, verbose: bool
) -> tuple[Path, Path, str | None]:
    """`funnel build --no-publish` in its own process: the warehouse, its manifest, an error."""
    import json
    import subprocess
    import sys

    database = work_dir / "duckdb" / "funnel.duckdb"
    target = work_dir / "target-duckdb"
    env = {
        **os.environ,
        "FUNNEL_TARGET": "dev",
        "FUNNEL_LANDING_DIR": str(raw),
        "FUNNEL_BUILD_DB": str(database),
        "FUNNEL_PUBLISHED_DB": str(work_dir / "duckdb" / "published" / "funnel.duckdb"),
        "FUNNEL_PII_SALT": salt,
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(work_dir / "logs-duckdb"),
    }
    funnel = str(Path(sys.executable).parent / "funnel")
    command = [funnel, "build", "--no-publish", "--vars", json.dumps(dbt_vars)]
    if verbose:
        command.append("--verbose")
    proc = subprocess.run(
        command, cwd=landing.PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        return database, target / "manifest.json", (
            f"the DuckDB build failed (exit {proc.returncode}):\n{tail}"
        )
    return database, target / "manifest.json", None


def run_parity_check(
    work_dir: Path,
    leads: int = DEFAULT_LEADS,
    seed: int = 42,
    salt: str | None = None,
    as_of_date: str | None = None,
    verbose: bool = False,
    say=print,
    dirty: bool = False,
) -> ParityResult:
    """Generate the demo landing zone, build it on DuckDB and on Spark, compare the marts."""
    import duckdb

    from funnel import compare, generate
    from funnel.dbt import manifest_models
    from funnel.reliability import pii_salt

    salt = salt or pii_salt()
    result = ParityResult()
    check_salt(salt)
    check_java()  # before the DuckDB build, not after it
    for stale in ("raw", "duckdb", "spark", "target-duckdb", "target-spark"):
        shutil.rmtree(work_dir / stale, ignore_errors=True)
    raw = work_dir / "raw"
    started = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    # One clock for both builds: what counts as a future timestamp is the same.
    dbt_vars: dict = {"future_cutoff": started.isoformat()}
    if as_of_date:
        dbt_vars["as_of_date"] = as_of_date
    generate.generate(raw, leads=leads, seed=seed, dirty=dirty)
    kind = "dirty demo leads (every bad-input kind)" if dirty else "demo leads"
    say(f"landing zone: {leads:,} {kind} (seed {seed}) in {raw}")

    clock = time.monotonic()
    database, manifest, error = _duckdb_build(work_dir, raw, salt, dbt_vars, verbose)
    if error:
        result.problems.append(error)
        return result
    say(f"duckdb build: ok in {time.monotonic() - clock:.0f} s ({database})")

    report = landing.check(raw)
    if not report.ok:
        result.problems.extend(report.errors)
        return result
    clock = time.monotonic()
    session = start_session(work_dir / "spark", salt)
    register_landing(session, report)
    build = dbt_build(work_dir / "target-spark", dbt_vars, quiet=not verbose)
    result.spark = build
    passed = build.passed
    say(
        f"spark build: {passed.get('seed', 0)} seeds, {passed.get('model', 0)} models, "
        f"{passed.get('test', 0)} data tests passed"
        + (f", {len(build.warned)} warned" if build.warned else "")
        + (f", {build.skipped} skipped" if build.skipped else "")
        + f" in {time.monotonic() - clock:.0f} s"
    )
    for failure in build.failures:
        result.problems.append(f"spark: {failure}")

    marts = manifest_models(MARTS_SCHEMA, manifest) or []
    for name in CONTRACT_MARTS:
        if name not in marts:
            result.problems.append(f"contract mart {name} is not a model of the marts schema")
    con = duckdb.connect(str(database), read_only=True)
    try:
        for name in marts:
            try:
                cursor = con.execute(f'select * from {MARTS_SCHEMA}."{name}"')
                left_columns = [d[0] for d in cursor.description]
                left_rows = cursor.fetchall()
            except duckdb.Error as exc:
                result.problems.append(f"{name}: missing from the DuckDB build ({exc})")
                continue
            if not table_exists(session, MARTS_SCHEMA, name):
                result.problems.append(f"{name}: missing from the Spark build")
                continue
            right_columns, right_rows = read_table(session, f"{MARTS_SCHEMA}.{name}")
            result.marts.append(compare.compare_rows(
                name, left_columns, left_rows, right_columns, right_rows
            ))
    finally:
        con.close()
    return result


def describe(result: ParityResult) -> list[str]:
    """The comparison as lines: one per mart, its mismatches, then the total."""
    width = max([len(diff.name) for diff in result.marts] + [4])
    lines = [f"{'mart':<{width}}  {'duckdb':>8}  {'spark':>8}  result"]
    for diff in result.marts:
        verdict = "identical" if diff.ok else f"{max(diff.mismatched_rows, 1)} mismatch(es)"
        lines.append(
            f"{diff.name:<{width}}  {diff.left_rows:>8,}  {diff.right_rows:>8,}  {verdict}"
        )
        lines.extend(f"    {line}" for line in diff.mismatches)
    identical = sum(diff.ok for diff in result.marts)
    rows = sum(diff.left_rows for diff in result.marts)
    lines.append(f"{identical}/{len(result.marts)} marts identical, {rows:,} rows compared")
    lines.extend(f"error: {problem}" for problem in result.problems)
    return lines

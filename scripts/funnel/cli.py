"""The `funnel` command line.

Exit codes: 0 ok, 1 data or test failure, 2 usage or environment error,
3 another refresh holds the lock (nothing was done; try again later).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path

import click
import yaml

from funnel import landing
from funnel.publish import (
    LockHeld,
    PublishError,
    build_db_from_env,
    lock_path,
    published_db_from_env,
    refresh_lock,
)
from funnel.runlog import RunLog
from funnel.schedule import ScheduleError

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3

LANDING_OPTION = click.option(
    "--landing-dir", envvar="FUNNEL_LANDING_DIR", default=landing.DEFAULT_LANDING_DIR,
    show_default=True, help="Folder with the raw exports (env FUNNEL_LANDING_DIR).",
)
EXPORT_OPTION = click.option(
    "--export-dir", envvar="FUNNEL_EXPORT_DIR", default="exports", show_default=True,
    help="Folder the marts are exported to, replaced whole (env FUNNEL_EXPORT_DIR).",
)
CSV_OPTION = click.option(
    "--csv/--no-csv", "export_csv", envvar="FUNNEL_EXPORT_CSV", default=True,
    show_default=True,
    help="Export each mart as CSV beside its Parquet file. --no-csv writes Parquet only: "
         "at 1M leads the CSV copies are most of an export's time and disk (env "
         "FUNNEL_EXPORT_CSV=0).",
)


def _formats(export_csv: bool) -> str:
    return "Parquet and CSV" if export_csv else "Parquet"


def _parse_vars(ctx: click.Context, param: click.Parameter, value: str | None) -> dict | None:
    """Validate --vars here, so a typo is a usage error before any work starts.

    Every value is checked (funnel.reliability.validate_vars): no var can
    change the SQL dbt runs. Returns the mapping dbt is given.
    """
    from funnel.reliability import plain_vars, validate_vars

    if value is None:
        return None
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise click.BadParameter(f"{value!r} is not valid YAML/JSON ({exc})") from exc
    if not isinstance(parsed, dict):
        raise click.BadParameter(
            f"{value!r} is not a mapping; write e.g. '{{\"as_of_date\": \"2025-06-30\"}}'"
        )
    problems = validate_vars(parsed)
    if problems:
        raise click.BadParameter("; ".join(problems))
    return plain_vars(parsed)


VARS_OPTION = click.option(
    "--vars", "dbt_vars", callback=_parse_vars, default=None,
    help="dbt vars as a YAML/JSON mapping, e.g. '{\"as_of_date\": \"2025-06-30\"}'.",
)
COMPACT_OPTION = click.option(
    "--compact", is_flag=True, envvar="FUNNEL_PUBLISH_COMPACT",
    help="Publish a compacted copy: only the build file's used blocks (COPY FROM DATABASE; "
         "tens of seconds at 1M leads instead of a few). Weekly, or after --full-refresh "
         "(env FUNNEL_PUBLISH_COMPACT).",
)
FULL_REFRESH_OPTION = click.option(
    "--full-refresh", is_flag=True,
    help="Rebuild the incremental models from every landing file (dbt --full-refresh). "
         "Not needed for changed or removed files, which are reparsed anyway.",
)


def _build_db() -> Path:
    return build_db_from_env()


def _preflight(landing_dir: Path, verbose: bool) -> landing.LandingReport:
    report = landing.check(landing_dir)
    for warning in report.warnings:
        if verbose:
            click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    return report


class Ui:
    """Where messages go.

    People (build, demo, ...): results on stdout, warnings and errors on stderr.
    Cron (refresh): stdout carries only the JSON line; errors go to stderr,
    everything else only with --verbose. A spinner shows only on a terminal.
    """

    def __init__(self, verbose: bool, for_cron: bool = False, log: RunLog | None = None):
        self.verbose = verbose
        self.for_cron = for_cron
        self.log = log

    def info(self, message: str) -> None:
        if not self.for_cron:
            click.echo(message)
        elif self.verbose:
            click.echo(message, err=True)

    def warn(self, message: str, notable: bool = False) -> None:
        """Notable warnings (quarantined rows) show for people; all show with --verbose."""
        if self.verbose or (notable and not self.for_cron):
            click.echo(f"warning: {message}", err=True)

    def error(self, message: str, prefix: str = "error: ") -> None:
        click.echo(f"{prefix}{message}", err=True)
        if self.log is not None:
            self.log.errors.append(message)

    def progress(self, label: str):
        from rich.console import Console

        console = Console(stderr=True)
        if not console.is_terminal:
            return nullcontext()
        return console.status(label)


@dataclass
class Plan:
    """What a build-like command does after dbt."""

    landing_dir: Path
    selector: str | None = None
    dbt_vars: dict | None = None
    publish: bool = True
    export_dir: Path | None = None  # None: no export
    freshness: str = "off"  # landing freshness: warn, error or off (funnel.reliability)
    unit_tests: bool = True  # dbt unit tests test the code, which a scheduled refresh keeps
    full_refresh: bool = False  # dbt --full-refresh: incremental models rebuilt whole
    compact: bool = False  # publish with only the used blocks (funnel.publish)
    export_csv: bool = True  # CSV beside the Parquet files (funnel.export)


class Stop(Exception):
    """End the command with this exit code (the message was already shown)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _run_pipeline(plan: Plan, log: RunLog, ui: Ui) -> int:
    """Preflight, dbt build, audit, then publish and export: the exit code."""
    try:
        _pipeline(plan, log, ui)
    except Stop as stop:
        return stop.code
    except (PublishError, landing.LandingError, ScheduleError) as exc:
        ui.error(str(exc))
        return EXIT_USAGE
    except Exception as exc:
        from funnel.export import ExportError

        if isinstance(exc, ExportError):
            ui.error(str(exc))
            return EXIT_USAGE
        traceback.print_exc()
        ui.error(f"unexpected {type(exc).__name__}: {exc}; see the traceback above")
        return EXIT_USAGE
    return EXIT_OK


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _import_dbt_meanwhile() -> threading.Thread:
    """Import dbt (1.5 s of Python) while the preflight reads the landing files.

    The preflight is DuckDB reading CSV, which releases the GIL, so the two
    overlap; run_dbt's own import then finds the modules loaded. An import
    that fails here fails again, with its message, where dbt is used.
    """

    def load() -> None:
        with suppress(Exception):
            import dbt.cli.main  # noqa: F401

    thread = threading.Thread(target=load, name="import-dbt", daemon=True)
    thread.start()
    return thread


def _pipeline(plan: Plan, log: RunLog, ui: Ui) -> None:
    import duckdb

    from funnel import export, publish

    dbt_import = _import_dbt_meanwhile()

    build, published = _build_db(), published_db_from_env()
    log.build_path, log.landing_dir, log.selector = str(build), str(plan.landing_dir), plan.selector
    if plan.publish:
        log.published_path = str(published)
        publish.check_paths(build, published)  # a bad setting fails before a long build
    if plan.export_dir is not None:
        log.export_dir = str(plan.export_dir)

    with log.step("preflight"), ui.progress("checking the landing zone"):
        report = landing.check(plan.landing_dir, cache=landing.check_cache_path(build))
        log.landing_rows = {name: table.rows for name, table in report.tables.items()}
        for warning in report.warnings:
            ui.warn(warning)
        for error in report.errors:
            ui.error(error)
        if not report.ok:
            raise Stop(EXIT_USAGE)
        # From here the build file changes: unfit to publish until a build passes again.
        publish.write_audit_record(build, {"ok": False, "status": "incomplete build"})
        try:
            landing.register(build, report)
        except duckdb.Error as exc:
            ui.error(
                f"cannot write the build warehouse {build} (FUNNEL_BUILD_DB): "
                f"{_first_line(exc)}. Another process has it open: close it (BI tools "
                f"should open the published copy {published}, read-only) and run again"
            )
            raise Stop(EXIT_USAGE) from None
        if plan.freshness != "off":
            _check_freshness(plan, log, ui, build)

    dbt_import.join()
    result = _dbt_build(plan, log, ui, build)
    ok = result.success and not result.failures
    publish.write_audit_record(build, {
        "ok": ok, "status": "passed" if ok else "failed",
        "finished_at": log.record()["finished_at"], "selector": plan.selector,
        "dbt_nodes": result.counts, "failing": [f["name"] for f in result.failures],
    })
    if not ok:
        _explain_failure(result, build, published if plan.publish else None, ui)
        raise Stop(EXIT_DATA)

    if plan.publish:
        with log.step("publish"), ui.progress(f"publishing {published}"):
            written = publish.publish(build, published, compact=plan.compact)
        log.published = True
        log.published_file = written.record()
        ui.info(f"published: {published} ({written.describe()})")
    log.as_of = export.read_as_of_file(published if plan.publish else build)

    if plan.export_dir is not None:
        with log.step("export"), ui.progress(f"exporting the marts to {plan.export_dir}"):
            record = export.export(published, plan.export_dir, csv=plan.export_csv)
        log.exported_tables = {name: t["rows"] for name, t in record["tables"].items()}
        if not record["tables"]:
            ui.warn("the warehouse has no models in the marts schema; the export is empty",
                    notable=True)
        ui.info(f"exported: {len(record['tables'])} marts to {plan.export_dir} "
                f"({_formats(plan.export_csv)})")


def _check_freshness(plan: Plan, log: RunLog, ui: Ui, build: Path) -> None:
    """dbt source freshness on the landing zone: warn, or (--freshness error) stop."""
    from funnel.reliability import check_freshness, describe_stale

    freshness = check_freshness(build, quiet=not ui.verbose, log_to_stderr=ui.for_cron)
    log.freshness = {"mode": plan.freshness, **freshness}
    stale = describe_stale(freshness)
    if plan.freshness == "error" and freshness["status"] in ("error", "runtime error"):
        for line in stale:
            ui.error(f"stale landing zone: {line}")
        ui.error("nothing was built or published (--freshness error); drop fresh exports "
                 "into the landing zone, or run with --freshness warn")
        raise Stop(EXIT_DATA)
    for line in stale:
        # stale data is worth a line in cron's mail, unlike other warnings
        click.echo(f"warning: stale landing zone: {line}", err=True)


def _dbt_build(plan: Plan, log: RunLog, ui: Ui, build: Path):
    from funnel.dbt import excluded_resource_types, run_dbt

    # A partial build runs only the tests whose every parent is selected, so a
    # cross-model test is not judged on models this run did not rebuild.
    args = ["build"] + (
        ["--select", plan.selector, "--indirect-selection", "cautious"] if plan.selector else []
    )
    more = [] if plan.unit_tests else ["unit_test"]
    for resource_type in excluded_resource_types(os.environ, *more):
        args += ["--exclude-resource-type", resource_type]
    if plan.full_refresh:
        args.append("--full-refresh")
    with log.step("dbt"), ui.progress("dbt build"):
        result = run_dbt(
            args, database=build, quiet=not ui.verbose, dbt_vars=plan.dbt_vars,
            log_to_stderr=ui.for_cron,
        )
    log.dbt_nodes = result.counts
    log.failing_tests = [
        {key: failure[key] for key in ("name", "status", "failures", "message", "relation")}
        for failure in result.failing_tests
    ]
    for failure in result.failures:
        where = ""
        if failure in result.failing_tests and failure["relation"]:
            where = f" (failing rows: {failure['relation']} in {build})"
        ui.error(f"{failure['status']}: {failure['name']}: {failure['message']}{where}", prefix="")
    if result.exception is not None:
        ui.error(f"dbt could not run: {result.exception}")
        raise Stop(EXIT_USAGE)
    quarantined = _report_quarantine(build, ui)
    log.quarantined_rows = quarantined
    if not result.counts:
        what = f"--select {plan.selector!r}" if plan.selector else "the project"
        ui.error(
            f"the selection matched nothing: dbt ran no node for {what}. Check the selector "
            "(`dbt ls --profiles-dir . --select ...` lists what it matches); nothing was "
            "published"
        )
        raise Stop(EXIT_USAGE)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(result.counts.items()))
    ui.info(f"dbt build: {summary}")
    return result


def _explain_failure(result, build: Path, published: Path | None, ui: Ui) -> None:
    tests, others = len(result.failing_tests), len(result.failures) - len(result.failing_tests)
    what = ", ".join(
        part for part in (
            f"{tests} test(s) failed" if tests else "",
            f"{others} model(s)/seed(s) errored" if others else "",
        ) if part
    ) or "dbt reported a failure (see logs/dbt.log)"
    kept = (
        f"nothing was published: the published warehouse {published} is unchanged"
        if published is not None else "nothing was published (--no-publish)"
    )
    where = (
        f"; failing rows can be queried in the test_failures schema of the build warehouse {build} "
        "(relations above)" if tests else ""
    )
    ui.error(f"{what}; {kept}{where}. Fix the data or the models, then run again")


def _report_quarantine(database: Path, ui: Ui | None = None) -> dict[str, int]:
    """One line per table and reason: how many rows were quarantined, where, which keys."""
    import duckdb

    sql = """
        select table_name, primary_reason, count(*),
            string_agg(distinct source_file, ', ' order by source_file),
            string_agg(coalesce(record_key, '(empty key)'), ', ' order by record_key)
                filter (where record_key is null or record_key is not null)
        from audit.audit_quarantine
        group by table_name, primary_reason
        order by table_name, primary_reason
    """
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute(sql).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    totals: dict[str, int] = {}
    for table, reason, count, files, keys in rows:
        totals[table] = totals.get(table, 0) + count
        examples = ", ".join(keys.split(", ")[:5])
        message = (
            f"{table}: {count} row(s) quarantined as {reason} "
            f"(files: {files}; keys: {examples}); see audit.audit_quarantine"
        )
        if ui is None:
            click.echo(f"warning: {message}", err=True)
        else:
            ui.warn(message, notable=True)
    return totals


@contextmanager
def _locked(command: str, ui: Ui) -> Iterator[None]:
    """Writers take turns; a second one is refused at once with exit code 3."""
    try:
        with refresh_lock(lock_path(published_db_from_env()), command):
            yield
    except LockHeld as exc:
        ui.error(str(exc))
        raise Stop(EXIT_LOCKED) from None


def _exit(function):
    """Turn the returned code, or a Stop, into the process exit code."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            code = function(*args, **kwargs)
        except Stop as stop:
            code = stop.code
        sys.exit(code or EXIT_OK)

    return wrapper


@click.group()
def main() -> None:
    """Lead-to-revenue funnel analytics on dbt + DuckDB.

    \b
    Exit codes: 0 ok, 1 data or test failure, 2 usage or environment error,
    3 another refresh holds the lock (nothing was done).
    """


@main.command()
@LANDING_OPTION
@click.option("--verbose", is_flag=True, help="Show warnings and row counts.")
def check(landing_dir: str, verbose: bool) -> None:
    """Check the landing zone: every required table and column is there."""
    report = _preflight(landing.landing_dir_from_env(landing_dir), verbose)
    if not report.ok:
        sys.exit(EXIT_USAGE)
    if verbose:
        for name, table in report.tables.items():
            click.echo(f"{name}: {table.rows} rows from {table.location or '(absent)'}")
    click.echo(f"landing zone ok: {sum(t.rows for t in report.tables.values())} rows")


@main.command()
@LANDING_OPTION
@click.option("--select", "selector", default=None, help="dbt selector (default: everything).")
@VARS_OPTION
@FULL_REFRESH_OPTION
@click.option("--no-publish", is_flag=True,
              help="Build and test only; leave the published warehouse as it is.")
@COMPACT_OPTION
@click.option("--verbose", is_flag=True, help="Show dbt's own output.")
@_exit
def build(
    landing_dir: str, selector: str | None, dbt_vars: dict | None, full_refresh: bool,
    no_publish: bool, compact: bool, verbose: bool,
) -> int:
    """Check the landing zone, dbt build (seeds, models, tests), publish if every test passes.

    The build writes FUNNEL_BUILD_DB; only a build whose error-severity tests
    all pass is copied atomically over FUNNEL_PUBLISHED_DB, the file readers use.
    """
    log = RunLog("build")
    ui = Ui(verbose, log=log)
    plan = Plan(landing.landing_dir_from_env(landing_dir), selector, dbt_vars,
                publish=not no_publish, full_refresh=full_refresh, compact=compact)
    with _locked("build", ui):
        return _run_pipeline(plan, log, ui)


@main.command(name="publish")
@click.option("--force", is_flag=True, help="Publish even if the last build failed its tests.")
@COMPACT_OPTION
@_exit
def publish_command(force: bool, compact: bool) -> int:
    """Publish the build warehouse: checkpoint, copy, atomic swap onto FUNNEL_PUBLISHED_DB."""
    from funnel import publish

    ui = Ui(verbose=False)
    build, published = _build_db(), published_db_from_env()
    try:
        publish.check_paths(build, published)
    except PublishError as exc:
        ui.error(str(exc))
        return EXIT_USAGE
    with _locked("publish", ui):
        record = publish.read_audit_record(build) if build.is_file() else {"ok": True}
        if record is None:
            ui.warn(f"{publish.audit_record_path(build)} is missing: no `funnel build` has "
                    f"audited {build}; publishing it as it is", notable=True)
        elif not record.get("ok") and not force:
            failing = ", ".join(record.get("failing") or []) or record.get("status", "unknown")
            ui.error(
                f"the last build of {build} did not pass ({failing}); nothing was published "
                f"and {published} is unchanged. Fix it and run `funnel build`, or pass --force"
            )
            return EXIT_DATA
        try:
            written = publish.publish(build, published, compact=compact)
        except PublishError as exc:
            ui.error(str(exc))
            return EXIT_USAGE
    click.echo(f"published: {build} -> {published} ({written.describe()})")
    return EXIT_OK


@main.command(name="export")
@EXPORT_OPTION
@CSV_OPTION
@_exit
def export_command(export_dir: str, export_csv: bool) -> int:
    """Export every mart of the published warehouse to Parquet and CSV files (read-only)."""
    from funnel import export

    ui = Ui(verbose=False)
    out, published = Path(export_dir).resolve(), published_db_from_env()
    if not published.is_file():
        ui.error(f"there is no published warehouse at {published} (FUNNEL_PUBLISHED_DB); run "
                 "`funnel build` first")
        return EXIT_USAGE
    with _locked("export", ui):
        try:
            record = export.export(published, out, csv=export_csv)
        except export.ExportError as exc:
            ui.error(str(exc))
            return EXIT_USAGE
    if not record["tables"]:
        ui.warn("the warehouse has no models in the marts schema; the export is empty",
                notable=True)
    click.echo(f"exported: {len(record['tables'])} marts to {out} ({_formats(export_csv)})")
    return EXIT_OK


@main.command()
@LANDING_OPTION
@click.option("--select", "selector", default=None, help="dbt selector (default: everything).")
@VARS_OPTION
@FULL_REFRESH_OPTION
@EXPORT_OPTION
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append the JSON line to this file instead of printing it on stdout.")
@click.option("--freshness", type=click.Choice(["warn", "error", "off"]), default="warn",
              envvar="FUNNEL_FRESHNESS", show_default=True,
              help="A stale landing zone (thresholds in _crm__sources.yml): warn on stderr, "
                   "or stop with exit code 1 (error), or do not check (env FUNNEL_FRESHNESS).")
@click.option("--unit-tests/--no-unit-tests", default=False, show_default=True,
              envvar="FUNNEL_REFRESH_UNIT_TESTS",
              help="Also run dbt's unit tests. They test the SQL on fixed rows, not the data, "
                   "and the code does not change between scheduled runs; `funnel build` and "
                   "CI run them (env FUNNEL_REFRESH_UNIT_TESTS).")
@COMPACT_OPTION
@CSV_OPTION
@click.option("--verbose", is_flag=True, help="Progress and dbt's output on stderr.")
def refresh(
    landing_dir: str, selector: str | None, dbt_vars: dict | None, full_refresh: bool,
    export_dir: str, log_file: Path | None, freshness: str, unit_tests: bool, compact: bool,
    export_csv: bool, verbose: bool,
) -> None:
    """The scheduled job: build, data-test, publish, export; one JSON log line per run.

    Quiet by default (the JSON line on stdout, errors on stderr). Refused at
    once with exit code 3 while another refresh (or build) holds the lock.
    dbt's unit tests are skipped unless --unit-tests is given.
    """
    log = RunLog("refresh")
    ui = Ui(verbose, for_cron=True, log=log)
    plan = Plan(landing.landing_dir_from_env(landing_dir), selector, dbt_vars,
                export_dir=Path(export_dir).resolve(), freshness=freshness,
                unit_tests=unit_tests, full_refresh=full_refresh, compact=compact,
                export_csv=export_csv)
    try:
        with _locked("refresh", ui):
            log.exit_code = _run_pipeline(plan, log, ui)
    except Stop as stop:
        log.exit_code = stop.code
    if log_file is not None:
        try:
            log.append_to(log_file)
        except OSError as exc:
            ui.error(f"cannot append to --log-file {log_file} ({exc}); fix the path or its "
                     "permissions. The log line follows on stdout")
            log.exit_code = max(log.exit_code, EXIT_USAGE)
            log_file = None
    if log_file is None:
        click.echo(log.line())
    sys.exit(log.exit_code)


@main.command()
@click.option("--out", default=landing.DEFAULT_LANDING_DIR, show_default=True,
              help="Where the demo landing files are written (replaced).")
@click.option("--leads", default=50_000, show_default=True, type=int)
@click.option("--seed", default=42, show_default=True, type=int)
@EXPORT_OPTION
@click.option("--force", is_flag=True, help="Overwrite --out even if it holds other files.")
@click.option("--verbose", is_flag=True, help="Show dbt's own output.")
@_exit
def demo(out: str, leads: int, seed: int, export_dir: str, force: bool, verbose: bool) -> int:
    """Generate demo data, build, publish, export and report; print where everything is."""
    ui = Ui(verbose)
    out_dir = Path(out).resolve()
    marker = out_dir / ".funnel-demo"
    generated = marker.exists() or (out_dir / "_generator.json").exists()  # funnel generate's
    if out_dir.is_dir() and any(out_dir.iterdir()) and not generated and not force:
        ui.error(
            f"{out_dir} holds files that `funnel demo` did not write (your own exports?) and "
            "the demo would overwrite them; pass --out to another folder, or --force"
        )
        return EXIT_USAGE
    if importlib.util.find_spec("funnel.generate") is None:
        ui.error("scripts/funnel/generate.py is missing, so there is no demo data generator")
        return EXIT_USAGE
    from funnel import generate as generator

    log = RunLog("demo")
    plan = Plan(out_dir, export_dir=Path(export_dir).resolve())
    with _locked("demo", ui):
        with ui.progress(f"generating {leads} demo leads"):
            generator.generate(out_dir, leads=leads, seed=seed)
        marker.write_text("written by `funnel demo`; safe to delete\n")
        ui.info(f"demo data: {leads} leads (seed {seed}) in {out_dir}")
        code = _run_pipeline(plan, log, ui)
        if code != EXIT_OK:
            return code
        report = _report(Path(log.published_path or ""), Path("report").resolve())
    click.echo(f"warehouse: {log.published_path}  (open it read-only)")
    click.echo(f"exports:   {plan.export_dir}")
    click.echo(f"report:    {report or 'not built (scripts/funnel/report.py does not exist yet)'}")
    return EXIT_OK


def _report(warehouse: Path, out_dir: Path) -> Path | None:
    """Hook for the report: runs funnel.report.render(warehouse, out_dir) when it exists."""
    if importlib.util.find_spec("funnel.report") is None:
        return None
    from funnel import report

    try:
        return report.render(warehouse, out_dir)
    except report.ReportError as exc:
        click.echo(f"warning: report not built: {exc}", err=True)
        return None


@main.command(name="report")
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Warehouse to read, opened read-only [default: the published file, env "
                   "FUNNEL_PUBLISHED_DB, else warehouse/funnel.duckdb].")
@click.option("--out", default="report", show_default=True,
              help="Folder the report (funnel_report.html) is written to.")
@click.option("--verbose", is_flag=True, help="Show each section's takeaway and the timing.")
@_exit
def report_command(warehouse: Path | None, out: str, verbose: bool) -> int:
    """Write one self-contained HTML report (works offline) from the marts."""
    from funnel import report

    ui = Ui(verbose)
    source = (warehouse or published_db_from_env()).resolve()
    try:
        result = report.render_report(source, Path(out).resolve())
    except report.ReportError as exc:
        ui.error(str(exc))
        return EXIT_USAGE
    for section in result.sections:
        if section.figure is None:
            ui.warn(f"{section.title}: {section.unavailable}", notable=True)
        elif verbose:
            ui.info(f"{section.title}: {section.takeaway}")
    if verbose:
        ui.info(f"{result.charts} charts from {source} in {result.seconds:.1f}s, "
                f"{result.path.stat().st_size / 1e6:.1f} MB")
    click.echo(f"report: {result.path}")
    return EXIT_OK


@main.command()
@click.option("--verbose", is_flag=True, help="Show dbt's own output.")
@_exit
def docs(verbose: bool) -> int:
    """Generate the dbt docs as one static page: target/static_index.html."""
    from funnel.dbt import TARGET_DIR, run_dbt

    ui = Ui(verbose)
    build = _build_db()
    args = ["docs", "generate", "--static"]
    if not build.is_file():
        ui.warn(f"no build warehouse at {build} (FUNNEL_BUILD_DB): the docs will have no "
                "column types or row counts; run `funnel build` first for a full catalog",
                notable=True)
        args.append("--empty-catalog")
        build.parent.mkdir(parents=True, exist_ok=True)
    with _locked("docs", ui), ui.progress("dbt docs generate"):
        result = run_dbt(args, database=build, quiet=not verbose)
    page = TARGET_DIR / "static_index.html"
    if result.exception is not None or not result.success or not page.is_file():
        ui.error(f"dbt docs generate failed ({result.exception or 'see logs/dbt.log'}); "
                 f"{page} was not written")
        return EXIT_USAGE
    click.echo(f"docs: {page}")
    return EXIT_OK


@main.command()
@click.option("--out", default=landing.DEFAULT_LANDING_DIR, show_default=True)
@click.option("--leads", default=50_000, show_default=True, type=int)
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--dirty", is_flag=True, help="Inject every bad-input kind at a small rate.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv")
def generate(out: str, leads: int, seed: int, dirty: bool, fmt: str) -> None:
    """Generate demo landing data with planted, documented effects."""
    from funnel import generate as generator

    summary = generator.generate(Path(out), leads=leads, seed=seed, dirty=dirty, fmt=fmt)
    rows = summary.get("row_counts", {})
    click.echo(f"wrote {sum(rows.values())} rows in {len(rows)} tables to {out}")


@main.command(name="spark-check")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Landing zone, both warehouses and their artifacts, replaced on every run "
                   "[default: target/spark-check].")
@click.option("--leads", default=2_000, show_default=True, type=click.IntRange(min=1),
              help="Demo leads generated.")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--as-of", "as_of_date", default=None,
              help="As-of date of both builds [default: the data's latest timestamp].")
@click.option("--dirty", is_flag=True,
              help="Inject every bad-input kind, so quarantine and repairs are compared too.")
@click.option("--verbose", is_flag=True, help="Show dbt's own output.")
@_exit
def spark_check(work_dir: Path | None, leads: int, seed: int, as_of_date: str | None,
                dirty: bool, verbose: bool) -> int:
    """Build the demo data on DuckDB and on Spark; compare every mart row for row.

    Both builds read the same landing zone with the same as-of date, future
    cutoff and PII salt (FUNNEL_PII_SALT). Exit 1 when a mart differs or is
    missing, or the Spark build fails; 0 when every mart is identical.
    """
    from funnel import spark
    from funnel.reliability import validate_vars

    ui = Ui(verbose)
    problems = validate_vars({"as_of_date": as_of_date}) if as_of_date is not None else []
    if problems:
        ui.error("--as-of: " + "; ".join(problems))
        return EXIT_USAGE
    work = (work_dir or landing.PROJECT_DIR / "target" / "spark-check").resolve()
    try:
        result = spark.run_parity_check(
            work, leads=leads, seed=seed, as_of_date=as_of_date, verbose=verbose, say=ui.info,
            dirty=dirty,
        )
    except spark.SparkBuildError as exc:
        ui.error(str(exc))
        return EXIT_USAGE
    for line in spark.describe(result):
        if line.startswith("error: "):
            ui.error(line.removeprefix("error: "))
        else:
            click.echo(line)
    return EXIT_OK if result.ok else EXIT_DATA


@main.command()
@click.option("--sizes", default="100k,1m", show_default=True,
              help="Lead counts to measure, e.g. 100k,1m,10m (10m takes long); none to "
                   "time only --demo-runs.")
@click.option("--runs", default=3, show_default=True, type=click.IntRange(min=1),
              help="Runs per size; the report shows medians.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv",
              show_default=True, help="Landing file format the generator writes.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where landing zones and warehouses go [default: $TMPDIR/funnel-bench]; "
                   "a landing zone of the same size is reused.")
@click.option("--label", default=None, help="What this run measures, kept in the JSON.")
@click.option("--steps", default="preflight,build,publish,export,direct,refresh",
              show_default=True, help="Steps to measure (fewer need less disk at 10M).")
@click.option("--days", default=1, show_default=True, type=click.IntRange(min=1, max=50),
              help="Daily 1%% drops refreshed one after another (day 2 on); the table shows "
                   "day 2, the report lists each day's time and build file size.")
@click.option("--compare-full", is_flag=True,
              help="After the last run's refreshes, build the same landing files into a "
                   "fresh warehouse and compare every table with the refreshed one (exit 1 "
                   "if any differs).")
@click.option("--demo-runs", default=0, show_default=True, type=click.IntRange(min=0),
              help="Also time `funnel demo` (50,000 leads) this many times, each into a "
                   "fresh folder, for the `make demo` target; with --sizes none, only that.")
@click.option("--report-only", is_flag=True,
              help="Measure nothing: rewrite the tables of docs/BENCHMARKS.md from "
                   "docs/benchmarks.json and print them, with the targets met or not.")
@_exit
def bench(sizes: str, runs: int, fmt: str, work_dir: Path | None, label: str | None,
          steps: str, days: int, compare_full: bool, demo_runs: int, report_only: bool,
          ) -> int:
    """Time and measure the pipeline at several sizes: docs/BENCHMARKS.md, benchmarks.json.

    Each step (preflight, build, publish, export, refresh after a 1% drop, and
    the compiled SQL without dbt) runs as its own process; see funnel/bench.py.
    The report ends each run with the targets, judged on the latest rows.
    """
    from funnel import bench as benchmark

    if report_only:
        try:
            click.echo(benchmark.write_reports(None, benchmark.DEFAULT_MD, benchmark.DEFAULT_JSON))
        except benchmark.BenchError as exc:
            click.echo(f"error: {exc}", err=True)
            return EXIT_USAGE
        click.echo(f"written: {benchmark.DEFAULT_MD}")
        return EXIT_OK
    try:
        record = benchmark.run(
            benchmark.parse_sizes(sizes), runs, fmt, work_dir, benchmark.DEFAULT_MD,
            benchmark.DEFAULT_JSON, label, steps=benchmark.parse_steps(steps),
            command="funnel bench " + " ".join(sys.argv[2:]),
            progress=lambda line: click.echo(line, err=True), days=days,
            compare_full=compare_full, demo_runs=demo_runs,
        )
    except benchmark.BenchError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_DATA if "failed" in str(exc) else EXIT_USAGE
    click.echo(benchmark.markdown([record]))
    click.echo(f"written: {benchmark.DEFAULT_MD} and {benchmark.DEFAULT_JSON}")
    return EXIT_OK


if __name__ == "__main__":
    main()

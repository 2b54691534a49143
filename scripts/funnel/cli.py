"""The `funnel` command line.

Exit codes: 0 ok, 1 data or test failure, 2 usage or environment error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from funnel import landing

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2
DEFAULT_BUILD_DB = "warehouse/build/funnel.duckdb"


def _build_db() -> Path:
    return Path(os.environ.get("FUNNEL_BUILD_DB", DEFAULT_BUILD_DB)).resolve()


def _preflight(landing_dir: Path, verbose: bool) -> landing.LandingReport:
    report = landing.check(landing_dir)
    for warning in report.warnings:
        if verbose:
            click.echo(f"warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    return report


@click.group()
def main() -> None:
    """Lead-to-revenue funnel analytics on dbt + DuckDB."""


@main.command()
@click.option("--landing-dir", envvar="FUNNEL_LANDING_DIR", default=landing.DEFAULT_LANDING_DIR,
              show_default=True, help="Folder with the raw exports (env FUNNEL_LANDING_DIR).")
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
@click.option("--landing-dir", envvar="FUNNEL_LANDING_DIR", default=landing.DEFAULT_LANDING_DIR,
              show_default=True, help="Folder with the raw exports (env FUNNEL_LANDING_DIR).")
@click.option("--select", "selector", default=None, help="dbt selector (default: everything).")
@click.option("--verbose", is_flag=True, help="Show dbt's own output.")
def build(landing_dir: str, selector: str | None, verbose: bool) -> None:
    """Check the landing zone, then dbt build (seeds, models, tests)."""
    from funnel.dbt import run_dbt

    report = _preflight(landing.landing_dir_from_env(landing_dir), verbose)
    if not report.ok:
        sys.exit(EXIT_USAGE)
    database = _build_db()
    landing.register(database, report)
    args = ["build"] + (["--select", selector] if selector else [])
    result = run_dbt(args, database=database, quiet=not verbose)
    for failure in result.failures:
        where = f" (failing rows: {failure['relation']})" if failure["relation"] else ""
        click.echo(f"{failure['status']}: {failure['name']}: {failure['message']}{where}",
                   err=True)
    if result.exception is not None:
        click.echo(f"error: dbt could not run: {result.exception}", err=True)
        sys.exit(EXIT_USAGE)
    _report_quarantine(database)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(result.counts.items()))
    if not result.counts:
        click.echo("error: the selection matched nothing", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"dbt build: {summary}")
    sys.exit(EXIT_OK if result.success else EXIT_DATA)


def _report_quarantine(database: Path) -> None:
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
        return
    try:
        rows = con.execute(sql).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    for table, reason, count, files, keys in rows:
        examples = ", ".join(keys.split(", ")[:5])
        click.echo(
            f"warning: {table}: {count} row(s) quarantined as {reason} "
            f"(files: {files}; keys: {examples}); see audit.audit_quarantine",
            err=True,
        )


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


if __name__ == "__main__":
    main()

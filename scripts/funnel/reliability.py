"""Reliability: fault points, dbt var validation, landing freshness, the PII salt.

- ``fault_point(name)``: a test hook. When ``FUNNEL_FAULT_POINT`` names the
  point (comma-separated for several), the process kills itself with SIGKILL
  there, as a power cut or an OOM kill would. Never active otherwise.
- ``validate_vars(mapping)``: every ``--vars`` value is checked before dbt runs
  (known name, right type; dates are ISO-8601, a currency is three letters, a
  time zone exists), so no value can change the SQL dbt runs.
- ``check_freshness(build)``: ``dbt source freshness`` on the landing views
  (thresholds in models/staging/crm/_crm__sources.yml; loaded-at = the newest
  modification time of a table's landing files, recorded by
  ``landing.register`` in ``landing._landing_files``).
- ``Plugin``: a dbt-duckdb plugin that sets the DuckDB variable
  ``funnel_pii_salt`` from ``FUNNEL_PII_SALT`` on every connection dbt opens, so
  the salt is read by SQL (``getvariable``) and never rendered into compiled
  SQL, target/ or dbt's logs. Enabled in profiles.yml (see README, Reliability).
- ``python -m funnel.reliability``: prints the table the reliability tests
  recorded in target/reliability.json.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]
SUMMARY = PROJECT_DIR / "target" / "reliability.json"
FAULT_ENV = "FUNNEL_FAULT_POINT"
SALT_ENV = "FUNNEL_PII_SALT"
SALT_VARIABLE = "funnel_pii_salt"
DEMO_SALT = "demo-salt-change-me"
FRESHNESS_MODES = ("warn", "error", "off")

# Where a run can be killed half-way; each leaves the published files complete.
FAULT_POINTS = (
    "publish:after_checkpoint",  # build checkpointed, nothing copied yet
    "publish:before_replace",  # full temporary copy beside the published file
    "publish:after_replace",  # new warehouse published, exports not yet written
    "export:after_first_table",  # temporary export folder half-written
    "export:before_swap",  # temporary export folder complete
    "export:after_swap",  # new export in place, old one not yet deleted
)


def fault_point(name: str) -> None:
    """SIGKILL this process here when FUNNEL_FAULT_POINT names ``name`` (tests only)."""
    wanted = os.environ.get(FAULT_ENV)
    if wanted and name in (part.strip() for part in wanted.split(",")):
        sys.stdout.flush()
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)


# --- dbt vars -----------------------------------------------------------------

# UTC without an offset: DuckDB's cast to timestamp would silently drop one
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?")
TIMESTAMP_VARS = ("as_of_date", "future_cutoff")
CURRENCY = re.compile(r"[A-Z]{3}")
TIME_ZONE = re.compile(r"[A-Za-z0-9_+\-/]+")
STRFTIME = re.compile(r"[%A-Za-z0-9 :/.,\-]+")


def project_vars(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    import yaml

    doc = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    return dict(doc.get("vars") or {})


def validate_vars(values: dict[str, Any], known: dict[str, Any] | None = None) -> list[str]:
    """What is wrong with ``values`` (dbt vars); empty when every value is acceptable."""
    known = project_vars() if known is None else known
    errors = []
    for name, value in values.items():
        if name not in known:
            errors.append(
                f"unknown var {name!r}; the project's vars are: {', '.join(sorted(known))}"
            )
            continue
        problem = _var_problem(name, value, known[name])
        if problem:
            errors.append(f"var {name!r} = {value!r}: {problem}")
    return errors


def plain_vars(values: dict[str, Any]) -> dict[str, Any]:
    """YAML reads 2025-06-30 as a date; dbt is given JSON, so dates become ISO text."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in values.items()
    }


def _var_problem(name: str, value: Any, default: Any) -> str | None:
    if value is None:
        return None  # null: the project's default rule
    if name in TIMESTAMP_VARS:
        if isinstance(value, date):
            return None
        text = str(value).strip()
        if not isinstance(value, str) or not ISO_TIMESTAMP.fullmatch(text):
            return ("must be an ISO-8601 date or UTC timestamp without offset, e.g. "
                    "2025-06-30 or 2025-06-30T18:00:00")
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return "is not a real date or time"
        return None
    if name == "reporting_currency":
        ok = isinstance(value, str) and CURRENCY.fullmatch(value)
        return None if ok else "must be an ISO-4217 code: three capital letters, e.g. EUR"
    if name == "reporting_time_zone":
        if not isinstance(value, str) or not TIME_ZONE.fullmatch(value):
            return "must be an IANA time zone name, e.g. Europe/Berlin"
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except (ValueError, OSError, KeyError):
            return "is not a known IANA time zone (e.g. Europe/Berlin, America/New_York)"
        return None
    if name == "extra_timestamp_formats":
        ok = isinstance(value, list) and all(
            isinstance(item, str) and STRFTIME.fullmatch(item) for item in value
        )
        return None if ok else (
            "must be a list of strftime formats made of %-codes, letters, digits and "
            "' :/.,-', e.g. ['%d-%m-%Y']"
        )
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a whole number >= 0"
    if isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a number >= 0"
    return None if _plain(value) else "must be plain text, without quotes or backslashes"


def _plain(value: Any) -> bool:
    """Text without the characters that could end a SQL string literal."""
    if isinstance(value, str):
        return not any(char in value for char in "'\"\\")
    if isinstance(value, list | tuple):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return True


# --- landing freshness ------------------------------------------------------


def check_freshness(database: Path, quiet: bool = True, log_to_stderr: bool = False) -> dict:
    """``dbt source freshness`` on the registered landing views.

    Returns {"status": pass|warn|error, "tables": [{table, status, age_hours,
    loaded_at, warn_after_hours, error_after_hours}], "error": message or None}.
    """
    from dbt.cli.main import dbtRunner

    os.environ["FUNNEL_BUILD_DB"] = str(database)
    # The build that follows writes dbt's artifacts and reads the relations;
    # not writing manifest.json nor listing every schema's relations here took
    # 1.6 of 3.5 s off this step at 1M leads (docs/BENCHMARKS.md, item 24).
    args = [
        *(["--quiet"] if quiet else []), "source", "freshness",
        "--no-write-json", "--no-populate-cache",
        "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
    ]
    # quiet: dbt's own lines are dropped (the caller prints one sentence per stale table)
    stream = io.StringIO() if quiet else sys.stderr if log_to_stderr else sys.stdout
    try:
        with contextlib.redirect_stdout(stream):
            result = dbtRunner().invoke(args)
    finally:
        with contextlib.suppress(ImportError):  # close the file dbt may keep open
            from funnel.dbt import release_duckdb

            release_duckdb()
    tables = []
    for node in getattr(result.result, "results", None) or []:
        source = node.node
        status = str(getattr(node.status, "value", node.status))
        age = getattr(node, "age", None)
        tables.append({
            "table": source.name,
            "status": status,
            "age_hours": round(age / 3600, 1) if age is not None else None,
            "loaded_at": _minute(getattr(node, "max_loaded_at", None)),
            "warn_after_hours": _hours(source.freshness.warn_after),
            "error_after_hours": _hours(source.freshness.error_after),
            "message": getattr(node, "message", None),
        })
    ranks = {"pass": 0, "warn": 1, "error": 2, "runtime error": 3}
    worst = max((t["status"] for t in tables), key=lambda s: ranks.get(s, 3), default="pass")
    error = None
    if result.exception is not None:
        error = str(result.exception).strip().splitlines()[0]
        worst = "runtime error"
    return {"status": worst, "tables": tables, "error": error}


def _minute(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M")


def _hours(threshold: Any) -> float | None:
    if threshold is None or getattr(threshold, "count", None) is None:
        return None
    per = {"minute": 1 / 60, "hour": 1, "day": 24}[str(getattr(threshold.period, "value",
                                                              threshold.period))]
    return threshold.count * per


def describe_stale(freshness: dict) -> list[str]:
    """One sentence per table that is not fresh."""
    lines = []
    for table in freshness["tables"]:
        if table["status"] == "pass":
            continue
        if table["status"] in ("warn", "error"):
            limit = table["error_after_hours" if table["status"] == "error" else
                          "warn_after_hours"]
            lines.append(
                f"{table['table']}: the newest landing file was written {table['age_hours']} "
                f"hours ago ({table['loaded_at']} UTC), over the {table['status']} threshold "
                f"of {limit:g} hours (_crm__sources.yml)"
            )
        else:
            lines.append(f"{table['table']}: freshness could not be computed "
                         f"({table['message']})")
    if freshness.get("error"):
        lines.append(f"dbt source freshness could not run: {freshness['error']}")
    return lines


# --- the PII salt as a DuckDB variable ----------------------------------------


def pii_salt() -> str:
    return os.environ.get(SALT_ENV) or DEMO_SALT


def set_salt(connection: Any) -> None:
    """Bind the salt as a DuckDB variable: SQL reads it, no SQL text contains it."""
    connection.execute(f"set variable {SALT_VARIABLE} = ?", [pii_salt()])


def __getattr__(name: str) -> Any:
    """``Plugin`` for dbt-duckdb, built on first use (dbt is a slow import)."""
    if name != "Plugin":
        raise AttributeError(name)
    from dbt.adapters.duckdb.plugins import BasePlugin

    class Plugin(BasePlugin):
        """profiles.yml: ``plugins: [{module: funnel.reliability}]``."""

        def configure_connection(self, conn: Any) -> None:
            set_salt(conn)

        def configure_cursor(self, cursor: Any) -> None:
            set_salt(cursor)

    globals()["Plugin"] = Plugin
    return Plugin


# --- the summary the tests record -------------------------------------------


def record(section: str, figures: dict) -> None:
    """Merge one test area's figures into target/reliability.json."""
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(SUMMARY.read_text())
    except (OSError, ValueError):
        data = {}
    data[section] = {**(data.get(section) or {}), **figures}
    tmp = SUMMARY.with_name(SUMMARY.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
    os.replace(tmp, SUMMARY)


def table(data: dict) -> str:
    """The README's reliability table, from the figures the tests recorded."""
    files = data.get("bad_input_files") or {}
    run = data.get("bad_input") or {}
    crash = data.get("crash") or {}
    readers = data.get("concurrency") or {}
    pii = data.get("pii") or {}
    secrets = data.get("secrets") or {}
    file_kinds = sorted(set(files.get("repaired_kinds", [])) | set(run.get("kinds", [])))
    refused = files.get("refused_kinds", [])
    value_kinds = run.get("generator_kinds", [])

    def get(section: dict, key: str, default: Any = "not run") -> Any:
        return section.get(key, default) if section else default

    rows = [
        ("defect kinds tried",
         f"{len(file_kinds) + len(refused) + len(value_kinds)}: {len(file_kinds)} repaired "
         f"file defects, {len(refused)} refused file defects, {len(value_kinds)} "
         "value-level defects (`generate --dirty`)"),
        ("rows tried", (files.get("rows", 0) + run.get("rows", 0)) or "not run"),
        ("crashes (Python tracebacks, deaths by signal)",
         files.get("crashes", 0) + run.get("crashes", 0) if files or run else "not run"),
        ("rows unaccounted for (raw - staged - superseded - quarantined)",
         get(run, "unaccounted_rows")),
        ("damaged files refused with file and line (exit 2)", len(refused) or "not run"),
        ("kill points survived (SIGKILL, then the next run)", get(crash, "survived")),
        ("temporary files left after the next run", get(crash, "leftovers")),
        ("reads served during a refresh (4 readers)", get(readers, "reads")),
        ("reads that saw a mixed or broken state", get(readers, "inconsistent_reads")),
        ("marts identical across two builds of the same input",
         get(data.get("idempotency") or {}, "identical")),
        ("raw PII values searched for (email, names, company, own job titles)",
         get(pii, "values")),
        ("marts and export files scanned, plus the report", get(pii, "artefacts")),
        ("PII values found", get(pii, "leaks")),
        ("PII salt found in marts, exports, report, published file, log line, output",
         get(secrets, "salt_found")),
        ("PII salt in target/ and logs/dbt.log",
         ("not run" if "salt_in_target_or_logs" not in secrets else
          "no" if not secrets["salt_in_target_or_logs"] else
          "yes, until the fix in README, Reliability is applied")),
        ("hostile --vars and landing paths tried / that changed the SQL",
         f"{get(data.get('injection') or {}, 'tried')} / "
         f"{get(data.get('injection') or {}, 'harmful')}"),
        ("stale landing zones detected (warn, error)",
         get(data.get("freshness") or {}, "detected")),
    ]
    lines = ["| check | result |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)


def main() -> int:
    try:
        data = json.loads(SUMMARY.read_text())
    except (OSError, ValueError):
        print(f"{SUMMARY} is missing: run `make reliability` first", file=sys.stderr)
        return 2
    print(table(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())

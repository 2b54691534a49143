"""The raw landing zone: find each contract table's files, check them, register them.

The expected tables and columns are read from the dbt sources file
(``models/staging/crm/_crm__sources.yml``), so the contract lives in one place.
Each table is one file (``leads.csv``, ``leads.parquet``) or one folder of files
(``leads/*.csv``, ``leads/**/*.parquet``) under the landing directory.

``check()`` reads every file once (header and row count) and collects every
problem with the file, the missing columns and the expected ones.
``register()`` then creates one view per table in the ``landing`` schema of the
warehouse: every contract column as text (missing optional columns as nulls,
extra columns dropped) plus ``_source_file``. A missing optional table becomes
an empty view of the same columns, so the models build and the KPIs that need
it are null.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCES_YML = PROJECT_DIR / "models" / "staging" / "crm" / "_crm__sources.yml"
DEFAULT_LANDING_DIR = "data/raw"
LANDING_SCHEMA = "landing"
FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class TableSpec:
    name: str
    required: bool
    columns: tuple[str, ...]
    required_columns: tuple[str, ...]


@dataclass
class TableFiles:
    spec: TableSpec
    location: Path | None  # the file or folder found; None when absent
    files: dict[str, list[Path]] = field(default_factory=dict)  # format -> files
    # per file: actual header name for each contract column found
    headers: dict[Path, dict[str, str]] = field(default_factory=dict)
    rows: int = 0


@dataclass
class LandingReport:
    landing_dir: Path
    tables: dict[str, TableFiles]
    errors: list[str]
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


class LandingError(Exception):
    """The landing zone cannot be used; the message says what to fix."""


def landing_dir_from_env(explicit: str | os.PathLike | None = None) -> Path:
    """The landing directory: an explicit value, else FUNNEL_LANDING_DIR, else data/raw."""
    value = explicit or os.environ.get("FUNNEL_LANDING_DIR") or DEFAULT_LANDING_DIR
    path = Path(value)
    if not path.is_absolute():
        path = Path.cwd() / path
    return path


def load_specs(sources_yml: Path = SOURCES_YML) -> dict[str, TableSpec]:
    """The contract tables and columns, from the dbt sources file."""
    doc = yaml.safe_load(sources_yml.read_text())
    source = next(s for s in doc["sources"] if s["name"] == "crm")
    specs = {}
    for table in source["tables"]:
        cols = table["columns"]
        specs[table["name"]] = TableSpec(
            name=table["name"],
            required=bool(_meta(table).get("required", False)),
            columns=tuple(c["name"] for c in cols),
            required_columns=tuple(
                c["name"] for c in cols if _meta(c).get("required", False)
            ),
        )
    return specs


def _meta(node: dict) -> dict:
    return (node.get("config") or {}).get("meta") or node.get("meta") or {}


def normalize_header(name: str) -> str:
    """Header matching is case-insensitive; spaces and dashes count as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().strip('"').strip()).lower()


def quote_literal(value: str) -> str:
    """A SQL string literal; file paths may hold quotes, so they are escaped."""
    return "'" + str(value).replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _find(landing_dir: Path, table: str) -> tuple[Path | None, dict[str, list[Path]], list[str]]:
    """The files of one table; errors when the layout is ambiguous."""
    errors: list[str] = []
    candidates = [landing_dir / f"{table}.{fmt}" for fmt in FORMATS]
    single = [p for p in candidates if p.is_file()]
    folder = landing_dir / table
    if folder.is_dir():
        if single:
            errors.append(
                f"{table}: both {single[0]} and the folder {folder}/ exist; "
                "keep one of them so it is clear which rows are the table"
            )
        files = {
            fmt: sorted(p for p in folder.rglob(f"*.{fmt}") if p.is_file())
            for fmt in FORMATS
        }
        files = {fmt: paths for fmt, paths in files.items() if paths}
        if not files:
            errors.append(
                f"{table}: the folder {folder}/ has no .csv or .parquet files; "
                "add the export files or remove the folder"
            )
        return folder, files, errors
    if len(single) > 1:
        errors.append(
            f"{table}: both {single[0].name} and {single[1].name} exist in "
            f"{landing_dir}; keep one of them"
        )
    if single:
        return single[0], {single[0].suffix[1:]: [single[0]]}, errors
    return None, {}, errors


def _reader(fmt: str, files: list[Path] | str) -> str:
    if isinstance(files, str):
        paths = quote_literal(files)
    else:
        paths = "[" + ", ".join(quote_literal(str(p)) for p in files) + "]"
    if fmt == "csv":
        return (
            f"read_csv({paths}, header = true, all_varchar = true, "
            "union_by_name = true, filename = true)"
        )
    return f"read_parquet({paths}, union_by_name = true, filename = true)"


def _describe(con: duckdb.DuckDBPyConnection, fmt: str, path: Path) -> list[str]:
    rel = con.sql(f"select * exclude (filename) from {_reader(fmt, [path])} limit 0")
    return list(rel.columns)


def _explain_read_error(path: Path, exc: Exception) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    line = re.search(r"[Ll]ine:? (\d+)", text)
    where = f"{path}" + (f", line {line.group(1)}" if line else "")
    hint = "check the file is a CSV with a header row (or a Parquet file), UTF-8 encoded"
    if "unicode" in text.lower() or "utf" in text.lower():
        hint = "re-save the file as UTF-8 (it holds bytes that are not valid UTF-8)"
    elif "column" in text.lower() and ("expected" in text.lower() or "found" in text.lower()):
        hint = "a row has more or fewer fields than the header; fix the quoting or the row"
    return f"{where}: cannot be read ({first}); {hint}"


def check(landing_dir: Path, specs: dict[str, TableSpec] | None = None) -> LandingReport:
    """Validate every table of the landing zone; collect all problems, not just the first."""
    specs = specs or load_specs()
    report = LandingReport(landing_dir=landing_dir, tables={}, errors=[], warnings=[])
    if not landing_dir.is_dir():
        report.errors.append(
            f"landing directory {landing_dir} does not exist; set FUNNEL_LANDING_DIR "
            "or --landing-dir to the folder that holds leads.csv and the other exports"
        )
        return report
    con = duckdb.connect()
    try:
        for spec in specs.values():
            location, files, errors = _find(landing_dir, spec.name)
            report.errors.extend(errors)
            table = TableFiles(spec=spec, location=location, files=files)
            report.tables[spec.name] = table
            if location is None:
                if spec.required:
                    expected = ", ".join(f"{spec.name}.{fmt}" for fmt in FORMATS)
                    report.errors.append(
                        f"{spec.name}: required table is missing: expected {expected} "
                        f"or a folder {spec.name}/ in {landing_dir} with columns "
                        f"{', '.join(spec.columns)} (required: "
                        f"{', '.join(spec.required_columns)})"
                    )
                else:
                    report.warnings.append(
                        f"{spec.name}: optional table not found in {landing_dir}; "
                        "it is treated as empty and the KPIs that need it are null"
                    )
                continue
            for fmt, paths in files.items():
                for path in paths:
                    _check_file(con, spec, table, fmt, path, report)
    finally:
        con.close()
    return report


def _check_file(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    table: TableFiles,
    fmt: str,
    path: Path,
    report: LandingReport,
) -> None:
    if path.stat().st_size == 0:
        report.errors.append(
            f"{path}: the file is empty; a table with no rows still needs its header "
            f"line: {','.join(spec.columns)}"
        )
        return
    try:
        header = _describe(con, fmt, path)
    except duckdb.Error as exc:
        report.errors.append(_explain_read_error(path, exc))
        return
    found: dict[str, str] = {}
    for name in header:
        key = normalize_header(name)
        if key in found and key in spec.columns:
            report.errors.append(
                f"{path}: columns {found[key]!r} and {name!r} both mean {key!r}; "
                "drop or rename one"
            )
        found.setdefault(key, name)
    mapping = {col: found[col] for col in spec.columns if col in found}
    missing = [c for c in spec.required_columns if c not in mapping]
    if missing:
        report.errors.append(
            f"{path}: missing required column(s) {', '.join(missing)}; "
            f"expected columns: {', '.join(spec.columns)} "
            f"(required: {', '.join(spec.required_columns)}; names are case-insensitive)"
        )
        return
    table.headers[path] = mapping
    try:
        count = con.execute(f"select count(*) from {_reader(fmt, [path])}").fetchone()
    except duckdb.Error as exc:
        report.errors.append(_explain_read_error(path, exc))
        return
    table.rows += int(count[0]) if count else 0


def view_sql(table: TableFiles, landing_dir: Path) -> str:
    """The `landing.<table>` view: contract columns as text, in contract order."""
    spec = table.spec
    name = f"{LANDING_SCHEMA}.{quote_ident(spec.name)}"
    if not table.files:
        cols = ", ".join(f"cast(null as varchar) as {quote_ident(c)}" for c in spec.columns)
        return (
            f"create or replace view {name} as select {cols}, "
            "cast(null as varchar) as _source_file where false"
        )
    prefix = str(landing_dir).rstrip("/") + "/"
    parts = []
    for fmt, paths in table.files.items():
        present = set()
        for mapping in (table.headers.get(p, {}) for p in paths):
            present.update(mapping.values())
        # union_by_name matches names case-insensitively across files
        by_norm = {normalize_header(h): h for h in sorted(present)}
        cols = []
        for col in spec.columns:
            source_name = by_norm.get(col)
            expr = (
                f"cast({quote_ident(source_name)} as varchar)"
                if source_name
                else "cast(null as varchar)"
            )
            cols.append(f"{expr} as {quote_ident(col)}")
        cols.append(f"replace(filename, {quote_literal(prefix)}, '') as _source_file")
        parts.append(f"select {', '.join(cols)} from {_reader(fmt, paths)}")
    return f"create or replace view {name} as " + " union all ".join(parts)


def register(database: Path | str, report: LandingReport) -> None:
    """Create the landing views in the warehouse file dbt will build."""
    if not report.ok:
        raise LandingError("\n".join(report.errors))
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database))
    try:
        con.execute(f"create schema if not exists {LANDING_SCHEMA}")
        for table in report.tables.values():
            con.execute(view_sql(table, report.landing_dir))
    finally:
        con.close()

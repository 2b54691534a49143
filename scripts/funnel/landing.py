"""The raw landing zone: find each contract table's files, check them, register them.

The expected tables and columns are read from the dbt sources file
(``models/staging/crm/_crm__sources.yml``), so the contract lives in one place.
Each table is one file (``leads.csv``, ``leads.parquet``) or one folder of files
(``leads/*.csv``, ``leads/**/*.parquet``) under the landing directory.

``check()`` reads every file once (header and row count) and collects every
problem with the file, the missing columns and the expected ones. Given a
``cache`` file (``funnel build`` and ``funnel refresh`` keep one beside the
build warehouse), a file whose size, modification and change times and inode
are those of its last clean check is not read again: its outcome is taken
from the cache, so a daily refresh reads only the day's new files.
``register()`` then creates one view per table in the ``landing`` schema of the
warehouse: every contract column as text (missing optional columns as nulls,
extra columns dropped) plus ``_source_file``. A missing optional table becomes
an empty view of the same columns, so the models build and the KPIs that need
it are null.

CSV files are read as RFC 4180 text (double quotes, doubled to escape; quoted
fields may hold the delimiter and newlines), UTF-8 with or without a byte
order mark, LF or CRLF line endings. The delimiter is taken from the header
line (comma, semicolon, tab or pipe), never guessed from the rows, so a
damaged row cannot change how the others are read. A row with fewer fields
than the header is repaired: the missing trailing fields are empty (a
warning names the lines). A row with more fields than the header, an
unterminated quote or bytes that are not UTF-8 stop the run with an error
naming the file and the lines: no row is ever dropped silently.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class CsvDialect:
    """How one CSV file is read: delimiter, header names, whether short rows are padded."""

    delimiter: str
    columns: tuple[str, ...]
    pad_short_rows: bool = False


CSV_DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# DuckDB's names for the row errors store_rejects records
SHORT_ROW = "MISSING COLUMNS"
ROW_ERRORS = {
    "TOO MANY COLUMNS": "more fields than the header",
    "UNQUOTED VALUE": "a quote that is not closed, or text after a closing quote",
    "INVALID ENCODING": "bytes that are not UTF-8",
    "LINE SIZE OVER MAXIMUM": "a line longer than DuckDB's limit (2 MB)",
}
MAX_LINES_NAMED = 5


@dataclass
class TableFiles:
    spec: TableSpec
    location: Path | None  # the file or folder found; None when absent
    files: dict[str, list[Path]] = field(default_factory=dict)  # format -> files
    # per file: actual header name for each contract column found
    headers: dict[Path, dict[str, str]] = field(default_factory=dict)
    rows: int = 0
    # per CSV file: how to read it (delimiter; whether short rows are padded)
    dialects: dict[Path, CsvDialect] = field(default_factory=dict)
    # per file: its rows as the check counted them (landing._landing_files.row_count)
    file_rows: dict[Path, int] = field(default_factory=dict)


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


# DuckDB's memory limit outside dbt (the direct bench run, a compacting publish): the
# one dbt's profile sets (profiles.yml), from the same setting.
DEFAULT_DUCKDB_MEMORY_LIMIT = "6GB"


def duckdb_memory_limit() -> str:
    return os.environ.get("FUNNEL_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


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


def _reader(
    fmt: str, files: list[Path] | str, dialect: CsvDialect | None = None, extra: str = ""
) -> str:
    if isinstance(files, str):
        paths = quote_literal(files)
    else:
        paths = "[" + ", ".join(quote_literal(str(p)) for p in files) + "]"
    if fmt == "csv" and dialect is not None:
        # Nothing is guessed from the rows (DuckDB's sniffer gives up, or reads
        # the file as one column, when a damaged row sits in its sample): the
        # delimiter and the names come from the header line, every column is
        # text. Padding short rows cannot run in parallel with quoted line
        # breaks, so a padded file is read serially.
        columns = ", ".join(f"{quote_literal(c)}: 'VARCHAR'" for c in dialect.columns)
        padding = ", null_padding = true, parallel = false" if dialect.pad_short_rows else ""
        return (
            f"read_csv({paths}, header = true, auto_detect = false, "
            f"columns = {{{columns}}}, delim = {quote_literal(dialect.delimiter)}, "
            f"quote = '\"', escape = '\"', strict_mode = true, filename = true"
            f"{padding}{extra})"
        )
    if fmt == "csv":
        return (
            f"read_csv({paths}, header = true, all_varchar = true, "
            "union_by_name = true, filename = true)"
        )
    return f"read_parquet({paths}, union_by_name = true, filename = true)"


def _count_sql(fmt: str, path: Path, dialect: CsvDialect | None, extra: str = "") -> str:
    """Rows of one file. Every CSV column is counted too: DuckDB checks a column's
    UTF-8 only when the column is read, and count(*) alone reads none."""
    columns = "".join(f", count({quote_ident(c)})" for c in dialect.columns) if dialect else ""
    return f"select count(*){columns} from {_reader(fmt, [path], dialect, extra)}"


def _describe(con: duckdb.DuckDBPyConnection, fmt: str, path: Path) -> list[str]:
    rel = con.sql(f"select * exclude (filename) from {_reader(fmt, [path])} limit 0")
    return list(rel.columns)


def sniff_delimiter(header: str) -> str:
    """The candidate that splits the header line into the most fields (outside quotes)."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(CSV_DELIMITERS, key=lambda d: (counts[d], -CSV_DELIMITERS.index(d)))
    return best if counts[best] else ","


def csv_dialect(path: Path) -> tuple[CsvDialect | None, str | None]:
    """The file's delimiter and column names from its header line, or an error."""
    with path.open("rb") as handle:
        chunk = handle.read(1 << 16)
    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, (
            f"{path}, line 1: cannot be read: the file is UTF-16 encoded; re-save it as "
            "UTF-8 (in Excel: CSV UTF-8)"
        )
    chunk = chunk.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark
    first = chunk.split(b"\n", 1)[0]
    try:
        first_line = first.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None, (
            f"{path}, line 1: cannot be read: the header holds bytes that are not UTF-8; "
            "re-save the file as UTF-8 (in Excel: CSV UTF-8)"
        )
    delimiter = sniff_delimiter(first_line)
    text = io.StringIO(chunk.decode("utf-8", errors="replace"), newline="")
    header = next(csv.reader(text, delimiter=delimiter, quotechar='"'), [])
    if not any(name.strip() for name in header):
        return None, (
            f"{path}, line 1: the header line is empty; the first line must name the "
            "columns"
        )
    names = [raw if raw.strip() else f"column{n}" for n, raw in enumerate(header, start=1)]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        return None, (
            f"{path}, line 1: the header names {', '.join(map(repr, twice))} more than "
            "once; drop or rename the duplicates"
        )
    return CsvDialect(delimiter=delimiter, columns=tuple(names)), None


def _explain_read_error(path: Path, exc: Exception) -> str:
    text = str(exc).strip()
    # The first line only: later lines quote the row itself, which may hold PII.
    first = text.splitlines()[0] if text else type(exc).__name__
    line = re.search(r"[Ll]ine:? (\d+)", text)
    where = f"{path}" + (f", line {line.group(1)}" if line else "")
    lower = text.lower()
    hint = "check the file is a CSV with a header row (or a Parquet file), UTF-8 encoded"
    if "invalid unicode" in lower or "not utf-8 encoded" in lower:
        hint = "re-save the file as UTF-8 (it holds bytes that are not valid UTF-8)"
    elif "expected number of columns" in lower:
        hint = "a row has more or fewer fields than the header; fix the quoting or the row"
    return f"{where}: cannot be read ({first}); {hint}"


def check(
    landing_dir: Path, specs: dict[str, TableSpec] | None = None, cache: Path | None = None
) -> LandingReport:
    """Validate every table of the landing zone; collect all problems, not just the first.

    ``cache``: a JSON file of earlier clean checks (see CheckCache), read and
    rewritten here; None reads every file.
    """
    specs = specs or load_specs()
    report = LandingReport(landing_dir=landing_dir, tables={}, errors=[], warnings=[])
    if not landing_dir.is_dir():
        report.errors.append(
            f"landing directory {landing_dir} does not exist; set FUNNEL_LANDING_DIR "
            "or --landing-dir to the folder that holds leads.csv and the other exports"
        )
        return report
    checked = CheckCache(cache)
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
                    identity = CheckCache.identity(spec, path)
                    if checked.replay(identity, table, path, report):
                        continue
                    errors_before, warnings_before = len(report.errors), len(report.warnings)
                    rows = _check_file(con, spec, table, fmt, path, report)
                    if rows is not None and len(report.errors) == errors_before:
                        # the identity taken before the read: a file changed while
                        # it was read is read again next time
                        checked.remember(identity, table, path, rows,
                                         report.warnings[warnings_before:])
    finally:
        con.close()
    checked.save()
    return report


def check_cache_path(build_db: Path) -> Path:
    """Where ``funnel build`` / ``funnel refresh`` keep the landing check cache:
    beside the build warehouse, which only they write."""
    return build_db.with_name(build_db.stem + ".landing-check.json")


class CheckCache:
    """The outcome of each landing file's last clean check, keyed by what the
    file system says of it: size, modification and change times (ns), inode.

    Rewriting a file changes its change time (which no tool can set back), so
    a file that was touched in any way is read again; so is every file when
    this module, the table's contract columns or DuckDB's version differ. A
    file with an error is never remembered: it is read, and refused, every
    run. The cache is written atomically and holds only the files of the last
    check; a missing or unreadable cache means every file is read.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.entries: dict[str, dict] = {}
        self.kept: dict[str, dict] = {}
        self.logic = hashlib.sha256(
            Path(__file__).read_bytes() + duckdb.__version__.encode()
        ).hexdigest()[:16]
        if path is None or not path.is_file():
            return
        try:
            saved = json.loads(path.read_text())
        except (OSError, ValueError):
            return
        if isinstance(saved, dict) and saved.get("logic") == self.logic:
            self.entries = saved.get("files") or {}

    @staticmethod
    def identity(spec: TableSpec, path: Path) -> list:
        stat = path.stat()
        return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino,
                list(spec.columns), list(spec.required_columns)]

    def replay(self, identity: list, table: TableFiles, path: Path, report: LandingReport) -> bool:
        """Apply the cached outcome of ``path``; False when it must be read."""
        if self.path is None:
            return False
        entry = self.entries.get(str(path))
        if entry is None or entry["identity"] != identity:
            return False
        if entry["dialect"] is not None:
            table.dialects[path] = CsvDialect(
                delimiter=entry["dialect"]["delimiter"],
                columns=tuple(entry["dialect"]["columns"]),
                pad_short_rows=entry["dialect"]["pad_short_rows"],
            )
        table.headers[path] = dict(entry["headers"])
        table.rows += entry["rows"]
        table.file_rows[path] = entry["rows"]
        report.warnings.extend(entry["warnings"])
        self.kept[str(path)] = entry
        return True

    def remember(
        self, identity: list, table: TableFiles, path: Path, rows: int, warnings: list[str]
    ) -> None:
        if self.path is None:
            return
        dialect = table.dialects.get(path)
        self.kept[str(path)] = {
            "identity": identity,
            "dialect": None if dialect is None else {
                "delimiter": dialect.delimiter,
                "columns": list(dialect.columns),
                "pad_short_rows": dialect.pad_short_rows,
            },
            "headers": table.headers[path],
            "rows": rows,
            "warnings": list(warnings),
        }

    def save(self) -> None:
        """Write the cache; a cache that cannot be written (disk full, a bad path) only
        means the next run reads every file again, so it never fails the check."""
        if self.path is None:
            return
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"logic": self.logic, "files": self.kept}))
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _check_file(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    table: TableFiles,
    fmt: str,
    path: Path,
    report: LandingReport,
) -> int | None:
    """Check one file; its row count, or None when it cannot be used (an error says why)."""
    if path.stat().st_size == 0:
        report.errors.append(
            f"{path}: the file is empty; a table with no rows still needs its header "
            f"line: {','.join(spec.columns)}"
        )
        return None
    dialect = None
    if fmt == "csv":
        dialect, problem = csv_dialect(path)
        if dialect is None:
            report.errors.append(str(problem))
            return None
        if dialect.delimiter != ",":
            report.warnings.append(
                f"{path}: {DELIMITER_NAMES[dialect.delimiter]}-delimited (from its header "
                "line); read accordingly"
            )
        header = list(dialect.columns)
    else:
        try:
            header = _describe(con, fmt, path)
        except duckdb.Error as exc:
            report.errors.append(_explain_read_error(path, exc))
            return None
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
        return None
    if dialect is not None:
        # the CSV check reads every row once and returns their count
        dialect, rows = _check_rows(con, path, dialect, report)
        if dialect is None:
            return None
        table.dialects[path] = dialect
    else:
        try:
            rows = con.execute(_count_sql(fmt, path, dialect)).fetchone()[0]
        except duckdb.Error as exc:
            report.errors.append(_explain_read_error(path, exc))
            return None
    table.headers[path] = mapping
    table.rows += int(rows or 0)
    table.file_rows[path] = int(rows or 0)
    return int(rows or 0)


def _lines(lines: list[int]) -> str:
    named = ", ".join(str(n) for n in lines[:MAX_LINES_NAMED])
    more = len(lines) - MAX_LINES_NAMED
    return named + (f" and {more} more" if more > 0 else "")


def _physical_lines(path: Path, positions: list[int]) -> list[int]:
    """Line numbers as an editor shows them, from byte offsets of line starts.

    DuckDB counts records (a quoted line break does not start a new one).
    """
    wanted = sorted(set(positions))
    lines, line, offset = [], 1, 0
    with path.open("rb") as handle:
        for position in wanted:
            block = handle.read(position - offset)
            line += block.count(b"\n")
            offset = position
            lines.append(line)
    return sorted(set(lines))


def _check_rows(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    dialect: CsvDialect,
    report: LandingReport,
) -> tuple[CsvDialect | None, int]:
    """The dialect to read ``path`` with and its row count, or (None, 0) and an
    error when rows cannot be read.

    A clean file is read once. Otherwise DuckDB's rejects table lists every
    bad row: short rows only are padded, with a warning naming the lines; any
    other damage refuses the file, naming the lines. Row contents are never
    quoted in messages: they may hold personal data.
    """
    try:
        return dialect, con.execute(_count_sql("csv", path, dialect)).fetchall()[0][0]
    except duckdb.Error as exc:
        failure = exc
    rejects = "funnel_rejected_rows"
    store = (
        f", store_rejects = true, rejects_table = {quote_literal(rejects)}, "
        f"rejects_scan = {quote_literal(rejects + '_scans')}"
    )
    try:
        good = con.execute(_count_sql("csv", path, dialect, store)).fetchall()[0][0]
        rows = con.execute(
            f"select error_type, list(distinct line_byte_position) "
            f"from {quote_ident(rejects)} group by error_type"
        ).fetchall()
    except duckdb.Error:
        report.errors.append(_explain_read_error(path, failure))
        return None, 0
    finally:
        for table in (rejects, rejects + "_scans"):
            con.execute(f"drop table if exists {quote_ident(table)}")
    errors = {str(kind): _physical_lines(path, [int(b) for b in starts]) for kind, starts in rows}
    fatal = {kind: lines for kind, lines in errors.items() if kind != SHORT_ROW}
    where = (
        f"the header has {len(dialect.columns)} field(s), delimiter "
        f"{DELIMITER_NAMES[dialect.delimiter]}"
    )
    if fatal:
        what = "; ".join(
            f"{len(lines)} row(s) with {ROW_ERRORS.get(kind, kind.lower())} "
            f"(line {_lines(lines)})"
            for kind, lines in sorted(fatal.items())
        )
        hint = (
            "re-save the file as UTF-8 (in Excel: CSV UTF-8)"
            if set(fatal) == {"INVALID ENCODING"}
            else "quote fields that hold the delimiter, a quote or a line break "
            '(RFC 4180: "a, b" and "say ""hi"""), or fix those rows'
        )
        first = min(min(lines) for lines in fatal.values())
        report.errors.append(
            f"{path}, line {first}: cannot be read: {what}; {where}. Nothing was loaded; "
            f"{hint}"
        )
        return None, 0
    short = errors.get(SHORT_ROW, [])
    padded = CsvDialect(dialect.delimiter, dialect.columns, pad_short_rows=True)
    try:
        total = con.execute(_count_sql("csv", path, padded)).fetchall()[0][0]
    except duckdb.Error:
        total = None
    if not short or total != good + len(short):
        # never accept a read that would lose or invent rows
        report.errors.append(_explain_read_error(path, failure))
        return None, 0
    report.warnings.append(
        f"{path}: {len(short)} row(s) had fewer fields than the header (line "
        f"{_lines(short)}); their missing trailing fields were read as empty ({where})"
    )
    return padded, total


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
        # files read with the same options are one scan (one per format for clean exports)
        groups: dict[CsvDialect | None, list[Path]] = {}
        for path in paths:
            dialect = table.dialects.get(path)
            if dialect is not None:  # columns outside the contract are read unnamed
                used = set(table.headers.get(path, {}).values())
                dialect = replace(dialect, columns=tuple(
                    name if name in used else f"_extra_{n}"
                    for n, name in enumerate(dialect.columns, start=1)
                ))
            groups.setdefault(dialect, []).append(path)
        for dialect, group in groups.items():
            present = set()
            for mapping in (table.headers.get(p, {}) for p in group):
                present.update(mapping.values())
            # CSV: one header per group; Parquet: union_by_name matches names
            # case-insensitively across files
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
            parts.append(f"select {', '.join(cols)} from {_reader(fmt, group, dialect)}")
    return f"create or replace view {name} as " + " union all ".join(parts)


FILES_TABLE = "_landing_files"


def files_sql(report: LandingReport) -> tuple[str, list]:
    """`landing._landing_files`: one row per landing file with its modification time
    (UTC), what source freshness measures: when each table's export was dropped, and
    its rows as the check counted them, which audit_reconciliation adds up instead of
    reading every file again."""
    rows = []
    prefix = str(report.landing_dir).rstrip("/") + "/"
    for name, table in report.tables.items():
        for paths in table.files.values():
            for path in paths:
                stat = path.stat()
                modified = datetime.fromtimestamp(stat.st_mtime, UTC).replace(tzinfo=None)
                rows.append((name, str(path).removeprefix(prefix), modified, stat.st_size,
                             table.file_rows[path]))
    sql = (
        f"create or replace table {LANDING_SCHEMA}.{FILES_TABLE} (table_name varchar, "
        "source_file varchar, modified_at timestamp, size_bytes bigint, row_count bigint)"
    )
    return sql, rows


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
        create, rows = files_sql(report)
        con.execute(create)
        if rows:
            con.executemany(
                f"insert into {LANDING_SCHEMA}.{FILES_TABLE} values (?, ?, ?, ?, ?)", rows
            )
    finally:
        con.close()

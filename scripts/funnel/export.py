"""Export every mart of the published warehouse to Parquet and CSV, swapped in whole.

The marts are the models dbt materializes in the ``marts`` schema, read from
``target/manifest.json`` (or, without a manifest, from the published file's
information_schema). Files are written with DuckDB's COPY into a new folder
beside the export folder, then the folders are swapped: the old one is renamed
away, the new one renamed into place, the old one deleted. A reader sees the
complete old export or the complete new one, never a mix. On Linux the two
folders are exchanged in one atomic step (renameat2 RENAME_EXCHANGE), so the
export folder is never absent, even when the process is killed; elsewhere two
renames leave it absent for microseconds, and an export killed between them
is put back by the next export. ``_manifest.json`` lists each table's rows and
the sha256 of each file.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from funnel.dbt import MANIFEST, manifest_models
from funnel.landing import quote_ident, quote_literal
from funnel.reliability import fault_point

DEFAULT_EXPORT_DIR = "exports"
MARTS_SCHEMA = "marts"
MANIFEST_NAME = "_manifest.json"


class ExportError(Exception):
    """The export cannot be written; the message says what to fix."""


def export_dir_from_env() -> Path:
    return Path(os.environ.get("FUNNEL_EXPORT_DIR") or DEFAULT_EXPORT_DIR).resolve()


def export(published: Path, export_dir: Path, manifest: Path = MANIFEST, csv: bool = True,
           ) -> dict:
    """Write every mart to ``export_dir`` (parquet/, csv/, _manifest.json); returns the manifest.

    ``csv=False`` writes Parquet only (the contract's export): the CSV copies
    took ~70% of a 1M-lead export, most of it fct_lead_funnel's 538 MB
    (docs/BENCHMARKS.md, item 36).
    """
    if not published.is_file():
        raise ExportError(
            f"there is no published warehouse at {published} (FUNNEL_PUBLISHED_DB); run "
            "`funnel build` (or `funnel publish` after `funnel build --no-publish`) first"
        )
    _restore_interrupted_swap(export_dir)
    _check_replaceable(export_dir)
    con = _connect_read_only(published)
    try:
        present = _marts_in(con)
        names = manifest_models(MARTS_SCHEMA, manifest)
        source = str(manifest)
        if names is None:
            names, source = sorted(present), f"information_schema of {published}"
        missing = [name for name in names if name not in present]
        if missing:
            raise ExportError(
                f"{', '.join(f'{MARTS_SCHEMA}.{n}' for n in missing)}: model(s) in {manifest} "
                f"but not in the published warehouse {published}; run `funnel build` without "
                "--select so every mart is built and published, then export"
            )
        # callers hold the refresh lock, so folders left by a killed export can go
        for pattern in (f".{export_dir.name}.tmp-*", f".{export_dir.name}.old-*"):
            for leftover in export_dir.parent.glob(pattern):
                shutil.rmtree(leftover, ignore_errors=True)
        tmp = export_dir.parent / f".{export_dir.name}.tmp-{uuid.uuid4().hex[:12]}"
        try:
            tables = {}
            for name in names:
                tables[name] = _export_table(con, name, tmp, with_csv=csv)
                fault_point("export:after_first_table")
            record = {
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "warehouse": str(published),
                "models_from": source,
                "as_of": read_as_of(con),
                "tables": tables,
            }
            (tmp / MANIFEST_NAME).write_text(json.dumps(record, indent=2, default=str) + "\n")
            fault_point("export:before_swap")
            _swap_in(tmp, export_dir)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    finally:
        con.close()
    return record


def _connect_read_only(published: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(published), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(
            f"cannot open the published warehouse {published} read-only ({first}); a process "
            "has it open for writing. Readers must open it read-only: close that process"
        ) from exc


def _check_replaceable(export_dir: Path) -> None:
    """Never swap away a folder this command did not write."""
    if export_dir.exists() and not export_dir.is_dir():
        raise ExportError(
            f"the export path {export_dir} (FUNNEL_EXPORT_DIR / --out) is a file; "
            "point it at a folder"
        )
    if (
        export_dir.is_dir()
        and any(export_dir.iterdir())
        and not (export_dir / MANIFEST_NAME).exists()
    ):
        raise ExportError(
            f"the export folder {export_dir} (FUNNEL_EXPORT_DIR / --out) holds files that "
            f"`funnel export` did not write (it has no {MANIFEST_NAME}); the whole folder is "
            "replaced on every export, so point it at an empty or dedicated folder"
        )


def _marts_in(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema = ?",
        [MARTS_SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


def _export_table(con: duckdb.DuckDBPyConnection, name: str, out: Path,
                  with_csv: bool) -> dict:
    relation = f"{quote_ident(MARTS_SCHEMA)}.{quote_ident(name)}"
    (out / "parquet").mkdir(parents=True, exist_ok=True)
    parquet, csv = out / "parquet" / f"{name}.parquet", out / "csv" / f"{name}.csv"
    [(rows,)] = con.execute(f"select count(*) from {relation}").fetchall()
    con.execute(
        f"copy (select * from {relation}) to {quote_literal(str(parquet))} "
        "(format parquet, compression zstd)"
    )
    if with_csv:
        csv.parent.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"copy (select * from {relation}) to {quote_literal(str(csv))} (format csv, header)"
        )
    [(written,)] = con.execute(
        f"select count(*) from read_parquet({quote_literal(str(parquet))})"
    ).fetchall()
    if written != rows:
        raise ExportError(
            f"{parquet}: {written} rows written but {relation} has {rows}; the export was "
            "not swapped in. Re-run `funnel export`"
        )
    files = {"rows": rows,
             "parquet": {"path": f"parquet/{parquet.name}", "sha256": _sha256(parquet)}}
    if with_csv:
        files["csv"] = {"path": f"csv/{csv.name}", "sha256": _sha256(csv)}
    return files


def _swap_in(new: Path, export_dir: Path) -> None:
    if export_dir.exists() and _exchange(new, export_dir):
        fault_point("export:after_swap")  # ``new`` now holds the previous export
        shutil.rmtree(new, ignore_errors=True)
        return
    old = export_dir.parent / f".{export_dir.name}.old-{uuid.uuid4().hex[:12]}"
    if export_dir.exists():
        os.rename(export_dir, old)
    try:
        os.rename(new, export_dir)
    except BaseException:
        if old.exists() and not export_dir.exists():
            os.rename(old, export_dir)
        raise
    fault_point("export:after_swap")
    shutil.rmtree(old, ignore_errors=True)


AT_FDCWD, RENAME_EXCHANGE = -100, 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux renameat2); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    done = renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second),
                     RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False  # the file system cannot exchange: two renames instead
    raise OSError(code, os.strerror(code), str(second))


def _restore_interrupted_swap(export_dir: Path) -> None:
    """A swap by two renames killed between them leaves the previous export aside
    (``.<name>.old-*``) and no export folder: put the previous one back. Callers
    hold the refresh lock, so no other export is running."""
    if export_dir.exists():
        return
    aside = sorted(export_dir.parent.glob(f".{export_dir.name}.old-*"),
                   key=lambda path: path.stat().st_mtime)
    if aside and (aside[-1] / MANIFEST_NAME).is_file():
        os.rename(aside[-1], export_dir)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_as_of(con: duckdb.DuckDBPyConnection) -> str | None:
    """The data's as-of date from ``marts.mart_run_metadata`` (column as_of_date), if built."""
    try:
        columns = [
            name for (name,) in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'mart_run_metadata'"
            ).fetchall()
        ]
        column = next((c for c in ("as_of_date", "as_of") if c in columns), None)
        if column is None:
            return None
        rows = con.execute(
            f"select max({quote_ident(column)}) from marts.mart_run_metadata"
        ).fetchall()
    except duckdb.Error:
        return None
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def read_as_of_file(database: Path) -> str | None:
    if not database.is_file():
        return None
    try:
        con = duckdb.connect(str(database), read_only=True)
    except duckdb.Error:
        return None
    try:
        return read_as_of(con)
    finally:
        con.close()

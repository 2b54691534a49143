"""Write-audit-publish: readers never open the file dbt writes.

dbt builds and tests the *build* file (``FUNNEL_BUILD_DB``). When every
error-severity test passes, ``publish()`` checkpoints it, copies it to a
temporary file beside the *published* file (``FUNNEL_PUBLISHED_DB``), fsyncs
the copy and renames it over the published path in one atomic step. A reader
that already has the published file open keeps reading the old copy (the
replaced inode lives on until it closes it); the next open sees the new one.
Nothing ever writes the published file in place, so a failed build leaves it
byte-for-byte as it was, and a BI tool holding it never blocks a build.

The copy is the whole build file, free blocks included: rows deleted by the
incremental models and the tables a ``--full-refresh`` replaced leave free
blocks that DuckDB reuses but does not give back. ``publish(compact=True)``
writes the copy with ``COPY FROM DATABASE`` instead (every schema, table and
view into a new file): only the used blocks, at the cost of rewriting every
table (31-38 s instead of 1.5-5.5 s at 1M leads, docs/BENCHMARKS.md item 35).

DuckDB allows one writer or many read-only readers per file, across
processes; ``refresh_lock()`` makes the writers of this project (build,
publish, export, refresh, demo, docs) take turns.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from funnel.landing import duckdb_memory_limit, quote_ident, quote_literal
from funnel.reliability import fault_point

DEFAULT_BUILD_DB = "warehouse/build/funnel.duckdb"
DEFAULT_PUBLISHED_DB = "warehouse/funnel.duckdb"
LOCK_NAME = ".refresh.lock"
# From this share of free blocks on, a publish suggests --compact.
COMPACT_HINT_SHARE = 0.25


class PublishError(Exception):
    """The build cannot be published; the message says what to fix."""


class LockHeld(Exception):
    """Another funnel command holds the refresh lock."""

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder or "holder unknown"
        super().__init__(
            f"another refresh holds the lock {path} ({self.holder}); this run did nothing. "
            "Wait for it to finish or schedule runs further apart; the lock is released "
            "when that process exits, so a leftover lock file never blocks a later run"
        )


def build_db_from_env() -> Path:
    return Path(os.environ.get("FUNNEL_BUILD_DB") or DEFAULT_BUILD_DB).resolve()


def published_db_from_env() -> Path:
    return Path(os.environ.get("FUNNEL_PUBLISHED_DB") or DEFAULT_PUBLISHED_DB).resolve()


def lock_path(published: Path) -> Path:
    """One lock per published warehouse: warehouse/.refresh.lock by default."""
    return published.parent / LOCK_NAME


@contextmanager
def refresh_lock(path: Path, command: str) -> Iterator[None]:
    """Hold an exclusive, non-blocking flock on ``path``; raise LockHeld when taken.

    The kernel releases a flock when its process exits, however it exits, so
    there is no stale lock to clean up and the file itself is never deleted
    (deleting a lock file lets two processes lock two different files).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode(errors="replace").strip()
            raise LockHeld(path, holder) from None
        since = datetime.now(UTC).isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, funnel {command}, since {since}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


def audit_record_path(build: Path) -> Path:
    """Beside the build file: the outcome of the last audited build of it."""
    return build.with_name(build.name + ".audit.json")


def write_audit_record(build: Path, record: dict) -> None:
    path = audit_record_path(build)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(record, indent=2, default=str) + "\n")
    os.replace(tmp, path)


def read_audit_record(build: Path) -> dict | None:
    path = audit_record_path(build)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"ok": False, "status": f"unreadable audit record {path}"}


def check_paths(build: Path, published: Path) -> None:
    """The two files must differ and share a stem (views name their catalog by it)."""
    if build == published:
        raise PublishError(
            f"FUNNEL_BUILD_DB and FUNNEL_PUBLISHED_DB are the same file {build}; readers "
            f"would block builds. Set FUNNEL_PUBLISHED_DB to another folder (default "
            f"{DEFAULT_PUBLISHED_DB})"
        )
    if build.stem != published.stem:
        raise PublishError(
            f"the build file {build} (FUNNEL_BUILD_DB) and the published file {published} "
            f"(FUNNEL_PUBLISHED_DB) must have the same file name: DuckDB views refer to "
            f"their catalog by it, so views would break in the copy. Rename one, e.g. "
            f"FUNNEL_PUBLISHED_DB={published.with_name(build.name)}"
        )


@dataclass
class Published:
    """What a publish wrote: the file's size, and the share of it that free blocks take
    (0 when compacted)."""

    bytes: int
    free_block_share: float
    compact: bool

    def describe(self) -> str:
        text = f"{self.bytes / 1e6:.1f} MB"
        if self.compact:
            return text + ", compacted"
        if self.free_block_share >= COMPACT_HINT_SHARE:
            return (text + f", {self.free_block_share:.0%} of it free blocks: "
                    "`--compact` writes only the used ones")
        return text

    def record(self) -> dict:
        return {"bytes": self.bytes, "free_block_share": round(self.free_block_share, 4),
                "compact": self.compact}


def publish(build: Path, published: Path, compact: bool = False) -> Published:
    """Checkpoint ``build`` and atomically replace ``published`` with a copy of it.

    ``compact`` writes the copy with COPY FROM DATABASE: the same schemas, tables
    and views without the free blocks. The caller holds ``refresh_lock``: that is
    what makes it safe to remove a temporary copy left behind by a publish that
    was killed half-way.
    """
    check_paths(build, published)
    if not build.is_file():
        raise PublishError(
            f"there is no build warehouse at {build} (FUNNEL_BUILD_DB); run `funnel build` "
            "first"
        )
    free_share = _checkpoint(build, published)
    fault_point("publish:after_checkpoint")
    published.parent.mkdir(parents=True, exist_ok=True)
    published_wal = published.with_name(published.name + ".wal")
    if published_wal.exists():
        raise PublishError(
            f"{published_wal} exists: a process opened the published warehouse for writing "
            "(readers must open it read-only). Close that process, then delete the .wal "
            "file; a stale log would be replayed onto the new copy"
        )
    for leftover in published.parent.glob(f".{published.name}.tmp-*"):
        if leftover.is_dir():  # the spill folder of a compacting publish
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    tmp = published.with_name(f".{published.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        if compact:
            _compact_copy(build, tmp)
            free_share = 0.0
        else:
            shutil.copyfile(build, tmp)
        _fsync(tmp)
        fault_point("publish:before_replace")
        os.replace(tmp, published)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fault_point("publish:after_replace")
    _fsync(published.parent)  # the rename itself survives a power cut
    return Published(published.stat().st_size, free_share, compact)


def _compact_copy(build: Path, target: Path) -> None:
    """Write every schema, table and view of ``build`` into the new file ``target``.

    The build file is attached under its own catalog name (its stem, which the
    views name), the target under another; the published file takes the stem's
    name again when it replaces the published path. DuckDB's memory limit is the
    build's (FUNNEL_DUCKDB_MEMORY_LIMIT, default 6GB), spilling beside the target.
    """
    source, copy = quote_ident(build.stem), quote_ident(build.stem + "__compact")
    spill = target.with_name(target.name + ".spill")
    con = duckdb.connect(config={"memory_limit": duckdb_memory_limit(),
                                 "temp_directory": str(spill)})
    try:
        con.execute(f"attach {quote_literal(str(build))} as {source} (read_only)")
        con.execute(f"attach {quote_literal(str(target))} as {copy}")
        con.execute(f"copy from database {source} to {copy}")
        # the copy must be whole in the file itself: it is renamed without its .wal
        con.execute(f"checkpoint {copy}")
        con.execute(f"detach {copy}")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _checkpoint(build: Path, published: Path) -> float:
    """Fold the write-ahead log into the file so the file alone is the whole warehouse;
    the share of the file that its used blocks do not fill (what --compact saves:
    DuckDB counts free blocks at the end of the file too, but truncates them)."""
    try:
        con = duckdb.connect(str(build))
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PublishError(
            f"cannot open the build warehouse {build} to checkpoint it ({first}). Another "
            f"process has it open: close it (readers and BI tools should open the "
            f"published copy {published} instead) and run `funnel publish`"
        ) from exc
    try:
        con.execute("checkpoint")
        used, block_size = con.execute(
            "select used_blocks, block_size from pragma_database_size() "
            "where database_name = current_database()"
        ).fetchone()
    finally:
        con.close()
    wal = build.with_name(build.name + ".wal")
    if wal.exists():
        raise PublishError(
            f"{wal} is still there after a checkpoint of {build}; another process is writing "
            "the build warehouse. Stop it and run `funnel publish`"
        )
    size = build.stat().st_size
    return max(0.0, 1 - used * block_size / size) if size else 0.0


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

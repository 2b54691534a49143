"""One structured JSON line per scheduled run, for cron mail, log shippers and alerts."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

STEPS = ("preflight", "dbt", "publish", "export")
# exit code -> status word in the log line
STATUS = {0: "ok", 1: "failed", 2: "error", 3: "locked"}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RunLog:
    """What one run did; ``record()`` is the JSON line (see README, Scheduling)."""

    command: str
    started_at: datetime = field(default_factory=_now)
    exit_code: int = 0
    durations: dict[str, float | None] = field(default_factory=lambda: dict.fromkeys(STEPS))
    landing_dir: str | None = None
    landing_rows: dict[str, int] = field(default_factory=dict)
    selector: str | None = None
    dbt_nodes: dict[str, int] = field(default_factory=dict)
    failing_tests: list[dict] = field(default_factory=list)
    quarantined_rows: dict[str, int] = field(default_factory=dict)
    build_path: str | None = None
    published_path: str | None = None
    published: bool = False
    published_file: dict | None = None  # funnel.publish.Published.record()
    export_dir: str | None = None
    exported_tables: dict[str, int] | None = None
    as_of: str | None = None
    freshness: dict | None = None  # landing freshness (refresh --freshness), None when off
    errors: list[str] = field(default_factory=list)
    _t0: float = field(default_factory=time.monotonic, repr=False)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step; its duration is logged even when it raises."""
        start = time.monotonic()
        try:
            yield
        finally:
            self.durations[name] = round(time.monotonic() - start, 3)

    def record(self) -> dict:
        return {
            "event": f"funnel_{self.command}",
            "status": STATUS.get(self.exit_code, "error"),
            "exit_code": self.exit_code,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": _now().isoformat(timespec="seconds"),
            "duration_s": {
                "total": round(time.monotonic() - self._t0, 3),
                **self.durations,
            },
            "landing_dir": self.landing_dir,
            "landing_rows": self.landing_rows,
            "selector": self.selector,
            "dbt_nodes": self.dbt_nodes,
            "failing_tests": self.failing_tests,
            "quarantined_rows": self.quarantined_rows,
            "as_of": self.as_of,
            "freshness": self.freshness,
            "build_path": self.build_path,
            "published": self.published,
            "published_path": self.published_path,
            "published_file": self.published_file,
            "export_dir": self.export_dir,
            "exported_tables": self.exported_tables,
            "errors": self.errors,
            "pid": os.getpid(),
        }

    def line(self) -> str:
        return json.dumps(self.record(), default=str)

    def append_to(self, path: Path) -> None:
        """Append the line to a log file (one line per run, never rewritten)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(self.line() + "\n")

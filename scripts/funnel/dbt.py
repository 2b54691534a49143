"""A thin layer over dbt: invoke it in-process and read its artifacts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from funnel.landing import PROJECT_DIR


@dataclass
class DbtResult:
    success: bool
    failures: list[dict]  # failing or erroring nodes: name, status, message, relation
    counts: dict[str, int]  # status -> number of nodes
    exception: BaseException | None = None


def run_dbt(args: list[str], database: Path | None = None, quiet: bool = True) -> DbtResult:
    """Run one dbt command in this process against the project.

    The profile sets keep_open: false, so the DuckDB file is released when the
    command returns and the file can be published or opened by another process.
    """
    from dbt.cli.main import dbtRunner  # slow import: only when dbt is needed

    if database is not None:
        os.environ["FUNNEL_BUILD_DB"] = str(database)
    base = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    flags = ["--quiet"] if quiet else []
    result = dbtRunner().invoke([*flags, *args, *base])
    failures: list[dict] = []
    counts: dict[str, int] = {}
    for node in _run_results():
        status = str(node.get("status"))
        counts[status] = counts.get(status, 0) + 1
        if status in {"error", "fail", "runtime error"}:
            failures.append(
                {
                    "name": node.get("unique_id"),
                    "status": status,
                    "message": node.get("message"),
                    "failures": node.get("failures"),
                    "relation": node.get("relation_name"),
                }
            )
    return DbtResult(
        success=bool(result.success),
        failures=failures,
        counts=counts,
        exception=result.exception,
    )


def _run_results() -> list[dict]:
    path = PROJECT_DIR / "target" / "run_results.json"
    if not path.exists():
        return []
    return json.loads(path.read_text()).get("results", [])

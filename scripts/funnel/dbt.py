"""A thin layer over dbt: invoke it in-process and read its artifacts."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from funnel.landing import PROJECT_DIR

# dbt_project.yml: target-path "target" (relative to the project)
TARGET_DIR = PROJECT_DIR / "target"
RUN_RESULTS = TARGET_DIR / "run_results.json"
MANIFEST = TARGET_DIR / "manifest.json"
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


@dataclass
class DbtResult:
    success: bool
    failures: list[dict]  # failing or erroring nodes: name, status, message, failures, relation
    counts: dict[str, int]  # status -> number of nodes
    exception: BaseException | None = None

    @property
    def failing_tests(self) -> list[dict]:
        return [f for f in self.failures if str(f["name"]).startswith(("test.", "unit_test."))]


def run_dbt(
    args: list[str],
    database: Path | None = None,
    quiet: bool = True,
    dbt_vars: dict | None = None,
    log_to_stderr: bool = False,
) -> DbtResult:
    """Run one dbt command in this process against the project.

    The profile sets keep_open: false, so the DuckDB file is released when the
    command returns and the file can be published or opened by another process.
    ``log_to_stderr`` sends dbt's console output to stderr, so that stdout
    carries only the command's own result (the JSON line of ``funnel refresh``).
    dbtRunner is not re-entrant: one invocation at a time per process.
    """
    from dbt.cli.main import dbtRunner  # slow import: only when dbt is needed

    if database is not None:
        os.environ["FUNNEL_BUILD_DB"] = str(database)
    base = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    flags = ["--quiet"] if quiet else []
    extra = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    # A run that stops before dbt writes its results must not be judged by the last one's.
    RUN_RESULTS.unlink(missing_ok=True)
    stream = sys.stderr if log_to_stderr else sys.stdout
    with contextlib.redirect_stdout(stream):
        result = dbtRunner().invoke([*flags, *args, *extra, *base])
    failures: list[dict] = []
    counts: dict[str, int] = {}
    for node in _run_results():
        status = str(node.get("status"))
        counts[status] = counts.get(status, 0) + 1
        if status in FAILED_STATUSES:
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
    if not RUN_RESULTS.exists():
        return []
    return json.loads(RUN_RESULTS.read_text()).get("results", [])


def manifest_models(schema: str, manifest: Path = MANIFEST) -> list[str] | None:
    """Names (aliases) of the models dbt materializes in ``schema``; None without a manifest.

    Read from dbt's manifest so that a new mart is exported the moment it is
    added to the project, with no list to keep in step.
    """
    if not manifest.exists():
        return None
    nodes = json.loads(manifest.read_text()).get("nodes", {})
    names = {
        node.get("alias") or node["name"]
        for node in nodes.values()
        if node.get("resource_type") == "model"
        and node.get("schema") == schema
        and (node.get("config") or {}).get("materialized") != "ephemeral"
    }
    return sorted(names)

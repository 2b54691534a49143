"""A thin layer over dbt: invoke it in-process and read its artifacts."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from funnel.landing import PROJECT_DIR

# dbt_project.yml: target-path "target" (relative to the project); dbt's own
# DBT_TARGET_PATH moves it, e.g. so that parallel runs (`funnel bench`) keep
# their artifacts apart. Read once, at import: set it before the process starts.
TARGET_DIR = PROJECT_DIR / (os.environ.get("DBT_TARGET_PATH") or "target")
RUN_RESULTS = TARGET_DIR / "run_results.json"
MANIFEST = TARGET_DIR / "manifest.json"
FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


@dataclass
class DbtResult:
    success: bool
    failures: list[dict]  # failing or erroring nodes: name, status, message, failures, relation
    counts: dict[str, int]  # status -> number of nodes
    exception: BaseException | None = None
    nodes: list[dict] = field(default_factory=list)  # every node, as `failures` has them

    @property
    def failing_tests(self) -> list[dict]:
        return [f for f in self.failures if str(f["name"]).startswith(("test.", "unit_test."))]


def run_dbt(
    args: list[str],
    database: Path | None = None,
    quiet: bool = True,
    dbt_vars: dict | None = None,
    log_to_stderr: bool = False,
    target_path: Path | None = None,
) -> DbtResult:
    """Run one dbt command in this process against the project.

    The DuckDB file is released when the command returns (see release_duckdb),
    so it can be published or opened by another process.
    ``log_to_stderr`` sends dbt's console output to stderr, so that stdout
    carries only the command's own result (the JSON line of ``funnel refresh``).
    ``target_path`` puts dbt's artifacts elsewhere than TARGET_DIR (the Spark
    build keeps its own). dbtRunner is not re-entrant: one invocation at a
    time per process.
    """
    from dbt.cli.main import dbtRunner  # slow import: only when dbt is needed

    from funnel.schedule import critical_path_order, save_seconds

    if database is not None:
        os.environ["FUNNEL_BUILD_DB"] = str(database)
    base = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if target_path is not None:
        base += ["--target-path", str(target_path)]
    target = target_path or TARGET_DIR
    run_results = target / RUN_RESULTS.name
    flags = ["--quiet"] if quiet else []
    extra = ["--vars", json.dumps(dbt_vars)] if dbt_vars else []
    # A run that stops before dbt writes its results must not be judged by the last one's.
    run_results.unlink(missing_ok=True)
    stream = sys.stderr if log_to_stderr else sys.stdout
    try:
        with contextlib.redirect_stdout(stream), critical_path_order(target):
            result = dbtRunner().invoke([*flags, *args, *extra, *base])
    finally:
        release_duckdb()
    results = _run_results(run_results)
    save_seconds(target, results)
    nodes = [
        {
            "name": node.get("unique_id"),
            "status": str(node.get("status")),
            "message": node.get("message"),
            "failures": node.get("failures"),
            "relation": node.get("relation_name"),
        }
        for node in results
    ]
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node["status"]] = counts.get(node["status"], 0) + 1
    return DbtResult(
        success=bool(result.success),
        failures=[node for node in nodes if node["status"] in FAILED_STATUSES],
        counts=counts,
        exception=result.exception,
        nodes=nodes,
    )


def release_duckdb() -> None:
    """Close the DuckDB database dbt kept open for the whole command.

    The profile sets keep_open: true: one connection serves every node instead
    of the file being closed (checkpointed) and reopened ~500 times per build,
    which took half of a 100k-lead build. dbt leaves that connection open in
    the process when the command returns; close it here so the file can be
    published or opened read-only at once.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing of ours to close
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        environment.close()


def _run_results(path: Path = RUN_RESULTS) -> list[dict]:
    if not path.exists():
        return []
    return json.loads(path.read_text()).get("results", [])


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

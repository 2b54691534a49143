"""A thin layer over dbt: invoke it in-process and read its artifacts."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from funnel.landing import PROJECT_DIR

# dbt_project.yml: target-path "target" (relative to the project); dbt's own
# DBT_TARGET_PATH moves it, e.g. so that parallel runs (`funnel bench`) keep
# their artifacts apart. Read once, at import: set it before the process starts.
TARGET_DIR = PROJECT_DIR / (os.environ.get("DBT_TARGET_PATH") or "target")
RUN_RESULTS = TARGET_DIR / "run_results.json"
MANIFEST = TARGET_DIR / "manifest.json"
# dbt's saved parse (partial parsing) and, beside it, a digest of the macros it was made with.
PARTIAL_PARSE = "partial_parse.msgpack"
MACROS_DIGEST = "funnel_macros.sha256"
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


def excluded_resource_types(environ: Mapping[str, str], *more: str) -> list[str]:
    """dbt's DBT_EXCLUDE_RESOURCE_TYPES (space or comma separated) and ``more``, sorted:
    dbt's --exclude-resource-type flag replaces the variable, so a command that adds a
    type passes them all."""
    excluded = set(environ.get("DBT_EXCLUDE_RESOURCE_TYPES", "").replace(",", " ").split())
    return sorted(excluded.union(more))


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
    digest = forget_parse_if_macros_changed(target)
    stream = sys.stderr if log_to_stderr else sys.stdout
    try:
        with contextlib.redirect_stdout(stream), critical_path_order(target):
            result = dbtRunner().invoke([*flags, *args, *extra, *base])
    finally:
        release_duckdb()
    target.mkdir(parents=True, exist_ok=True)
    (target / MACROS_DIGEST).write_text(digest + "\n")
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


def macro_folders(project: Path = PROJECT_DIR) -> list[str]:
    """Where dbt reads the project's macros: its macro-paths, and the generic tests
    (macros too) under its test-paths; dbt's defaults where dbt_project.yml has none."""
    import yaml

    path = project / "dbt_project.yml"
    config = (yaml.safe_load(path.read_text()) if path.exists() else None) or {}
    return [
        *config.get("macro-paths", ["macros"]),
        *(f"{folder}/generic" for folder in config.get("test-paths", ["tests"])),
    ]


def macros_digest(project: Path = PROJECT_DIR) -> str:
    """A sha256 of every file under the project's macro folders (names and contents)."""
    digest = hashlib.sha256()
    for folder in macro_folders(project):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(project)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def forget_parse_if_macros_changed(target: Path, project: Path = PROJECT_DIR) -> str:
    """Delete dbt's saved parse when a macro changed since it was made; the digest now.

    Partial parsing keeps a parsed model whose own file did not change. dbt
    re-parses the models that call a changed macro, but not when the macro's
    yml entry changed too (seen with dbt-core 1.11), and a model parsed with
    the old macro keeps what parsing rendered: its config and hooks (dbt-core
    #4364), its refs. Without the saved parse dbt parses the whole project
    (a few seconds), once per macro change. The incremental models do not
    rely on this (their hooks render at run time); other configs may.
    """
    digest = macros_digest(project)
    saved = target / MACROS_DIGEST
    known = saved.read_text().strip() if saved.exists() else None
    if known != digest:
        (target / PARTIAL_PARSE).unlink(missing_ok=True)
    return digest


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

"""Critical-path order for dbt's two worker threads.

dbt hands out ready nodes by depth in the DAG (``GraphQueue._get_scores``:
the topological level, ties by node id). On two threads that starves the
long chain of this project (leads -> activities -> stage events -> funnel
facts -> the MQL-quality chain): every cheap test of a shallow node runs
before a deep model that is ready, and at the end one thread works alone
through the chain. At 1M leads one thread was idle for 15 of the 67 s
(docs/BENCHMARKS.md).

Here a node's priority is instead the longest path from it to the end of
the build, weighted by how long each node took in earlier runs (the
``node_seconds.json`` kept beside dbt's other artifacts; a default per
resource type for nodes never timed).

A priority only counts if it is read when a thread is free. dbt's main
thread takes every ready node off the queue at once and hands it to the
thread pool, whose own queue is first in, first out: a deep model that
becomes ready waits behind every cheap test handed over before it. So the
queue also gives out a node only while fewer nodes than dbt has threads are
running.

Only the order among nodes that are ready changes: dbt still starts a node
only when all its parents are done, so every result is the same.
``FUNNEL_DBT_ORDER=dbt`` keeps dbt's own order.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
from collections.abc import Iterator, Mapping
from pathlib import Path

NODE_SECONDS = "node_seconds.json"
ORDER_ENV = "FUNNEL_DBT_ORDER"
ORDERS = ("critical-path", "dbt")
# Seconds assumed for a node with no timing yet (the first build).
DEFAULT_SECONDS = {"model": 1.0, "unit_test": 0.25, "test": 0.1, "seed": 0.1}
OTHER_SECONDS = 0.01  # exposures, snapshots, operations
# Per node, what dbt itself spends around the query (compile, logging, cursor).
NODE_OVERHEAD_SECONDS = 0.03


def node_weight(node_id: str, seconds: Mapping[str, float]) -> float:
    if node_id in seconds:
        return seconds[node_id] + NODE_OVERHEAD_SECONDS
    return DEFAULT_SECONDS.get(node_id.split(".", 1)[0], OTHER_SECONDS)


def unit_test_seconds(seconds: Mapping[str, float]) -> dict[str, float]:
    """Seconds of each model's unit tests, by the model's node id.

    `dbt build` runs a model's unit tests in the model's own node, on its
    thread, just before it (they are not nodes of the queue's graph). A unit
    test's id is unit_test.<package>.<model>.<test>.
    """
    by_model: dict[str, float] = {}
    for node_id, value in seconds.items():
        parts = node_id.split(".")
        if parts[0] == "unit_test" and len(parts) == 4:
            model = f"model.{parts[1]}.{parts[2]}"
            by_model[model] = by_model.get(model, 0.0) + value + NODE_OVERHEAD_SECONDS
    return by_model


def critical_path_scores(graph, seconds: Mapping[str, float]) -> dict[str, float]:
    """Minus the weighted length of the longest path from each node to a sink.

    ``graph`` is the networkx DiGraph dbt's queue runs (edges parent -> child).
    dbt's queue pops the lowest score first, so the node that starts the
    longest remaining chain goes first.
    """
    import networkx as nx  # dbt's own dependency

    before = unit_test_seconds(seconds)
    remaining: dict[str, float] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        after = max((remaining[child] for child in graph.successors(node)), default=0.0)
        remaining[node] = before.get(node, 0.0) + node_weight(node, seconds) + after
    return {node: -length for node, length in remaining.items()}


def load_seconds(target: Path) -> dict[str, float]:
    path = target / NODE_SECONDS
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}  # first run, or an unreadable file: defaults, as the first run has
    return {k: float(v) for k, v in data.items() if isinstance(v, (int, float))}


def save_seconds(target: Path, run_results: list[dict]) -> None:
    """Fold the execution times of a run into node_seconds.json (newest wins)."""
    timed = {
        node["unique_id"]: round(float(node["execution_time"]), 3)
        for node in run_results
        if node.get("unique_id") and isinstance(node.get("execution_time"), (int, float))
        and str(node.get("status")) not in {"skipped", "no-op"}
    }
    if not timed:
        return
    seconds = {**load_seconds(target), **timed}
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / (NODE_SECONDS + ".tmp")
    tmp.write_text(json.dumps(seconds, indent=0, sort_keys=True))
    os.replace(tmp, target / NODE_SECONDS)


class ScheduleError(Exception):
    """FUNNEL_DBT_ORDER names no known order."""


@contextlib.contextmanager
def critical_path_order(target: Path) -> Iterator[None]:
    """Within the block, dbt's queue orders ready nodes by critical path."""
    order = os.environ.get(ORDER_ENV) or ORDERS[0]
    if order not in ORDERS:
        raise ScheduleError(
            f"{ORDER_ENV}={order!r} is not an order dbt's nodes can run in; "
            f"set it to {' or '.join(ORDERS)} (the default is {ORDERS[0]}), or unset it"
        )
    if order == "dbt":
        yield
        return
    from dbt.graph.queue import GraphQueue
    from dbt.task.runnable import GraphRunnableTask

    seconds = load_seconds(target)
    original_scores = GraphQueue._get_scores
    original_get = GraphQueue.get
    original_run_queue = GraphRunnableTask.run_queue

    def scores(self, graph):  # the signature of the method it replaces
        return critical_path_scores(graph, seconds)

    def get(self, block=True, timeout=None):
        slots = getattr(self, "funnel_slots", None)
        if slots:
            with self.lock:
                while len(self.in_progress) >= slots:
                    # woken by mark_done, which has queued the node's children
                    if not block or not self.some_task_done.wait(timeout):
                        raise queue.Empty
        return original_get(self, block, timeout)

    def run_queue(self, pool):
        self.job_queue.funnel_slots = self.config.threads
        return original_run_queue(self, pool)

    GraphQueue._get_scores = scores
    GraphQueue.get = get
    GraphRunnableTask.run_queue = run_queue
    try:
        yield
    finally:
        GraphQueue._get_scores = original_scores
        GraphQueue.get = original_get
        GraphRunnableTask.run_queue = original_run_queue

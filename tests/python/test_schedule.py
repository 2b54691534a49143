"""The critical-path order `funnel` gives dbt's queue (funnel.schedule)."""

from __future__ import annotations

import queue
from types import SimpleNamespace

import networkx as nx
import pytest
from dbt.graph.queue import GraphQueue
from dbt.task.runnable import GraphRunnableTask
from funnel import schedule


def _graph(edges: list[tuple[str, str]], nodes: tuple[str, ...] = ()) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


# a long chain of models and, ready from the start, two cheap seed tests
CHAIN = [("model.p.a", "model.p.b"), ("model.p.b", "model.p.c")]
SHORT = ("test.p.t1", "test.p.t2")


def test_the_node_that_starts_the_longest_chain_scores_lowest() -> None:
    scores = schedule.critical_path_scores(_graph(CHAIN, SHORT), {})
    # defaults: 1 s a model, 0.1 s a test; minus the seconds left from the node on
    assert scores["model.p.a"] == pytest.approx(-3.0)
    assert scores["model.p.c"] == pytest.approx(-1.0)
    assert scores["test.p.t1"] == pytest.approx(-0.1)
    assert min(scores, key=scores.get) == "model.p.a"


def test_timed_nodes_and_their_unit_tests_weigh_what_they_took() -> None:
    seconds = {
        "model.p.a": 0.5,
        "test.p.t1": 9.0,  # a slow test now outranks the chain
        "unit_test.p.b.one_case": 2.0,  # runs inside model.p.b's node
        "unit_test.p.b.another": 1.0,
    }
    scores = schedule.critical_path_scores(_graph(CHAIN, SHORT), seconds)
    overhead = schedule.NODE_OVERHEAD_SECONDS
    b = 2.0 + 1.0 + 2 * overhead + 1.0  # its unit tests, then the default of a model
    assert scores["model.p.b"] == pytest.approx(-(b + 1.0))
    assert scores["model.p.a"] == pytest.approx(-(0.5 + overhead + b + 1.0))
    assert scores["test.p.t1"] == pytest.approx(-(9.0 + overhead))
    assert min(scores, key=scores.get) == "test.p.t1"


def test_dbt_queue_hands_out_ready_nodes_by_critical_path(tmp_path, monkeypatch) -> None:
    """dbt's own GraphQueue, as `dbt build` builds it, inside and outside the block."""
    monkeypatch.delenv(schedule.ORDER_ENV, raising=False)
    # dbt's order: depth, then node id. A short chain from "model.p.0" sorts first.
    edges = [*CHAIN, ("model.p.0", "model.p.z")]

    def first_ready() -> str:
        queue = GraphQueue(_graph(edges, SHORT), manifest=None, selected=set())
        return queue.inner.get()[1]

    assert first_ready() == "model.p.0"
    with schedule.critical_path_order(tmp_path):
        assert first_ready() == "model.p.a"
    assert first_ready() == "model.p.0"  # dbt's method is back


class _Manifest:
    """GraphQueue.get looks each node up; the id stands for the node here."""

    def expect(self, node_id: str) -> str:
        return node_id


def test_a_node_is_given_out_only_when_a_thread_is_free(tmp_path, monkeypatch) -> None:
    """The child of the first model outranks the cheap tests that were ready first."""
    monkeypatch.delenv(schedule.ORDER_ENV, raising=False)
    with schedule.critical_path_order(tmp_path):
        graph_queue = GraphQueue(_graph(CHAIN, SHORT), manifest=_Manifest(), selected=set())
        graph_queue.funnel_slots = 1  # what run_queue sets from dbt's threads
        assert graph_queue.get() == "model.p.a"
        with pytest.raises(queue.Empty):  # the one thread is busy
            graph_queue.get(block=False)
        graph_queue.mark_done("model.p.a")
        assert graph_queue.get() == "model.p.b"  # dbt's pool would run a test first
        graph_queue.funnel_slots = None  # no limit: everything ready is given out
        assert graph_queue.get(block=False) in SHORT


def test_the_queue_has_as_many_slots_as_dbt_has_threads(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(schedule.ORDER_ENV, raising=False)
    seen: dict[str, int] = {}

    def dbt_run_queue(task, pool) -> None:  # dbt's method, as the block finds it
        seen["slots"] = task.job_queue.funnel_slots

    monkeypatch.setattr(GraphRunnableTask, "run_queue", dbt_run_queue)
    task = SimpleNamespace(config=SimpleNamespace(threads=3), job_queue=SimpleNamespace())
    with schedule.critical_path_order(tmp_path):
        GraphRunnableTask.run_queue(task, None)
    assert seen == {"slots": 3}
    assert GraphRunnableTask.run_queue is dbt_run_queue


def test_dbt_order_can_be_kept_and_a_wrong_setting_is_named(tmp_path, monkeypatch) -> None:
    original = GraphQueue._get_scores, GraphQueue.get
    monkeypatch.setenv(schedule.ORDER_ENV, "dbt")
    with schedule.critical_path_order(tmp_path):
        assert (GraphQueue._get_scores, GraphQueue.get) == original
    monkeypatch.setenv(schedule.ORDER_ENV, "fastest")
    with (
        pytest.raises(schedule.ScheduleError, match=r"FUNNEL_DBT_ORDER='fastest'.*critical-path"),
        schedule.critical_path_order(tmp_path),
    ):
        pass
    assert (GraphQueue._get_scores, GraphQueue.get) == original


def test_node_seconds_are_kept_across_runs(tmp_path) -> None:
    assert schedule.load_seconds(tmp_path) == {}  # first run: defaults
    schedule.save_seconds(
        tmp_path,
        [
            {"unique_id": "model.p.a", "execution_time": 4.2, "status": "success"},
            {"unique_id": "model.p.b", "execution_time": 0.0, "status": "skipped"},
        ],
    )
    schedule.save_seconds(  # a later, partial run: newest wins, the rest is kept
        tmp_path, [{"unique_id": "test.p.t1", "execution_time": 0.3, "status": "pass"}]
    )
    assert schedule.load_seconds(tmp_path) == {"model.p.a": 4.2, "test.p.t1": 0.3}
    (tmp_path / schedule.NODE_SECONDS).write_text("{not json")
    assert schedule.load_seconds(tmp_path) == {}  # unreadable: defaults, not an error

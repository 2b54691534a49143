"""Pieces of `funnel bench` that decide what its figures mean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from funnel.bench import (
    DROP_TABLES,
    BenchError,
    bench_demo,
    compare_with_full_build,
    data_test_fails_sql,
    latest_sizes,
    markdown,
    nearest_1m_build,
    parse_sizes,
    prepare_landing,
    refresh_command,
    remove_drop,
    run,
    targets,
    write_drop,
    write_reports,
)
from funnel.landing import PROJECT_DIR

# (test rows, config) -> does the build fail? as dbt decides it
CASES = [
    (0, {}, False),
    (1, {}, True),
    (2, {"fail_calc": "count(*)", "error_if": "!= 2"}, False),  # expects exactly two
    (1, {"fail_calc": "count(*)", "error_if": "!= 2"}, True),
    (3, {"severity": "warn"}, False),
    (3, {"severity": "ERROR", "error_if": "> 5"}, False),
    (6, {"severity": "ERROR", "error_if": "> 5"}, True),
    (2, {"fail_calc": "sum(x)", "error_if": "> 10"}, False),  # x is 1, 2: 3
    (0, {"fail_calc": "sum(x)"}, False),  # null over no rows: passes, as in dbt
]


@pytest.mark.parametrize(("rows", "config", "fails"), CASES)
def test_direct_run_judges_a_data_test_as_dbt_does(rows: int, config: dict, fails: bool) -> None:
    node = {"config": config, "compiled_code": f"select x from range(1, {rows + 1}) t(x)"}
    assert duckdb.sql(data_test_fails_sql(node)).fetchall() == [(fails,)]


def test_sizes_are_parsed_with_suffixes() -> None:
    assert parse_sizes("100k,1m") == [100_000, 1_000_000]


def test_direct_run_builds_models_in_order_and_times_each_node(tmp_path) -> None:
    """A two-model manifest over a landing view and a seed, run without dbt."""
    import json

    from funnel.bench import markdown, run_direct

    build = tmp_path / "build" / "funnel.duckdb"
    build.parent.mkdir()
    con = duckdb.connect(str(build))
    con.execute("create schema landing; create view landing.leads as select * from range(5) t(i)")
    con.execute("create schema reference; create table reference.s as select 3 as k")
    con.close()

    def model(name: str, kind: str, sql: str, parents: list[str]) -> dict:
        return {"resource_type": "model", "config": {"materialized": kind}, "schema": "staging",
                "relation_name": f'"funnel"."staging"."{name}"', "compiled_code": sql,
                "depends_on": {"nodes": parents}}

    nodes = {  # b is listed first: the runner must order by dependency
        "model.p.b": model("b", "view", 'select i * k as j from "funnel"."staging"."a", '
                           "reference.s", ["model.p.a", "seed.p.s"]),
        "model.p.a": model("a", "table", "select i from landing.leads", []),
        "seed.p.s": {"resource_type": "seed", "schema": "reference", "alias": "s",
                     "config": {}, "depends_on": {"nodes": []}},
        "test.p.t": {"resource_type": "test", "config": {}, "depends_on": {"nodes": []},
                     "compiled_code": 'select * from "funnel"."staging"."b" where j > 12'},
    }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    result = run_direct(manifest, build, tmp_path / "direct" / "funnel.duckdb")
    assert (result["models"], result["tests"], result["failing_tests"]) == (2, 1, 0)
    assert set(result["slowest"]) == {"a", "b", "t"}

    record = {"started_at": "t", "label": "x", "runs": 1, "command": "c", "machine": {
        "nproc": 2, "cpu_model": "cpu", "memory_gb": 1, "kernel": "k", "duckdb_threads": 2,
        "duckdb_memory_limit": "1GB", "versions": {}}, "sizes": [{
            "leads": 10, "label": "10", "format": "csv", "landing_mb": 0,
            "generate": {"wall_s": 0}, "runs": [{"direct": {"sql": result}}],
            "median": {"direct": {"wall_s": 1, "cpu_s": 1, "load_1m": 0, "peak_rss_mb": 1,
                                  "sql_s": 1}}}]}
    assert "* 10 csv: models" in markdown([record])


def test_daily_drops_take_other_leads_each_day_and_are_removed_together(tmp_path) -> None:
    landing = tmp_path / "raw"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "scripts")}
    prepare_landing(PROJECT_DIR, landing, 2_000, "csv", 7, env, tmp_path / "logs")
    day2, day3 = write_drop(landing, "csv", day=2), write_drop(landing, "csv", day=3)
    assert day2["new_leads"] > 0 and day3["updated_leads"] > 0

    def read(table: str, day: int) -> list[tuple]:
        return duckdb.sql(
            f"select lead_id, updated_at from read_csv('{landing}/{table}/day{day}.csv', "
            "all_varchar = true)").fetchall()

    leads2, leads3 = read("leads", 2), read("leads", 3)
    assert len(leads2) == day2["leads"] and len(leads3) == day3["leads"]
    ids2, ids3 = {i for i, _ in leads2}, {i for i, _ in leads3}
    assert not ids2 & ids3  # other new and updated leads each day
    assert any(i.endswith("-d3") for i in ids3) and not any(i.endswith("-d2") for i in ids3)
    # the updates of day 3 are written a day after those of day 2
    assert max(u for _, u in leads3) > max(u for _, u in leads2)
    with pytest.raises(BenchError, match="days 2 to 51"):
        write_drop(landing, "csv", day=52)
    remove_drop(landing, "csv")
    assert sorted(p.name for t in DROP_TABLES for p in (landing / t).iterdir()) == [
        "day1.csv"] * len(DROP_TABLES)


# Stands in for `funnel build --no-publish`: writes marts.t into $FUNNEL_BUILD_DB, its
# amount shifted by {shift} (0: the rows of the refreshed warehouse), and a table of a
# schema that is not compared.
FAKE_BUILD = """
import os, pathlib, duckdb
path = pathlib.Path(os.environ["FUNNEL_BUILD_DB"]); path.parent.mkdir(parents=True)
con = duckdb.connect(str(path))
con.execute("create schema marts; create schema scratch")
con.execute("create table marts.t as select range as id, range / 3 + {shift} as amount "
            "from range(50)")
con.execute("create table scratch.ignored as select 1 as x")
"""


@pytest.mark.parametrize("shift", [0, 1])
def test_compare_full_finds_a_table_the_refreshes_got_wrong(tmp_path, shift: int) -> None:
    refreshed = tmp_path / "warehouse" / "build" / "funnel.duckdb"
    env = {**os.environ, "FUNNEL_BUILD_DB": str(refreshed)}
    subprocess.run([sys.executable, "-c", FAKE_BUILD.replace("{shift}", "0")], env=env,
                   check=True)
    fake = [sys.executable, "-c", FAKE_BUILD.replace("{shift}", str(shift))]
    lines: list[str] = []
    if shift == 0:
        step = compare_with_full_build(fake, env, tmp_path, tmp_path, "[t]", lines.append)
        assert (step["tables"], step["differing"], step["exit_code"]) == (1, {}, 0)
        assert not (tmp_path / "warehouse_full").exists()  # removed once compared
        record = {"started_at": "t", "label": "x", "runs": 1, "command": "c", "machine": {
            "nproc": 2, "cpu_model": "cpu", "memory_gb": 1, "kernel": "k", "duckdb_threads": 1,
            "duckdb_memory_limit": "1GB", "versions": {}}, "sizes": [{
                "leads": 10, "label": "10", "format": "csv", "landing_mb": 0,
                "generate": {"wall_s": 0}, "runs": [{}],
                "median": {"refresh": {"wall_s": 1, "cpu_s": 1, "load_1m": 0,
                                       "peak_rss_mb": 1}},
                "compare_full": {**step, "after_day": 3}}]}
        assert "* 10 csv (measurement 1): after day 3, 1 tables and views, none differing" in (
            markdown([record]))
    else:
        with pytest.raises(BenchError, match=r"failed .* marts\.t other rows: 50 rows"):
            compare_with_full_build(fake, env, tmp_path, tmp_path, "[t]", lines.append)
        assert (tmp_path / "warehouse_full" / "build" / "funnel.duckdb").exists()  # kept


def test_a_refresh_without_publish_leaves_out_the_unit_tests_as_funnel_refresh_does() -> None:
    # a 10M bench skips publish: its refresh is `funnel build --no-publish`, which must
    # then do the dbt work of `funnel refresh` (no unit tests), not of a full build
    env = {"DBT_EXCLUDE_RESOURCE_TYPES": "saved_query,exposure", "PATH": "/bin"}
    argv, child_env = refresh_command(["funnel"], env, publish=False)
    assert argv == ["funnel", "build", "--no-publish"]
    assert child_env["DBT_EXCLUDE_RESOURCE_TYPES"] == "exposure saved_query unit_test"
    assert child_env["PATH"] == "/bin" and env["DBT_EXCLUDE_RESOURCE_TYPES"] == (
        "saved_query,exposure")
    assert refresh_command(["funnel"], env, publish=True) == (["funnel", "refresh"], env)


def test_a_run_of_fewer_steps_does_not_replace_a_full_row() -> None:
    def size(steps: tuple[str, ...], **extra) -> dict:
        return {"format": "csv", "leads": 1_000_000, "runs": [extra],
                "median": {step: {} for step in steps}}

    full = {"sizes": [size(("build", "direct", "refresh"))]}
    days = {"sizes": [size(("build", "refresh"), refresh_days=[{"day": 2}])]}
    again = {"sizes": [size(("build", "direct", "refresh", "export"))]}
    assert latest_sizes([full, days]) == [(full, full["sizes"][0])]
    assert latest_sizes([full, days, again]) == [(again, again["sizes"][0])]
    with_days = latest_sizes([full, days, again], lambda s: s["runs"][-1].get("refresh_days"))
    assert with_days == [(days, days["sizes"][0])]


def _measured_size(leads: int, runs: int, generate_s: float, **steps: dict) -> dict:
    return {"format": "csv", "leads": leads, "runs": [{}] * runs,
            "generate": {"wall_s": generate_s}, "median": steps}


def test_targets_are_judged_on_the_rows_shown_at_their_limits() -> None:
    one_m = _measured_size(
        1_000_000, 3, 11.0,
        build={"wall_s": 60.0, "peak_rss_mb": 3000},  # at the limit: met
        direct={"wall_s": 31.0, "sql_s": 29.9, "peak_rss_mb": 2000},  # 2.007x: not met
        refresh={"wall_s": 20.0, "build_part_s": 12.0, "peak_rss_mb": 1500},  # 0.20x: met
    )
    ten_m = _measured_size(10_000_000, 1, 180.1,  # over 3 minutes
                           # 12.0x; 8,100 MB is 7.91 GB as the table shows GB (MB / 1024)
                           build={"wall_s": 720.0, "peak_rss_mb": 8100})
    first, second = {"sizes": [one_m]}, {"sizes": [ten_m]}
    judged = {target: (value, met) for target, value, met in
              targets([(first, one_m), (second, ten_m)], [first, second])}
    assert [met for _, met in judged.values()] == ["yes", "no", "yes", "yes", "yes", "no", "-"]
    assert judged["10M leads: peak memory <= 8 GB"][0] == "7.91 GB (measurement 2; 1 run(s), not 3)"
    assert judged["1M leads: full build <= 2.0x the compiled SQL run directly"][0] == (
        "2.01x (60.0 / 29.9 s, measurement 1)")
    assert judged["10M leads: full build <= 12x the 1M build"][0] == (
        "12.0x (720.0 / 60.0 s, measurements 1 and 2; 1 run(s), not 3)")


def test_the_10m_build_is_divided_by_the_1m_build_measured_nearest_in_time() -> None:
    # this machine's speed changes by the hour: a 1M row measured the next day on a
    # slower machine must not judge the 10M build of the day before
    def at(when: str, *sizes: dict) -> dict:
        return {"started_at": f"2026-12-07T{when}:00+00:00", "sizes": list(sizes)}

    def one_m(build_s: float, runs: int = 3) -> dict:
        return {**_measured_size(1_000_000, runs, 11.0, build=step(build_s, 3500)),
                "label": "1M", "landing_mb": 966}

    def step(wall_s: float, peak_rss_mb: int) -> dict:
        return {"wall_s": wall_s, "cpu_s": wall_s, "peak_rss_mb": peak_rss_mb, "load_1m": 1.0}

    ten_m = {**_measured_size(10_000_000, 1, 130.0, build=step(900.0, 6500)), "label": "10M",
             "landing_mb": 9687}
    before, later, ten = at("21:00", one_m(90.0)), at("23:30", one_m(60.0)), at("22:00", ten_m)
    nextday = {"started_at": "2026-12-08T00:30:00+00:00", "sizes": [one_m(140.0)]}
    records = [before, ten, later, nextday]
    # 1 h before, not 1.5 h after
    assert nearest_1m_build(records, ten) == (before, before["sizes"][0])
    assert nearest_1m_build([*records, at("23:00", one_m(70.0))], ten)[1]["median"][
        "build"]["wall_s"] == 70.0  # 1 h each side: the later one
    both = at("22:30", one_m(75.0, runs=1), ten_m)
    assert nearest_1m_build([*records, both], both) == (both, both["sizes"][0])  # its own
    assert nearest_1m_build([ten], ten) is None
    report = markdown([{**record, "label": None, "runs": 3, "command": "c", "machine": {
        "nproc": 2, "cpu_model": "x", "memory_gb": 24, "kernel": "k", "duckdb_threads": "1",
        "duckdb_memory_limit": "6GB", "versions": {}}} for record in records])
    # the rows shown are the latest (the next day's 1M build of 140 s, 6.4x), the ratio
    # is taken with the 1M build of 21:00, numbered after the rows shown
    assert "| 10M leads: full build <= 12x the 1M build | 10.0x (900.0 / 90.0 s, the 1M " \
           "build nearest in time, measurements 2 and 3; 1 run(s), not 3) | yes |" in report
    assert "Scaling 1M -> 10M (csv): full build 6.43x the time for 10.00x the leads " \
           "(measurements 1 and 2, different hours)." in report
    judged = {target: value for target, value, _ in targets(
        [(nextday, nextday["sizes"][0]), (ten, ten_m)], [nextday, ten])}
    assert judged["10M leads: full build <= 12x the 1M build"] == (
        "6.4x (900.0 / 140.0 s, measurements 1 and 2; 1 run(s), not 3)")  # without it


def test_targets_without_their_figures_are_not_judged() -> None:
    hundred_k = _measured_size(100_000, 3, 1.5, build={"wall_s": 30.0, "peak_rss_mb": 700})
    record = {"sizes": [hundred_k]}
    judged = targets([(record, hundred_k)], [record])
    assert {met for _, _, met in judged} == {"-"}
    assert judged[0][1] == "no 1M build in the rows shown"


def test_report_only_rewrites_the_tables_from_the_history_and_appends_nothing(tmp_path) -> None:
    md, history = tmp_path / "BENCHMARKS.md", tmp_path / "benchmarks.json"
    with pytest.raises(BenchError, match="no measurements yet"):
        write_reports(None, md, history)
    one_m = _measured_size(1_000_000, 3, 11.0, build={
        "wall_s": 75.0, "cpu_s": 120.0, "peak_rss_mb": 3000, "load_1m": 1.0})
    record = {"started_at": "2026-12-07T11:00:00+00:00", "label": None, "command": "c",
              "runs": 3, "sizes": [{**one_m, "label": "1M", "landing_mb": 966}],
              "machine": {"git_commit": "abc", "duckdb_memory_limit": "6GB", "nproc": 2,
                          "cpu_model": "x", "memory_gb": 24, "kernel": "k",
                          "duckdb_threads": "1", "versions": {}}}
    write_reports(record, md, history)
    md.write_text(md.read_text().replace("75.0 s (measurement 1) | no", "stale"))
    tables = write_reports(None, md, history)
    assert "| 1M leads: full build with all tests <= 60 s (median of 3) | 75.0 s (measurement " \
           "1) | no |" in tables
    assert tables in md.read_text()
    assert len(json.loads(history.read_text())["runs"]) == 1


# Stands in for `funnel demo`: fails if its folder was not fresh, leaves a file there,
# and exits with $FAKE_DEMO_EXIT.
FAKE_DEMO = """
import os, pathlib, sys
assert sys.argv[1:4] == ["demo", "--out", str(pathlib.Path.cwd() / "raw")], sys.argv
assert os.environ["FUNNEL_PUBLISHED_DB"].startswith(str(pathlib.Path.cwd()))
assert "FUNNEL_LANDING_DIR" not in os.environ
marker = pathlib.Path("left_by_the_last_run")
assert not marker.exists(), "the demo folder was not fresh"
marker.write_text("x")
sys.exit(int(os.environ.get("FAKE_DEMO_EXIT", "0")))
"""


def test_demo_runs_each_run_in_a_fresh_folder_and_a_failure_names_its_log(
    tmp_path, monkeypatch,
) -> None:
    monkeypatch.setenv("FUNNEL_LANDING_DIR", "/somewhere/else")
    fake = [sys.executable, "-c", FAKE_DEMO]
    lines: list[str] = []
    demo = bench_demo(fake, PROJECT_DIR, tmp_path, 3, lines.append)
    assert [step["exit_code"] for step in demo["runs"]] == [0, 0, 0]
    assert set(demo["median"]) == {"wall_s", "cpu_s", "load_1m", "peak_rss_mb"}
    assert len([line for line in lines if line.startswith("[demo run")]) == 6
    monkeypatch.setenv("FAKE_DEMO_EXIT", "1")
    with pytest.raises(BenchError, match=r"funnel demo failed \(exit 1\), run 1; see .*demo\.err"):
        bench_demo(fake, PROJECT_DIR, tmp_path, 1, lines.append)


def test_the_demo_target_is_judged_on_the_latest_demo_measurement() -> None:
    def demo(*walls: float) -> dict:
        return {"leads": 50_000, "runs": [{"wall_s": wall} for wall in walls],
                "median": {"wall_s": sorted(walls)[len(walls) // 2]}}

    older, newer = {"sizes": [], "demo": demo(70.0)}, {"sizes": [], "demo": demo(44.0, 59.9, 61.0)}
    [*_, (target, value, met)] = targets([], [older, newer], (newer, newer["demo"]))
    assert target.startswith("`make demo`") and (value, met) == ("59.9 s (measurement 2)", "yes")
    [*_, (_, value, met)] = targets([], [older], (older, older["demo"]))
    assert (value, met) == ("70.0 s (measurement 1; 1 run(s), not 3)", "no")
    [*_, (_, value, met)] = targets([], [older])
    assert met == "-" and "--demo-runs" in value
    assert parse_sizes("none") == []
    with pytest.raises(BenchError, match="nothing to measure"):
        run([], 1, "csv", None, Path("unused.md"), Path("unused.json"), None)


def test_a_demo_only_measurement_reports_the_demo_and_no_empty_tables() -> None:
    record = {"started_at": "t", "label": "demo", "runs": 1, "command": "c", "sizes": [],
              "machine": {"nproc": 2, "cpu_model": "cpu", "memory_gb": 1, "kernel": "k",
                          "duckdb_threads": 1, "duckdb_memory_limit": "1GB", "versions": {}},
              "demo": {"leads": 50_000, "runs": [{"wall_s": 41.0}], "median": {
                  "wall_s": 41.0, "cpu_s": 51.1, "load_1m": 1.0, "peak_rss_mb": 579}}}
    report = markdown([record])
    assert "`funnel demo` (50,000 leads, measurement 1)" in report
    assert "| 41.0 s (measurement 1; 1 run(s), not 3) | yes |" in report
    assert "Per step" not in report and "slowest nodes" not in report

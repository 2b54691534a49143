"""The incremental refresh gives the same marts as a full build of the same input.

The big tables are parsed by incremental models keyed on the landing file
(base_crm__leads_parsed, base_crm__activities_parsed,
base_crm__lead_status_changes_parsed): a refresh parses only new or changed
files. The base models on top are incremental by key (macros/keys_to_rebuild.sql):
they decide again only the keys whose outcome can change. The lead-level
models without the as-of date (macros/lead_keyed.sql) rebuild only the leads
whose input rows changed; everything further down (the as-of date moves) is
recomputed. This test builds
day 1 of a folder-layout landing zone, drops day 2 as new files (new leads, a
late-arriving lead that makes day-1 orphans valid, updated lead versions, late
status changes, an activity superseded by a later version, a deleted lead, a
reopened opportunity), refreshes the same warehouse, and compares the checksum
of every staging, intermediate, mart and audit table with a build of the same input in a fresh
warehouse (a full refresh). Day 3 then removes two files (the day-2 leads
and status changes) and rewrites another in place: the refresh must forget
the removed rows, so the late lead's rows are orphans again, and reparse the
rewritten file; a run that stops after int_lead_stage_events comes first, and
the models after it must still catch up. Days 4 and 5 move the future cutoff
back and forward again, and rows carrying another `_logic_version` must be
decided again.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import assert_same_tables, query, run_funnel

LEADS = 3_000
SEED = 11
DAY = "2026-07-01T02:00:00Z"  # after the generator's data_end (2026-06-30)
FOLDER_TABLES = ("leads", "lead_status_changes", "activities", "opportunities")
BASE_MODELS = Path("lead_funnel/models/staging/crm/base")
# incremental by lead (macros/lead_keyed.sql), with their folders
LEAD_KEYED = {
    "int_lead_stage_events": Path("lead_funnel/models/intermediate/funnel"),
    "int_lead_stage_summary": Path("lead_funnel/models/intermediate/funnel"),
    "int_lead_activity_summary": Path("lead_funnel/models/intermediate/funnel"),
    "fct_funnel_transitions": Path("lead_funnel/models/marts/funnel"),
    "int_lead_funnel": Path("lead_funnel/models/intermediate/funnel"),
    "int_mql_lead_behaviour": Path("lead_funnel/models/intermediate/mql_quality"),
}


def _csv(path: Path) -> str:
    return f"read_csv('{path}', header = true, all_varchar = true)"


def _copy(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy ({sql}) to '{path}' (format csv, header true)")


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Generated data split into day 1 (folders) and the rows of the day-2 drop."""
    from funnel.generate import generate

    root = tmp_path_factory.mktemp("incremental")
    generated, raw = root / "generated", root / "raw"
    generate(generated, leads=LEADS, seed=SEED)
    con = duckdb.connect()
    for table in FOLDER_TABLES:
        con.execute(f"create table {table} as select * from {_csv(generated / (table + '.csv'))}")
    # The cast: a lead held back to day 2 (its day-1 status changes and
    # activities are orphans), a lead deleted on day 2, an opportunity
    # closed on day 1 and reopened on day 2, one open on day 1 and won on
    # day 2 (a new stage event of a day-1 lead).
    late_lead, deleted_lead = (row[0] for row in con.execute(
        "select lead_id from lead_status_changes where status = 'mql' "
        "group by lead_id order by lead_id limit 2"
    ).fetchall())
    reopened = con.execute(
        "select opportunity_id from opportunities where stage = 'closed_lost' "
        "and lead_id not in (?, ?) order by opportunity_id limit 1",
        [late_lead, deleted_lead],
    ).fetchall()[0][0]
    won = con.execute(
        "select opportunity_id from opportunities "
        "where lead_id not in (?, ?) and lead_id in (select lead_id from leads "
        "  qualify row_number() over (partition by lead_id order by updated_at desc) = 1 "
        "  and is_deleted = 'false') "
        "qualify row_number() over (partition by opportunity_id order by updated_at desc) = 1 "
        "and stage = 'negotiation' order by opportunity_id limit 1",
        [late_lead, deleted_lead],
    ).fetchall()[0][0]
    new_leads = "lead_id in (select lead_id from leads order by lead_id desc limit 40)"
    updated_leads = "lead_id in (select lead_id from leads order by lead_id limit 30 offset 100)"
    late_changes = "lead_id in (select lead_id from leads order by lead_id limit 20 offset 200)"
    superseded = con.execute(
        "select activity_id from activities order by activity_id limit 1"
    ).fetchall()[0][0]

    day1 = {
        "leads": f"select * from leads where lead_id != '{late_lead}' and not {new_leads}",
        "lead_status_changes": f"select * from lead_status_changes where not {new_leads}",
        "activities": f"select * from activities where not {new_leads}",
        "opportunities": "select * from opportunities",
    }
    day2 = {
        "leads": f"""
            select * from leads where lead_id = '{late_lead}' or {new_leads}
            union all by name
            select * replace ('{DAY}' as updated_at, 'nurture' as status,
                              '77' as lead_score)
            from leads where {updated_leads}
            qualify row_number() over (partition by lead_id order by updated_at desc) = 1
            union all by name
            select * replace ('{DAY}' as updated_at, 'true' as is_deleted)
            from leads where lead_id = '{deleted_lead}'
            qualify row_number() over (partition by lead_id order by updated_at desc) = 1
        """,
        "lead_status_changes": f"""
            select * from lead_status_changes where {new_leads}
            union all by name
            select lead_id, 'nurture' as status, '{DAY}' as changed_at,
                'recycled on day 2' as reason
            from leads where {updated_leads}
            group by lead_id
            union all by name
            select lead_id, 'working' as status,
                strftime(min(cast(created_at as timestamptz)) + interval 1 hour,
                         '%Y-%m-%dT%H:%M:%SZ') as changed_at,
                'arrived late' as reason
            from leads where {late_changes}
            group by lead_id
        """,
        "activities": f"""
            select * from activities where {new_leads}
            union all by name
            select * replace ('{DAY}' as occurred_at)
            from activities where activity_id = '{superseded}'
        """,
        "opportunities": f"""
            select * replace ('negotiation' as stage, '{DAY}' as updated_at,
                              null as closed_at, null as loss_reason)
            from opportunities where opportunity_id = '{reopened}'
            qualify row_number() over (order by updated_at desc) = 1
            union all by name
            select * replace ('closed_won' as stage, '{DAY}' as updated_at,
                              '{DAY}' as closed_at)
            from opportunities where opportunity_id = '{won}'
            qualify row_number() over (order by updated_at desc) = 1
        """,
    }
    for table in ("campaigns", "campaign_spend", "users", "deals"):
        (raw / f"{table}.csv").parent.mkdir(parents=True, exist_ok=True)
        (raw / f"{table}.csv").write_bytes((generated / f"{table}.csv").read_bytes())
    for table, sql in day1.items():
        _copy(con, sql, raw / table / "day1.csv")
    con.close()
    return {"root": root, "raw": raw, "day2": day2, "generated": generated,
            "late_lead": late_lead, "deleted_lead": deleted_lead, "reopened": reopened,
            "won": won}


def _env(root: Path, name: str) -> dict[str, str]:
    """Each warehouse keeps its own dbt artifacts (target/, logs/); the unit tests,
    which do not depend on the data, run elsewhere, not in each of these builds."""
    return {
        "DBT_TARGET_PATH": str(root / name / "target"),
        "DBT_LOG_PATH": str(root / name / "logs"),
        "FUNNEL_EXPORT_DIR": str(root / name / "exports"),
        "DBT_EXCLUDE_RESOURCE_TYPES": "unit_test",
    }


def _build(landing: dict, name: str, command: str = "build", *extra: str) -> Path:
    root = landing["root"]
    database = root / name / "warehouse" / "funnel.duckdb"
    args = [*(["build", "--no-publish"] if command == "build" else ["refresh"]), *extra]
    proc = run_funnel(*args, landing_dir=landing["raw"], database=database,
                      env=_env(root, name))
    assert proc.returncode == 0, f"{name}: {proc.stdout}\n{proc.stderr}"
    return database


def _model_sql(landing: dict, name: str, stage: str, model: str,
               folder: Path = BASE_MODELS) -> str:
    """The SQL dbt compiled (stage `compiled`) or ran (`run`) for a model in the last build."""
    target = landing["root"] / name / "target"
    return (target / stage / folder / f"{model}.sql").read_text()


def test_incremental_refresh_equals_full_refresh(landing: dict) -> None:
    raw = landing["raw"]
    incremental = _build(landing, "incremental")
    late, deleted = landing["late_lead"], landing["deleted_lead"]
    orphans = query(incremental, "select count(*) from audit.audit_quarantine "
                                 f"where record_key like '{late}%' "
                                 "and primary_reason = 'orphan_reference'")[0][0]
    assert orphans > 0, "day 1 should hold the held-back lead's rows as orphans"

    # Day 2: a drop of new files.
    con = duckdb.connect()
    for table in FOLDER_TABLES:
        con.execute(f"create view {table} as select * from "
                    f"{_csv(landing['generated'] / (table + '.csv'))}")
    for table, sql in landing["day2"].items():
        _copy(con, sql, raw / table / "day2.csv")
    con.close()
    _build(landing, "incremental", command="refresh")
    for table in ("leads", "activities", "lead_status_changes"):
        model = f"base_crm__{table}_parsed"
        assert "insert into" in _model_sql(landing, "incremental", "run", model)
        parsed = _model_sql(landing, "incremental", "compiled", model)
        assert f"{table}/day2.csv" in parsed
        assert f"{table}/day1.csv" not in parsed, f"{table}: day 1 was parsed again"
    # The base models decided again only the keys the drop touched.
    for model in ("base_crm__leads", "base_crm__activities", "base_crm__lead_status_changes"):
        assert "insert into" in _model_sql(landing, "incremental", "run", model)
        assert "__keys_to_rebuild" in _model_sql(landing, "incremental", "compiled", model)
    # So did the lead-level models, on the leads whose inputs changed.
    for model, folder in LEAD_KEYED.items():
        assert "insert into" in _model_sql(landing, "incremental", "run", model, folder)
        assert "__keys_to_rebuild" in _model_sql(
            landing, "incremental", "compiled", model, folder)
    full = _build(landing, "full_day2")
    assert_same_tables(incremental, full)
    assert query(incremental, "select count(*) from audit.audit_quarantine "
                              f"where record_key like '{late}%'")[0][0] == 0
    assert query(incremental, "select count(*) from marts.fct_lead_funnel "
                              f"where lead_id in ('{late}', '{deleted}')") == [(1,)]
    assert query(incremental, "select is_reopened from marts.fct_opportunities "
                              f"where opportunity_id = '{landing['reopened']}'") == [(True,)]
    assert query(incremental, "select count(*) from intermediate.int_lead_stage_events "
                              "where event_source = 'opportunity_won' and lead_id = ("
                              "select lead_id from staging.stg_crm__opportunities "
                              f"where opportunity_id = '{landing['won']}')") == [(1,)]

    # Day 3: two drop files are withdrawn and a day-1 file is rewritten in place.
    (raw / "lead_status_changes" / "day2.csv").unlink()
    (raw / "leads" / "day2.csv").unlink()
    rewritten = raw / "activities" / "day1.csv"
    con = duckdb.connect()
    _copy(con, f"select * from {_csv(rewritten)} where activity_id not like '%1'",
          rewritten.with_name("rewritten.tmp"))
    con.close()
    rewritten.with_name("rewritten.tmp").replace(rewritten)
    # A run that stops after int_lead_stage_events (as a failure would): the
    # models after it must still see the changes it took in, on the next run.
    _build(landing, "incremental", "build", "--select", "+int_lead_stage_events")
    _build(landing, "incremental", command="refresh")
    full = _build(landing, "full_day3")
    assert_same_tables(incremental, full)
    for table in ("leads", "lead_status_changes"):
        assert query(incremental, f"select count(*) from staging.base_crm__{table}_parsed "
                                  f"where _source_file = '{table}/day2.csv'") == [(0,)]
    assert query(incremental, "select count(*) from audit.audit_quarantine "
                              f"where record_key like '{late}%' "
                              "and primary_reason = 'orphan_reference'")[0][0] > 0

    # Day 4: the future cutoff moves back before the last day, so rows kept on
    # day 3 are future_timestamp now; day 5: it moves on again (the default,
    # the run's start), so they are staged again, as in the day-3 build.
    cutoff = ("--vars", '{"future_cutoff": "2026-06-25T00:00:00"}')
    _build(landing, "incremental", "refresh", *cutoff)
    assert_same_tables(incremental, _build(landing, "full_day4", "build", *cutoff))
    assert query(incremental, "select count(*) from staging.base_crm__activities "
                              "where primary_issue = 'future_timestamp'")[0][0] > 0
    # A lead-keyed model whose input's kept fingerprints are missing (built
    # before they existed) rebuilds every lead of that input on every run
    # until they are kept again: here their rows are spoilt between two such
    # runs (the fingerprints stand for activities the input's rows do not hold).
    con = duckdb.connect(str(incremental))
    con.execute("drop table intermediate.int_lead_activity_summary__lead_fingerprints")
    con.close()
    only_behaviour = ("--select", "int_mql_lead_behaviour")
    _build(landing, "incremental", "build", *only_behaviour, *cutoff)
    con = duckdb.connect(str(incremental))
    con.execute("update intermediate.int_mql_lead_behaviour set demo_requests = -1 "
                "where lead_id in (select lead_id from intermediate.int_lead_activity_summary)")
    con.close()
    _build(landing, "incremental", "build", *only_behaviour, *cutoff)
    assert query(incremental, "select count(*) from intermediate.int_mql_lead_behaviour "
                              "where demo_requests = -1") == [(0,)]
    # Rows decided by other code or seeds (another _logic_version) are decided
    # again: here some with a wrong outcome, as an older model could have left.
    con = duckdb.connect(str(incremental))
    for table in ("leads", "activities", "lead_status_changes"):
        con.execute(f"update staging.base_crm__{table} set _logic_version = 'older', "
                    "_row_outcome = 'superseded' where _row_outcome = 'staged' "
                    "and hash(_row_hash) % 10 = 0")
    con.close()
    _build(landing, "incremental", command="refresh")
    assert_same_tables(incremental, full)

"""Tests of the demo-data generator (scripts/funnel/generate.py).

The planted truths are read from ``PLANTED`` (never typed here) and checked on the raw
files the generator writes, computed directly with DuckDB.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT_DIR / "scripts"))

from funnel import generate as gen  # noqa: E402
from funnel.generate import PLANTED, generate  # noqa: E402

SEEDS_DIR = PROJECT_DIR / "seeds"

# The contract's columns (CONTRACT.md), in order.
CONTRACT_COLUMNS = {
    "leads": ["lead_id", "created_at", "updated_at", "email", "full_name", "company_name",
              "job_title", "industry", "employee_count", "country", "lead_source", "campaign_id",
              "owner_id", "lead_score", "status", "disqualification_reason", "is_deleted"],
    "lead_status_changes": ["lead_id", "status", "changed_at", "reason"],
    "opportunities": ["opportunity_id", "lead_id", "created_at", "updated_at", "stage", "amount",
                      "currency", "owner_id", "closed_at", "loss_reason", "is_deleted"],
    "deals": ["deal_id", "opportunity_id", "signed_at", "amount", "currency", "term_months"],
    "activities": ["activity_id", "lead_id", "occurred_at", "activity_type", "owner_team",
                   "campaign_id"],
    "campaigns": ["campaign_id", "campaign_name", "channel", "program_type", "started_at",
                  "ended_at"],
    "campaign_spend": ["campaign_id", "spend_date", "amount", "currency"],
    "users": ["user_id", "full_name", "team", "region", "manager_id"],
}
STATUSES = {"new", "working", "nurture", "mql", "sal", "rejected", "sql", "disqualified",
            "converted"}
ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$")
# kinds that change rows in place (the others add rows)
IN_PLACE_KINDS = {"email_case_spaces", "invalid_email", "placeholder_label",
                  "unmapped_lead_source", "unknown_campaign", "unknown_owner", "status_variant",
                  "out_of_order", "unknown_stage", "amount_as_text"}


def _con(out: Path, fmt: str = "csv") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for table in gen.TABLES:
        path = out / f"{table}.{fmt}"
        reader = (f"read_csv('{path}', all_varchar = true, header = true)" if fmt == "csv"
                  else f"read_parquet('{path}')")
        con.execute(f"create view {table} as select * from {reader}")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


def _seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / name, newline="") as fh:
        return list(csv.DictReader(fh))


def _file_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("clean")
    return out, generate(out, leads=3000, seed=11)


@pytest.fixture(scope="module")
def effects(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """20,000 leads with one row per lead of everything the planted effects need."""
    out = tmp_path_factory.mktemp("effects")
    generate(out, leads=20_000, seed=5)
    con = _con(out)
    mapping = SEEDS_DIR / "channel_mapping.csv"
    seniority = SEEDS_DIR / "seniority_patterns.csv"
    con.execute(f"""
        create table latest_leads as
        select * from leads
        qualify row_number() over (
            partition by lead_id order by coalesce(updated_at, created_at) desc) = 1;
        create table latest_opps as
        select * from opportunities
        qualify row_number() over (partition by opportunity_id order by updated_at desc) = 1;
        create table won as
        select distinct lead_id from latest_opps
        where stage = 'closed_won' and lead_id is not null;
        create table first_mql as
        select lead_id, min(changed_at::timestamptz) as mql_at, count(*) as mqls
        from lead_status_changes where status = 'mql' group by lead_id;
        create table touch as
        select m.lead_id, min(a.occurred_at::timestamptz) as touch_at
        from first_mql m join activities a
          on a.lead_id = m.lead_id and a.owner_team = 'sales'
         and a.occurred_at::timestamptz >= m.mql_at
        group by m.lead_id;
        create table nurture_campaigns as
        select campaign_id from campaigns where program_type = 'nurture';
        create table act as
        with timed as (
            select a.*, m.mql_at is null or a.occurred_at::timestamptz < m.mql_at as before_mql
            from activities a left join first_mql m using (lead_id))
        select lead_id,
               count(*) filter (where activity_type = 'email_open') as opens,
               count(*) filter (where activity_type = 'content_download') as downloads,
               count(*) filter (where activity_type = 'webinar_attended') as webinars,
               count(*) filter (where activity_type = 'pricing_page_visit') as pricing,
               count(*) filter (where activity_type = 'demo_request') as demos,
               count(*) filter (where activity_type = 'email_open' and before_mql) as opens_b,
               count(*) filter (where activity_type = 'content_download' and before_mql)
                   as downloads_b,
               count(*) filter (where activity_type = 'webinar_attended' and before_mql)
                   as webinars_b,
               count(*) filter (where activity_type = 'pricing_page_visit' and before_mql)
                   as pricing_b,
               count(*) filter (where activity_type = 'demo_request' and before_mql) as demos_b,
               count(*) filter (where campaign_id in (select * from nurture_campaigns)
                                  and before_mql) as nurture_before_mql
        from timed group by lead_id;
        create table mapping as select * from read_csv('{mapping}');
        create table patterns as select * from read_csv('{seniority}');
        create table seniority as
        select l.lead_id, arg_min(p.seniority, p.priority) as seniority
        from latest_leads l join patterns p
          on regexp_matches(lower(coalesce(l.job_title, '')), p.pattern)
        group by l.lead_id;
        create table f as
        select l.lead_id, l.created_at::timestamptz as created_at,
               case when nullif(trim(l.lead_source), '') is null then 'unknown'
                    else coalesce(m.channel, 'other') end as channel,
               coalesce(s.seniority, 'unknown') as seniority,
               try_cast(l.employee_count as integer) as employees,
               try_cast(l.lead_score as integer) as lead_score,
               coalesce(a.opens, 0) as opens, coalesce(a.downloads, 0) as downloads,
               coalesce(a.webinars, 0) as webinars, coalesce(a.pricing, 0) as pricing,
               coalesce(a.demos, 0) as demos,
               coalesce(a.opens_b, 0) as opens_b, coalesce(a.downloads_b, 0) as downloads_b,
               coalesce(a.webinars_b, 0) as webinars_b, coalesce(a.pricing_b, 0) as pricing_b,
               coalesce(a.demos_b, 0) as demos_b,
               coalesce(a.nurture_before_mql, 0) as nurture_before_mql,
               fm.mql_at is not null as is_mql, coalesce(fm.mqls, 0) as mqls,
               epoch(t.touch_at - fm.mql_at) / 3600 as hours_to_touch,
               w.lead_id is not null as won
        from latest_leads l
        left join mapping m
          on m.raw_label = trim(regexp_replace(lower(l.lead_source), '[\\s_\\-]+', ' ', 'g'))
        left join seniority s using (lead_id)
        left join act a using (lead_id)
        left join first_mql fm using (lead_id)
        left join touch t using (lead_id)
        left join won w using (lead_id);
    """)
    return con


def _criterion_sql(name: str, before_mql: bool = False) -> str:
    """The criterion on activities ever, or strictly before the first MQL (all when the
    lead never was an MQL), the two ways a mart may count them."""
    p = PLANTED
    b = "_b" if before_mql else ""
    return {
        "seniority_c_level_or_vp": "seniority in ('c_level', 'vp')",
        "company_size_200_plus": f"employees >= {p.company_size_threshold}",
        "requested_demo": f"demos{b} > 0",
        "pricing_visits_2_plus": f"pricing{b} >= {p.pricing_visits_threshold}",
        "email_opens_5_plus": f"opens{b} >= {p.email_opens_threshold}",
        "content_download": f"downloads{b} > 0",
        "webinar_attended": f"webinars{b} > 0",
    }[name]


def _lift(con: duckdb.DuckDBPyConnection, condition: str) -> float:
    rate, base = con.execute(
        f"select avg(won::int) filter (where {condition}), avg(won::int) from f").fetchone()
    return rate / base


# ---------------------------------------------------------------------------------------
# Determinism, files, columns, counts
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path, fmt: str):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, leads=1500, seed=3, fmt=fmt, dirty=True)
    generate(b, leads=1500, seed=3, fmt=fmt, dirty=True)
    generate(c, leads=1500, seed=4, fmt=fmt, dirty=True)
    assert _file_bytes(a) == _file_bytes(b)
    fa, fc = _file_bytes(a), _file_bytes(c)
    for table in ("leads", "lead_status_changes", "opportunities", "activities"):
        assert fa[f"{table}.{fmt}"] != fc[f"{table}.{fmt}"]


def test_files_columns_and_row_counts(clean):
    out, summary = clean
    names = {p.name for p in out.iterdir()}
    assert names == {f"{t}.csv" for t in gen.TABLES} | {"_generator.json"}
    on_disk = json.loads((out / "_generator.json").read_text())
    assert on_disk["row_counts"] == summary["row_counts"]
    assert on_disk["seed"] == 11 and on_disk["leads"] == 3000
    assert on_disk["data_end"] == PLANTED.data_end
    assert on_disk["params"]["predictive_criteria"] == list(PLANTED.predictive_criteria)
    for table, columns in CONTRACT_COLUMNS.items():
        with open(out / f"{table}.csv", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == columns, table
        assert len(rows) - 1 == summary["row_counts"][table], table
        assert all(len(r) == len(columns) for r in rows)


def test_columns_match_the_dbt_sources():
    yml = PROJECT_DIR / "models" / "staging" / "crm" / "_crm__sources.yml"
    if not yml.exists():
        pytest.skip("no sources file yet")
    import yaml

    tables = yaml.safe_load(yml.read_text())["sources"][0]["tables"]
    for t in tables:
        if t["name"] in CONTRACT_COLUMNS:
            assert [c["name"] for c in t["columns"]] == CONTRACT_COLUMNS[t["name"]], t["name"]


def test_keys_unique_and_references_resolve(clean):
    out, _ = clean
    con = _con(out)
    assert _one(con, "select count(distinct lead_id) from leads") == 3000
    assert _one(con, "select count(*) from leads where nullif(lead_id, '') is null") == 0
    # one row per lead version: (lead_id, updated_at) unique among versions with updated_at
    assert _one(con, """select count(*) from (select lead_id, coalesce(updated_at, created_at)
                        from leads group by all having count(*) > 1)""") == 0
    for table, key in (("deals", "deal_id"), ("activities", "activity_id"),
                       ("users", "user_id"), ("campaigns", "campaign_id")):
        assert _one(con, f"select count(*) - count(distinct {key}) from {table}") == 0, table
    assert _one(con, """select count(*) from (select opportunity_id, updated_at
                        from opportunities group by all having count(*) > 1)""") == 0
    for table in ("lead_status_changes", "activities"):
        assert _one(con, f"""select count(*) from {table}
                             where lead_id not in (select lead_id from leads)""") == 0
    assert _one(con, """select count(*) from opportunities where lead_id is not null
                        and lead_id not in (select lead_id from leads)""") == 0
    assert _one(con, """select count(*) from deals
                        where opportunity_id not in (select opportunity_id from opportunities)
                     """) == 0
    # every lead starts `new` at created_at; vocabulary is canonical in clean data
    assert _one(con, """select count(distinct lead_id) from lead_status_changes
                        where status = 'new'""") == 3000
    statuses = {r[0] for r in con.execute("select distinct status from lead_status_changes")
                .fetchall()}
    assert statuses <= STATUSES
    stages = {r[0] for r in con.execute("select distinct stage from opportunities").fetchall()}
    assert stages <= {"discovery", "demo", "proposal", "negotiation", "closed_won",
                      "closed_lost"}


def test_volumes_per_lead_and_cdc(clean):
    out, summary = clean
    rows = summary["row_counts"]
    assert 5.0 <= rows["activities"] / 3000 <= 9.0
    assert rows["lead_status_changes"] / 3000 >= 2.0
    assert len(summary["owner_response_median_hours"]) >= 20
    assert 35 <= rows["users"] <= 45 and 25 <= rows["campaigns"] <= 35
    con = _con(out)
    multi = _one(con, """select count(*) from (select lead_id from leads group by 1
                         having count(*) > 1)""") / 3000
    assert 0.5 * PLANTED.lead_cdc_rate <= multi <= 1.5 * PLANTED.lead_cdc_rate
    assert _one(con, "select count(*) from leads where is_deleted = 'true'") > 0
    # the latest version carries the current status = the last status change
    mismatch = _one(con, """
        with latest as (select * from leads qualify row_number() over (
                 partition by lead_id order by coalesce(updated_at, created_at) desc) = 1),
             last_change as (select * from lead_status_changes qualify row_number() over (
                 partition by lead_id order by changed_at::timestamptz desc) = 1)
        select count(*) from latest join last_change using (lead_id)
        where latest.status <> last_change.status""")
    assert mismatch == 0
    # opportunities: CDC versions, sales-sourced ones, several currencies, deals after close
    assert _one(con, """select count(*) from (select opportunity_id from opportunities
                        group by 1 having count(*) > 1)""") > 0
    assert _one(con, "select count(*) from opportunities where lead_id is null") > 0
    currencies = {r[0] for r in con.execute("select distinct currency from opportunities")
                  .fetchall()}
    assert {"USD", "EUR"} <= currencies <= set(gen.CURRENCIES)
    assert _one(con, """select count(*) from deals d join opportunities o using (opportunity_id)
                        where o.closed_at is not null
                          and d.signed_at::timestamptz < o.closed_at::timestamptz""") == 0
    # a campaign with spend and no leads; leads on a campaign without spend
    assert _one(con, """select count(*) from campaigns where campaign_id in
                        (select campaign_id from campaign_spend) and campaign_id not in
                        (select campaign_id from leads where campaign_id is not null)""") >= 1
    assert _one(con, """select count(*) from leads where campaign_id is not null and
                        campaign_id not in (select campaign_id from campaign_spend)""") >= 1


def test_timestamps_are_iso_and_censored(clean):
    out, summary = clean
    con = _con(out)
    cols = [("leads", "created_at"), ("leads", "updated_at"),
            ("lead_status_changes", "changed_at"), ("opportunities", "created_at"),
            ("opportunities", "closed_at"), ("deals", "signed_at"),
            ("activities", "occurred_at")]
    end = PLANTED.data_end.replace("T", " ").replace("Z", "+00")
    texts = []
    for table, col in cols:
        values = [r[0] for r in con.execute(
            f"select {col} from {table} where {col} is not null").fetchall()]
        assert all(ISO_TS.match(v) for v in values), (table, col)
        texts += values
        assert _one(con, f"""select count(*) from {table}
                             where {col}::timestamptz > '{end}'::timestamptz""") == 0
    assert any(v.endswith("Z") for v in texts)
    assert any(re.search(r"[+-]\d{2}:\d{2}$", v) for v in texts)
    assert any(len(v) == 19 for v in texts)
    start = _one(con, "select min(created_at::timestamptz) from leads")
    last = _one(con, "select max(created_at::timestamptz) from leads")
    assert (last - start).days >= PLANTED.span_days - 5
    assert summary["data_start"] < PLANTED.data_end


def test_parquet_has_native_timestamps(tmp_path: Path):
    generate(tmp_path, leads=1000, seed=2, fmt="parquet")
    assert not (tmp_path / "leads.csv").exists()
    schema = pq.read_schema(tmp_path / "leads.parquet")
    created = schema.field("created_at").type
    assert pa.types.is_timestamp(created) and created.tz == "UTC"
    assert pq.read_schema(tmp_path / "opportunities.parquet").field("amount").type == pa.float64()
    assert pq.read_schema(tmp_path / "campaign_spend.parquet").field(
        "spend_date").type == pa.date32()
    # switching format replaces the other format's files
    generate(tmp_path, leads=1000, seed=2, fmt="csv")
    assert not (tmp_path / "leads.parquet").exists() and (tmp_path / "leads.csv").exists()


def test_labels_come_from_the_seeds(clean):
    out, _ = clean
    con = _con(out)
    mapping = {r["raw_label"] for r in _seed("channel_mapping.csv")}
    labels = [r[0] for r in con.execute("select lead_source from leads").fetchall()]
    norm = [re.sub(r"[\s_\-]+", " ", v.lower()).strip() if v else "" for v in labels]
    mapped = sum(v in mapping for v in norm)
    empty = sum(v == "" for v in norm)
    unmapped = len(norm) - mapped - empty
    assert mapped / len(norm) > 0.95 and empty > 0 and unmapped > 0
    assert any(v != v.lower() for v in labels if v) and any("_" in v for v in labels if v)
    patterns = [(re.compile(r["pattern"]), r["seniority"])
                for r in _seed("seniority_patterns.csv")]
    titles = [r[0] or "" for r in con.execute("select job_title from leads").fetchall()]
    matched = sum(any(p.search(t.lower()) for p, _ in patterns) for t in titles)
    assert 0.8 < matched / len(titles) < 0.97  # some titles map to `unknown`


def test_chunks_continue_ids_and_stay_deterministic(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(gen, "CHUNK_LEADS", 400)  # 1,000 leads in chunks of 400, 400, 200
    a, b = tmp_path / "a", tmp_path / "b"
    summary = generate(a, leads=1000, seed=13, dirty=True)
    generate(b, leads=1000, seed=13, dirty=True)
    assert _file_bytes(a) == _file_bytes(b)
    con = _con(a)
    assert _one(con, """select count(distinct lead_id) from leads
                        where lead_id between 'L000000001' and 'L000001000'""") == 1000
    inj = summary["injected"]
    for table, key, kind in (("activities", "activity_id", "duplicate_key"),
                             ("deals", "deal_id", "duplicate_key")):
        assert _one(con, f"""select count({key}) - count(distinct {key}) from {table}
                             where coalesce(trim({key}), '') <> ''""") == _rows(
            inj, table, kind)
    assert _one(con, """select count(*) from (select opportunity_id, updated_at
                        from opportunities where coalesce(trim(opportunity_id), '') <> ''
                        group by all having count(*) > 1)""") <= _rows(
        inj, "opportunities", "extra_cdc_version")
    # at least dirty_min_rows per chunk and kind
    assert inj["leads"]["null_key"]["rows"] >= 3 * PLANTED.dirty_min_rows
    assert sum(summary["truth"]["leads_by_channel"].values()) == 1000


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_writing_beside_the_simulation_gives_the_same_bytes(tmp_path: Path, monkeypatch, fmt):
    # chunks of 400 leads: the writer thread has several chunks to keep in order
    monkeypatch.setattr(gen, "CHUNK_LEADS", 400)
    inline, beside = tmp_path / "inline", tmp_path / "beside"
    a = generate(inline, leads=1000, seed=13, dirty=True, fmt=fmt, background_writes=False)
    b = generate(beside, leads=1000, seed=13, dirty=True, fmt=fmt, background_writes=True)
    assert a == b
    assert _file_bytes(inline) == _file_bytes(beside)


class _FailingWriter:
    """A table writer that fails on its second chunk, as a full disk would."""

    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, 0

    def write_table(self, table) -> None:
        self.calls += 1
        if self.calls == 2:
            raise OSError("No space left on device")
        self.inner.write_table(table)

    def close(self) -> None:
        self.inner.close()


def test_a_failed_write_stops_the_generator_with_its_error(tmp_path: Path, monkeypatch):
    import threading

    monkeypatch.setattr(gen, "CHUNK_LEADS", 200)  # 1,000 leads: five chunks after the first
    opened = gen._open_writer

    def open_writer(path, table, schema, fmt):
        writer = opened(path, table, schema, fmt)
        return _FailingWriter(writer) if table == "activities" else writer

    monkeypatch.setattr(gen, "_open_writer", open_writer)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            generate(tmp_path / "out", leads=1000, seed=13)
            outcome.append(None)
        except BaseException as exc:  # the test looks at it
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the generator hung after a failed write"
    assert isinstance(outcome[0], OSError) and "No space left" in str(outcome[0])
    assert not (tmp_path / "out" / "_generator.json").exists()
    assert [t.name for t in threading.enumerate() if t.name == "generate-writer"] == []


def test_tiny_runs(tmp_path: Path):
    for leads in (1, 2):
        for fmt in ("csv", "parquet"):
            summary = generate(tmp_path / f"{leads}{fmt}", leads=leads, fmt=fmt, dirty=True)
            assert summary["truth"]["leads_reaching_stage"]["lead"] == leads


def test_cli_main(tmp_path: Path, capsys):
    assert gen.main(["--out", str(tmp_path), "--leads", "1000", "--seed", "9"]) == 0
    assert "leads=" in capsys.readouterr().out
    assert json.loads((tmp_path / "_generator.json").read_text())["seed"] == 9


# ---------------------------------------------------------------------------------------
# The planted effects, found in the raw files
# ---------------------------------------------------------------------------------------

def test_channels_volume_vs_quality(effects):
    rows = effects.execute("""select channel, count(*) as n, avg(won::int) as rate
                              from f group by 1 order by n desc""").fetchall()
    volume_leader = rows[0][0]
    assert volume_leader == PLANTED.volume_leader_channel
    sizable = [r for r in rows if r[1] >= 300]
    by_rate = sorted(sizable, key=lambda r: r[2])
    assert volume_leader in [r[0] for r in by_rate[:3]]
    assert by_rate[-1][0] == PLANTED.quality_leader_channel
    rate = {r[0]: r[2] for r in rows}
    assert rate[PLANTED.quality_leader_channel] > 4 * rate[PLANTED.volume_leader_channel]
    assert {"other", "unknown"} <= set(rate)


@pytest.mark.parametrize("before_mql", [False, True])
@pytest.mark.parametrize("criterion", PLANTED.predictive_criteria)
def test_predictive_criteria_lift(effects, criterion, before_mql):
    assert _lift(effects, _criterion_sql(criterion, before_mql)) > 1.5


@pytest.mark.parametrize("before_mql", [False, True])
@pytest.mark.parametrize("criterion", PLANTED.vanity_criteria)
def test_vanity_criteria_no_lift(effects, criterion, before_mql):
    assert 0.7 < _lift(effects, _criterion_sql(criterion, before_mql)) < 1.3


def test_weak_criteria_between(effects):
    for criterion in PLANTED.weak_criteria:
        assert 0.9 < _lift(effects, _criterion_sql(criterion)) < 1.5


def test_lead_score_is_miscalibrated(effects):
    p = PLANTED
    score_lift = _lift(effects, f"lead_score >= {p.mql_score_threshold}")
    demo_lift = _lift(effects, _criterion_sql("requested_demo"))
    assert score_lift < demo_lift
    corr_opens, corr_won = effects.execute(
        "select corr(lead_score, opens), corr(lead_score, won::int) from f").fetchone()
    assert corr_opens > 2 * corr_won


def test_biggest_leak_is_planted_stage(effects):
    stages = ["lead", "mql", "sal", "sql", "opportunity", "won"]
    rows = effects.execute("""
        with reach as (
            select lead_id,
                   max(case status when 'mql' then 1 when 'rejected' then 1 when 'sal' then 2
                                   when 'sql' then 3 when 'converted' then 4 else 0 end) as s
            from lead_status_changes group by 1)
        select case when w.lead_id is not null then 5 else s end as furthest, count(*)
        from reach left join won w using (lead_id) group by 1""").fetchall()
    lost_at = {stages[s]: n for s, n in rows if s < 5}
    assert max(lost_at, key=lost_at.get) == PLANTED.biggest_leak_stage


def test_speed_to_lead_decays(effects):
    fast, slow = effects.execute("""
        select avg(won::int) filter (where hours_to_touch < 4),
               avg(won::int) filter (where hours_to_touch >= 24)
        from f where is_mql""").fetchone()
    assert fast > 1.5 * slow


def test_nurture_moderate_touches_raise_conversion(effects):
    lo, hi = PLANTED.nurture_moderate_touches
    none, moderate = effects.execute(f"""
        select avg(won::int) filter (where nurture_before_mql = 0),
               avg(won::int) filter (where nurture_before_mql between {lo} and {hi})
        from f""").fetchone()
    assert moderate > 1.2 * none


def test_recycled_mqls_and_mql_false_negatives(effects):
    recycled_won = _one(effects, "select count(*) from f where mqls > 1 and won")
    assert recycled_won > 0
    won, won_mql = effects.execute(
        "select count(*) filter (where won), count(*) filter (where won and is_mql) from f"
    ).fetchone()
    assert 0.4 < won_mql / won < 0.95  # some buyers never were an explicit MQL


def test_truth_summary_matches_files(effects, tmp_path: Path):
    summary = generate(tmp_path, leads=2000, seed=8)
    con = _con(tmp_path)
    won = _one(con, """select count(distinct lead_id) from (select * from opportunities
                       qualify row_number() over (partition by opportunity_id
                                                  order by updated_at desc) = 1)
                       where stage = 'closed_won' and lead_id is not null""")
    assert summary["truth"]["won_leads"] == won
    assert sum(summary["truth"]["leads_by_channel"].values()) == 2000


# ---------------------------------------------------------------------------------------
# --dirty
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> tuple[Path, Path, dict]:
    clean_dir = tmp_path_factory.mktemp("dirty_base")
    dirty_dir = tmp_path_factory.mktemp("dirty")
    generate(clean_dir, leads=1000, seed=21)
    generate(dirty_dir, leads=1000, seed=21, dirty=True)
    injected = json.loads((dirty_dir / "_injected.json").read_text())
    return clean_dir, dirty_dir, injected


def _rows(injected: dict, table: str, kind: str) -> int:
    return injected.get(table, {}).get(kind, {}).get("rows", 0)


def test_dirty_every_kind_in_every_table(dirty):
    _, _, inj = dirty
    reasons = {r["reason"] for r in _seed("quarantine_reasons.csv")}
    for table in gen.TABLES:
        assert inj[table]["null_key"]["rows"] >= PLANTED.dirty_min_rows, table
    for table in ("leads", "lead_status_changes", "opportunities", "deals", "activities",
                  "campaign_spend"):
        for kind in ("unparseable_timestamp", "missing_required_value", "future_timestamp"):
            assert _rows(inj, table, kind) >= PLANTED.dirty_min_rows, (table, kind)
    for table in ("lead_status_changes", "deals", "activities"):
        assert _rows(inj, table, "orphan_reference") >= 3
    for table in ("opportunities", "deals", "campaign_spend"):
        assert _rows(inj, table, "negative_amount") >= 3
        assert _rows(inj, table, "unknown_currency") >= 3
        assert _rows(inj, table, "amount_as_text") >= 3
    assert _rows(inj, "lead_status_changes", "unknown_vocabulary") >= 3
    for table, entries in inj.items():
        for kind, entry in entries.items():
            assert entry["outcome"] in {"quarantined", "superseded", "repaired", "flagged"}
            if entry["outcome"] == "quarantined":
                assert entry["reason"] in reasons and entry["reason"] == kind, (table, kind)
            else:
                assert entry["reason"] is None


def test_dirty_added_rows_match_the_log(dirty):
    clean_dir, dirty_dir, inj = dirty
    clean_counts = json.loads((clean_dir / "_generator.json").read_text())["row_counts"]
    dirty_counts = json.loads((dirty_dir / "_generator.json").read_text())["row_counts"]
    for table in gen.TABLES:
        added = sum(e["rows"] for k, e in inj.get(table, {}).items() if k not in IN_PLACE_KINDS)
        assert dirty_counts[table] - clean_counts[table] == added, table


def test_dirty_counts_match_the_files(dirty):
    clean_dir, dirty_dir, inj = dirty
    con = _con(dirty_dir)
    keys = {"leads": "lead_id", "lead_status_changes": "lead_id",
            "opportunities": "opportunity_id", "deals": "deal_id", "activities": "activity_id",
            "campaigns": "campaign_id", "campaign_spend": "campaign_id", "users": "user_id"}
    for table, key in keys.items():
        n = _one(con, f"select count(*) from {table} where coalesce(trim({key}), '') = ''")
        assert n == _rows(inj, table, "null_key"), table
    ts_cols = {"leads": ["created_at"], "lead_status_changes": ["changed_at"],
               "opportunities": ["created_at", "closed_at"], "deals": ["signed_at"],
               "activities": ["occurred_at"], "campaign_spend": ["spend_date"]}
    for table, cols in ts_cols.items():
        bad = " or ".join(f"{c} in ('not a date', '2025-13-45')" for c in cols)
        assert _one(con, f"select count(*) from {table} where {bad}") == _rows(
            inj, table, "unparseable_timestamp"), table
        fut = " or ".join(f"{c} like '2099%'" for c in cols)
        assert _one(con, f"select count(*) from {table} where {fut}") == _rows(
            inj, table, "future_timestamp"), table
    missing = {
        "leads": "created_at is null",
        "lead_status_changes": "status is null",
        "opportunities": "stage in ('closed_won', 'closed_lost') and closed_at is null",
        "deals": "signed_at is null",
        "activities": "occurred_at is null",
        "campaign_spend": "spend_date is null",
    }
    for table, cond in missing.items():
        assert _one(con, f"select count(*) from {table} where {cond}") == _rows(
            inj, table, "missing_required_value"), table
    for table in ("opportunities", "deals", "campaign_spend"):
        assert _one(con, f"select count(*) from {table} where currency = 'XYZ'") == _rows(
            inj, table, "unknown_currency"), table
        assert _one(con, f"select count(*) from {table} where trim(amount) like '-%'") == _rows(
            inj, table, "negative_amount"), table
        assert _one(con, f"""select count(*) from {table}
                             where amount like '%,%' or amount like ' %'""") == _rows(
            inj, table, "amount_as_text"), table
    assert _one(con, "select count(*) from lead_status_changes where lower(status) = 'zombie'"
                ) == _rows(inj, "lead_status_changes", "unknown_vocabulary")
    variants = _one(con, f"""select count(*) from lead_status_changes
                             where status not in ({", ".join(f"'{s}'" for s in STATUSES)})
                               and lower(status) <> 'zombie'""")
    assert variants == _rows(inj, "lead_status_changes", "status_variant")
    leads = "(select lead_id from leads where nullif(trim(lead_id), '') is not null)"
    for table in ("lead_status_changes", "activities"):
        assert _one(con, f"""select count(*) from {table} where nullif(trim(lead_id), '')
                             is not null and lead_id not in {leads}""") == _rows(
            inj, table, "orphan_reference"), table
    assert _one(con, """select count(*) from deals where opportunity_id not in
                        (select opportunity_id from opportunities
                         where nullif(trim(opportunity_id), '') is not null)""") == _rows(
        inj, "deals", "orphan_reference")
    assert _one(con, f"""select count(*) from opportunities where lead_id is not null
                         and lead_id not in {leads}""") == _rows(
        inj, "opportunities", "unknown_lead_id")
    assert _one(con, "select count(*) from opportunities where lower(stage) = 'on hold'") == (
        _rows(inj, "opportunities", "unknown_stage"))
    for table, key in (("activities", "activity_id"), ("deals", "deal_id"),
                       ("users", "user_id"), ("campaigns", "campaign_id")):
        assert _one(con, f"""select count({key}) - count(distinct {key}) from {table}
                             where coalesce(trim({key}), '') <> ''""") == _rows(
            inj, table, "duplicate_key"), table
    assert _one(con, """select (select count(*) from lead_status_changes)
                        - (select count(*) from (select distinct * from lead_status_changes))
                     """) == _rows(inj, "lead_status_changes", "exact_duplicate")
    assert _one(con, "select count(*) from leads where owner_id = 'U999'") == _rows(
        inj, "leads", "unknown_owner")
    assert _one(con, "select count(*) from leads where campaign_id = 'CMP-999'") == _rows(
        inj, "leads", "unknown_campaign")
    assert _one(con, """select count(*) from leads
                        where lead_source in ('Podcast', 'Carrier Pigeon')""") == _rows(
        inj, "leads", "unmapped_lead_source")
    assert _one(con, """select count(*) from leads where email not like 'lead%@example.com'
                        and email not like '%(at)%' and email not in ('not-an-email', '@@')
                     """) == _rows(inj, "leads", "email_case_spaces")
    assert _one(con, """select count(*) from leads where email in ('not-an-email', '@@')
                        or email like '%(at)%'""") == _rows(inj, "leads", "invalid_email")
    # extra CDC versions: rows of known (not fresh) lead ids beyond the clean file's
    clean = _con(clean_dir)
    known = _one(con, f"""select count(*) from leads where lead_id in
                          (select lead_id from read_csv('{clean_dir}/leads.csv',
                                                        all_varchar = true))""")
    assert known - _one(clean, "select count(*) from leads") == _rows(
        inj, "leads", "extra_cdc_version")


def test_dirty_parquet(tmp_path: Path, dirty):
    _, dirty_dir, inj = dirty
    summary = generate(tmp_path, leads=1000, seed=21, dirty=True, fmt="parquet")
    csv_counts = json.loads((dirty_dir / "_generator.json").read_text())["row_counts"]
    assert summary["row_counts"] == csv_counts
    pq_inj = json.loads((tmp_path / "_injected.json").read_text())
    strip = {t: {k: v for k, v in e.items() if k != "amount_as_text"} for t, e in inj.items()}
    assert pq_inj == strip
    con = _con(tmp_path, "parquet")
    assert _one(con, "select count(*) from deals where currency = 'XYZ'") == _rows(
        inj, "deals", "unknown_currency")


def test_clean_run_removes_stale_injection_log(tmp_path: Path):
    generate(tmp_path, leads=1000, seed=1, dirty=True)
    assert (tmp_path / "_injected.json").exists()
    generate(tmp_path, leads=1000, seed=1)
    assert not (tmp_path / "_injected.json").exists()

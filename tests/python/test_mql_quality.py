"""The MQL-quality marts on generated demo data find what the generator planted.

The demo data (conftest.demo_warehouse: 30,000 leads, seed 42) is built once per
test session with every model and dbt test (contracts, unit tests, reconciliations),
and shared read-only by the mart tests. The truth is read from
``funnel.generate.PLANTED`` and ``seeds/mql_criteria.csv``, never typed here.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import DEMO_LEADS, DEMO_SEED, PROJECT_DIR, query
from funnel.dbt import TARGET_DIR
from funnel.generate import PLANTED

LEADS = DEMO_LEADS
SEED = DEMO_SEED
CRITERIA_SEED = PROJECT_DIR / "seeds" / "mql_criteria.csv"


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Path) -> Path:
    """The session's demo build (conftest.demo_warehouse: LEADS leads, SEED)."""
    return demo_warehouse


def seed_rows() -> dict[str, dict[str, str]]:
    with CRITERIA_SEED.open(newline="") as handle:
        return {row["criterion_name"]: row for row in csv.DictReader(handle)}


def criterion_lift(database: Path, names: tuple[str, ...]) -> dict[str, tuple]:
    """(leads, wins, lift, lift_ci_low, lift_ci_high, verdict) of each criterion's `met` row."""
    rows = query(database, f"""
        select criterion_name, leads, wins, lift, lift_ci_low, lift_ci_high, verdict
        from marts.mart_mql_criteria_lift
        where criterion_value = 'met'
          and criterion_name in ({", ".join(f"'{name}'" for name in names)})
    """)
    return {row[0]: row[1:] for row in rows}


def test_seed_has_the_planted_criteria_with_the_planted_thresholds() -> None:
    rows = seed_rows()
    planted = (*PLANTED.predictive_criteria, *PLANTED.vanity_criteria,
               *PLANTED.weak_criteria)
    missing = [name for name in planted if name not in rows]
    assert not missing, f"seeds/mql_criteria.csv lacks planted criteria {missing}"
    thresholds = {
        "pricing_visits_2_plus": PLANTED.pricing_visits_threshold,
        "email_opens_5_plus": PLANTED.email_opens_threshold,
        "company_size_200_plus": PLANTED.company_size_threshold,
    }
    for name, threshold in thresholds.items():
        assert (rows[name]["operator"], float(rows[name]["value"])) == ("gte", threshold), name


def test_planted_predictive_criteria_are_predictive(warehouse: Path) -> None:
    lifts = criterion_lift(warehouse, PLANTED.predictive_criteria)
    assert set(lifts) == set(PLANTED.predictive_criteria), lifts
    for name, (leads, wins, lift, low, high, verdict) in lifts.items():
        assert verdict == "predictive", (name, leads, wins, lift, low, high, verdict)
        assert low > 1, (name, lift, low, high)


def test_planted_vanity_criteria_are_not_predictive(warehouse: Path) -> None:
    lifts = criterion_lift(warehouse, PLANTED.vanity_criteria)
    assert set(lifts) == set(PLANTED.vanity_criteria), lifts
    for name, (leads, wins, lift, low, high, verdict) in lifts.items():
        assert verdict != "predictive", (name, leads, wins, lift, low, high, verdict)
        assert low <= 1, (name, lift, low, high)


def test_proposed_rule_uses_the_planted_predictive_criteria_only(warehouse: Path) -> None:
    in_rule = {row[0] for row in query(warehouse, """
        select criterion_name from marts.mart_mql_criteria_lift where is_in_proposed_rule
    """)}
    assert set(PLANTED.predictive_criteria) <= in_rule, in_rule
    assert not in_rule & set(PLANTED.vanity_criteria), in_rule


def test_proposed_rule_beats_the_miscalibrated_lead_score(warehouse: Path) -> None:
    rows = query(warehouse, """
        select definition, auc, f1_score, evaluation_leads, evaluation_wins
        from marts.mart_mql_rule_proposal
    """)
    by_definition = {row[0]: row[1:] for row in rows}
    rule_auc, rule_f1, leads, wins = by_definition["proposed_rule"]
    score_auc = by_definition["lead_score"][0]
    current_f1 = by_definition["current_definition"][1]
    assert leads > 0 and wins > 0, by_definition
    assert score_auc < rule_auc, by_definition
    assert current_f1 < rule_f1, by_definition


def test_the_criteria_row_check_names_a_criterion_that_fans_out_or_loses_leads(
    warehouse: Path, tmp_path: Path,
) -> None:
    """assert_mql_criteria_evaluated_one_row_per_lead stands for the key test on
    (lead_id, criterion_name): it must fail on a duplicated and on a lost row."""
    compiled = (TARGET_DIR / "compiled" / "lead_funnel" / "tests"
                / "assert_mql_criteria_evaluated_one_row_per_lead.sql").read_text()
    copy = tmp_path / warehouse.name  # the same file stem: compiled SQL names it
    shutil.copy(warehouse, copy)
    con = duckdb.connect(str(copy))
    try:
        table = "intermediate.int_mql_criteria_evaluated"
        leads = con.execute("select count(*) from intermediate.int_mql_lead_fields").fetchone()[0]
        assert con.execute(compiled).fetchall() == []
        # The model is a view: put its rows in a table of the same name to break them.
        con.execute(f"create table {table}_rows as select * from {table}")
        con.execute(f"drop view {table}")
        con.execute(f"alter table {table}_rows rename to int_mql_criteria_evaluated")
        first, second = sorted(seed_rows())[:2]
        con.execute(f"insert into {table} select * from {table} "
                    f"where criterion_name = '{first}' limit 1")
        con.execute(f"delete from {table} where criterion_name = '{second}' and lead_id = "
                    f"(select min(lead_id) from {table} where criterion_name = '{second}')")
        assert sorted(con.execute(compiled).fetchall()) == [
            (first, leads + 1, leads), (second, leads - 1, leads)]
    finally:
        con.close()

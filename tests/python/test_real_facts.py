"""Funnel facts on the real public exports: the facts agree with the raw files.

Expected values are computed here from the raw files in ../shared/data/real, never
typed: Olist's MQL file lists every lead and its closed-deals file every win; Maven's
pipeline file says which opportunities were Won and Lost.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import query, run_funnel
from real_exports import MAVEN_DIR, OLIST_DIR, load_maven, load_olist


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def build(root: Path) -> Path:
    database = root / "warehouse" / "funnel.duckdb"
    proc = run_funnel("build", "--no-publish", landing_dir=root / "raw", database=database)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return database


@pytest.fixture(scope="module")
def olist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("olist_facts")
    load_olist(root / "raw")
    return build(root)


@pytest.fixture(scope="module")
def maven(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("maven_facts")
    load_maven(root / "raw")
    return build(root)


def test_olist_every_mql_is_a_lead_of_the_funnel(olist: Path) -> None:
    mqls = {row["mql_id"] for row in read_rows(
        OLIST_DIR / "olist_marketing_qualified_leads_dataset.csv")}
    leads = {lead_id for (lead_id,) in query(olist, "select lead_id from marts.fct_lead_funnel")}
    assert mqls == leads
    explicit = query(olist, "select count(*) from marts.fct_lead_funnel where is_explicit_mql")
    assert explicit == [(len(mqls),)]


def test_olist_won_leads_are_exactly_the_closed_deals(olist: Path) -> None:
    won = {row["mql_id"] for row in read_rows(OLIST_DIR / "olist_closed_deals_dataset.csv")}
    facts = {lead_id for (lead_id,) in query(
        olist, "select lead_id from marts.fct_lead_funnel where is_won")}
    assert facts == won
    outcomes = query(olist, "select count(*) from marts.fct_lead_funnel "
                            "where is_won and funnel_outcome = 'won' and won_at is not null")
    assert outcomes == [(len(won),)]


def test_maven_won_and_lost_counts_equal_the_file(maven: Path) -> None:
    stages = [row["deal_stage"] for row in read_rows(MAVEN_DIR / "sales_pipeline.csv")]
    rows = query(maven, "select count(case when is_won then 1 end), "
                        "count(case when is_lost then 1 end) from marts.fct_opportunities")
    assert rows == [(stages.count("Won"), stages.count("Lost"))]


def test_maven_opportunities_are_sales_sourced_with_booked_deals(maven: Path) -> None:
    pipeline = read_rows(MAVEN_DIR / "sales_pipeline.csv")
    won_value = sum(float(row["close_value"]) for row in pipeline if row["deal_stage"] == "Won")
    rows = query(maven, "select count(*) filter (where not is_sales_sourced), "
                        "sum(deals_count), round(sum(booked_amount_reporting), 2) "
                        "from marts.fct_opportunities")
    [(not_sales_sourced, deals, booked)] = rows
    assert not_sales_sourced == 0
    assert deals == sum(1 for row in pipeline if row["deal_stage"] == "Won")
    assert booked == pytest.approx(won_value, rel=1e-9)

"""Map the real public exports under ``shared/data/real/`` into contract landing folders.

Each ``load_*`` function reads one data set (see its ``SOURCE.md``), writes ``<table>.csv``
files with the contract's column names into ``out_dir`` and returns a few facts (rows
written per table, the files read). Values are copied **as text, as given**: messy labels,
placeholders (``Select``, ``unknown``), empty cells, ``0.0`` amounts and the Excel date
formats of the variants all pass through, because cleaning them is the project's job.
The only values this module makes up are keys derived from a real key (``opp_<mql_id>``),
constant columns the source implies (currency, team) and the X Education timestamps
(the file has none); each is listed below. Every written file carries the full contract
header of its table; unmapped columns are empty. Tables a data set does not have are
header-only when required (leads, lead_status_changes, opportunities, deals) and absent
when optional (activities, campaigns, campaign_spend, users).

``variant="excel_resaved"`` (etc.) reads ``variants/<variant>__<file>`` in place of each
canonical file that has such a copy; the other files stay canonical. ``variants(name)``
lists the variants on disk.

Olist "Marketing Funnel" (real, anonymised B2B seller acquisition; BRL)
-----------------------------------------------------------------------
- leads, one per MQL row: lead_id = mql_id; created_at = first_contact_date (date only, so
  midnight UTC); lead_source = origin as given (1,099 ``unknown`` and 60 empty stay two
  kinds of missing); campaign_id = landing_page_id: the closest thing to a first-touch
  campaign (495 pages). Olist has no campaign table, so no campaigns file is written and
  every lead is kept with an unknown campaign (flagged ``has_unknown_campaign``).
  owner_id = the deal's sdr_id, known only for the 842 won leads (the other MQLs have no
  recorded owner: owner-level figures on Olist are survivors only). status is empty:
  every lead has status changes, which the contract prefers. Closed-deal attributes
  (business_segment, lead_type, has_company, ...) are not mapped to lead columns: they
  were recorded by sales *after* the deal was won, so they would leak the outcome.
- lead_status_changes: ``mql`` at first_contact_date for every MQL; for every closed deal
  ``sql`` and ``converted`` at won_date (Olist has no timestamp between first contact and
  the win, so sal is skipped and sql/converted share the win time). One deal is won two
  days *before* its first contact: kept as given (the project flags negative durations).
- opportunities, one per closed deal: opportunity_id = ``opp_`` + mql_id; lead_id = mql_id;
  created_at = closed_at = won_date (no creation time exists); stage ``closed_won``;
  amount = declared_monthly_revenue as given (``0.0`` in 797 rows means "not declared",
  but the export cannot tell the project that, so it reads as a zero amount; one outlier
  is 50,000,000); currency ``BRL``; owner_id = sr_id. Olist publishes only *won* deals, so
  there are no lost or open opportunities and win rates per opportunity are 100%.
- deals, one per closed deal: deal_id = ``deal_`` + mql_id; opportunity_id as above;
  signed_at = won_date; same amount and currency.
- users: one row per (id, role): sdr_id -> team ``sdr``, sr_id -> team ``ae`` (ids are
  anonymous hashes, so no name). 13 ids appear in both roles; both rows are written and
  the project keeps one per user_id (the other counts as superseded).

Maven Analytics "CRM Sales Opportunities" (fictitious B2B hardware seller; USD)
------------------------------------------------------------------------------
- opportunities, one per sales_pipeline row: opportunity_id as given; lead_id empty (the
  pipeline has no leads: sales-sourced); created_at = engage_date; closed_at = close_date;
  stage = deal_stage as given (Won/Lost/Engaging/Prospecting; seeds/opportunity_stages.csv
  maps them to closed_won/closed_lost/discovery); amount = close_value as given (Lost rows
  carry 0, open rows are empty); currency ``USD``; owner_id = sales_agent. The 500
  Prospecting rows have no engage_date: the project quarantines them as
  missing_required_value, which is expected.
- deals, one per Won row: deal_id = ``deal_`` + opportunity_id; signed_at = close_date;
  amount = close_value; currency ``USD``.
- users, one per sales_teams row: user_id = full_name = sales_agent (the only identifier;
  names of fictitious people); team ``ae``; region = regional_office; manager_id = manager
  (managers have no row of their own; the contract does not check manager_id).
- leads and lead_status_changes are header-only. accounts/products are not mapped (the
  contract has no account or product table).

X Education "Leads.csv" (course-selling B2C lead scoring; no timestamps)
-----------------------------------------------------------------------
- leads, one per row: lead_id = Prospect ID; created_at is **synthetic**: 2020-01-01
  00:00:00 UTC plus (Lead Number - smallest Lead Number) seconds, so the lead order is kept
  and all 9,240 leads fall in one cohort day (cohort and duration figures mean nothing);
  lead_source = Lead Source and country = Country as given (``google`` vs ``Google``,
  ``unknown``, empties); lead_score = Asymmetrique Activity Score as given (7-18, not
  rescaled to 0-100; empty for 4,218). It is chosen over the Profile Score because a
  marketing lead score is mostly behavioural, and over Lead Quality/Tags because those
  are filled in by sales after contact (target leakage). status = ``converted`` when
  Converted = 1, else empty (the file only says "not converted").
- lead_status_changes: ``converted`` at the synthetic created_at for Converted = 1.
  X Education's "converted" means the lead paid for a course, i.e. won, but without an
  amount or date no opportunity or deal is invented: opportunities and deals are
  header-only, so the project's won flags stay false for this data set.
- Not mapped: the 30 other columns (occupation is not a job title, Specialization is a
  course interest, not an industry; the rest have no contract column).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

REAL_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
OLIST_DIR = REAL_DATA_DIR / "olist_marketing_funnel"
MAVEN_DIR = REAL_DATA_DIR / "maven_crm_sales"
X_EDUCATION_DIR = REAL_DATA_DIR / "x_education_leads"
DATASET_DIRS = {"olist": OLIST_DIR, "maven": MAVEN_DIR, "x_education": X_EDUCATION_DIR}

# The contract's columns of the tables written here (CONTRACT.md).
COLUMNS = {
    "leads": (
        "lead_id", "created_at", "updated_at", "email", "full_name", "company_name",
        "job_title", "industry", "employee_count", "country", "lead_source", "campaign_id",
        "owner_id", "lead_score", "status", "disqualification_reason", "is_deleted",
    ),
    "lead_status_changes": ("lead_id", "status", "changed_at", "reason"),
    "opportunities": (
        "opportunity_id", "lead_id", "created_at", "updated_at", "stage", "amount",
        "currency", "owner_id", "closed_at", "loss_reason", "is_deleted",
    ),
    "deals": ("deal_id", "opportunity_id", "signed_at", "amount", "currency", "term_months"),
    "users": ("user_id", "full_name", "team", "region", "manager_id"),
}
REQUIRED_TABLES = ("leads", "lead_status_changes", "opportunities", "deals")
X_EDUCATION_EPOCH = datetime(2020, 1, 1)


def variants(dataset: str) -> list[str]:
    """The variant names on disk for a data set (``olist``, ``maven``, ``x_education``)."""
    folder = DATASET_DIRS[dataset] / "variants"
    return sorted({p.name.split("__")[0] for p in folder.glob("*__*.csv")})


def _source(folder: Path, name: str, variant: str | None) -> Path:
    if variant:
        damaged = folder / "variants" / f"{variant}__{name}"
        if damaged.is_file():
            return damaged
    return folder / name


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(out_dir: Path, table: str, rows: Iterable[dict[str, str]]) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    with (out_dir / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS[table], restval="", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _write_all(out_dir: Path, tables: dict[str, list[dict[str, str]]], sources: list[Path]):
    rows = {table: _write(out_dir, table, tables.get(table, [])) for table in REQUIRED_TABLES}
    for table in tables.keys() - set(REQUIRED_TABLES):
        rows[table] = _write(out_dir, table, tables[table])
    return {"rows": rows, "sources": sources}


def _check_variant(dataset: str, variant: str | None) -> None:
    if variant is not None and variant not in variants(dataset):
        raise ValueError(f"{dataset} has no variant {variant!r}; known: {variants(dataset)}")


def load_olist(out_dir: Path, variant: str | None = None) -> dict:
    """Olist MQLs and closed deals -> leads, status changes, opportunities, deals, users."""
    _check_variant("olist", variant)
    mql_path = _source(OLIST_DIR, "olist_marketing_qualified_leads_dataset.csv", variant)
    deals_path = _source(OLIST_DIR, "olist_closed_deals_dataset.csv", variant)
    mqls, closed = _read(mql_path), _read(deals_path)
    sdr_of = {d["mql_id"]: d["sdr_id"] for d in closed}
    tables: dict[str, list[dict[str, str]]] = {
        "leads": [
            {
                "lead_id": m["mql_id"], "created_at": m["first_contact_date"],
                "lead_source": m["origin"], "campaign_id": m["landing_page_id"],
                "owner_id": sdr_of.get(m["mql_id"], ""),
            }
            for m in mqls
        ],
        "lead_status_changes": [
            {"lead_id": m["mql_id"], "status": "mql", "changed_at": m["first_contact_date"]}
            for m in mqls
        ],
        "opportunities": [], "deals": [], "users": [],
    }
    for d in closed:
        won, lead = d["won_date"], d["mql_id"]
        for status in ("sql", "converted"):
            tables["lead_status_changes"].append(
                {"lead_id": lead, "status": status, "changed_at": won}
            )
        money = {"amount": d["declared_monthly_revenue"], "currency": "BRL"}
        tables["opportunities"].append({
            "opportunity_id": f"opp_{lead}", "lead_id": lead, "created_at": won,
            "stage": "closed_won", "closed_at": won, "owner_id": d["sr_id"], **money,
        })
        tables["deals"].append(
            {"deal_id": f"deal_{lead}", "opportunity_id": f"opp_{lead}", "signed_at": won,
             **money}
        )
    for column, team in (("sdr_id", "sdr"), ("sr_id", "ae")):
        for user_id in sorted({d[column] for d in closed if d[column]}):
            tables["users"].append({"user_id": user_id, "team": team})
    return _write_all(out_dir, tables, [mql_path, deals_path])


def load_maven(out_dir: Path, variant: str | None = None) -> dict:
    """Maven sales pipeline -> opportunities, deals (Won rows), users; no leads."""
    _check_variant("maven", variant)
    pipeline_path = _source(MAVEN_DIR, "sales_pipeline.csv", variant)
    teams_path = _source(MAVEN_DIR, "sales_teams.csv", variant)
    pipeline = _read(pipeline_path)
    tables = {
        "opportunities": [
            {
                "opportunity_id": p["opportunity_id"], "created_at": p["engage_date"],
                "stage": p["deal_stage"], "amount": p["close_value"], "currency": "USD",
                "owner_id": p["sales_agent"], "closed_at": p["close_date"],
            }
            for p in pipeline
        ],
        "deals": [
            {
                "deal_id": f"deal_{p['opportunity_id']}", "opportunity_id": p["opportunity_id"],
                "signed_at": p["close_date"], "amount": p["close_value"], "currency": "USD",
            }
            for p in pipeline
            if p["deal_stage"] == "Won"
        ],
        "users": [
            {
                "user_id": t["sales_agent"], "full_name": t["sales_agent"], "team": "ae",
                "region": t["regional_office"], "manager_id": t["manager"],
            }
            for t in _read(teams_path)
        ],
    }
    return _write_all(out_dir, tables, [pipeline_path, teams_path])


def load_x_education(out_dir: Path) -> dict:
    """X Education Leads.csv -> leads and `converted` status changes; no opportunities."""
    leads_path = X_EDUCATION_DIR / "Leads.csv"
    raw = _read(leads_path)
    first = min(int(r["Lead Number"]) for r in raw)
    leads, changes = [], []
    for r in raw:
        created = X_EDUCATION_EPOCH + timedelta(seconds=int(r["Lead Number"]) - first)
        created_at = created.strftime("%Y-%m-%d %H:%M:%S")
        converted = r["Converted"] == "1"
        leads.append({
            "lead_id": r["Prospect ID"], "created_at": created_at,
            "lead_source": r["Lead Source"], "country": r["Country"],
            "lead_score": r["Asymmetrique Activity Score"],
            "status": "converted" if converted else "",
        })
        if converted:
            changes.append(
                {"lead_id": r["Prospect ID"], "status": "converted", "changed_at": created_at}
            )
    return _write_all(out_dir, {"leads": leads, "lead_status_changes": changes}, [leads_path])

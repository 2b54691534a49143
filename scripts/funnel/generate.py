"""Deterministic demo data for the lead-to-revenue funnel: the contract's raw tables.

Every planted effect is a named field of :class:`GeneratorParams` (``PLANTED`` holds
the defaults, which tests read as the planted truth). The generator is vectorized with
numpy: leads are simulated in chunks of ``CHUNK_LEADS``; each chunk has its own random
stream seeded from ``(seed, chunk index)`` and is appended to one writer per table, so
memory is bounded and ``--leads`` scales to millions. There is no wall clock: the data
spans ``span_days`` ending at ``data_end`` and every event later than ``data_end`` has
simply not happened yet (censoring), so recent cohorts are immature.

The causal story, the planted truths and the ``--dirty`` kinds are documented in
docs/GENERATOR.md.

Usage (with ``scripts/`` on ``sys.path``)::

    python -m funnel.generate --out data/raw --leads 50000 [--seed 42] [--dirty]
                              [--format csv|parquet]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import queue
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

DAY = 86_400.0
HOUR = 3_600.0
CHUNK_LEADS = 500_000
STATIC_STREAM = 2**31 - 1  # random-stream index of the per-seed (not per-chunk) tables

# ---------------------------------------------------------------------------------------
# Fixed vocabularies (labels, not effects: the effects live in GeneratorParams)
# ---------------------------------------------------------------------------------------

#: raw lead_source labels per channel; all but the `other`/`unknown` ones are raw_label
#: values of seeds/channel_mapping.csv (case, spaces and underscores are varied on output)
CHANNEL_LABELS: dict[str, tuple[str | None, ...]] = {
    "paid_social": ("linkedin ads", "facebook ads", "paid social", "linkedin", "facebook"),
    "paid_search": ("google ads", "paid search", "adwords", "ppc", "bing ads"),
    "organic_search": ("organic search", "google", "seo", "organic", "bing"),
    "content_syndication": ("content syndication", "content synd"),
    "webinar": ("webinar", "webinars"),
    "events": ("events", "trade show", "conference", "event"),
    "direct": ("direct", "website", "direct traffic"),
    "outbound": ("outbound", "sdr outbound", "cold call"),
    "display": ("display",),
    "email": ("email", "newsletter"),
    "social": ("social media", "social"),
    "chat": ("live chat", "chat", "olark chat"),
    "referral": ("referral", "customer referral", "referral sites"),
    "partner": ("partner", "partner referral"),
    # labels that are NOT in the mapping seed: the project maps them to `other`
    "other": ("TikTok", "G2 Crowd", "Reddit", "Capterra", "other publicities"),
    # empty / null labels: channel `unknown`
    "unknown": (None, "", "  "),
}

SENIORITY_TITLES: dict[str, tuple[str | None, ...]] = {
    "c_level": ("CEO", "Chief Marketing Officer", "CFO", "CTO", "Co-Founder",
                "Founder & CEO", "President", "Chief Revenue Officer", "Owner"),
    "vp": ("VP Sales", "VP of Marketing", "Vice President, Engineering", "SVP Operations",
           "Head of Growth", "Head of IT", "EVP Finance"),
    "director": ("Director of Marketing", "IT Director", "Sales Director", "Dir. Operations",
                 "Director, Procurement"),
    "manager": ("Marketing Manager", "Sales Manager", "IT Manager", "Team Lead",
                "Operations Supervisor", "Project Mgr"),
    "individual": ("Software Engineer", "Data Analyst", "Marketing Specialist",
                   "Sales Representative", "Account Executive", "Student", "Intern",
                   "Consultant", "Developer", "Accountant", "Administrative Assistant"),
    # titles that match no pattern of seeds/seniority_patterns.csv (plus nulls, placeholders)
    "unknown": ("Growth Hacker", "Marketing Ninja", "Evangelist", "Researcher", "Professor",
                "Freelancer", None, "Select", "n/a"),
}

REGIONS = ("NA", "EMEA", "LATAM", "APAC")
COUNTRY_LABELS: dict[str, tuple[str, ...]] = {
    "NA": ("US", "United States", "united states", "USA", "US", "CA", "Canada"),
    "EMEA": ("DE", "Germany", "GB", "United Kingdom", "UK", "FR", "France", "NL",
             "Netherlands", "es", "Spain"),
    "LATAM": ("BR", "Brazil", "brasil", "MX", "Mexico"),
    "APAC": ("IN", "India", "AU", "Australia", "SG", "Singapore"),
}
COUNTRY_PLACEHOLDERS: tuple[str | None, ...] = ("Select", "n/a", "", None, "--")
INDUSTRY_PLACEHOLDERS: tuple[str | None, ...] = (None, "Select", "N/A", "-")

STATUSES = ("new", "working", "nurture", "mql", "sal", "rejected", "sql", "disqualified",
            "converted")
S_NEW, S_WORKING, S_NURTURE, S_MQL, S_SAL, S_REJECTED, S_SQL, S_DQ, S_CONVERTED = range(9)
#: tie-break order of statuses at the same instant (the contract's stage order)
STATUS_ORDER = np.array([0, 1, 2, 3, 4, 4, 5, 6, 6])

ACTIVITY_TYPES = ("email_open", "email_click", "content_download", "webinar_attended",
                  "pricing_page_visit", "demo_request", "call", "sales_email", "meeting")
(A_OPEN, A_CLICK, A_DOWNLOAD, A_WEBINAR, A_PRICING, A_DEMO, A_CALL, A_SALES_EMAIL,
 A_MEETING) = range(9)
ACTIVITY_TEAM = np.array([0, 0, 0, 0, 0, 0, 1, 1, 1])  # 0 marketing, 1 sales

OPP_STAGES = ("discovery", "demo", "proposal", "negotiation", "closed_won", "closed_lost")
CURRENCIES = ("USD", "EUR", "GBP", "BRL", "INR")
#: rough USD per unit, only to put amounts in each currency's scale
CURRENCY_USD = np.array([1.0, 1.1, 1.27, 0.19, 0.012])
REGION_CURRENCY_P = np.array([  # rows: REGIONS, columns: CURRENCIES
    [1.0, 0.0, 0.0, 0.0, 0.0],
    [0.2, 0.5, 0.3, 0.0, 0.0],
    [0.3, 0.0, 0.0, 0.7, 0.0],
    [0.5, 0.0, 0.0, 0.0, 0.5],
])

#: (name, channel, program_type, daily spend in USD at 50k leads (0 = no spend rows),
#:  spend currency, gets leads, always on)
CAMPAIGNS: tuple[tuple[str, str, str, float, str, bool, bool], ...] = (
    ("LinkedIn Ads - Always On", "paid_social", "acquisition", 520, "USD", True, True),
    ("LinkedIn Ads - ABM Q3", "paid_social", "acquisition", 300, "USD", True, False),
    ("Facebook Lead Gen", "paid_social", "acquisition", 260, "USD", True, False),
    ("Facebook Retargeting EMEA", "paid_social", "acquisition", 180, "EUR", True, False),
    ("LinkedIn Ads - UK", "paid_social", "acquisition", 150, "GBP", True, False),
    ("Google Ads - Brand", "paid_search", "acquisition", 260, "USD", True, True),
    ("Google Ads - Generic", "paid_search", "acquisition", 340, "USD", True, False),
    ("Bing Ads - Generic", "paid_search", "acquisition", 90, "USD", True, False),
    ("Google Ads - DACH", "paid_search", "acquisition", 140, "EUR", True, False),
    ("Content Syndication - TechTarget", "content_syndication", "acquisition", 260, "USD",
     True, False),
    ("Content Syndication - Bombora", "content_syndication", "acquisition", 200, "USD",
     True, False),
    ("Display - Retargeting", "display", "acquisition", 160, "USD", True, False),
    # spend but no leads: a pure awareness buy
    ("Display - Brand Awareness", "display", "acquisition", 220, "USD", False, False),
    ("SaaStr Annual", "events", "acquisition", 400, "USD", True, False),
    ("Web Summit", "events", "acquisition", 350, "EUR", True, False),
    ("Regional Roadshow", "events", "acquisition", 200, "USD", True, False),
    ("Webinar Series - Product", "webinar", "acquisition", 40, "USD", True, True),
    ("Webinar - Industry Trends", "webinar", "acquisition", 30, "USD", True, False),
    ("Webinar - Customer Stories", "webinar", "acquisition", 0, "USD", True, False),
    ("Monthly Newsletter", "email", "acquisition", 20, "USD", True, True),
    ("Social Organic Push", "social", "acquisition", 25, "USD", True, True),
    # leads but no spend
    ("Customer Referral Program", "referral", "acquisition", 0, "USD", True, True),
    ("Partner Co-Marketing", "partner", "acquisition", 0, "USD", True, True),
    ("SDR Outbound Sequences", "outbound", "acquisition", 0, "USD", True, True),
    ("Nurture - Onboarding Drip", "email", "nurture", 15, "USD", False, True),
    ("Nurture - Product Education", "email", "nurture", 15, "USD", False, True),
    ("Nurture - Case Studies", "email", "nurture", 0, "USD", False, True),
    ("Nurture - Webinar Invites", "webinar", "nurture", 0, "USD", False, True),
    ("Nurture - Re-engagement", "email", "nurture", 10, "EUR", False, True),
    ("Nurture - Recycled MQLs", "email", "nurture", 0, "USD", False, True),
)

TABLES = ("leads", "lead_status_changes", "opportunities", "deals", "activities", "campaigns",
          "campaign_spend", "users")

#: column kinds: id/text -> string, ts -> timestamp, date -> date, int, num (amount), bool
SCHEMAS: dict[str, tuple[tuple[str, str], ...]] = {
    "leads": (("lead_id", "text"), ("created_at", "ts"), ("updated_at", "ts"),
              ("email", "text"), ("full_name", "text"), ("company_name", "text"),
              ("job_title", "text"), ("industry", "text"), ("employee_count", "int"),
              ("country", "text"), ("lead_source", "text"), ("campaign_id", "text"),
              ("owner_id", "text"), ("lead_score", "int"), ("status", "text"),
              ("disqualification_reason", "text"), ("is_deleted", "bool")),
    "lead_status_changes": (("lead_id", "text"), ("status", "text"), ("changed_at", "ts"),
                            ("reason", "text")),
    "opportunities": (("opportunity_id", "text"), ("lead_id", "text"), ("created_at", "ts"),
                      ("updated_at", "ts"), ("stage", "text"), ("amount", "num"),
                      ("currency", "text"), ("owner_id", "text"), ("closed_at", "ts"),
                      ("loss_reason", "text"), ("is_deleted", "bool")),
    "deals": (("deal_id", "text"), ("opportunity_id", "text"), ("signed_at", "ts"),
              ("amount", "num"), ("currency", "text"), ("term_months", "int")),
    "activities": (("activity_id", "text"), ("lead_id", "text"), ("occurred_at", "ts"),
                   ("activity_type", "text"), ("owner_team", "text"), ("campaign_id", "text")),
    "campaigns": (("campaign_id", "text"), ("campaign_name", "text"), ("channel", "text"),
                  ("program_type", "text"), ("started_at", "ts"), ("ended_at", "ts")),
    "campaign_spend": (("campaign_id", "text"), ("spend_date", "date"), ("amount", "num"),
                       ("currency", "text")),
    "users": (("user_id", "text"), ("full_name", "text"), ("team", "text"),
              ("region", "text"), ("manager_id", "text")),
}

# id formats: prefix, digits; injected fresh ids start at FRESH, orphan references at ORPHAN
ID_FORMATS = {"lead": ("L", 9), "opportunity": ("OPP", 8), "deal": ("D", 8),
              "activity": ("A", 11)}
FRESH_BASE = {"lead": 900_000_000, "opportunity": 90_000_000, "deal": 90_000_000,
              "activity": 90_000_000_000}
ORPHAN_BASE = {"lead": 990_000_000, "opportunity": 99_000_000}


# ---------------------------------------------------------------------------------------
# The planted truths
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GeneratorParams:
    """Every planted effect of the demo data. Log-odds effects add to a lead's latent
    buying propensity ``z`` (centered: the population mean of the structural part is 0)."""

    # -- time -------------------------------------------------------------------------
    data_end: str = "2026-06-30T23:59:59Z"
    """Last instant of the data; nothing happens after it (censoring). No wall clock."""
    span_days: int = 730
    """Leads are created over [data_end - span_days, data_end]."""
    lead_growth: float = 1.6
    """Lead volume on the last day relative to the first day (linear growth)."""
    weekend_shift_rate: float = 0.6
    """Share of weekend leads moved to the adjacent Friday/Monday (weekly seasonality)."""

    # -- latent buying propensity z -----------------------------------------------------
    channels: tuple[tuple[str, float, float], ...] = (
        # (channel, share of leads, log-odds effect on propensity)
        ("paid_social", 0.26, -1.1),
        ("paid_search", 0.17, -0.1),
        ("organic_search", 0.13, 0.2),
        ("content_syndication", 0.08, -0.7),
        ("webinar", 0.06, 0.1),
        ("events", 0.05, 0.3),
        ("direct", 0.06, 0.3),
        ("outbound", 0.04, -0.2),
        ("display", 0.03, -0.8),
        ("email", 0.03, 0.0),
        ("social", 0.025, -0.3),
        ("chat", 0.02, 0.2),
        ("referral", 0.025, 1.7),
        ("partner", 0.02, 1.0),
        ("other", 0.012, 0.0),
        ("unknown", 0.015, 0.0),
    )
    """Channels differ in volume vs quality: the biggest has one of the lowest win rates."""
    volume_leader_channel: str = "paid_social"
    """The channel with the most leads (and one of the lowest lead->won rates)."""
    quality_leader_channel: str = "referral"
    """A small channel with the highest lead->won rate."""
    seniorities: tuple[tuple[str, float, float], ...] = (
        # (seniority derived from job_title, share, log-odds effect)
        ("c_level", 0.06, 1.0),
        ("vp", 0.08, 0.9),
        ("director", 0.13, 0.3),
        ("manager", 0.22, 0.0),
        ("individual", 0.41, -0.45),
        ("unknown", 0.10, -0.2),
    )
    employee_log_median: float = math.log(60.0)
    """Company size: employee_count ~ lognormal(log median, sigma)."""
    employee_log_sigma: float = 1.5
    company_size_threshold: int = 200
    """Companies with at least this many employees buy more (criterion company_size_200_plus)."""
    company_size_effect: float = 0.9
    """Log-odds effect of employee_count >= company_size_threshold."""
    employee_count_missing_rate: float = 0.04
    industries: tuple[tuple[str, float, float], ...] = (
        ("Software", 0.22, 0.3),
        ("Financial Services", 0.12, 0.2),
        ("Healthcare", 0.10, 0.0),
        ("Manufacturing", 0.12, 0.0),
        ("Retail", 0.10, -0.1),
        ("Education", 0.08, -0.5),
        ("Government", 0.05, -0.3),
        ("Media", 0.06, -0.1),
        ("Logistics", 0.07, 0.1),
        ("Energy", 0.08, 0.1),
    )
    industry_missing_rate: float = 0.04
    propensity_noise_sd: float = 0.8
    """Unobserved part of the propensity."""
    regions: tuple[tuple[str, float], ...] = (("NA", 0.55), ("EMEA", 0.28), ("LATAM", 0.08),
                                              ("APAC", 0.09))
    country_placeholder_rate: float = 0.03

    # -- MQL criteria: which really predict winning --------------------------------------
    predictive_criteria: tuple[str, ...] = ("seniority_c_level_or_vp", "company_size_200_plus",
                                            "requested_demo", "pricing_visits_2_plus")
    """Criteria planted to predict winning (lift well above 1)."""
    vanity_criteria: tuple[str, ...] = ("email_opens_5_plus", "content_download")
    """Criteria planted to have no effect on winning (lift ~1)."""
    weak_criteria: tuple[str, ...] = ("webinar_attended",)
    """Weakly predictive (webinar attendance rises mildly with propensity)."""
    pricing_visits_threshold: int = 2
    """Criterion pricing_visits_2_plus: at least this many pricing_page_visit activities."""
    email_opens_threshold: int = 5
    """Criterion email_opens_5_plus: at least this many email_open activities."""
    demo_intercept: float = -2.6
    demo_slope: float = 1.1
    """P(demo_request) = sigmoid(demo_intercept + demo_slope * z): drawn from propensity."""
    demo_min_days: float = 7.0
    demo_delay_days: float = 14.0
    """A demo request comes demo_min_days + Exp(demo_delay_days) after creation."""
    pricing_log_rate: float = -1.4
    pricing_slope: float = 0.9
    """Pricing page visits ~ Poisson(exp(pricing_log_rate + pricing_slope * z))."""
    pricing_delay_days: float = 14.0
    engagement_shape: float = 2.0
    """Vanity engagement e ~ Gamma(shape, 1/shape), drawn independently of z."""
    email_open_mean: float = 2.6
    email_click_mean: float = 0.8
    content_download_mean: float = 0.6
    webinar_mean: float = 0.25
    webinar_propensity_slope: float = 0.3
    """Webinar attendance ~ Poisson(webinar_mean * e * exp(slope * z)): weakly predictive."""
    engagement_delay_days: tuple[tuple[str, float], ...] = (
        ("email_open", 2.0), ("content_download", 4.0), ("email_click", 8.0),
        ("webinar_attended", 10.0))
    """Mean days after creation of each engagement type (Exp): the onboarding emails are
    opened first, then content, clicks, webinars; before intent (demo, pricing) mostly."""

    # -- marketing's score and MQL rule ---------------------------------------------------
    lead_score_base: float = 47.0
    lead_score_propensity_weight: float = 0.75
    """The score is only weakly driven by propensity ..."""
    lead_score_noise_sd: float = 5.0
    lead_score_points: tuple[tuple[str, float], ...] = (
        ("email_open", 1.0), ("email_click", 8.0), ("content_download", 14.0),
        ("webinar_attended", 10.0), ("pricing_page_visit", 2.0))
    """... and mostly by (vanity) engagement: points per activity."""
    mql_score_threshold: int = 60
    """Marketing's MQL rule: lead_score >= threshold OR a demo_request."""
    mql_lag_minutes: tuple[float, float] = (1.0, 30.0)
    """The MQL status follows the activity that met the rule by this many minutes."""

    # -- funnel dynamics ------------------------------------------------------------------
    working_rate: float = 0.55
    working_delay_days: float = 1.5
    """Share of leads an SDR starts `working`, Exp(days) after creation."""
    ready_intercept: float = -2.3
    ready_slope: float = 1.2
    """P(sales-ready) = sigmoid(ready_intercept + ready_slope * z). Only sales-ready leads
    can win; readiness never depends on vanity engagement or on being an MQL."""
    ready_min_days: float = 10.0
    ready_delay_days: float = 45.0
    """A sales-ready lead that is not an MQL by then is found by an SDR (working -> sql)."""
    accept_if_ready: float = 0.8
    """P(sal | MQL, ready); the rest is rejected, recycled and accepted later."""
    accept_if_not_ready: float = 0.07
    """P(sal | MQL, not ready): sales accepts a few junk MQLs, which are disqualified."""
    biggest_leak_stage: str = "mql"
    """Most prospects are lost leaving MQL (sales rejects the score-driven MQLs)."""
    rejection_reasons: tuple[tuple[str, float], ...] = (
        ("not ready", 0.28), ("no budget", 0.22), ("wrong persona", 0.22), ("duplicate", 0.08),
        ("student", 0.1), ("competitor", 0.1))
    rejected_to_nurture_rate: float = 0.7
    """Rejected MQLs that are put into nurture (all sales-ready rejected ones are)."""
    recycle_rate: float = 0.25
    """Nurtured rejected MQLs (not ready) that become MQL again."""
    recycle_rate_ready: float = 0.9
    """Nurtured rejected MQLs (sales-ready) that become MQL again, are accepted, may win."""
    recycle_min_days: float = 14.0
    recycle_delay_days: float = 45.0
    demo_skip_sal_rate: float = 0.5
    """Accepted demo-request MQLs that go mql -> sql (skipping sal)."""
    demo_direct_sql_rate: float = 0.12
    """Sales-ready demo requesters that go straight to sql without ever being an MQL."""
    open_disqualify_rate: float = 0.06
    """Leads that never reach MQL / sales disqualified early (open_disqualify_reasons)."""
    open_disqualify_reasons: tuple[str, ...] = ("student", "competitor", "invalid contact",
                                                "duplicate", "spam")
    sales_disqualify_reasons: tuple[str, ...] = ("no budget", "no authority", "no need",
                                                 "bad timing", "unresponsive")
    win_intercept: float = -2.3
    win_slope: float = 0.9
    """P(win | reached sales, ready) = sigmoid(win_intercept + win_slope * z + nurture)
    * exp(-hours_to_first_touch / speed_decay_hours)."""
    win_step_exponents: tuple[float, float, float] = (0.2, 0.15, 0.65)
    """P(win) is split over sal->sql, sql->opportunity, opportunity->won as P**e."""

    # -- speed to lead ------------------------------------------------------------------
    response_hours_range: tuple[float, float] = (0.5, 72.0)
    """Each rep's median hours from MQL to first sales touch (log-spaced over the range)."""
    response_hours_sigma: float = 0.5
    """Per-lead lognormal noise around the rep's median."""
    speed_decay_hours: float = 48.0
    """Conversion after acceptance is multiplied by exp(-hours / speed_decay_hours)."""

    # -- nurture ------------------------------------------------------------------------
    nurture_enroll_rate: float = 0.3
    """Share of leads enrolled in a nurture program (independently of propensity)."""
    nurture_start_days: tuple[float, float] = (0.2, 2.0)
    """A program starts this many days after creation (uniform) ..."""
    nurture_touch_mean: float = 4.5
    nurture_gap_days: float = 0.6
    """... and sends Poisson(mean) touches about every 0.2 + Exp(gap) days."""
    nurture_touch_types: tuple[tuple[str, float], ...] = (
        ("email_click", 0.65), ("webinar_attended", 0.3), ("email_open", 0.05))
    nurture_moderate_touches: tuple[int, int] = (3, 8)
    """Nurture touches before MQL in this range raise conversion by nurture_effect ..."""
    nurture_effect: float = 1.0
    """... log-odds (on P(win | reached sales)); fewer touches give nurture_few_share of it,
    more touches than the range nurture_over_share of it (over-nurtured)."""
    nurture_few_share: float = 0.2
    nurture_over_share: float = 0.3
    recycle_touch_mean: float = 3.0
    """Touches of the recycling program between a rejection and the next MQL."""
    sales_followups_mean: float = 1.0
    """Sales calls / emails after acceptance (Poisson mean), besides a meeting at sql."""

    # -- opportunities and deals -----------------------------------------------------------
    opportunity_touches_mean: float = 1.5
    """Meetings / calls during an opportunity (Poisson mean)."""
    sales_sourced_opps_per_lead: float = 0.004
    """Opportunities created by sales with no lead (lead_id empty)."""
    sales_sourced_win_rate: float = 0.3
    amount_log_median_usd: float = math.log(22_000.0)
    amount_log_sigma: float = 0.6
    big_company_amount_factor: float = 1.8
    won_cycle_median_days: float = 55.0
    lost_cycle_median_days: float = 35.0
    loss_reasons: tuple[str, ...] = ("price", "competitor", "no decision", "timing",
                                     "missing feature", "budget")
    opp_versions_p: tuple[float, float, float] = (0.5, 0.3, 0.2)
    """CDC rows per opportunity: 1, 2 or 3 versions (stage moving forward)."""
    opp_deleted_rate: float = 0.003
    second_deal_rate: float = 0.15
    term_months: tuple[tuple[int, float], ...] = ((12, 0.5), (24, 0.3), (36, 0.2))

    # -- CDC of leads -----------------------------------------------------------------------
    lead_cdc_rate: float = 0.10
    """Leads exported 2-3 times with increasing updated_at; the latest version is current."""
    lead_deleted_rate: float = 0.01
    lead_updated_at_missing_rate: float = 0.05

    # -- timestamp text in CSV ---------------------------------------------------------------
    ts_offset_rate: float = 0.05
    """CSV timestamps written with a +02:00 / -05:00 / +05:30 offset (same instant)."""
    ts_naive_rate: float = 0.10
    """CSV timestamps written without offset (= UTC)."""

    # -- --dirty ------------------------------------------------------------------------------
    dirty_rate: float = 0.005
    dirty_min_rows: int = 3
    """Injected rows per kind: max(dirty_min_rows, dirty_rate * rows), per chunk."""

    # ---- derived helpers (not fields) -----------------------------------------------------
    def z_center(self) -> float:
        """Population mean of the structural propensity (so that z is centered)."""
        def mean(rows: tuple[tuple[str, float, float], ...]) -> float:
            shares = np.array([r[1] for r in rows])
            return float((shares / shares.sum()) @ np.array([r[2] for r in rows]))
        p_big = 0.5 * math.erfc((math.log(self.company_size_threshold) - self.employee_log_median)
                                / (self.employee_log_sigma * math.sqrt(2)))
        return (mean(self.channels) + mean(self.seniorities) + mean(self.industries)
                + self.company_size_effect * p_big)


PLANTED = GeneratorParams()


# ---------------------------------------------------------------------------------------
# Fast string building (pyarrow StringArrays straight from numpy byte buffers)
# ---------------------------------------------------------------------------------------

def _compact(buf: np.ndarray, lengths: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    n, w = buf.shape
    lengths = lengths.astype(np.int64)
    if valid is not None:
        lengths = np.where(valid, lengths, 0)
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if n and (lengths == w).all():
        data = buf.reshape(-1)
    else:
        data = buf[np.arange(w)[None, :] < lengths[:, None]]
    bitmap = None
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid.astype(np.uint8), bitorder="little"))
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)),
                                       pa.py_buffer(np.ascontiguousarray(data)), bitmap)


def _ndigits(x: np.ndarray) -> np.ndarray:
    d = np.ones(x.shape, np.int64)
    p = 10
    while p <= (x.max() if x.size else 0):
        d += x >= p
        p *= 10
    return d


def _put_int(buf: np.ndarray, start: np.ndarray | int, x: np.ndarray, width: np.ndarray | int):
    """Write x right-aligned in `width` digits (zero padded) at column `start`."""
    n = x.shape[0]
    v = x.astype(np.int64)
    if np.isscalar(start) and np.isscalar(width):  # fixed columns: plain slices
        for k in range(int(width)):
            buf[:, int(start) + int(width) - 1 - k] = 48 + v % 10
            v = v // 10
        return
    rows = np.arange(n)
    start = np.broadcast_to(np.asarray(start), (n,))
    width = np.broadcast_to(np.asarray(width), (n,))
    v = v.copy()
    for k in range(int(width.max()) if n else 0):
        sel = k < width
        buf[rows[sel], (start + width - 1 - k)[sel]] = 48 + (v[sel] % 10)
        v //= 10


def _ids(prefix: str, nums: np.ndarray, width: int, valid: np.ndarray | None = None) -> pa.Array:
    """'L000000123' style fixed-width ids."""
    n = nums.shape[0]
    pb = np.frombuffer(prefix.encode(), np.uint8)
    buf = np.empty((n, len(pb) + width), np.uint8)
    buf[:, : len(pb)] = pb
    _put_int(buf, len(pb), nums, width)
    return _compact(buf, np.full(n, buf.shape[1]), valid)


def _templated(prefix: str, nums: np.ndarray, suffix: str = "") -> pa.Array:
    """prefix + decimal number (no padding) + suffix, e.g. 'lead123@example.com'."""
    n = nums.shape[0]
    pb = np.frombuffer(prefix.encode(), np.uint8)
    sb = np.frombuffer(suffix.encode(), np.uint8)
    d = _ndigits(nums)
    w = len(pb) + (int(d.max()) if n else 1) + len(sb)
    buf = np.zeros((n, w), np.uint8)
    buf[:, : len(pb)] = pb
    _put_int(buf, len(pb), nums, d)
    rows = np.arange(n)
    for j, c in enumerate(sb):
        buf[rows, len(pb) + d + j] = c
    return _compact(buf, len(pb) + d + len(sb))


def _civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Days since 1970-01-01 -> (year, month, day), proleptic Gregorian."""
    z = days + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


#: CSV timestamp styles: (suffix, offset seconds)
TS_STYLES = (("Z", 0), ("", 0), ("+02:00", 7200), ("-05:00", -18_000), ("+05:30", 19_800))


def _day_table(d0: int, d1: int) -> np.ndarray:
    """'YYYY-MM-DD' bytes for every day d0..d1 (days since epoch)."""
    days = np.arange(d0, d1 + 1, dtype=np.int64)
    y, m, d = _civil(days)
    buf = np.zeros((days.size, 10), np.uint8)
    _put_int(buf, 0, y, 4)
    buf[:, 4] = buf[:, 7] = ord("-")
    _put_int(buf, 5, m, 2)
    _put_int(buf, 8, d, 2)
    return buf


def _sod_table() -> np.ndarray:
    """'HH:MM:SS' bytes for every second of the day."""
    sod = np.arange(86_400, dtype=np.int64)
    buf = np.zeros((86_400, 8), np.uint8)
    _put_int(buf, 0, sod // 3600, 2)
    buf[:, 2] = buf[:, 5] = ord(":")
    _put_int(buf, 3, (sod // 60) % 60, 2)
    _put_int(buf, 6, sod % 60, 2)
    return buf


_SOD = _sod_table()


def _ts_text(sec: np.ndarray, style: np.ndarray, valid: np.ndarray) -> pa.Array:
    """ISO-8601 text: 2025-03-04T10:22:31Z, without offset (UTC) or with an offset."""
    n = sec.shape[0]
    offs = np.array([s[1] for s in TS_STYLES], np.int64)[style]
    local = np.where(valid, sec, 0).astype(np.int64) + offs
    days = np.floor_divide(local, 86_400)
    sod = local - days * 86_400
    buf = np.zeros((n, 25), np.uint8)
    if n:
        d0 = int(days.min())
        buf[:, :10] = _day_table(d0, int(days.max()))[days - d0]
    buf[:, 10] = ord("T")
    buf[:, 11:19] = _SOD[sod]
    lengths = np.full(n, 19, np.int64)
    for k, (suffix, _) in enumerate(TS_STYLES):
        sel = style == k
        if suffix and sel.any():
            buf[np.ix_(np.flatnonzero(sel), np.arange(19, 19 + len(suffix)))] = np.frombuffer(
                suffix.encode(), np.uint8)
            lengths[sel] = 19 + len(suffix)
    return _compact(buf, lengths, valid)


def _date_text(days: np.ndarray) -> pa.Array:
    n = days.shape[0]
    y, m, d = _civil(days.astype(np.int64))
    buf = np.zeros((n, 10), np.uint8)
    _put_int(buf, 0, y, 4)
    buf[:, 4] = buf[:, 7] = ord("-")
    _put_int(buf, 5, m, 2)
    _put_int(buf, 8, d, 2)
    return _compact(buf, np.full(n, 10))


def _vocab(values: tuple | list, idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(list(values), pa.string())
    ind = pa.array(idx.astype(np.int32), mask=None if valid is None else ~valid)
    return arr.take(ind)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _group_starts(keys: np.ndarray) -> np.ndarray:
    """True at the first row of each run of equal keys (keys sorted)."""
    s = np.ones(keys.shape[0], bool)
    s[1:] = keys[1:] != keys[:-1]
    return s


def _group_cumsum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    cs = np.cumsum(values)
    before = (cs - values)[starts]
    return cs - before[np.cumsum(starts) - 1]


def _parse_ts(text: str) -> int:
    return int(np.datetime64(text.replace("Z", ""), "s").astype(np.int64))


# ---------------------------------------------------------------------------------------
# The static world: users and campaigns (one per seed)
# ---------------------------------------------------------------------------------------

class _World:
    def __init__(self, seed: int, leads: int, p: GeneratorParams):
        self.p = p
        self.seed = seed
        self.data_end = _parse_ts(p.data_end)
        self.start = self.data_end - p.span_days * DAY
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0, STATIC_STREAM]))
        self._users(rng)
        self._campaigns(rng, leads)

    # users: ids U001.., 1 head of sales, sdr manager + 16 sdrs, ae manager + 12 aes,
    # head of marketing + 8 marketers (40)
    def _users(self, rng: np.random.Generator) -> None:
        sdr_regions = ["NA"] * 7 + ["EMEA"] * 5 + ["LATAM"] * 2 + ["APAC"] * 2
        ae_regions = ["NA"] * 5 + ["EMEA"] * 4 + ["LATAM"] * 1 + ["APAC"] * 2
        rows: list[tuple[str, str, str, str | None]] = [("U001", "ae", "NA", None),
                                                        ("U002", "sdr", "NA", "U001")]
        rows += [(f"U{3 + i:03d}", "sdr", r, "U002") for i, r in enumerate(sdr_regions)]
        rows += [("U019", "ae", "NA", "U001")]
        rows += [(f"U{20 + i:03d}", "ae", r, "U019") for i, r in enumerate(ae_regions)]
        rows += [("U032", "marketing", "NA", None)]
        rows += [(f"U{33 + i:03d}", "marketing", ["NA", "EMEA"][i % 2], "U032")
                 for i in range(8)]
        self.user_rows = rows
        self.user_ids = [r[0] for r in rows]
        team = np.array([r[1] for r in rows])
        region = np.array([REGIONS.index(r[2]) for r in rows])
        self.sdr_idx = np.flatnonzero((team == "sdr") & (np.arange(len(rows)) != 1))
        self.ae_idx = np.flatnonzero((team == "ae") & (np.arange(len(rows)) != 0)
                                     & (np.arange(len(rows)) != 18))
        self.sdr_by_region = [self.sdr_idx[region[self.sdr_idx] == r] for r in range(4)]
        self.ae_by_region = [self.ae_idx[region[self.ae_idx] == r] for r in range(4)]
        lo, hi = self.p.response_hours_range
        owners = np.concatenate([self.sdr_idx, self.ae_idx])
        medians = np.exp(np.linspace(math.log(lo), math.log(hi), owners.size))
        self.response_median = np.full(len(rows), math.sqrt(lo * hi))
        self.response_median[owners] = medians[rng.permutation(owners.size)]

    def _campaigns(self, rng: np.random.Generator, leads: int) -> None:
        p = self.p
        start_day = int(self.start // DAY)
        end_day = int(self.data_end // DAY)
        span = end_day - start_day + 1
        rows = []
        for i, (name, channel, program, spend, cur, gets_leads, always) in enumerate(CAMPAIGNS):
            if always or program == "nurture":
                s, e = start_day, None
            else:
                dur = int(rng.integers(90, 360))
                s = start_day + int(rng.integers(0, span - 60))
                e = s + dur if s + dur <= end_day else None
            rows.append(dict(id=f"CMP-{i + 1:03d}", name=name, channel=channel,
                             program=program, spend=spend, currency=cur,
                             gets_leads=gets_leads, start=s, end=e))
        self.campaign_rows = rows
        self.channel_names = [c[0] for c in p.channels]
        self.nurture_campaigns = np.array([i for i, r in enumerate(rows)
                                           if r["program"] == "nurture"
                                           and r["id"] != "CMP-030"])
        self.recycle_campaign = next(i for i, r in enumerate(rows) if r["id"] == "CMP-030")
        # acquisition campaigns per channel that receive leads
        self.channel_campaigns = {
            c: np.array([i for i, r in enumerate(rows) if r["channel"] == c
                         and r["program"] == "acquisition" and r["gets_leads"]], int)
            for c in self.channel_names}
        self.camp_start = np.array([r["start"] * DAY for r in rows])
        self.camp_end = np.array([(r["end"] + 1) * DAY if r["end"] is not None else np.inf
                                  for r in rows])
        # spend: one row per campaign per active day (scaled to the number of leads)
        scale = leads / 50_000
        ids, days, amounts, curs = [], [], [], []
        fx = dict(zip(CURRENCIES, CURRENCY_USD, strict=True))
        for i, r in enumerate(rows):
            if r["spend"] <= 0:
                continue
            last = r["end"] if r["end"] is not None else end_day
            d = np.arange(r["start"], last + 1)
            amt = r["spend"] * scale / fx[r["currency"]] * rng.lognormal(0.0, 0.3, d.size)
            ids.append(np.full(d.size, i))
            days.append(d)
            amounts.append(np.round(amt, 2))
            curs.append(np.full(d.size, CURRENCIES.index(r["currency"])))
        self.spend = dict(campaign=np.concatenate(ids), day=np.concatenate(days),
                          amount=np.concatenate(amounts), currency=np.concatenate(curs))


# ---------------------------------------------------------------------------------------
# One chunk of leads: the causal simulation (numpy arrays, times as float seconds)
# ---------------------------------------------------------------------------------------

def _pick(rng: np.random.Generator, shares, n: int) -> np.ndarray:
    p = np.asarray(shares, float)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _pick_within(rng: np.random.Generator, group: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """A uniform index within each row's group: floor(u * size)."""
    return np.minimum((rng.random(group.size) * sizes[group]).astype(np.int64),
                      np.maximum(sizes[group] - 1, 0))


def _variant_vocab(groups: dict[str, tuple[str | None, ...]], variants) -> tuple[list, np.ndarray,
                                                                                  np.ndarray]:
    vocab: list[str | None] = []
    start, size = [], []
    for labels in groups.values():
        start.append(len(vocab))
        for lab in labels:
            vocab.extend([lab] if lab is None or lab.strip() == "" else variants(lab))
        size.append(len(vocab) - start[-1])
    return vocab, np.array(start), np.array(size)


def _source_variants(label: str) -> list[str]:
    if label != label.lower():  # labels outside the seed are kept as written
        return [label, label.lower()]
    title = label.title()
    return [label, title, title, label.upper(), title.replace(" ", "_"), f" {label} "]


def _title_variants(label: str) -> list[str]:
    return [label, label, label, label, label, label.lower(), label.upper()]


SOURCE_VOCAB, SOURCE_START, SOURCE_SIZE = _variant_vocab(CHANNEL_LABELS, _source_variants)
TITLE_VOCAB, TITLE_START, TITLE_SIZE = _variant_vocab(SENIORITY_TITLES, _title_variants)


class _Chunk:
    """Simulate `n` leads (global indices first .. first+n-1)."""

    def __init__(self, world: _World, ci: int, first: int, n: int, counters: dict[str, int]):
        self.w, self.p = world, world.p
        self.ci, self.first, self.n = ci, first, n
        self.rng = np.random.default_rng(np.random.SeedSequence([world.seed, 1, ci]))
        self.counters = counters
        with np.errstate(invalid="ignore"):  # inf - inf for events that never happen
            self._leads()
            self._timeline()
            self._opportunities()
            self._assemble_leads()

    # -- who the leads are -----------------------------------------------------------
    def _leads(self) -> None:
        p, w, rng, n = self.p, self.w, self.rng, self.n
        g = p.lead_growth
        a = (g - 1.0) / 2.0
        u = rng.random(n)
        x = u if a == 0 else (np.sqrt(1.0 + 4.0 * a * (1.0 + a) * u) - 1.0) / (2.0 * a)
        start_day = int(w.data_end // DAY) - p.span_days + 1
        days = start_day + np.minimum((x * p.span_days).astype(np.int64), p.span_days - 1)
        dow = (days + 3) % 7  # 0 = Monday
        shift = (dow >= 5) & (rng.random(n) < p.weekend_shift_rate)
        days = np.where(shift, days - (dow - 4), days)
        days = np.where(days < start_day, days + 3, days)
        sod = np.clip(rng.normal(14.5 * HOUR, 3.5 * HOUR, n), 0, DAY - 1)
        t0 = np.minimum(np.floor(days * DAY + sod), w.data_end)
        self.t0 = np.sort(t0)

        self.channel = _pick(rng, [c[1] for c in p.channels], n)
        ch_labels = np.array([SOURCE_START[list(CHANNEL_LABELS).index(c[0])]
                              for c in p.channels])
        ch_sizes = np.array([SOURCE_SIZE[list(CHANNEL_LABELS).index(c[0])] for c in p.channels])
        self.source_idx = ch_labels[self.channel] + _pick_within(rng, self.channel, ch_sizes)

        sen_names = [s[0] for s in p.seniorities]
        self.seniority = _pick(rng, [s[1] for s in p.seniorities], n)
        t_start = np.array([TITLE_START[list(SENIORITY_TITLES).index(s)] for s in sen_names])
        t_size = np.array([TITLE_SIZE[list(SENIORITY_TITLES).index(s)] for s in sen_names])
        self.title_idx = t_start[self.seniority] + _pick_within(rng, self.seniority, t_size)

        m = max(1, n // 3)
        comp_emp = np.clip(np.round(rng.lognormal(p.employee_log_median, p.employee_log_sigma,
                                                  m)), 1, 250_000).astype(np.int64)
        comp_ind = _pick(rng, [i[1] for i in p.industries], m)
        comp = rng.integers(0, m, n)
        self.company = self.first // 3 + comp + 1
        self.employees = comp_emp[comp]
        self.emp_missing = rng.random(n) < p.employee_count_missing_rate
        self.industry = comp_ind[comp]
        self.industry_missing = rng.random(n) < p.industry_missing_rate
        self.industry_lower = rng.random(n) < 0.1
        self.region = _pick(rng, [r[1] for r in p.regions], n)
        c_sizes = np.array([len(COUNTRY_LABELS[r]) for r in REGIONS])
        self.country_idx = _pick_within(rng, self.region, c_sizes)
        self.country_missing = rng.random(n) < p.country_placeholder_rate

        # owner: an SDR of the lead's region, sometimes an AE
        use_ae = rng.random(n) < 0.05
        owner = np.empty(n, np.int64)
        for r in range(len(REGIONS)):
            sel = self.region == r
            pool = np.where(use_ae[sel], 1, 0)
            sdr, ae = w.sdr_by_region[r], w.ae_by_region[r]
            owner[sel] = np.where(pool == 1, ae[rng.integers(0, ae.size, sel.sum())],
                                  sdr[rng.integers(0, sdr.size, sel.sum())])
        self.owner = owner

        # first-touch campaign: one of the channel's campaigns active at created_at
        camp = np.full(n, -1)
        wants = rng.random(n) < 0.65
        for ci, name in enumerate(w.channel_names):
            cands = w.channel_campaigns[name]
            sel = np.flatnonzero((self.channel == ci) & wants)
            if cands.size == 0 or sel.size == 0:
                continue
            t = self.t0[sel][:, None]
            active = (w.camp_start[cands][None, :] <= t) & (t < w.camp_end[cands][None, :])
            score = np.where(active, rng.random((sel.size, cands.size)), -1.0)
            best = score.argmax(axis=1)
            ok = score[np.arange(sel.size), best] >= 0
            camp[sel[ok]] = cands[best[ok]]
        self.campaign = camp

        big = self.employees >= p.company_size_threshold
        z = (np.array([c[2] for c in p.channels])[self.channel]
             + np.array([s[2] for s in p.seniorities])[self.seniority]
             + np.array([i[2] for i in p.industries])[self.industry]
             + p.company_size_effect * big - p.z_center())
        self.z = z + rng.normal(0.0, p.propensity_noise_sd, n)

    # -- what happens to them -----------------------------------------------------------
    def _timeline(self) -> None:
        p, w, rng, n, z, t0 = self.p, self.w, self.rng, self.n, self.z, self.t0
        end = w.data_end
        inf = np.inf
        acts: list[tuple[np.ndarray, np.ndarray, np.ndarray | int, np.ndarray | int]] = []

        def add_acts(lead, t, typ, camp=-1):
            acts.append((lead, np.floor(t), typ, camp))

        # intent (predictive) and engagement (vanity) activities
        demo = rng.random(n) < _sigmoid(p.demo_intercept + p.demo_slope * z)
        t_demo = np.where(demo, np.floor(t0 + (p.demo_min_days
                                               + rng.exponential(p.demo_delay_days, n)) * DAY),
                          inf)
        e = rng.gamma(p.engagement_shape, 1.0 / p.engagement_shape, n)
        counts = {
            A_OPEN: rng.poisson(p.email_open_mean * e),
            A_CLICK: rng.poisson(p.email_click_mean * e),
            A_DOWNLOAD: rng.poisson(p.content_download_mean * e),
            A_WEBINAR: rng.poisson(p.webinar_mean * e * np.exp(p.webinar_propensity_slope * z)),
            A_PRICING: rng.poisson(np.exp(p.pricing_log_rate + p.pricing_slope * z)),
        }
        idx = np.arange(n)
        sc_lead, sc_t, sc_type = [], [], []
        for typ, cnt in counts.items():
            lead = np.repeat(idx, cnt)
            delay = (p.pricing_delay_days if typ == A_PRICING
                     else dict(p.engagement_delay_days)[ACTIVITY_TYPES[typ]])
            t = np.floor(t0[lead] + (0.01 + rng.exponential(delay, lead.size)) * DAY)
            sc_lead.append(lead)
            sc_t.append(t)
            sc_type.append(np.full(lead.size, typ))

        # nurture program enrollment (independent of propensity)
        enrolled = rng.random(n) < p.nurture_enroll_rate
        t_enroll = np.where(enrolled, np.floor(t0 + rng.uniform(*p.nurture_start_days, n) * DAY),
                            inf)
        n_touch = np.where(enrolled, rng.poisson(p.nurture_touch_mean, n), 0)
        nt_lead = np.repeat(idx, n_touch)
        gaps = (0.2 + rng.exponential(p.nurture_gap_days, nt_lead.size)) * DAY
        nt_t = np.floor(t_enroll[nt_lead] + _group_cumsum(gaps, _group_starts(nt_lead)))
        nt_type = np.array([ACTIVITY_TYPES.index(t) for t, _ in p.nurture_touch_types])[
            _pick(rng, [s for _, s in p.nurture_touch_types], nt_lead.size)]
        lead_program = w.nurture_campaigns[rng.integers(0, w.nurture_campaigns.size, n)]

        # marketing's score: base (weakly propensity) + engagement points; MQL crossing
        points = np.zeros(len(ACTIVITY_TYPES))
        for name, pts in p.lead_score_points:
            points[ACTIVITY_TYPES.index(name)] = pts
        base = (p.lead_score_base + p.lead_score_propensity_weight * z
                + rng.normal(0.0, p.lead_score_noise_sd, n))
        # (program touches do not feed the score: the scoring model ignores program emails)
        sl = np.concatenate(sc_lead)
        st = np.concatenate(sc_t)
        sy = np.concatenate(sc_type)
        keep = st <= end
        sl, st, sy = sl[keep], st[keep], sy[keep]
        order = np.argsort(sl * 2.0**27 + (st - w.start + 30 * DAY), kind="stable")
        sl, st, sy = sl[order], st[order], sy[order]
        starts = _group_starts(sl)
        score_at = base[sl] + _group_cumsum(points[sy], starts)
        hit = np.round(score_at) >= p.mql_score_threshold
        prev = np.zeros_like(hit)
        prev[1:] = hit[:-1]
        first_hit = hit & (starts | ~prev)
        t_cross = np.full(n, inf)
        t_cross[sl[first_hit]] = st[first_hit]
        t_cross = np.where(np.round(base) >= p.mql_score_threshold, t0 + 60, t_cross)
        self._score_base = base
        # the MQL status is written by the marketing automation a few minutes after the
        # activity that met the rule (so that activity is strictly before the MQL)
        t_mql1 = np.minimum(t_cross, t_demo) + np.floor(
            rng.uniform(*p.mql_lag_minutes, n) * 60)

        # sales readiness (propensity only) and the route to sales
        ready = rng.random(n) < _sigmoid(p.ready_intercept + p.ready_slope * z)
        t_ready = np.where(ready, np.floor(t0 + (p.ready_min_days
                                                 + rng.exponential(p.ready_delay_days, n)) * DAY),
                           inf)
        direct = demo & ready & (rng.random(n) < p.demo_direct_sql_rate) & (t_demo <= t_ready)
        route_s = ready & ~direct & (t_ready < t_mql1)
        route_m = ~direct & ~route_s & np.isfinite(t_mql1)
        t_reach = np.where(direct, t_demo, np.where(route_s, t_ready, t_mql1))

        # nurture program touches stop when the lead reaches MQL / sales
        keep = nt_t <= t_reach[nt_lead]
        nt_lead, nt_t, nt_type = nt_lead[keep], nt_t[keep], nt_type[keep]
        n_before = np.bincount(nt_lead[nt_t < t_reach[nt_lead]], minlength=n)
        lo, hi = p.nurture_moderate_touches
        nurture_lift = np.where((n_before >= lo) & (n_before <= hi), p.nurture_effect,
                                np.where(n_before > hi, p.nurture_over_share * p.nurture_effect,
                                         np.where(n_before > 0, p.nurture_few_share
                                                  * p.nurture_effect, 0.0)))
        for lead, t, typ in zip(sc_lead, sc_t, sc_type, strict=True):
            add_acts(lead, t, typ)
        add_acts(np.flatnonzero(demo), t_demo[demo], A_DEMO)
        add_acts(nt_lead, nt_t, nt_type, lead_program[nt_lead])

        # speed to lead: hours from MQL to first sales touch, per owner
        med = w.response_median[self.owner]
        h1 = med * rng.lognormal(0.0, p.response_hours_sigma, n)
        h2 = med * rng.lognormal(0.0, p.response_hours_sigma, n)
        ft1 = np.floor(t_mql1 + h1 * HOUR)
        d1 = np.floor(ft1 + rng.uniform(0.25, 24, n) * HOUR)
        acc1 = route_m & np.where(ready, rng.random(n) < p.accept_if_ready,
                                  rng.random(n) < p.accept_if_not_ready)
        rej1 = route_m & ~acc1
        nur2 = rej1 & (ready | (rng.random(n) < p.rejected_to_nurture_rate))
        t_nur2 = np.floor(d1 + rng.uniform(1, 7, n) * DAY)
        remql = nur2 & np.where(ready, rng.random(n) < p.recycle_rate_ready,
                                rng.random(n) < p.recycle_rate)
        t_mql2 = np.floor(t_nur2 + (p.recycle_min_days
                                    + rng.exponential(p.recycle_delay_days, n)) * DAY)
        ft2 = np.floor(t_mql2 + h2 * HOUR)
        d2 = np.floor(ft2 + rng.uniform(0.25, 24, n) * HOUR)
        acc2 = remql & (ready | (rng.random(n) < p.accept_if_not_ready))
        rej2 = remql & ~acc2
        # recycled leads get touches of the recycling program until they are MQL again
        rt_n = np.where(nur2, rng.poisson(p.recycle_touch_mean, n), 0)
        rt_lead = np.repeat(idx, rt_n)
        rt_span = np.where(remql, t_mql2 - t_nur2, 90 * DAY)[rt_lead]
        rt_t = t_nur2[rt_lead] + rng.random(rt_lead.size) * rt_span
        rt_type = np.array([ACTIVITY_TYPES.index(t) for t, _ in p.nurture_touch_types])[
            _pick(rng, [s for _, s in p.nurture_touch_types], rt_lead.size)]
        add_acts(rt_lead, rt_t, rt_type, w.recycle_campaign)

        # acceptance -> sal / sql; route S (SDR finds a ready lead), route D (demo -> sql)
        acc_m = acc1 | acc2
        t_acc = np.where(acc1, d1, d2)
        h_eff = np.where(acc1 | ~route_m, h1, h2)
        skip = acc1 & demo & (t_demo <= t_cross) & (rng.random(n) < p.demo_skip_sal_rate)
        t_sal = np.where(acc_m & ~skip, t_acc, inf)
        t_sdr = np.floor(t_ready + rng.uniform(0.1, 4, n) * HOUR)

        t_sql_entry = np.where(skip, d1, np.where(route_s, np.floor(t_sdr + h1 * HOUR),
                                                  np.where(direct, np.floor(t_demo + h1 * HOUR),
                                                           inf)))
        pw = np.where(ready, _sigmoid(p.win_intercept + p.win_slope * z + nurture_lift)
                      * np.exp(-h_eff / p.speed_decay_hours), 0.0)
        e1, e2, e3 = p.win_step_exponents
        to_sql = np.isfinite(t_sal) & (rng.random(n) < pw**e1)
        t_sql = np.where(to_sql, np.floor(t_sal + (0.5 + rng.exponential(5, n)) * DAY),
                         t_sql_entry)
        dq_sal = np.isfinite(t_sal) & ~to_sql
        t_dq_sal = np.floor(t_sal + (1 + rng.exponential(14, n)) * DAY)
        conv_p = np.where(np.isfinite(t_sal), pw**e2, pw ** (e1 + e2))
        has_sql = np.isfinite(t_sql)
        conv = has_sql & (rng.random(n) < conv_p)
        t_conv = np.where(conv, np.floor(t_sql + (0.5 + rng.exponential(7, n)) * DAY), inf)
        dq_sql = has_sql & ~conv
        t_dq_sql = np.floor(t_sql + (2 + rng.exponential(20, n)) * DAY)
        self.opp_won = rng.random(n) < pw**e3
        self.t_conv = t_conv

        # working and (program) nurture statuses come before anything else happens
        nxt = np.where(route_s, t_sdr, t_reach)
        working = rng.random(n) < p.working_rate
        t_work = np.floor(t0 + rng.exponential(p.working_delay_days, n) * DAY)
        t_work = np.where(t_work < nxt, t_work, np.floor(t0 + 0.5 * (nxt - t0)))
        working &= t_work > t0
        nurt_status = enrolled & (t_enroll < nxt)
        # open leads that never reach MQL / sales may be disqualified
        last_open = np.maximum(np.where(working, t_work, t0), np.where(nurt_status, t_enroll, t0))
        t_dq_open = np.maximum(np.floor(t0 + rng.uniform(1, 40, n) * DAY), last_open + HOUR)
        dq_open = (rng.random(n) < p.open_disqualify_rate) & (t_dq_open < np.minimum(nxt, inf))
        dq_open &= ~np.isfinite(t_reach) | (t_reach > end)
        dq_open &= t_dq_open < t_reach

        # status changes
        ev: list[tuple[np.ndarray, int, np.ndarray, np.ndarray | int]] = []

        def add(mask, status, t, reason=-1):
            sel = np.flatnonzero(mask)
            r = reason if np.isscalar(reason) else reason[sel]
            ev.append((sel, status, t[sel], r))

        reasons = [r for r, _ in p.rejection_reasons]
        self.reason_vocab = ["recycled", "nurture program", *dict.fromkeys(
            reasons + list(p.open_disqualify_reasons) + list(p.sales_disqualify_reasons))]
        rv = {r: i for i, r in enumerate(self.reason_vocab)}
        rej_code = np.array([rv[r] for r in reasons])[
            _pick(rng, [s for _, s in p.rejection_reasons], n)]
        rej_code2 = np.array([rv[r] for r in reasons])[
            _pick(rng, [s for _, s in p.rejection_reasons], n)]
        open_dq = np.array([rv[r] for r in p.open_disqualify_reasons])[
            rng.integers(0, len(p.open_disqualify_reasons), n)]
        sales_dq = np.array([rv[r] for r in p.sales_disqualify_reasons])[
            rng.integers(0, len(p.sales_disqualify_reasons), n)]

        add(np.ones(n, bool), S_NEW, t0)
        add(working, S_WORKING, t_work)
        add(route_s & ~working, S_WORKING, t_sdr)
        add(nurt_status, S_NURTURE, t_enroll, rv["nurture program"])
        add(route_m, S_MQL, t_mql1)
        add(acc1 & ~skip, S_SAL, d1)
        add(rej1, S_REJECTED, d1, rej_code)
        add(nur2, S_NURTURE, t_nur2, rv["recycled"])
        add(remql, S_MQL, t_mql2)
        add(acc2, S_SAL, d2)
        add(rej2, S_REJECTED, d2, rej_code2)
        add(has_sql, S_SQL, t_sql)
        add(dq_sal, S_DQ, t_dq_sal, sales_dq)
        add(dq_sql, S_DQ, t_dq_sql, sales_dq)
        add(dq_open, S_DQ, t_dq_open, open_dq)
        add(conv, S_CONVERTED, t_conv)
        s_lead = np.concatenate([e[0] for e in ev])
        s_stat = np.concatenate([np.full(e[0].size, e[1]) for e in ev])
        s_t = np.concatenate([e[2] for e in ev])
        s_reason = np.concatenate([np.broadcast_to(e[3], e[0].shape) for e in ev])
        keep = s_t <= end
        s_lead, s_stat, s_t, s_reason = s_lead[keep], s_stat[keep], s_t[keep], s_reason[keep]
        key = (s_lead * 2.0**27 + (s_t - w.start + 30 * DAY)) * 8 + STATUS_ORDER[s_stat]
        order = np.argsort(key, kind="stable")
        self.sc = dict(lead=s_lead[order], status=s_stat[order], t=s_t[order],
                       reason=s_reason[order])
        self.sc_key = (self.sc["lead"] * 2.0**27 + (self.sc["t"] - w.start + 30 * DAY))

        # sales touches: first touch after each MQL, follow-ups, meetings, SDR touches
        first_type = np.where(rng.random(n) < 0.5, A_CALL, A_SALES_EMAIL)
        add_acts(np.flatnonzero(route_m), ft1[route_m], first_type[route_m])
        add_acts(np.flatnonzero(remql), ft2[remql], first_type[remql])
        add_acts(np.flatnonzero(route_s), t_sdr[route_s], A_CALL)
        add_acts(np.flatnonzero(direct), np.floor(t_demo + h1 * HOUR)[direct], A_CALL)
        fu_n = np.where(acc_m | has_sql, rng.poisson(p.sales_followups_mean, n), 0)
        fu_lead = np.repeat(idx, fu_n)
        fu_base = np.where(np.isfinite(t_acc), np.where(acc_m, t_acc, t_sql), t_sql)[fu_lead]
        fu_base = np.where(np.isfinite(fu_base), fu_base, t_sql[fu_lead])
        add_acts(fu_lead, fu_base + rng.uniform(0.1, 12, fu_lead.size) * DAY,
                 np.where(rng.random(fu_lead.size) < 0.5, A_CALL, A_SALES_EMAIL))
        add_acts(np.flatnonzero(has_sql), (t_sql + HOUR)[has_sql], A_MEETING)
        self._acts = acts
        self.truth = dict(ready=ready, route_m=route_m, route_s=route_s, direct=direct,
                          n_before=n_before, h1=h1)

    # -- opportunities and deals ----------------------------------------------------------
    def _opportunities(self) -> None:
        p, w, rng = self.p, self.w, self.rng
        end = w.data_end
        lead_opp = np.flatnonzero(np.isfinite(self.t_conv) & (self.t_conv <= end))
        n_ss = int(rng.binomial(self.n, p.sales_sourced_opps_per_lead))
        ss_created = np.floor(rng.uniform(w.start, end, n_ss))
        created = np.concatenate([self.t_conv[lead_opp], ss_created])
        lead = np.concatenate([lead_opp, np.full(n_ss, -1)])
        won = np.concatenate([self.opp_won[lead_opp], rng.random(n_ss) < p.sales_sourced_win_rate])
        region = np.concatenate([self.region[lead_opp], _pick(rng, [r[1] for r in p.regions],
                                                               n_ss)])
        big = np.concatenate([self.employees[lead_opp] >= p.company_size_threshold,
                              rng.random(n_ss) < 0.3])
        order = np.argsort(created, kind="stable")
        created, lead, won, region, big = (a[order] for a in (created, lead, won, region, big))
        m = created.size
        first_id = self.counters["opportunity"]
        self.counters["opportunity"] += m
        opp_id = first_id + np.arange(m) + 1

        cycle = np.where(won, rng.lognormal(math.log(p.won_cycle_median_days), 0.5, m),
                         rng.lognormal(math.log(p.lost_cycle_median_days), 0.7, m)) * DAY
        closed = np.floor(created + cycle)
        ladder = np.where(won, 4, rng.integers(1, 5, m))  # ladder stages reached (1..4)
        frac = np.array([0.0, 0.2, 0.45, 0.7])
        stage_t = np.floor(created[:, None] + frac[None, :] * cycle[:, None])  # (m, 4)
        stage_t[:, 0] = created
        reached = np.arange(4)[None, :] < ladder[:, None]
        n_ladder = (reached & (stage_t <= end)).sum(axis=1)  # >= 1 (created <= end)
        is_closed = closed <= end
        n_points = n_ladder + is_closed
        nv = np.minimum(_pick(rng, p.opp_versions_p, m) + 1, n_points)
        rows = np.repeat(np.arange(m), nv)
        starts = _group_starts(rows)
        v = _group_cumsum(np.ones(rows.size, np.int64), starts) - 1  # 0..nv-1
        point = n_points[rows] - nv[rows] + v  # index of the point of this version
        closed_row = point >= n_ladder[rows]
        lad = np.minimum(point, 3)
        stage = np.where(closed_row, np.where(won[rows], 4, 5), lad)
        upd = np.where(closed_row, closed[rows], stage_t[rows, lad])
        upd = np.where(v > 0, upd + np.floor(rng.uniform(0, 3600, rows.size)), upd)
        latest = v == nv[rows] - 1

        cur_p = REGION_CURRENCY_P[region]
        u = rng.random(m)[:, None]
        currency = (u > np.cumsum(cur_p, axis=1)).sum(axis=1).clip(0, len(CURRENCIES) - 1)
        usd = rng.lognormal(p.amount_log_median_usd, p.amount_log_sigma, m)
        usd *= np.where(big, p.big_company_amount_factor, 1.0)
        amount = np.round(usd / CURRENCY_USD[currency], -1)
        amount_row = np.where(latest, amount[rows], np.round(
            amount[rows] * rng.uniform(0.8, 1.2, rows.size), -1))
        ae = np.concatenate(w.ae_by_region)
        ae_start = np.cumsum([0] + [a.size for a in w.ae_by_region])[:-1]
        ae_size = np.array([a.size for a in w.ae_by_region])
        owner = ae[ae_start[region] + _pick_within(rng, region, ae_size)]
        loss = rng.integers(0, len(p.loss_reasons), m)
        deleted = rng.random(m) < p.opp_deleted_rate
        self.opp = dict(id=opp_id[rows], lead=lead[rows], created=created[rows], updated=upd,
                        stage=stage, amount=amount_row, currency=currency[rows],
                        owner=owner[rows], closed=np.where(closed_row, closed[rows], np.nan),
                        loss=np.where(stage == 5, loss[rows], -1),
                        deleted=latest & deleted[rows], latest=latest)
        self.opp_truth = dict(lead=lead, won=won & is_closed)

        # deals: won and closed opportunities, signed at/after closed_at
        wo = np.flatnonzero(won & is_closed)
        d1 = np.floor(closed[wo] + rng.uniform(0, 5, wo.size) * DAY)
        second = rng.random(wo.size) < p.second_deal_rate
        d2 = np.floor(d1 + rng.uniform(20, 180, wo.size) * DAY)
        opp_idx = np.concatenate([wo, wo[second]])
        signed = np.concatenate([d1, d2[second]])
        amt = np.concatenate([amount[wo], np.round(amount[wo][second]
                                                   * rng.uniform(0.1, 0.4, second.sum()), -1)])
        keep = signed <= end
        opp_idx, signed, amt = opp_idx[keep], signed[keep], amt[keep]
        order = np.argsort(signed, kind="stable")
        opp_idx, signed, amt = opp_idx[order], signed[order], amt[order]
        terms = np.array([t for t, _ in p.term_months])[
            _pick(rng, [s for _, s in p.term_months], opp_idx.size)]
        first_deal = self.counters["deal"]
        self.counters["deal"] += opp_idx.size
        self.deals = dict(id=first_deal + np.arange(opp_idx.size) + 1, opp=opp_id[opp_idx],
                          signed=signed, amount=amt, currency=currency[opp_idx], term=terms)

        # sales touches during the opportunity
        k = rng.poisson(p.opportunity_touches_mean, m)
        o = np.repeat(np.arange(m), k)
        span = np.minimum(closed[o], end) - created[o]
        t = created[o] + rng.random(o.size) * np.maximum(span, 0)
        has_lead = lead[o] >= 0
        self._acts.append((lead[o][has_lead], np.floor(t[has_lead]),
                           np.where(rng.random(o.size) < 0.5, A_MEETING, A_CALL)[has_lead], -1))

    # -- the leads table (CDC versions) and the activities ---------------------------------------
    def _assemble_leads(self) -> None:
        p, w, rng, n = self.p, self.w, self.rng, self.n
        end = w.data_end
        # activities (censored), sorted by lead and time
        lead = np.concatenate([a[0] for a in self._acts])
        t = np.concatenate([a[1] for a in self._acts])
        typ = np.concatenate([np.broadcast_to(a[2], a[0].shape) for a in self._acts])
        camp = np.concatenate([np.broadcast_to(a[3], a[0].shape) for a in self._acts])
        del self._acts
        keep = t <= end
        lead, t, typ, camp = lead[keep], t[keep], typ[keep], camp[keep]
        order = np.argsort((lead * 2.0**27 + (t - w.start + 30 * DAY)) * 16 + typ, kind="stable")
        lead, t, typ, camp = lead[order], t[order], typ[order], camp[order]
        first_id = self.counters["activity"]
        self.counters["activity"] += lead.size
        self.act = dict(id=first_id + np.arange(lead.size) + 1, lead=lead, t=t, type=typ,
                        campaign=camp)

        # final score: the same base as the MQL crossing + points of every activity so far
        points = np.zeros(len(ACTIVITY_TYPES))
        for name, pts in p.lead_score_points:
            points[ACTIVITY_TYPES.index(name)] = pts
        scored = camp < 0
        score = self._score_base + np.bincount(lead[scored], weights=points[typ[scored]],
                                               minlength=n)
        self.score = np.clip(np.round(score), 0, 100).astype(np.int64)

        # current status: the last status change
        sc = self.sc
        last = np.flatnonzero(np.r_[sc["lead"][1:] != sc["lead"][:-1], True])
        self.cur_status = sc["status"][last]
        self.cur_reason = np.where(np.isin(self.cur_status, [S_REJECTED, S_DQ]),
                                   sc["reason"][last], -1)
        last_t = sc["t"][last]

        # versions
        nv = 1 + (rng.random(n) < p.lead_cdc_rate) * (1 + (rng.random(n) < 0.4))
        upd_last = np.where(last_t > self.t0, last_t,
                            np.minimum(np.floor(self.t0 + rng.uniform(0.05, 30, n) * DAY), end))
        rows = np.repeat(np.arange(n), nv)
        starts = _group_starts(rows)
        v = _group_cumsum(np.ones(rows.size, np.int64), starts) - 1
        latest = v == nv[rows] - 1
        frac = np.where(latest, 1.0, (v + rng.random(rows.size)) / nv[rows])
        upd = np.floor(self.t0[rows] + frac * (upd_last[rows] - self.t0[rows]))
        qkey = rows * 2.0**27 + (upd - w.start + 30 * DAY)
        at = np.searchsorted(self.sc_key, qkey, side="right") - 1
        status = np.where(latest, self.cur_status[rows], sc["status"][at])
        reason = np.where(latest, self.cur_reason[rows],
                          np.where(np.isin(sc["status"][at], [S_REJECTED, S_DQ]),
                                   sc["reason"][at], -1))
        score_v = np.where(latest, self.score[rows],
                           np.round(self.score[rows] * rng.uniform(0.3, 0.9, rows.size)))
        upd_valid = ~(latest & (nv[rows] == 1) & (rng.random(rows.size)
                                                  < p.lead_updated_at_missing_rate))
        deleted = latest & (rng.random(rows.size) < p.lead_deleted_rate)
        self.lead_rows = dict(row=rows, updated=upd, updated_valid=upd_valid, status=status,
                              reason=reason, score=score_v.astype(np.int64), deleted=deleted,
                              latest=latest)


# ---------------------------------------------------------------------------------------
# Arrow tables
# ---------------------------------------------------------------------------------------

class _Out:
    """Column representations for one output format."""

    def __init__(self, fmt: str, dirty: bool, p: GeneratorParams):
        self.fmt, self.dirty, self.p = fmt, dirty, p
        self.text_ts = fmt == "csv" or dirty
        self.text_amount = fmt == "csv" and dirty

    def type(self, kind: str) -> pa.DataType:
        if kind == "ts":
            return pa.string() if self.text_ts else pa.timestamp("s", tz="UTC")
        if kind == "date":
            return pa.string() if self.text_ts else pa.date32()
        if kind == "int":
            return pa.int64()
        if kind == "num":
            return pa.string() if self.text_amount else pa.float64()
        if kind == "bool":
            return pa.bool_()
        return pa.string()

    def schema(self, table: str) -> pa.Schema:
        return pa.schema([(c, self.type(k)) for c, k in SCHEMAS[table]])

    def ts(self, rng: np.random.Generator, sec: np.ndarray, valid: np.ndarray | None = None):
        sec = np.asarray(sec, float)
        if valid is None:
            valid = np.isfinite(sec)
        valid = valid & np.isfinite(sec)
        sec_i = np.where(valid, sec, 0).astype(np.int64)
        if not self.text_ts:
            return pa.array(sec_i, type=pa.timestamp("s", tz="UTC"), mask=~valid)
        u = rng.random(sec_i.size)
        style = np.zeros(sec_i.size, np.int64)
        style[u < self.p.ts_naive_rate + self.p.ts_offset_rate] = 1
        off = u < self.p.ts_offset_rate
        style[off] = 2 + rng.integers(0, len(TS_STYLES) - 2, int(off.sum()))
        return _ts_text(sec_i, style, valid)

    def amount(self, values: np.ndarray) -> pa.Array:
        arr = pa.array(np.asarray(values, float), pa.float64())
        return pc.cast(arr, pa.string()) if self.text_amount else arr


def _chunk_tables(ch: _Chunk, out: _Out) -> dict[str, pa.Table]:
    rng = np.random.default_rng(np.random.SeedSequence([ch.w.seed, 2, ch.ci]))
    w, p = ch.w, ch.p
    lp, lw = ID_FORMATS["lead"]
    op, ow = ID_FORMATS["opportunity"]
    user_ids = w.user_ids
    lead_num = ch.first + np.arange(ch.n) + 1

    lr = ch.lead_rows
    r = lr["row"]
    ind_names = [i[0] for i in p.industries]
    ind_vocab = ind_names + [s.lower() for s in ind_names] + list(INDUSTRY_PLACEHOLDERS)
    ind_idx = np.where(ch.industry_lower, ch.industry + len(ind_names), ch.industry)
    ind_ph = len(ind_names) * 2 + rng.integers(0, len(INDUSTRY_PLACEHOLDERS), ch.n)
    ind_idx = np.where(ch.industry_missing, ind_ph, ind_idx)
    c_vocab = [c for reg in REGIONS for c in COUNTRY_LABELS[reg]] + list(COUNTRY_PLACEHOLDERS)
    c_start = np.cumsum([0] + [len(COUNTRY_LABELS[reg]) for reg in REGIONS])
    c_idx = np.where(ch.country_missing,
                     c_start[-1] + rng.integers(0, len(COUNTRY_PLACEHOLDERS), ch.n),
                     c_start[ch.region] + ch.country_idx)
    camp_ids = [c["id"] for c in w.campaign_rows]
    leads = pa.table({
        "lead_id": _ids(lp, lead_num[r], lw),
        "created_at": out.ts(rng, ch.t0[r]),
        "updated_at": out.ts(rng, lr["updated"], lr["updated_valid"]),
        "email": _templated("lead", lead_num[r], "@example.com"),
        "full_name": _templated("Person ", lead_num[r]),
        "company_name": _templated("Company ", ch.company[r]),
        "job_title": _vocab(TITLE_VOCAB, ch.title_idx[r]),
        "industry": _vocab(ind_vocab, ind_idx[r]),
        "employee_count": pa.array(ch.employees[r], pa.int64(), mask=ch.emp_missing[r]),
        "country": _vocab(c_vocab, c_idx[r]),
        "lead_source": _vocab(SOURCE_VOCAB, ch.source_idx[r]),
        "campaign_id": _vocab(camp_ids, np.maximum(ch.campaign[r], 0), ch.campaign[r] >= 0),
        "owner_id": _vocab(user_ids, ch.owner[r]),
        "lead_score": pa.array(lr["score"], pa.int64()),
        "status": _vocab(STATUSES, lr["status"]),
        "disqualification_reason": _vocab(ch.reason_vocab, np.maximum(lr["reason"], 0),
                                          lr["reason"] >= 0),
        "is_deleted": pa.array(lr["deleted"], pa.bool_()),
    }, schema=out.schema("leads"))

    sc = ch.sc
    status_changes = pa.table({
        "lead_id": _ids(lp, lead_num[sc["lead"]], lw),
        "status": _vocab(STATUSES, sc["status"]),
        "changed_at": out.ts(rng, sc["t"]),
        "reason": _vocab(ch.reason_vocab, np.maximum(sc["reason"], 0), sc["reason"] >= 0),
    }, schema=out.schema("lead_status_changes"))

    o = ch.opp
    opps = pa.table({
        "opportunity_id": _ids(op, o["id"], ow),
        "lead_id": _ids(lp, lead_num[np.maximum(o["lead"], 0)], lw, o["lead"] >= 0),
        "created_at": out.ts(rng, o["created"]),
        "updated_at": out.ts(rng, o["updated"]),
        "stage": _vocab(OPP_STAGES, o["stage"]),
        "amount": out.amount(o["amount"]),
        "currency": _vocab(CURRENCIES, o["currency"]),
        "owner_id": _vocab(user_ids, o["owner"]),
        "closed_at": out.ts(rng, o["closed"]),
        "loss_reason": _vocab(p.loss_reasons, np.maximum(o["loss"], 0), o["loss"] >= 0),
        "is_deleted": pa.array(o["deleted"], pa.bool_()),
    }, schema=out.schema("opportunities"))

    d = ch.deals
    dp, dw = ID_FORMATS["deal"]
    deals = pa.table({
        "deal_id": _ids(dp, d["id"], dw),
        "opportunity_id": _ids(op, d["opp"], ow),
        "signed_at": out.ts(rng, d["signed"]),
        "amount": out.amount(d["amount"]),
        "currency": _vocab(CURRENCIES, d["currency"]),
        "term_months": pa.array(d["term"], pa.int64()),
    }, schema=out.schema("deals"))

    a = ch.act
    ap, aw = ID_FORMATS["activity"]
    activities = pa.table({
        "activity_id": _ids(ap, a["id"], aw),
        "lead_id": _ids(lp, lead_num[a["lead"]], lw),
        "occurred_at": out.ts(rng, a["t"]),
        "activity_type": _vocab(ACTIVITY_TYPES, a["type"]),
        "owner_team": _vocab(("marketing", "sales"), ACTIVITY_TEAM[a["type"]]),
        "campaign_id": _vocab(camp_ids, np.maximum(a["campaign"], 0), a["campaign"] >= 0),
    }, schema=out.schema("activities"))
    return {"leads": leads, "lead_status_changes": status_changes, "opportunities": opps,
            "deals": deals, "activities": activities}


def _static_tables(w: _World, out: _Out) -> dict[str, pa.Table]:
    rng = np.random.default_rng(np.random.SeedSequence([w.seed, 3]))
    rows = w.user_rows
    users = pa.table({
        "user_id": [r[0] for r in rows],
        "full_name": [f"User {i + 1}" for i in range(len(rows))],
        "team": [r[1] for r in rows],
        "region": [r[2] for r in rows],
        "manager_id": [r[3] for r in rows],
    }, schema=out.schema("users"))
    cr = w.campaign_rows
    start = np.array([c["start"] * DAY + 9 * HOUR for c in cr])
    endt = np.array([(c["end"] * DAY + 18 * HOUR) if c["end"] is not None else np.nan
                     for c in cr])
    campaigns = pa.table({
        "campaign_id": [c["id"] for c in cr],
        "campaign_name": [c["name"] for c in cr],
        "channel": [c["channel"] for c in cr],
        "program_type": [c["program"] for c in cr],
        "started_at": out.ts(rng, start),
        "ended_at": out.ts(rng, endt),
    }, schema=out.schema("campaigns"))
    s = w.spend
    spend_date = (_date_text(s["day"]) if out.text_ts
                  else pa.array(s["day"].astype(np.int32), pa.date32()))
    spend = pa.table({
        "campaign_id": _vocab([c["id"] for c in cr], s["campaign"]),
        "spend_date": spend_date,
        "amount": out.amount(s["amount"]),
        "currency": _vocab(CURRENCIES, s["currency"]),
    }, schema=out.schema("campaign_spend"))
    return {"users": users, "campaigns": campaigns, "campaign_spend": spend}


# ---------------------------------------------------------------------------------------
# --dirty: every bad-input kind of the contract, each in its own row
# ---------------------------------------------------------------------------------------

BAD_TIMESTAMPS = ("not a date", "2025-13-45")
FUTURE_START = _parse_ts("2099-01-01T00:00:00Z")
STATUS_VARIANTS = {"new": "New", "working": "Contacted", "nurture": "Nurturing",
                   "mql": " MQL ", "sal": "Sales Accepted", "rejected": "Sales Rejected",
                   "sql": "SQL", "disqualified": "DQ", "converted": "Closed Converted"}


class _Injector:
    """Adds (or, for repairable kinds, changes) rows of one chunk's tables; logs exact counts."""

    def __init__(self, seed: int, ci: int, out: _Out, p: GeneratorParams,
                 fresh: dict[str, int], log: dict):
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 4, ci]))
        self.out, self.p, self.fresh, self.log = out, p, fresh, log

    # -- helpers --------------------------------------------------------------------------
    def k(self, rows: int) -> int:
        return max(self.p.dirty_min_rows, round(self.p.dirty_rate * rows))

    def record(self, table: str, kind: str, rows: int, outcome: str, reason: str | None):
        if rows <= 0:
            return
        entry = self.log.setdefault(table, {}).setdefault(
            kind, {"rows": 0, "outcome": outcome, "reason": reason})
        entry["rows"] += int(rows)

    def sample(self, cand: np.ndarray, k: int) -> np.ndarray:
        if cand.size == 0:
            return cand[:0]
        return np.sort(self.rng.choice(cand, size=k, replace=cand.size < k))

    def new_ids(self, entity: str, k: int, orphan: bool = False) -> pa.Array:
        prefix, width = ID_FORMATS[entity]
        key = entity + (":orphan" if orphan else "")
        base = (ORPHAN_BASE if orphan else FRESH_BASE)[entity]
        start = self.fresh.get(key, 0)
        self.fresh[key] = start + k
        return _ids(prefix, base + start + np.arange(k) + 1, width)

    @staticmethod
    def empty_keys(k: int) -> pa.Array:
        return pa.array([None if i % 2 == 0 else "" for i in range(k)], pa.string())

    def bad_ts(self, k: int) -> pa.Array:
        return pa.array([BAD_TIMESTAMPS[i % 2] for i in range(k)], pa.string())

    def future_ts(self, k: int) -> pa.Array:
        sec = FUTURE_START + np.floor(self.rng.uniform(0, 300 * DAY, k))
        return self.out.ts(self.rng, sec)

    @staticmethod
    def set(tbl: pa.Table, col: str, values) -> pa.Table:
        i = tbl.schema.get_field_index(col)
        typ = tbl.schema.field(i).type
        if not isinstance(values, pa.Array | pa.ChunkedArray):
            values = pa.array(values, typ)
        return tbl.set_column(i, col, values.cast(typ))

    def copies(self, tbl: pa.Table, cand: np.ndarray | None, kind_rows: int) -> pa.Table | None:
        cand = np.arange(tbl.num_rows) if cand is None else cand
        idx = self.sample(cand, kind_rows)
        return tbl.take(pa.array(idx, pa.int64())) if idx.size else None

    @staticmethod
    def replace(tbl: pa.Table, col: str, idx: np.ndarray, values: list) -> pa.Table:
        i = tbl.schema.get_field_index(col)
        typ = tbl.schema.field(i).type
        mask = np.zeros(tbl.num_rows, bool)
        mask[idx] = True
        arr = pc.replace_with_mask(tbl.column(i).combine_chunks(), pa.array(mask),
                                   pa.array(values, typ))
        return tbl.set_column(i, col, arr)

    def negative(self, tbl: pa.Table) -> pa.Array:
        v = pc.cast(tbl.column("amount"), pa.float64()).to_numpy(zero_copy_only=False)
        return self.out.amount(-np.abs(np.nan_to_num(v)) - 1.0)

    def text_amounts(self, tbl: pa.Table, table: str, exclude: np.ndarray, k: int) -> pa.Table:
        """Amounts as text with thousands separators ("1,200.50"); CSV only. Prefers
        amounts >= 1000; small ones are written with surrounding spaces (" 18.50 ")."""
        if not self.out.text_amount or tbl.num_rows == 0:
            return tbl
        v = pc.cast(tbl.column("amount"), pa.float64()).to_numpy(zero_copy_only=False)
        rows = np.setdiff1d(np.arange(tbl.num_rows), exclude)
        big, small = rows[v[rows] >= 1000], rows[v[rows] < 1000]
        idx = self.partition(big, [min(k, big.size)])[0]
        idx = np.sort(np.concatenate([idx, self.partition(small, [min(k - idx.size,
                                                                    small.size)])[0]]))
        tbl = self.replace(tbl, "amount", idx, [f"{x:,.2f}" if x >= 1000 else f" {x:.2f} "
                                                for x in v[idx].tolist()])
        self.record(table, "amount_as_text", idx.size, "repaired", None)
        return tbl

    def partition(self, cand: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
        """Disjoint random slices of the candidates (one defect per row)."""
        perm = self.rng.permutation(cand)
        out, at = [], 0
        for s in sizes:
            out.append(np.sort(perm[at: at + s]))
            at += s
        return out

    def finish(self, tbl: pa.Table, added: list[tuple[pa.Table | None, str, str, str | None]],
               table: str, moved: np.ndarray | None = None) -> pa.Table:
        """Append the added rows at random positions (and move `moved` rows)."""
        parts, pos = [tbl], [np.arange(tbl.num_rows, dtype=float)]
        if moved is not None and moved.size:
            pos[0][moved] = self.rng.uniform(0, tbl.num_rows, moved.size)
        for rows, kind, outcome, reason in added:
            if rows is None or rows.num_rows == 0:
                continue
            self.record(table, kind, rows.num_rows, outcome, reason)
            parts.append(rows.select(tbl.column_names).cast(tbl.schema))
            pos.append(self.rng.uniform(0, max(tbl.num_rows, 1), rows.num_rows))
        if len(parts) == 1 and (moved is None or not moved.size):
            return tbl
        order = np.argsort(np.concatenate(pos), kind="stable")
        return pa.concat_tables(parts).take(pa.array(order))

    # -- per table --------------------------------------------------------------------------
    def leads(self, t: pa.Table, latest: np.ndarray, has_later_update: np.ndarray) -> pa.Table:
        k = self.k(t.num_rows)
        add = []
        c = self.copies(t, None, k)
        add.append((self.set(c, "lead_id", self.empty_keys(k)), "null_key", "quarantined",
                    "null_key"))
        c = self.copies(t, np.flatnonzero(latest), k)
        c = self.set(self.set(c, "lead_id", self.new_ids("lead", k)), "created_at",
                     self.bad_ts(k))
        add.append((c, "unparseable_timestamp", "quarantined", "unparseable_timestamp"))
        c = self.copies(t, np.flatnonzero(latest), k)
        c = self.set(self.set(c, "lead_id", self.new_ids("lead", k)), "created_at",
                     pa.nulls(k, pa.string()))
        add.append((c, "missing_required_value", "quarantined", "missing_required_value"))
        c = self.copies(t, np.flatnonzero(latest), k)
        c = self.set(self.set(c, "lead_id", self.new_ids("lead", k)), "created_at",
                     self.future_ts(k))
        c = self.set(c, "updated_at", pa.nulls(k, pa.string()))
        add.append((c, "future_timestamp", "quarantined", "future_timestamp"))
        c = self.copies(t, np.flatnonzero(latest & has_later_update), k)
        if c is not None:
            c = self.set(self.set(c, "updated_at", c.column("created_at")), "status",
                         pa.array(["new"] * c.num_rows))
            add.append((c, "extra_cdc_version", "superseded", None))

        kinds = ["email_case_spaces", "invalid_email", "placeholder_label",
                 "unmapped_lead_source", "unknown_campaign", "unknown_owner"]
        parts = self.partition(np.flatnonzero(latest), [k] * len(kinds))
        em = parts[0]
        emails = t.column("email").take(pa.array(em)).to_pylist()
        t = self.replace(t, "email", em, [f"  {e.upper()} " if i % 2 else e.title()
                                          for i, e in enumerate(emails)])
        t = self.replace(t, "email", parts[1], [("not-an-email", "lead(at)example", "@@")[i % 3]
                                                for i in range(parts[1].size)])
        ph = parts[2]
        half = ph[: ph.size // 2]
        t = self.replace(t, "industry", half, [("Select", "N/A")[i % 2] for i in range(half.size)])
        rest = ph[ph.size // 2:]
        t = self.replace(t, "country", rest, [("Select", "N/A", "-")[i % 3]
                                              for i in range(rest.size)])
        t = self.replace(t, "lead_source", parts[3], [("Podcast", "Carrier Pigeon")[i % 2]
                                                      for i in range(parts[3].size)])
        t = self.replace(t, "campaign_id", parts[4], ["CMP-999"] * parts[4].size)
        t = self.replace(t, "owner_id", parts[5], ["U999"] * parts[5].size)
        outcomes = ["repaired", "flagged", "repaired", "flagged", "flagged", "flagged"]
        for kind, part, outcome in zip(kinds, parts, outcomes, strict=True):
            self.record("leads", kind, part.size, outcome, None)
        return self.finish(t, add, "leads")

    def status_changes(self, t: pa.Table) -> pa.Table:
        if t.num_rows == 0:
            return t
        k = self.k(t.num_rows)
        add = []
        c = self.copies(t, None, k)
        add.append((self.set(c, "lead_id", self.empty_keys(k)), "null_key", "quarantined",
                    "null_key"))
        c = self.copies(t, None, k)
        add.append((self.set(c, "changed_at", self.bad_ts(k)), "unparseable_timestamp",
                    "quarantined", "unparseable_timestamp"))
        c = self.copies(t, None, k)
        add.append((self.set(c, "status", pa.nulls(k, pa.string())), "missing_required_value",
                    "quarantined", "missing_required_value"))
        c = self.copies(t, None, k)
        add.append((self.set(c, "lead_id", self.new_ids("lead", k, orphan=True)),
                    "orphan_reference", "quarantined", "orphan_reference"))
        c = self.copies(t, None, k)
        add.append((self.set(c, "status", pa.array([("zombie", "Zombie")[i % 2]
                                                    for i in range(k)])),
                    "unknown_vocabulary", "quarantined", "unknown_vocabulary"))
        c = self.copies(t, None, k)
        add.append((self.set(c, "changed_at", self.future_ts(k)), "future_timestamp",
                    "quarantined", "future_timestamp"))
        add.append((self.copies(t, None, k), "exact_duplicate", "superseded", None))
        variant, moved = self.partition(np.arange(t.num_rows), [k, k])
        cur = t.column("status").take(pa.array(variant)).to_pylist()
        t = self.replace(t, "status", variant, [STATUS_VARIANTS[s] for s in cur])
        self.record("lead_status_changes", "status_variant", variant.size, "repaired", None)
        self.record("lead_status_changes", "out_of_order", moved.size, "repaired", None)
        return self.finish(t, add, "lead_status_changes", moved=moved)

    def opportunities(self, t: pa.Table, latest: np.ndarray, stage: np.ndarray,
                      later_update: np.ndarray) -> pa.Table:
        if t.num_rows == 0:
            return t
        k = self.k(t.num_rows)
        add = []
        lat = np.flatnonzero(latest)
        closed = np.flatnonzero(latest & (stage >= 4))
        c = self.copies(t, None, k)
        add.append((self.set(c, "opportunity_id", self.empty_keys(k)), "null_key",
                    "quarantined", "null_key"))
        c = self.copies(t, lat, k)
        c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", k)),
                     "created_at", self.bad_ts(k))
        add.append((c, "unparseable_timestamp", "quarantined", "unparseable_timestamp"))
        c = self.copies(t, closed, k)
        if c is not None:
            c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", k)),
                         "closed_at", self.bad_ts(k))
            add.append((c, "unparseable_timestamp", "quarantined", "unparseable_timestamp"))
            c = self.copies(t, closed, k)
            c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", k)),
                         "closed_at", pa.nulls(k, pa.string()))
            add.append((c, "missing_required_value", "quarantined", "missing_required_value"))
        c = self.copies(t, lat, k)
        c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", k)), "amount",
                     self.negative(c))
        add.append((c, "negative_amount", "quarantined", "negative_amount"))
        c = self.copies(t, lat, k)
        c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", k)), "currency",
                     pa.array(["XYZ"] * k))
        add.append((c, "unknown_currency", "quarantined", "unknown_currency"))
        c = self.copies(t, lat, k)
        fut = self.future_ts(k)
        c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", k)),
                     "created_at", fut)
        c = self.set(c, "updated_at", fut)
        add.append((c, "future_timestamp", "quarantined", "future_timestamp"))
        c = self.copies(t, np.flatnonzero(latest & later_update), k)
        if c is not None:
            c = self.set(self.set(c, "updated_at", c.column("created_at")), "stage",
                         pa.array(["discovery"] * c.num_rows))
            c = self.set(self.set(c, "closed_at", pa.nulls(c.num_rows, pa.string())),
                         "loss_reason", pa.nulls(c.num_rows, pa.string()))
            add.append((c, "extra_cdc_version", "superseded", None))
        c = self.copies(t, np.flatnonzero(latest & (stage != 4)), k)
        if c is not None:
            c = self.set(self.set(c, "opportunity_id", self.new_ids("opportunity", c.num_rows)),
                         "lead_id", self.new_ids("lead", c.num_rows, orphan=True))
            add.append((c, "unknown_lead_id", "flagged", None))
        open_lat = np.flatnonzero(latest & (stage < 4))
        on_hold = self.partition(open_lat, [min(k, open_lat.size)])[0]
        t = self.replace(t, "stage", on_hold, [("on hold", "On Hold")[i % 2]
                                               for i in range(on_hold.size)])
        self.record("opportunities", "unknown_stage", on_hold.size, "flagged", None)
        t = self.text_amounts(t, "opportunities", on_hold, k)
        return self.finish(t, add, "opportunities")

    def deals(self, t: pa.Table) -> pa.Table:
        if t.num_rows == 0:
            return t
        k = self.k(t.num_rows)
        add = []
        c = self.copies(t, None, k)
        add.append((self.set(c, "deal_id", self.empty_keys(k)), "null_key", "quarantined",
                    "null_key"))

        def fresh(col: str, values) -> pa.Table:
            c = self.copies(t, None, k)
            return self.set(self.set(c, "deal_id", self.new_ids("deal", k)), col, values)

        add.append((fresh("signed_at", self.bad_ts(k)), "unparseable_timestamp", "quarantined",
                    "unparseable_timestamp"))
        add.append((fresh("signed_at", pa.nulls(k, pa.string())), "missing_required_value",
                    "quarantined", "missing_required_value"))
        add.append((fresh("opportunity_id", self.new_ids("opportunity", k, orphan=True)),
                    "orphan_reference", "quarantined", "orphan_reference"))
        c = fresh("currency", pa.array(["XYZ"] * k))
        add.append((c, "unknown_currency", "quarantined", "unknown_currency"))
        c = self.copies(t, None, k)
        c = self.set(self.set(c, "deal_id", self.new_ids("deal", k)), "amount", self.negative(c))
        add.append((c, "negative_amount", "quarantined", "negative_amount"))
        add.append((fresh("signed_at", self.future_ts(k)), "future_timestamp", "quarantined",
                    "future_timestamp"))
        add.append((self.copies(t, None, k), "duplicate_key", "superseded", None))
        t = self.text_amounts(t, "deals", np.arange(0), k)
        return self.finish(t, add, "deals")

    def activities(self, t: pa.Table) -> pa.Table:
        if t.num_rows == 0:
            return t
        k = self.k(t.num_rows)
        add = []
        c = self.copies(t, None, k)
        add.append((self.set(c, "activity_id", self.empty_keys(k)), "null_key", "quarantined",
                    "null_key"))

        def fresh(col: str, values) -> pa.Table:
            c = self.copies(t, None, k)
            return self.set(self.set(c, "activity_id", self.new_ids("activity", k)), col, values)

        add.append((fresh("occurred_at", self.bad_ts(k)), "unparseable_timestamp",
                    "quarantined", "unparseable_timestamp"))
        add.append((fresh("occurred_at", pa.nulls(k, pa.string())), "missing_required_value",
                    "quarantined", "missing_required_value"))
        add.append((fresh("lead_id", self.new_ids("lead", k, orphan=True)), "orphan_reference",
                    "quarantined", "orphan_reference"))
        add.append((fresh("occurred_at", self.future_ts(k)), "future_timestamp", "quarantined",
                    "future_timestamp"))
        add.append((self.copies(t, None, k), "duplicate_key", "superseded", None))
        return self.finish(t, add, "activities")

    def static(self, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
        p = self.p
        res = dict(tables)
        for name, key in (("users", "user_id"), ("campaigns", "campaign_id")):
            t = tables[name]
            k = p.dirty_min_rows
            c = self.copies(t, None, k)
            add = [(self.set(c, key, self.empty_keys(k)), "null_key", "quarantined", "null_key"),
                   (self.copies(t, None, k), "duplicate_key", "superseded", None)]
            res[name] = self.finish(t, add, name)
        t = tables["campaign_spend"]
        k = self.k(t.num_rows)
        add = []
        for kind, col, values, reason in (
                ("null_key", "campaign_id", self.empty_keys(k), "null_key"),
                ("unparseable_timestamp", "spend_date",
                 pa.array([("not a date", "2025-13-45")[i % 2] for i in range(k)]),
                 "unparseable_timestamp"),
                ("missing_required_value", "spend_date", pa.nulls(k, pa.string()),
                 "missing_required_value"),
                ("unknown_currency", "currency", pa.array(["XYZ"] * k), "unknown_currency"),
                ("future_timestamp", "spend_date",
                 _date_text(FUTURE_START // 86_400 + self.rng.integers(0, 300, k)),
                 "future_timestamp")):
            add.append((self.set(self.copies(t, None, k), col, values), kind, "quarantined",
                        reason))
        c = self.copies(t, None, k)
        add.append((self.set(c, "amount", self.negative(c)), "negative_amount", "quarantined",
                    "negative_amount"))
        t = self.text_amounts(t, "campaign_spend", np.arange(0), k)
        res["campaign_spend"] = self.finish(t, add, "campaign_spend")
        return res


# ---------------------------------------------------------------------------------------
# Orchestration
# ---------------------------------------------------------------------------------------

class _Truth:
    """Aggregates of the simulated truth, written to _generator.json for downstream tests."""

    def __init__(self, p: GeneratorParams):
        self.channels = [c[0] for c in p.channels]
        k = len(self.channels)
        self.leads = np.zeros(k, np.int64)
        self.mql = np.zeros(k, np.int64)
        self.won = np.zeros(k, np.int64)
        self.won_mql = 0
        self.reached = {s: 0 for s in ("mql", "sal", "sql", "opportunity", "won")}

    def add(self, ch: _Chunk) -> None:
        k = len(self.channels)
        n = ch.n
        sc = ch.sc
        ever = {}
        for name, code in (("mql", S_MQL), ("sal", S_SAL), ("sql", S_SQL),
                           ("opportunity", S_CONVERTED)):
            m = np.zeros(n, bool)
            m[sc["lead"][sc["status"] == code]] = True
            ever[name] = m
        won = np.zeros(n, bool)
        ot = ch.opp_truth
        won[ot["lead"][(ot["lead"] >= 0) & ot["won"]]] = True
        self.leads += np.bincount(ch.channel, minlength=k)
        self.mql += np.bincount(ch.channel[ever["mql"]], minlength=k)
        self.won += np.bincount(ch.channel[won], minlength=k)
        self.won_mql += int((won & ever["mql"]).sum())
        furthest = np.zeros(n, np.int64)
        for i, name in enumerate(("mql", "sal", "sql", "opportunity"), start=1):
            furthest = np.where(ever[name], i, furthest)
        furthest = np.where(won, 5, furthest)
        for i, name in enumerate(("mql", "sal", "sql", "opportunity", "won"), start=1):
            self.reached[name] += int((furthest >= i).sum())

    def as_dict(self) -> dict:
        return {
            "note": "simulated truth before --dirty injection, all leads incl. deleted ones",
            "leads_by_channel": dict(zip(self.channels, self.leads.tolist(), strict=True)),
            "mql_by_channel": dict(zip(self.channels, self.mql.tolist(), strict=True)),
            "won_by_channel": dict(zip(self.channels, self.won.tolist(), strict=True)),
            "won_leads": int(self.won.sum()),
            "won_leads_explicit_mql": self.won_mql,
            "leads_reaching_stage": {"lead": int(self.leads.sum()), **self.reached},
        }


#: tables whose values never hold a comma, quote or newline: written unquoted (smaller, faster;
#: pyarrow raises rather than write a broken row if that ever changed)
UNQUOTED_CSV = ("lead_status_changes", "activities")


class _Writing:
    """Writes each chunk's tables on one background thread, in the order they come, while
    the next chunk is simulated.

    pyarrow writes CSV and Parquet without holding the GIL, so on two cores the writing
    overlaps numpy's work on the next chunk; the files are the same bytes as when each
    chunk is written before the next is made (tests/python/test_generate.py). At most
    ``depth`` chunks wait, so memory stays bounded. An error in the writer is raised in
    the caller by the next ``put`` or by ``close``; the chunks after it are dropped.
    """

    def __init__(self, writers: dict, counts: dict[str, int], background: bool = True,
                 depth: int = 1) -> None:
        self._writers, self._counts = writers, counts
        self._error: BaseException | None = None
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._queue = queue.Queue(maxsize=depth)
            self._thread = threading.Thread(target=self._drain, name="generate-writer",
                                            daemon=True)
            self._thread.start()

    def put(self, tables: dict[str, pa.Table]) -> None:
        if self._error is not None:
            raise self._error
        if self._queue is None:
            self._write(tables)
        else:
            self._queue.put(tables)

    def close(self) -> None:
        """Wait for every chunk put so far to be written (or dropped after an error)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error

    def _write(self, tables: dict[str, pa.Table]) -> None:
        for table, tbl in tables.items():
            self._writers[table].write_table(tbl)
            self._counts[table] += tbl.num_rows

    def _drain(self) -> None:
        while (tables := self._queue.get()) is not None:
            if self._error is None:  # after an error, keep taking chunks so put never blocks
                try:
                    self._write(tables)
                except BaseException as exc:  # raised again in the caller
                    self._error = exc


def _open_writer(path: Path, table: str, schema: pa.Schema, fmt: str):
    if fmt == "csv":
        quoting = "none" if table in UNQUOTED_CSV else "needed"
        return pacsv.CSVWriter(str(path), schema,
                               write_options=pacsv.WriteOptions(quoting_style=quoting))
    return pq.ParquetWriter(str(path), schema)


def generate(out_dir: Path, leads: int = 50_000, seed: int = 42, dirty: bool = False,
             fmt: str = "csv", params: GeneratorParams = PLANTED,
             background_writes: bool = True) -> dict:
    """Write one file per contract table (plus _generator.json, and _injected.json when
    dirty) to out_dir, replacing existing ones; return the summary written to
    _generator.json. ``background_writes``: write a chunk while the next is simulated
    (the same bytes either way; see _Writing)."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"format must be csv or parquet, not {fmt!r}")
    if leads < 1:
        raise ValueError("leads must be >= 1")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = _Out(fmt, dirty, params)
    world = _World(seed, leads, params)
    other = "parquet" if fmt == "csv" else "csv"
    writers, counts = {}, dict.fromkeys(TABLES, 0)
    injected: dict = {}
    fresh: dict[str, int] = {}
    truth = _Truth(params)
    writing = None
    try:
        for table in TABLES:
            (out_dir / f"{table}.{other}").unlink(missing_ok=True)
            writers[table] = _open_writer(out_dir / f"{table}.{fmt}", table, out.schema(table),
                                          fmt)
        writing = _Writing(writers, counts, background=background_writes)
        static = _static_tables(world, out)
        if dirty:
            static = _Injector(seed, STATIC_STREAM, out, params, fresh, injected).static(static)
        writing.put(static)
        counters = {"opportunity": 0, "deal": 0, "activity": 0}
        for ci, first in enumerate(range(0, leads, CHUNK_LEADS)):
            ch = _Chunk(world, ci, first, min(CHUNK_LEADS, leads - first), counters)
            truth.add(ch)
            tables = _chunk_tables(ch, out)
            if dirty:
                inj = _Injector(seed, ci, out, params, fresh, injected)
                lr = ch.lead_rows
                tables["leads"] = inj.leads(
                    tables["leads"], lr["latest"],
                    lr["updated_valid"] & (lr["updated"] > ch.t0[lr["row"]]))
                tables["lead_status_changes"] = inj.status_changes(tables["lead_status_changes"])
                o = ch.opp
                tables["opportunities"] = inj.opportunities(
                    tables["opportunities"], o["latest"], o["stage"], o["updated"] > o["created"])
                tables["deals"] = inj.deals(tables["deals"])
                tables["activities"] = inj.activities(tables["activities"])
            del ch
            writing.put(tables)
            del tables
        writing.close()
    finally:
        if writing is not None:
            with contextlib.suppress(BaseException):  # already failing: that error is raised
                writing.close()
        for wr in writers.values():
            wr.close()
    summary = {
        "generator": "funnel.generate",
        "seed": seed,
        "leads": leads,
        "format": fmt,
        "dirty": dirty,
        "data_end": params.data_end,
        "data_start": str(np.datetime64(int(world.start), "s")) + "Z",
        "chunk_leads": CHUNK_LEADS,
        "files": {t: f"{t}.{fmt}" for t in TABLES},
        "row_counts": counts,
        "owner_response_median_hours": {
            world.user_ids[i]: round(float(world.response_median[i]), 3)
            for i in np.concatenate([world.sdr_idx, world.ae_idx])},
        "truth": truth.as_dict(),
        "params": asdict(params),
    }
    (out_dir / "_generator.json").write_text(json.dumps(summary, indent=2) + "\n")
    inj_path = out_dir / "_injected.json"
    if dirty:
        inj_path.write_text(json.dumps(injected, indent=2, sort_keys=True) + "\n")
        summary["injected"] = injected
    else:
        inj_path.unlink(missing_ok=True)
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m funnel.generate", description=__doc__.split(
        "\n\n")[0])
    ap.add_argument("--out", default="data/raw", help="landing directory (default data/raw)")
    ap.add_argument("--leads", type=int, default=50_000, help="number of leads (default 50000)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--dirty", action="store_true", help="inject every bad-input kind")
    ap.add_argument("--format", dest="fmt", choices=("csv", "parquet"), default="csv")
    args = ap.parse_args(argv)
    summary = generate(Path(args.out), leads=args.leads, seed=args.seed, dirty=args.dirty,
                       fmt=args.fmt)
    rows = summary["row_counts"]
    print(f"wrote {sum(rows.values())} rows in {len(rows)} tables to {args.out}: "
          + ", ".join(f"{t}={n}" for t, n in rows.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

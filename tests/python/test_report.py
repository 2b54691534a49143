"""`funnel report`: the self-contained HTML report, rendered in headless Chromium.

One build of 10,000 demo leads (seed 42) through the command line, published to a
private warehouse; `funnel report` reads it by default. Chromium (Debian's `chromium`,
installed by the session fixture when missing) opens the file offline: the page's inline
script writes ``data-report-status="ok:<charts>"`` on <html> once every chart has drawn,
or ``error:...`` on any script or console error; --dump-dom shows it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from html import unescape
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT_DIR, query, run_funnel
from funnel import report
from funnel.generate import PLANTED, generate

LEADS = 10_000
SEED = 42
SECTIONS = 7
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_COPY = PROJECT_DIR / "target" / "report_screenshot.png"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium; apt-get installs it when absent and we are root, else the test fails."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0:
        pytest.fail(f"{CHROMIUM} is missing and the tests do not run as root, so they cannot "
                    "install it: run `sudo apt-get install -y chromium`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False,
                              timeout=1800)
        if proc.returncode != 0:
            pytest.fail(f"`{' '.join(command)}` failed ({proc.returncode}), so headless "
                        f"Chromium is not available for the report test:\n{proc.stderr[-2000:]}")
    if not CHROMIUM.exists():
        pytest.fail(f"`apt-get install -y chromium` ran but {CHROMIUM} does not exist")
    return CHROMIUM


def _run_chromium(binary: Path, scratch: Path, page: Path, *args: str):
    """Headless, offline (every host name unresolvable), a fresh profile each run."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=scratch)
    command = [
        str(binary), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000", *args,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Demo data built and published privately, then `funnel report` with its defaults."""
    root = tmp_path_factory.mktemp("report")
    landing = root / "raw"
    generate(landing, leads=LEADS, seed=SEED)
    database = root / "warehouse" / "funnel.duckdb"
    proc = run_funnel("build", landing_dir=landing, database=database)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    published = database.parent / "published" / database.name  # conftest's private default
    assert published.is_file(), proc.stdout + proc.stderr
    out = root / "report"
    started = time.perf_counter()
    proc = run_funnel("report", "--out", str(out), "--verbose", database=database)
    seconds = time.perf_counter() - started
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = out / report.REPORT_FILE
    assert f"report: {page}" in proc.stdout
    return {"root": root, "published": published, "page": page, "cli": proc,
            "seconds": seconds}


def test_every_chart_renders_in_headless_chromium_without_errors(
    demo: dict, chromium: Path, tmp_path: Path,
) -> None:
    page: Path = demo["page"]
    proc = _run_chromium(chromium, tmp_path, page, "--dump-dom")
    assert proc.returncode == 0, proc.stderr[-3000:]
    status = re.search(r'<html[^>]*\bdata-report-status="([^"]*)"', proc.stdout)
    assert status is not None, proc.stdout[:500]
    assert status.group(1) == f"ok:{SECTIONS}", status.group(1)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "console messages:\n" + "\n".join(console)
    # every chart div holds drawn SVG
    assert proc.stdout.count('class="plotly-graph-div') == SECTIONS
    assert proc.stdout.count('class="main-svg"') >= SECTIONS

    shot = tmp_path / "report_screenshot.png"
    proc = _run_chromium(chromium, tmp_path, page, "--hide-scrollbars",
                         f"--screenshot={shot}", "--window-size=1400,4000")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 100_000  # seven charts, not a blank page
    if SCREENSHOT_COPY.parent.is_dir():
        shutil.copyfile(shot, SCREENSHOT_COPY)


def test_every_section_has_a_takeaway_from_the_data(demo: dict) -> None:
    html = demo["page"].read_text(encoding="utf-8")
    assert "Not available in this warehouse" not in html
    as_of, leads = query(demo["published"],
                         "select as_of_date, leads from marts.mart_run_metadata")[0]
    assert f"As of {as_of.isoformat()}" in html
    assert f"{leads:,} leads" in html
    takeaways = re.findall(r'<p class="takeaway">([^<]+)</p>', html)
    assert len(takeaways) == SECTIONS
    # the planted volume-vs-value truth reaches the channel sentence
    channel = next(t for t in takeaways if "brings the most leads" in t)
    assert channel.startswith(f"{PLANTED.volume_leader_channel} brings the most leads")
    assert f"; {PLANTED.quality_leader_channel} converts" in channel
    # the funnel sentence quotes the mart's own counts
    won = query(demo["published"], "select leads_reached_won from marts.mart_funnel_conversion "
                "where segment_type = 'all' and period = 'all_time'")[0][0]
    assert f"{leads:,} leads" in takeaways[0] and f"{won:,} (" in takeaways[0]
    auc = query(demo["published"], "select max(auc) from marts.mart_lead_score_calibration")[0][0]
    assert f"(AUC {auc:.2f})" in html
    cli = demo["cli"].stdout  # --verbose prints the same sentences
    assert all(unescape(takeaway) in cli for takeaway in takeaways)
    assert f"{SECTIONS} charts from {demo['published']}" in cli


def test_report_is_self_contained(demo: dict) -> None:
    html = demo["page"].read_text(encoding="utf-8")
    assert html.count('<script id="plotly-js">') == 1  # plotly.js embedded once
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"<(img|iframe|source|embed|object)\b[^>]*\b(src|data)\s*=", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", html, re.I)
    assert not re.search(r"@import", html, re.I)
    # Outside the plotly.js bundle (whose strings name map tile servers it never fetches
    # for these charts) there is no URL at all, not even in prose.
    own = re.sub(r'<script id="plotly-js">.*?</script>', "", html, count=1, flags=re.S)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", own, re.I), re.search(
        r".{80}(https?:)?//[a-z0-9.-]+\.[a-z]{2,}.{80}", own, re.I | re.S)


def test_same_warehouse_gives_byte_identical_reports(demo: dict, tmp_path: Path) -> None:
    first = report.render(demo["published"], tmp_path / "a")
    second = report.render(demo["published"], tmp_path / "b")
    assert first.read_bytes() == second.read_bytes() == demo["page"].read_bytes()
    assert first.stat().st_size < 8_000_000


def test_render_time_and_size_are_reasonable(demo: dict) -> None:
    assert demo["seconds"] < 60
    assert 3_000_000 < demo["page"].stat().st_size < 8_000_000  # ~4.6 MB of it is plotly.js


def _tiny_warehouse(path: Path, *statements: str) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            "create table marts.mart_run_metadata as select date '2025-01-31' as as_of_date, "
            "3::bigint as leads, 'EUR' as reporting_currency"
        )
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()
    return path


def test_missing_marts_say_not_available_instead_of_crashing(tmp_path: Path) -> None:
    warehouse = _tiny_warehouse(
        tmp_path / "partial.duckdb",
        # present but empty: the section says so too
        "create table marts.mart_speed_to_lead (response_time_bucket varchar, "
        "bucket_order integer, mqls bigint, share_of_mqls double, mql_to_won_rate double, "
        "mature_mqls bigint, mql_to_won_window_rate double, level varchar, "
        "period_type varchar)",
    )
    result = report.render_report(warehouse, tmp_path / "out")
    html = result.path.read_text(encoding="utf-8")
    assert result.charts == 0
    assert html.count("Not available in this warehouse") == SECTIONS
    assert "marts.mart_funnel_conversion is missing" in html
    assert "mart_speed_to_lead (all teams, all time) has no rows" in html
    assert "As of 2025-01-31" in html and "3 leads" in html

    proc = run_funnel("report", "--warehouse", str(warehouse), "--out", str(tmp_path / "cli"))
    assert proc.returncode == 0, proc.stderr
    assert "not available in this warehouse" in proc.stderr.lower()


def test_a_missing_column_is_an_error_naming_the_mart_and_column(tmp_path: Path) -> None:
    warehouse = _tiny_warehouse(
        tmp_path / "old.duckdb",
        "create table marts.mart_funnel_conversion as select 'all' as segment_type, "
        "'all_time' as period, 10::bigint as leads",
    )
    with pytest.raises(report.ReportError, match=r"marts\.mart_funnel_conversion has no "
                                                 r"column leads_reached_mql"):
        report.render(warehouse, tmp_path / "out")
    proc = run_funnel("report", "--warehouse", str(warehouse), "--out", str(tmp_path / "cli"))
    assert proc.returncode == 2
    assert "marts.mart_funnel_conversion has no column leads_reached_mql" in proc.stderr
    assert not (tmp_path / "cli" / report.REPORT_FILE).exists()


def test_no_warehouse_is_a_usage_error(tmp_path: Path) -> None:
    proc = run_funnel("report", "--out", str(tmp_path / "out"),
                      env={"FUNNEL_PUBLISHED_DB": str(tmp_path / "none" / "funnel.duckdb")})
    assert proc.returncode == 2
    assert "there is no warehouse at" in proc.stderr

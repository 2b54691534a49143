"""`funnel report`: one self-contained, offline HTML page of the funnel's key pictures.

Reads only the marts (schema ``marts``) of a warehouse opened read-only; no
staging table, so no PII. Every chart has a one-sentence takeaway computed
from the same rows. plotly.js is embedded once, so the file opens without a
network. A missing mart turns its section into "not available in this
warehouse"; a mart without a column the report reads is an error naming both.

The output is deterministic: the same warehouse gives the same bytes (no
generation time, fixed chart ids). An inline script records on ``<html
data-report-status>`` ``ok:<charts rendered>`` once every chart has drawn, or
``error:<message>`` on a script error, for headless-browser checks.
"""

from __future__ import annotations

import html
import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPORT_FILE = "funnel_report.html"
MARTS = "marts"
CHART_HEIGHT = 370

STAGE_LABELS = {
    "lead": "Lead", "mql": "MQL", "sal": "SAL", "sql": "SQL",
    "opportunity": "Opportunity", "won": "Won",
}
VERDICT_COLORS = {
    "predictive": "#1a9850", "negative": "#d73027", "vanity": "#878787",
    "too_few_leads": "#c2a5cf",
}
BLUE, ORANGE, GREEN, GREY = "#2c7bb6", "#fdae61", "#1a9850", "#878787"


class ReportError(Exception):
    """The report cannot be built; the message says what to fix."""


@dataclass
class Section:
    """One picture: its title, takeaway sentence and figure, or why it is absent."""

    key: str
    title: str
    marts: tuple[str, ...]
    takeaway: str = ""
    figure: object | None = None  # a plotly Figure
    note: str = ""
    unavailable: str = ""  # set when the section cannot be drawn

    @property
    def div_id(self) -> str:
        return f"chart-{self.key}"


@dataclass
class RenderResult:
    path: Path
    sections: list[Section] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def charts(self) -> int:
        return sum(section.figure is not None for section in self.sections)


def render(warehouse: Path, out_dir: Path) -> Path:
    """Write ``out_dir/funnel_report.html`` from the marts of ``warehouse``; returns its path."""
    return render_report(warehouse, out_dir).path


def render_report(warehouse: Path, out_dir: Path) -> RenderResult:
    """Like render(), also returning each section's status and the time it took."""
    started = time.perf_counter()
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise ReportError(
            f"there is no warehouse at {warehouse} (by default the published file, "
            "FUNNEL_PUBLISHED_DB); run `funnel build` first, or pass --warehouse"
        )
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise ReportError(f"cannot open {warehouse} read-only ({exc})") from exc
    try:
        marts = Marts(con)
        header = _header(marts)
        sections = [build(marts, header) for build in SECTION_BUILDERS]
    finally:
        con.close()
    page = _page(header, sections, warehouse.name)
    out_dir = Path(out_dir)
    path = out_dir / REPORT_FILE
    partial = out_dir / f".{REPORT_FILE}.{os.getpid()}.tmp"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        if partial.is_file():
            partial.unlink()
        raise ReportError(f"cannot write {path} ({exc}); pass --out to a writable folder") from exc
    return RenderResult(path, sections, time.perf_counter() - started)


# --------------------------------------------------------------------------- reading


class Marts:
    """Read-only access to the marts, by column name, with clear errors."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = ?",
            [MARTS],
        ).fetchall()
        self.columns: dict[str, set[str]] = {}
        for table, column in rows:
            self.columns.setdefault(table.lower(), set()).add(column.lower())

    def has(self, mart: str) -> bool:
        return mart in self.columns

    def rows(
        self, mart: str, columns: list[str], where: str = "", order: str = "",
        params: list | None = None,
    ) -> list[dict]:
        """Rows of marts.<mart> as dicts; a ReportError names the mart and any absent column."""
        missing = [column for column in columns if column not in self.columns[mart]]
        if missing:
            raise ReportError(
                f"{MARTS}.{mart} has no column {', '.join(missing)} (the report reads "
                f"{', '.join(columns)}); the warehouse was built by another version of the "
                "project: rebuild it with `funnel build`, or update scripts/funnel/report.py"
            )
        quoted = ", ".join(f'"{column}"' for column in columns)
        sql = f'select {quoted} from {MARTS}."{mart}"'
        if where:
            sql += f" where {where}"
        if order:
            sql += f" order by {order}"
        result = self.con.execute(sql, params or [])
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _available(marts: Marts, section: Section) -> bool:
    absent = [name for name in section.marts if not marts.has(name)]
    if absent:
        section.unavailable = (
            f"Not available in this warehouse: {', '.join(f'{MARTS}.{n}' for n in absent)} "
            f"{'is' if len(absent) == 1 else 'are'} missing."
        )
    return not absent


def _no_rows(section: Section, what: str) -> Section:
    section.unavailable = f"Not available in this warehouse: {what} has no rows."
    return section


# --------------------------------------------------------------------------- formatting


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value * 100:.{digits}f}%"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _money(value: float | None, currency: str) -> str:
    return "n/a" if value is None else f"{currency} {value:,.0f}".strip()


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _layout(fig, title: str, **extra) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white", height=CHART_HEIGHT,
        margin={"l": 70, "r": 30, "t": 50, "b": 50},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        **extra,
    )


# --------------------------------------------------------------------------- header


@dataclass
class Header:
    as_of_date: str | None = None
    leads: int | None = None
    currency: str = ""


def _header(marts: Marts) -> Header:
    if not marts.has("mart_run_metadata"):
        return Header()
    rows = marts.rows("mart_run_metadata", ["as_of_date", "leads", "reporting_currency"])
    if not rows:
        return Header()
    row = rows[0]
    as_of = row["as_of_date"]
    return Header(
        as_of_date=as_of.isoformat() if as_of is not None else None,
        leads=row["leads"], currency=row["reporting_currency"] or "",
    )


# --------------------------------------------------------------------------- sections


def _funnel(marts: Marts, header: Header) -> Section:
    section = Section(
        "funnel", "1. The funnel and its drop-offs", ("mart_funnel_conversion",),
        note="All-time counts of the leads that reached each stage (or a later one); "
             "the percentage is the step rate from the stage before.",
    )
    if not _available(marts, section):
        return section
    stages = list(STAGE_LABELS)
    count_cols = ["leads"] + [f"leads_reached_{s}" for s in stages[1:]]
    rate_cols = [f"{a}_to_{b}_rate" for a, b in itertools.pairwise(stages)]
    rows = marts.rows(
        "mart_funnel_conversion", [*count_cols, *rate_cols, "lead_to_won_rate"],
        where="segment_type = 'all' and period = 'all_time'",
    )
    if not rows:
        return _no_rows(section, "mart_funnel_conversion (segment all, all time)")
    row = rows[0]
    counts = [row[c] or 0 for c in count_cols]
    steps = [None] + [row[c] for c in rate_cols]
    import plotly.graph_objects as go

    labels = [STAGE_LABELS[s] for s in stages]
    text = [f"{counts[0]:,}"] + [
        f"{count:,}  ({_pct(step)} of previous)" for count, step in zip(counts[1:], steps[1:],
                                                                          strict=True)
    ]
    fig = go.Figure(go.Funnel(
        y=labels, x=counts, text=text, textinfo="text", textposition="outside",
        constraintext="none",
        marker={"color": [BLUE, BLUE, BLUE, BLUE, BLUE, GREEN]},
        connector={"line": {"color": "#bbbbbb", "width": 1}},
        hovertemplate="%{y}: %{x:,} leads<extra></extra>",
    ))
    _layout(fig, "Leads reaching each stage (all time)", showlegend=False)
    pairs = [(steps[i], labels[i - 1], labels[i]) for i in range(1, len(labels))
             if steps[i] is not None]
    sentence = (
        f"Of {counts[0]:,} leads, {counts[1]:,} ({_pct(_ratio(counts[1], counts[0]))}) became "
        f"MQLs and {counts[-1]:,} ({_pct(row['lead_to_won_rate'])}) were won"
    )
    if pairs:
        rate, frm, to = min(pairs, key=lambda pair: pair[0])
        sentence += f"; the steepest drop is {frm} to {to}, where only {_pct(rate)} advance"
    section.takeaway = sentence + "."
    section.figure = fig
    return section


def _leakage(marts: Marts, header: Header) -> Section:
    section = Section(
        "leakage", "2. Where leads are lost, and why", ("mart_funnel_leakage",),
        note="Lost = dropped (disqualified, rejected, closed lost) + stalled (still open "
             "but without a stage move for longer than the stall threshold). The labels "
             "give the top drop reasons of the leads dropped at each stage.",
    )
    if not _available(marts, section):
        return section
    reason_cols = [f"top_drop_reason_{i}{s}" for i in (1, 2, 3) for s in ("", "_share")]
    rows = marts.rows(
        "mart_funnel_leakage",
        ["stage", "stage_order", "dropped", "stalled", "lost", "lost_share", *reason_cols],
        where="period = 'all_time'", order="stage_order",
    )
    if not rows:
        return _no_rows(section, "mart_funnel_leakage (all time)")
    import plotly.graph_objects as go

    labels = [STAGE_LABELS.get(r["stage"], r["stage"]) for r in rows]
    reasons = [_reasons(r) for r in rows]
    hover = "%{y}: %{x:,} %{meta}<br>top drop reasons: %{customdata}<extra></extra>"
    fig = go.Figure([
        go.Bar(y=labels, x=[r["dropped"] for r in rows], name="dropped", orientation="h",
               marker_color=ORANGE, meta="dropped", customdata=reasons,
               hovertemplate=hover),
        go.Bar(y=labels, x=[r["stalled"] for r in rows], name="stalled", orientation="h",
               marker_color=GREY, meta="stalled", customdata=reasons, hovertemplate=hover),
    ])
    most = max((r["lost"] or 0 for r in rows), default=0)
    for label, row, reason in zip(labels, rows, reasons, strict=True):
        fig.add_annotation(
            x=row["lost"] or 0, y=label, xanchor="left", showarrow=False, xshift=6,
            text=f"{row['lost'] or 0:,} lost · dropped for: {reason}", font={"size": 12},
        )
    _layout(
        fig, "Lost leads by the stage they were lost at (all time)", barmode="stack",
        yaxis={"autorange": "reversed"}, xaxis={"range": [0, most * 2.1 or 1],
                                                "title": "leads"},
        legend={"orientation": "h", "y": -0.15},
    )
    worst = max(rows, key=lambda r: (r["lost"] or 0, -r["stage_order"]))
    label = STAGE_LABELS.get(worst["stage"], worst["stage"])
    sentence = (
        f"Most leads are lost at the {label} stage: {worst['lost'] or 0:,} "
        f"({_pct(worst['lost_share'], 0)} of all lost; {worst['dropped'] or 0:,} dropped, "
        f"{worst['stalled'] or 0:,} stalled)"
    )
    if worst["top_drop_reason_1"]:
        sentence += (f", and the top drop reason there is \u201c{worst['top_drop_reason_1']}\u201d "
                     f"({_pct(worst['top_drop_reason_1_share'], 0)} of its drops)")
    section.takeaway = sentence + "."
    section.figure = fig
    return section


def _reasons(row: dict) -> str:
    parts = [
        f"{row[f'top_drop_reason_{i}']} {_pct(row[f'top_drop_reason_{i}_share'], 0)}"
        for i in (1, 2, 3) if row[f"top_drop_reason_{i}"]
    ]
    return ", ".join(parts) if parts else "no drop reasons"


def _channels(marts: Marts, header: Header) -> Section:
    section = Section(
        "channels", "3. Channel volume vs value", ("mart_channel_scorecard",),
        note="All-time, per channel: leads (x), lead-to-customer rate (y), booked revenue "
             "(bubble area). Far right is volume; high up is value: 1,000 leads with 10 "
             "customers sit lower than 100 leads with 20.",
    )
    if not _available(marts, section):
        return section
    rows = marts.rows(
        "mart_channel_scorecard",
        ["channel", "leads", "customers", "lead_to_customer_rate", "revenue_reporting",
         "revenue_per_lead"],
        where="level = 'channel' and period_type = 'all_time' and leads > 0",
        order="leads desc, channel",
    )
    if not rows:
        return _no_rows(section, "mart_channel_scorecard (channel level, all time)")
    import plotly.graph_objects as go

    currency = header.currency
    revenue = [max(r["revenue_reporting"] or 0.0, 0.0) for r in rows]
    largest = max(revenue) or 1.0
    fig = go.Figure(go.Scatter(
        x=[r["leads"] for r in rows], y=[r["lead_to_customer_rate"] for r in rows],
        mode="markers+text", text=[r["channel"] for r in rows], textposition="top center",
        marker={"size": revenue, "sizemode": "area", "sizeref": 2.0 * largest / 60**2,
                "sizemin": 4, "color": BLUE, "opacity": 0.55,
                "line": {"color": "#1f4e79", "width": 1}},
        customdata=[
            [r["customers"], _money(r["revenue_reporting"], currency),
             _money(r["revenue_per_lead"], currency)] for r in rows
        ],
        hovertemplate=(
            "<b>%{text}</b><br>%{x:,} leads, %{customdata[0]:,} customers"
            "<br>lead to customer %{y:.1%}<br>revenue %{customdata[1]}"
            "<br>revenue per lead %{customdata[2]}<extra></extra>"
        ),
    ))
    _layout(
        fig, f"Leads vs lead-to-customer rate; bubble = revenue ({currency or 'reporting'})",
        showlegend=False,
        xaxis={"title": "leads (all time, log scale)", "type": "log", "tickformat": ",",
               "tickvals": [v * 10**e for e in range(0, 8) for v in (1, 2, 5)]},
        yaxis={"title": "lead to customer", "tickformat": ".0%",
               "range": [0, max(r["lead_to_customer_rate"] or 0 for r in rows) * 1.25 or 1]},
    )
    biggest = rows[0]
    enough = [r for r in rows if r["lead_to_customer_rate"] is not None
              and r["leads"] >= max(30, 0.01 * sum(x["leads"] for x in rows))]
    best = max(enough, key=lambda r: (r["lead_to_customer_rate"], r["leads"]), default=None)
    sentence = (
        f"{biggest['channel']} brings the most leads ({biggest['leads']:,}) and converts "
        f"{_pct(biggest['lead_to_customer_rate'])} "
        f"({_money(biggest['revenue_per_lead'], currency)} revenue per lead)"
    )
    if best is not None and best["channel"] != biggest["channel"]:
        sentence = sentence.replace(" and converts ", " but converts ", 1) + (
            f"; {best['channel']} converts {_pct(best['lead_to_customer_rate'])} of its "
            f"{best['leads']:,} leads ({_money(best['revenue_per_lead'], currency)} per lead)"
        )
    section.takeaway = sentence + "."
    section.figure = fig
    return section


def _criteria(marts: Marts, header: Header) -> Section:
    section = Section(
        "criteria", "4. Which MQL criteria really predict buying", ("mart_mql_criteria_lift",),
        note="Lift = win rate of the leads meeting the criterion / win rate of all matured "
             "leads, with its 95% interval. An interval entirely right of 1 predicts buying; "
             "one that straddles 1 is a vanity signal.",
    )
    if not _available(marts, section):
        return section
    rows = marts.rows(
        "mart_mql_criteria_lift",
        ["criterion_name", "description", "is_dimension", "leads", "wins", "win_rate", "lift",
         "lift_ci_low", "lift_ci_high", "verdict"],
        where="not is_dimension and lift is not null", order="lift, criterion_name",
    )
    if not rows:
        return _no_rows(section, "mart_mql_criteria_lift (criterion rows with a lift)")
    import plotly.graph_objects as go

    traces = []
    for verdict in sorted({r["verdict"] for r in rows}):
        group = [r for r in rows if r["verdict"] == verdict]
        traces.append(go.Scatter(
            x=[r["lift"] for r in group], y=[r["criterion_name"] for r in group],
            mode="markers", name=verdict.replace("_", " "),
            marker={"size": 11, "color": VERDICT_COLORS.get(verdict, BLUE)},
            error_x={
                "type": "data", "symmetric": False, "thickness": 2, "width": 5,
                "array": [_gap(r["lift_ci_high"], r["lift"]) for r in group],
                "arrayminus": [_gap(r["lift"], r["lift_ci_low"]) for r in group],
            },
            customdata=[[r["description"] or "", r["leads"], r["wins"],
                         _pct(r["win_rate"])] for r in group],
            hovertemplate=(
                "<b>%{y}</b>: %{customdata[0]}<br>lift %{x:.2f}<br>%{customdata[1]:,} "
                "leads, %{customdata[2]:,} wins (%{customdata[3]})<extra></extra>"
            ),
        ))
    fig = go.Figure(traces)
    fig.add_vline(x=1, line_dash="dash", line_color="#555555")
    _layout(
        fig, "Lift in win rate with 95% interval, per MQL criterion",
        xaxis={"title": "lift (1 = no better than average)", "rangemode": "tozero"},
        yaxis={"categoryorder": "array", "categoryarray": [r["criterion_name"] for r in rows],
               "automargin": True},
        legend={"orientation": "h", "y": -0.2},
    )
    predictive = [r for r in rows if r["verdict"] == "predictive"]
    weak = [r for r in rows if r["verdict"] in ("vanity", "negative")]
    if predictive:
        top = predictive[-1]
        sentence = (
            f"{len(predictive)} of {len(rows)} criteria really predict buying; "
            f"{top['criterion_name']} is the strongest (lift {top['lift']:.1f}x, 95% interval "
            f"{top['lift_ci_low']:.1f}-{top['lift_ci_high']:.1f})"
        )
    else:
        sentence = f"None of the {len(rows)} criteria has a lift interval above 1"
    if weak:
        names = [r["criterion_name"] for r in reversed(weak[-3:])]
        listed = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        sentence += (f", while {listed} {'does' if len(names) == 1 else 'do'} not (interval "
                     "not above 1)")
    section.takeaway = sentence + "."
    section.figure = fig
    return section


def _gap(high: float | None, low: float | None) -> float:
    return 0.0 if high is None or low is None else max(high - low, 0.0)


def _calibration(marts: Marts, header: Header) -> Section:
    section = Section(
        "calibration", "5. Does the lead score rank buyers?", ("mart_lead_score_calibration",),
        note="Observed win rate of the matured leads in each 10-point lead-score band. AUC is "
             "the chance that a random buyer has a higher score than a random non-buyer "
             "(0.5 = a coin toss, 1 = perfect).",
    )
    if not _available(marts, section):
        return section
    rows = marts.rows(
        "mart_lead_score_calibration",
        ["band_type", "band_order", "band_label", "leads", "wins", "win_rate",
         "is_win_rate_monotonic", "auc"],
        order="band_type desc, band_order",
    )
    fixed = [r for r in rows if r["band_type"] == "fixed_10"]
    rows = fixed or rows
    if not rows:
        return _no_rows(section, "mart_lead_score_calibration")
    import plotly.graph_objects as go

    auc = rows[0]["auc"]
    fig = go.Figure(go.Bar(
        x=[r["band_label"] for r in rows], y=[r["win_rate"] for r in rows], marker_color=BLUE,
        text=[f"{_pct(r['win_rate'])}<br>{r['wins']:,}/{r['leads']:,}" for r in rows],
        textposition="outside",
        hovertemplate="score %{x}: win rate %{y:.1%}<extra></extra>",
    ))
    top = max((r["win_rate"] or 0 for r in rows), default=0)
    _layout(
        fig, f"Observed win rate by lead-score band (AUC {_fmt(auc, '.2f')})", showlegend=False,
        xaxis={"title": "lead score band", "type": "category"},
        yaxis={"title": "win rate", "tickformat": ".0%", "range": [0, top * 1.3 or 1]},
    )
    first, last = rows[0], rows[-1]
    ratio = _ratio(last["win_rate"], first["win_rate"])
    steady = bool(first["is_win_rate_monotonic"])
    times = [f"{ratio:.1f}x"] if ratio is not None else []
    times += [] if steady else ["with dips between"]
    sentence = (
        f"The win rate {'rises steadily' if steady else 'goes'} from "
        f"{_pct(first['win_rate'])} in band {first['band_label']} to "
        f"{_pct(last['win_rate'])} in band {last['band_label']}"
        + (f" ({', '.join(times)})" if times else "")
    )
    if auc is not None:
        joiner = "but" if auc < 0.7 else "and"
        sentence += f", {joiner} with an AUC of {auc:.2f} the score ranks buyers {_auc_words(auc)}"
    section.takeaway = sentence + "."
    section.figure = fig
    return section


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _auc_words(auc: float) -> str:
    if auc < 0.6:
        return "barely better than a coin toss"
    if auc < 0.7:
        return "only weakly"
    if auc < 0.8:
        return "fairly well"
    return "well"


def _threshold(marts: Marts, header: Header) -> Section:
    section = Section(
        "threshold", "6. The MQL threshold trade-off", ("mart_mql_threshold_whatif",),
        note="If an MQL were \u201clead score >= threshold\u201d: precision = MQLs that won / "
             "MQLs (right axis), recall = won leads that were MQLs / won leads (left axis). "
             "The dashed lines are today's MQL definition.",
    )
    if not _available(marts, section):
        return section
    rows = marts.rows(
        "mart_mql_threshold_whatif",
        ["definition_kind", "score_threshold", "mqls", "precision_rate", "recall_rate",
         "f1_score"],
        order="score_threshold nulls last",
    )
    curve = [r for r in rows if r["definition_kind"] == "score_threshold"]
    current = next((r for r in rows if r["definition_kind"] == "current_definition"), None)
    if not curve:
        return _no_rows(section, "mart_mql_threshold_whatif (score thresholds)")
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(specs=[[{"secondary_y": True}]])
    xs = [r["score_threshold"] for r in curve]
    custom = [[r["mqls"]] for r in curve]
    fig.add_trace(go.Scatter(
        x=xs, y=[r["recall_rate"] for r in curve], name="recall (left)", mode="lines+markers",
        line={"color": BLUE, "width": 3}, customdata=custom,
        hovertemplate="score >= %{x}: recall %{y:.1%}, %{customdata[0]:,} MQLs<extra></extra>",
    ), secondary_y=False)
    fig.add_trace(go.Scatter(
        x=xs, y=[r["precision_rate"] for r in curve], name="precision (right)",
        mode="lines+markers", line={"color": ORANGE, "width": 3}, customdata=custom,
        hovertemplate="score >= %{x}: precision %{y:.1%}, %{customdata[0]:,} MQLs"
                      "<extra></extra>",
    ), secondary_y=True)
    if current is not None:
        for value, color, secondary, label in (
            (current["recall_rate"], BLUE, False, "current recall"),
            (current["precision_rate"], ORANGE, True, "current precision"),
        ):
            if value is None:
                continue
            fig.add_trace(go.Scatter(
                x=[min(xs), max(xs)], y=[value, value], mode="lines", name=label,
                line={"color": color, "dash": "dash", "width": 1.5},
                hovertemplate=f"{label} {_pct(value)}<extra></extra>",
            ), secondary_y=secondary)
    precision_top = max((r["precision_rate"] or 0 for r in rows), default=0)
    _layout(fig, "Precision and recall of \u201clead score >= threshold\u201d as the MQL rule",
            legend={"orientation": "h", "y": -0.2},
            xaxis={"title": "lead score threshold"})
    fig.update_yaxes(title_text="recall", tickformat=".0%", range=[0, 1.05],
                     secondary_y=False, color=BLUE)
    fig.update_yaxes(title_text="precision", tickformat=".1%", secondary_y=True,
                     range=[0, precision_top * 1.25 or 1], color=ORANGE, showgrid=False)
    scored = [r for r in curve if r["f1_score"] is not None]
    best = max(scored, key=lambda r: (r["f1_score"], -r["score_threshold"]), default=None)
    section.takeaway = _threshold_sentence(current, best)
    section.figure = fig
    return section


def _threshold_sentence(current: dict | None, best: dict | None) -> str:
    if best is None:
        return "No score threshold has an F1 score (no wins among the matured leads)."
    at_best = (f"score >= {best['score_threshold']} ({_num(best['mqls'])} MQLs, precision "
               f"{_pct(best['precision_rate'])}, recall {_pct(best['recall_rate'])})")
    if current is None or current["f1_score"] is None:
        return f"The best F1 of the thresholds ({best['f1_score']:.3f}) is at {at_best}."
    sentence = (
        f"Today's MQL definition makes {_num(current['mqls'])} MQLs with precision "
        f"{_pct(current['precision_rate'])} and recall {_pct(current['recall_rate'])} (F1 "
        f"{current['f1_score']:.3f})"
    )
    if best["f1_score"] <= current["f1_score"] + 0.0005:
        return sentence + f"; no score threshold does better (best: {at_best})."
    precision_up = (best["precision_rate"] or 0) >= (current["precision_rate"] or 0)
    recall_up = (best["recall_rate"] or 0) >= (current["recall_rate"] or 0)
    return sentence + (
        f"; the best threshold by F1, score >= {best['score_threshold']} (F1 "
        f"{best['f1_score']:.3f}), would {'raise' if precision_up else 'lower'} precision to "
        f"{_pct(best['precision_rate'])} {'and' if precision_up == recall_up else 'but'} "
        f"{'raise' if recall_up else 'cut'} recall to {_pct(best['recall_rate'])} "
        f"({_num(best['mqls'])} MQLs)."
    )


def _speed(marts: Marts, header: Header) -> Section:
    section = Section(
        "speed", "7. Conversion by speed to lead", ("mart_speed_to_lead",),
        note="Explicit MQLs by how long sales took to touch them first; the bar is the share "
             "won within the win window of the first MQL (months too recent for the window "
             "are left out). Labels give the MQLs in each bucket.",
    )
    if not _available(marts, section):
        return section
    rows = marts.rows(
        "mart_speed_to_lead",
        ["response_time_bucket", "bucket_order", "mqls", "share_of_mqls",
         "mql_to_won_rate", "mature_mqls", "mql_to_won_window_rate"],
        where="level = 'all' and period_type = 'all_time'", order="bucket_order",
    )
    if not rows:
        return _no_rows(section, "mart_speed_to_lead (all teams, all time)")
    import plotly.graph_objects as go

    windowed = any(r["mql_to_won_window_rate"] is not None for r in rows)
    rate_col = "mql_to_won_window_rate" if windowed else "mql_to_won_rate"
    base_col = "mature_mqls" if windowed else "mqls"
    fig = go.Figure(go.Bar(
        x=[r["response_time_bucket"] for r in rows], y=[r[rate_col] for r in rows],
        marker_color=[GREY if r["response_time_bucket"] == "never" else BLUE for r in rows],
        text=[f"{_pct(r[rate_col])}<br>{_num(r[base_col])} MQLs" for r in rows],
        textposition="outside",
        hovertemplate="first touch %{x}: %{y:.1%} won<extra></extra>",
    ))
    top = max((r[rate_col] or 0 for r in rows), default=0)
    _layout(
        fig, "MQL to won by time to first sales touch (all teams, all time)"
        + ("" if windowed else " - not windowed: recent MQLs may still win"),
        showlegend=False, xaxis={"title": "time to first sales touch", "type": "category"},
        yaxis={"title": "MQLs won", "tickformat": ".0%", "range": [0, top * 1.3 or 1]},
    )
    touched = [r for r in rows if r["response_time_bucket"] not in ("never", "unknown")
               and r[rate_col] is not None]
    if touched:
        best = max(touched, key=lambda r: (r[rate_col], -r["bucket_order"]))
        slowest = touched[-1]
        sentence = (f"MQLs first touched in {best['response_time_bucket']} win most often "
                    f"({_pct(best[rate_col])})")
        if slowest is not best:
            sentence += (f"; after {slowest['response_time_bucket']} only "
                         f"{_pct(slowest[rate_col])} do")
        late = [r for r in rows if r["response_time_bucket"] in ("1-3d", ">3d")]
        if late:
            share = sum(r["share_of_mqls"] or 0 for r in late)
            sentence += f", and {_pct(share, 0)} of MQLs wait more than a day"
    else:
        sentence = "No MQL has been touched by sales yet"
    section.takeaway = sentence + "."
    section.figure = fig
    return section


SECTION_BUILDERS: list[Callable[[Marts, Header], Section]] = [
    _funnel, _leakage, _channels, _criteria, _calibration, _threshold, _speed,
]


# --------------------------------------------------------------------------- page

STATUS_SCRIPT = """
(function () {
  var errors = [], drawn = {};
  function status() {
    var charts = document.querySelectorAll("div.plotly-graph-div").length;
    var done = Object.keys(drawn).length;
    var root = document.documentElement;
    if (errors.length) {
      root.setAttribute("data-report-status", "error:" + errors.join(" | ").slice(0, 500));
    } else if (document.readyState !== "loading" && done === charts) {
      root.setAttribute("data-report-status", "ok:" + done);
    } else {
      root.setAttribute("data-report-status", "pending:" + done + "/" + charts);
    }
  }
  window.addEventListener("error", function (event) {
    errors.push(String(event.message || event.type)); status();
  });
  window.addEventListener("unhandledrejection", function (event) {
    errors.push("unhandled rejection: " + String(event.reason)); status();
  });
  var consoleError = console.error;
  console.error = function () {
    errors.push(Array.prototype.join.call(arguments, " ")); status();
    return consoleError.apply(console, arguments);
  };
  window.funnelReportDrawn = function (id) { drawn[id] = true; status(); };
  document.addEventListener("DOMContentLoaded", status);
  window.addEventListener("load", status);
})();
"""

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       margin: 0 auto; max-width: 1200px; padding: 16px 28px 40px; line-height: 1.45; }
header { border-bottom: 2px solid #2c7bb6; margin-bottom: 8px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
.meta { color: #555; margin: 0 0 12px; }
nav ol { columns: 2; margin: 8px 0 0; padding-left: 20px; color: #444; }
nav a { color: #1f4e79; text-decoration: none; }
section { border-bottom: 1px solid #e5e5e5; padding: 14px 0 10px; }
h2 { font-size: 19px; margin: 6px 0 4px; }
.takeaway { font-size: 16px; font-weight: 600; margin: 4px 0 6px; color: #1f4e79; }
.note { color: #666; font-size: 13px; margin: 2px 0 0; }
.unavailable { color: #8a6d3b; background: #fcf8e3; padding: 10px 12px; border-radius: 4px; }
footer { color: #777; font-size: 12px; margin-top: 16px; }
"""


def _page(header: Header, sections: list[Section], warehouse_name: str) -> str:
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    esc = html.escape
    meta = [
        f"As of {header.as_of_date}" if header.as_of_date else "As-of date unknown "
        "(marts.mart_run_metadata is missing)",
        f"{header.leads:,} leads" if header.leads is not None else None,
        f"money in {header.currency}" if header.currency else None,
        f"warehouse {warehouse_name}",
    ]
    nav = "".join(f'<li><a href="#{s.key}">{esc(s.title.split(". ", 1)[-1])}</a></li>'
                  for s in sections)
    body = []
    for section in sections:
        parts = [f'<section id="{section.key}">', f"<h2>{esc(section.title)}</h2>"]
        if section.figure is None:
            parts.append(f'<p class="unavailable">{esc(section.unavailable)}</p>')
        else:
            parts.append(f'<p class="takeaway">{esc(section.takeaway)}</p>')
            parts.append(pio.to_html(
                section.figure, include_plotlyjs=False, full_html=False,
                div_id=section.div_id, default_height=f"{CHART_HEIGHT}px",
                post_script="window.funnelReportDrawn('{plot_id}');",
                config={"displaylogo": False, "responsive": True},
            ))
            parts.append(f'<p class="note">{esc(section.note)}</p>')
        parts.append(f'<p class="note">Source: {", ".join(f"{MARTS}.{m}" for m in section.marts)}'
                     "</p></section>")
        body.append("\n".join(parts))
    plotly_js = get_plotlyjs().replace("</script", "<\\/script")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en" data-report-status="pending">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Lead funnel report"
        + (f" - as of {esc(header.as_of_date)}" if header.as_of_date else "") + "</title>",
        f"<style>{STYLE}</style>",
        f"<script>{STATUS_SCRIPT}</script>",
        f'<script id="plotly-js">{plotly_js}</script>',
        "</head>",
        "<body>",
        "<header>",
        "<h1>Lead funnel report</h1>",
        f'<p class="meta">{esc(" · ".join(m for m in meta if m))}</p>',
        f"<nav><ol>{nav}</ol></nav>",
        "</header>",
        *body,
        "<footer>Built by <code>funnel report</code> from the marts of the warehouse; "
        "every number is read from them. Charts are interactive: hover for details. "
        "Works offline.</footer>",
        "</body>",
        "</html>",
        "",
    ])

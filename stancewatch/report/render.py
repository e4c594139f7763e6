"""The report page: `ReportData` in, one self-contained HTML string out.

The page skeleton and its CSS live in `page.html`. This module builds the
four fragments that go into it: header, timelines, shifts and source health.
Every value that came from the web goes through `markup.esc`, `markup.el`
(which escapes every attribute) or `markup.link`; see that module for why.
Even numbers and dates we formatted ourselves are escaped, so no value is
ever interpolated raw.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path
from string import Template
from typing import Any

from stancewatch.report.charts import Frame, frame_for, legend_svg, timeline_svg
from stancewatch.report.data import KeyLine, Quote, ReportData, Shift, SourceHealth, Timeline
from stancewatch.report.relations import relations_section
from stancewatch.report.markup import el, esc, fmt_day, fmt_time, link, plural

PAGE = Template((Path(__file__).resolve().parent / "page.html").read_text(encoding="utf-8"))
#: Failed nights in a row from which a source is flagged red (amber before that).
FAILING_FROM = 3
#: Quotes shown per side of a shift; the rest are counted.
QUOTES_PER_SIDE = 2


def render_page(data: ReportData) -> str:
    """The whole page."""
    return PAGE.substitute(
        title=esc(f"stancewatch report · {data.warehouse}"),
        header=_header(data),
        timelines=_timelines(data) + _keys(data),
        shifts=_shifts(data),
        relations=_relations(data),
        health=_health(data),
        footer=esc(
            f"Generated {fmt_time(data.generated)} by stancewatch from the published copy"
            f" of {data.warehouse}. Self-contained: no scripts and no remote resources."
            " Hover a dot or a shift marker for details."
        ),
    )


def pill(text: str, cls: str | None = None) -> str:
    """A coloured pill that also spells its meaning out (colour is never the only cue)."""
    return el("span", esc(text), class_=f"pill {cls or text}")


def _fact(value: object, label: str) -> str:
    """A headline number with its label, as a box in the header."""
    return el("div", el("b", esc(value)) + el("span", esc(label)), class_="fact")


def _header(data: ReportData) -> str:
    """Warehouse, time generated, last night and its status, and the headline counts."""
    h = data.header
    if h["run_id"] is None:
        night = el("b", "no night yet") + el("span", "last run")
    else:
        night = el("b", f"{esc(h['run_id'])} {pill(h['status'], 'status-' + h['status'])}") + el(
            "span", esc(f"last run: {_night_summary(h)}")
        )
    failing = sum(1 for s in data.health if s.failed_nights >= FAILING_FROM)
    facts = [
        el("div", night, class_="fact night"),
        _fact(h["n_articles"], "articles"),
        _fact(h["n_statements"], "statements"),
        _fact(h["n_shifts"], "shifts"),
        _fact(h["n_nights"], "nights"),
        _fact(failing, f"sources failing {FAILING_FROM}+ nights"),
    ]
    scope = []
    if data.since:
        scope.append(f"since {fmt_day(data.since)}")
    if data.actors:
        scope.append("actors " + ", ".join(data.actors))
    sub = f"warehouse {el('b', esc(data.warehouse))} · generated {esc(fmt_time(data.generated))}" + (
        esc(f" · charts and shifts {'; '.join(scope)}") if scope else ""
    )
    sections = (
        ("timelines", "Stance timelines"),
        ("keys", "Keys not charted"),
        ("shifts", "Latest shifts"),
        ("relations", "Relations"),
        ("health", "Source health"),
    )
    nav = "".join(el("a", text, href=f"#{anchor}") for anchor, text in sections)
    return el(
        "header",
        el("h1", "stancewatch report")
        + el("p", sub, class_="sub")
        + el("div", "".join(facts), class_="facts")
        + el("nav", nav),
        class_="top",
    )


def _night_summary(h: dict[str, Any]) -> str:
    """'2 new articles, 7 statements, 1 shift, 1 source failed' from the run's summary."""
    parts = [
        plural(h[key], word)
        for key, word in (
            ("run_new_articles", "new article"),
            ("run_new_statements", "statement"),
            ("run_new_shifts", "shift"),
        )
        if h.get(key) is not None
    ]
    if h.get("run_feeds_failed"):
        parts.append(f"{plural(h['run_feeds_failed'], 'source')} failed")
    return ", ".join(parts) or "no summary"


# ----------------------------------------------------------------------------- timelines
def _timelines(data: ReportData) -> str:
    """Small multiples grouped by actor on one shared time axis, saying how many were left out."""
    shown, total = len(data.timelines), data.timelines_total
    cut = "" if shown == total else f"; the {shown} most active are drawn, {total - shown} left out"
    note = (
        f"{plural(total, 'key')} (actor → target · topic) with at least two day records or a"
        f" shift{cut}; the others are listed below. Every chart shares one time axis."
        + (" A shift's earlier side is drawn even when it falls before the period." if data.since else "")
    )
    out = [el("h2", "Stance timelines"), el("p", esc(note), class_="note"), legend_svg()]
    if not data.timelines:
        out.append(el("p", "Nothing to draw yet.", class_="note"))
    frame = frame_for(data.timelines)
    for actor, group in groupby(data.timelines, key=lambda t: t.actor):
        charts = list(group)
        title = el("h3", f"{esc(actor)} {el('span', plural(len(charts), 'chart'), class_='meta')}")
        cards = "".join(_chart_card(t, frame, _last_night(data)) for t in charts)
        out.append(el("section", title + el("div", cards, class_="grid"), class_="actor", data_actor=actor))
    return el("section", "".join(out), id="timelines")


def _last_night(data: ReportData) -> list[str]:
    """The runs of the latest night (a night can hold several): their shifts are "new"."""
    return list(data.header.get("night_runs") or [])


def _chart_card(tl: Timeline, frame: Frame, last_night: list[str]) -> str:
    """A chart titled 'CHN → USA · trade' with its counts; framed when last night shifted it."""
    meta = f"{plural(tl.n_statements, 'statement')} · {plural(len(tl.records), 'day')}"
    if tl.n_shifts:
        meta += f" · {plural(tl.n_shifts, 'shift')}"
    new = tl.shifts_found_in(last_night)
    caption = (
        el("span", esc(tl.title), class_="key")
        + (pill(plural(new, "new shift"), "new") if new else "")
        + el("span", esc(meta), class_="meta")
    )
    return el(
        "figure",
        el("figcaption", caption) + timeline_svg(tl, frame),
        class_="chart new-shift" if new else "chart",
        data_actor=tl.actor,
        data_target=tl.target,
        data_topic=tl.topic,
        data_records=len(tl.records),
    )


# ----------------------------------------------------------------------------- keys not charted
KEY_COLUMNS = ("Key", "Stance", "Day(s)", "Statements", "Sources", "Speakers")


def _keys(data: ReportData) -> str:
    """Every key with records in the period that has no chart: one statement is still a position."""
    shown, total = len(data.keys), data.keys_total
    cut = "" if shown == total else f" The newest {shown} of {total} are listed."
    note = "Keys with a single day of records and no shift, or beyond the charts above; newest first." + cut
    out = [el("h2", "Keys not charted"), el("p", esc(note), class_="note")]
    if not data.keys:
        out.append(el("p", "Every key is charted above.", class_="note"))
    else:
        head = "".join(el("th", esc(h)) for h in KEY_COLUMNS)
        rows = "".join(_key_row(k) for k in data.keys)
        out.append(el("table", el("thead", el("tr", head)) + el("tbody", rows), class_="keys"))
    return el("section", "".join(out), id="keys")


def _key_row(k: KeyLine) -> str:
    days = (
        fmt_day(k.last_day)
        if k.n_records == 1
        else f"{plural(k.n_records, 'day')}, {fmt_day(k.first_day)} – {fmt_day(k.last_day)}"
    )
    stance = pill(k.last_stance) + (
        el("div", esc("also " + ", ".join(s for s in k.stances if s != k.last_stance)), class_="meta")
        if len(k.stances) > 1
        else ""
    )
    cells = [
        el("td", el("b", esc(k.title)), class_="key"),
        el("td", stance),
        el("td", esc(days), class_="when"),
        el("td", esc(k.n_statements), class_="num"),
        el("td", esc(", ".join(k.sources))),
        el("td", esc(", ".join(k.speakers))),
    ]
    return el(
        "tr",
        "".join(cells),
        class_="key-row",
        data_actor=k.actor,
        data_target=k.target,
        data_topic=k.topic,
        data_records=k.n_records,
    )


# ----------------------------------------------------------------------------- shifts
def _shifts(data: ReportData) -> str:
    """The latest shifts, newest first, with the quotes on both sides."""
    shown, total = len(data.shifts), data.shifts_total
    cut = "" if shown == total else f" The latest {shown} of {total} are listed."
    note = "Newest first." + cut
    out = [el("h2", "Latest shifts"), el("p", esc(note), class_="note")]
    if not data.shifts:
        out.append(el("p", "No stance shifts found.", class_="note"))
    else:
        head = "".join(el("th", h) for h in ("When", "Shift", "Before", "After"))
        rows = "".join(_shift_row(s, _last_night(data)) for s in data.shifts)
        out.append(el("table", el("thead", el("tr", head)) + el("tbody", rows), class_="shifts"))
    return el("section", "".join(out), id="shifts")


def _shift_row(s: Shift, last_night: list[str]) -> str:
    """A shift: when, what moved and why, both sides' quotes; marked if found last night."""
    new = s.detected_run_id in last_night
    when = (
        el("b", esc(fmt_day(s.new_on)))
        + el("div", esc(f"was {s.previous_stance} on {fmt_day(s.previous_on)}"), class_="meta")
        + (pill("new last night", "new") if new else "")
    )
    corroborated = f" · corroborated by {s.corroboration}" if s.corroboration else ""
    what = (
        el("div", el("b", esc(s.title)), class_="key")
        + el("div", f"{pill(s.previous_stance)} → {pill(s.new_stance)}")
        + el(
            "div",
            pill(f"{s.kind} · {s.severity}", f"sev-{s.severity}")
            + (el("span", esc(corroborated), class_="meta") if corroborated else ""),
        )
        + el("div", esc(s.reason), class_="reason")
    )
    return el(
        "tr",
        el("td", when, class_="when")
        + el("td", what)
        + el("td", _quotes(s.before, s.previous_stance), class_="quotes before")
        + el("td", _quotes(s.after, s.new_stance), class_="quotes after"),
        class_="shift new-shift" if new else "shift",
        data_shift=s.shift_id,
    )


def _quotes(quotes: Sequence[Quote], stance: str) -> str:
    """Up to QUOTES_PER_SIDE quotes with speaker, date and a link to the source article."""
    if not quotes:
        return el("span", "(statements no longer stored)", class_="meta")
    out = []
    for q in quotes[:QUOTES_PER_SIDE]:
        who = ", ".join(esc(x) for x in (q.speaker, q.speaker_role) if x) or "unnamed speaker"
        cite = f"— {who} · {esc(fmt_day(q.stated_on))} · {link(q.url, q.source or q.url)}"
        out.append(el("blockquote", el("p", f"“{esc(q.sentence)}”") + el("cite", cite), class_=stance, title=q.title))
    if len(quotes) > QUOTES_PER_SIDE:
        more = plural(len(quotes) - QUOTES_PER_SIDE, "more statement")
        out.append(el("div", esc(f"and {more}"), class_="meta"))
    return "".join(out)


# ----------------------------------------------------------------------------- relations
def _relations(data: ReportData) -> str:
    """Each pair's tone across all topics, on the same time axis as the stance timelines."""
    if data.relations is None:
        return ""
    days = [r.day for t in data.timelines for r in t.records] + [d.day for p in data.relations.pairs for d in p.days]
    start, end = (min(days), max(days)) if days else (date.today(), date.today())
    if start == end:
        start, end = start - timedelta(days=1), end + timedelta(days=1)
    return relations_section(data.relations, Frame(start, end))


# ----------------------------------------------------------------------------- health
HEALTH_COLUMNS = (
    "Source",
    "Kind",
    "Last success",
    "Failed nights in a row",
    "Last status",
    "Last error",
    "Items seen last run",
)


def _health(data: ReportData) -> str:
    """Per source: last success, failed nights in a row, last status and error; worst first."""
    note = f"Sources failing {FAILING_FROM} or more nights in a row are highlighted; worst first."
    head = "".join(el("th", esc(h)) for h in HEALTH_COLUMNS)
    rows = "".join(_health_row(s) for s in data.health)
    table = el("table", el("thead", el("tr", head)) + el("tbody", rows), class_="health")
    return el("section", el("h2", "Source health") + el("p", esc(note), class_="note") + table, id="health")


def _health_row(s: SourceHealth) -> str:
    """One source: amber from the first failed night, red and flagged from FAILING_FROM nights."""
    failing = s.failed_nights >= FAILING_FROM
    level = "bad" if failing else "warn" if s.failed_nights else "ok"
    fails = f"⚠ {s.failed_nights}" if failing else str(s.failed_nights)
    seen = "—" if s.items_seen_last_run is None else str(s.items_seen_last_run)
    cells = [
        el("td", el("b", esc(s.source)) + el("div", link(s.url), class_="url")),
        el("td", " · ".join(esc(x) for x in (s.kind, s.country) if x)),
        el("td", esc(fmt_time(s.last_success))),
        el("td", esc(fails), class_=f"num fails {level}"),
        el("td", esc(s.last_status or "—") + el("div", esc(s.last_run or ""), class_="meta")),
        el("td", esc(s.last_error or ""), class_="error"),
        el("td", esc(seen), class_="num"),
    ]
    return el("tr", "".join(cells), class_="failing" if failing else "ok", data_source=s.source)

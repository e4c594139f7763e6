"""The report page: `ReportData` in, one self-contained HTML string out.

The page skeleton and its CSS live in `page.html`. This module builds the
four fragments that go into it: header, timelines, shifts and source health.
Every value that came from the web goes through `markup.esc` or
`markup.link` (see that module for why); numbers and dates we formatted
ourselves are escaped too, so no value is ever interpolated raw.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from string import Template

from stancewatch.report.charts import Frame, frame_for, legend_svg, timeline_svg
from stancewatch.report.data import Quote, ReportData, Shift, SourceHealth, Timeline
from stancewatch.report.markup import esc, fmt_day, fmt_time, link, plural

PAGE = Template((Path(__file__).resolve().parent / "page.html").read_text(encoding="utf-8"))
#: Consecutive failed nights from which a source is flagged (the brief's and the alert digest's threshold).
FAILING_FROM = 3
#: Quotes shown per side of a shift; the rest are counted.
QUOTES_PER_SIDE = 2


def render_page(data: ReportData) -> str:
    """The whole page."""
    return PAGE.substitute(
        title=esc(f"stancewatch report · {data.warehouse}"),
        header=_header(data),
        timelines=_timelines(data),
        shifts=_shifts(data),
        health=_health(data),
        footer=esc(f"Generated {fmt_time(data.generated)} by stancewatch from the published copy of "
                   f"{data.warehouse}. Self-contained: no scripts and no remote resources. "
                   "Hover a dot or a shift marker for details."),
    )


def pill(stance: str) -> str:
    """A stance as a coloured pill that also spells the stance out."""
    return f'<span class="pill {esc(stance)}">{esc(stance)}</span>'


def _fact(value: object, label: str, cls: str = "") -> str:
    return f'<div class="fact {cls}"><b>{esc(value)}</b><span>{esc(label)}</span></div>'


def _header(data: ReportData) -> str:
    """Warehouse, time generated, last night and its status, and the headline counts."""
    h = data.header
    if h["run_id"] is None:
        night = '<div class="fact night"><b>no night yet</b><span>last night</span></div>'
    else:
        night = (f'<div class="fact night"><b>{esc(h["run_id"])} <span class="pill status-{esc(h["status"])}">'
                 f'{esc(h["status"])}</span></b><span>last night: {esc(_night_summary(h))}</span></div>')
    failing = sum(1 for s in data.health if s.consecutive_failures >= FAILING_FROM)
    facts = [night, _fact(h["n_articles"], "articles"), _fact(h["n_statements"], "statements"),
             _fact(h["n_shifts"], "shifts"), _fact(h["n_runs"], "nights"),
             _fact(failing, f"sources failing {FAILING_FROM}+ nights")]
    scope = []
    if data.since:
        scope.append(f"since {fmt_day(data.since)}")
    if data.actors:
        scope.append("actors " + ", ".join(data.actors))
    scope_text = f" · charts and shifts {'; '.join(scope)}" if scope else ""
    return (f'<header class="top"><h1>stancewatch report</h1>'
            f'<p class="sub">warehouse <b>{esc(data.warehouse)}</b> · generated {esc(fmt_time(data.generated))}'
            f"{esc(scope_text)}</p>"
            f'<div class="facts">{"".join(facts)}</div>'
            '<nav><a href="#timelines">Stance timelines</a><a href="#shifts">Latest shifts</a>'
            '<a href="#health">Source health</a></nav></header>')


def _night_summary(h: dict) -> str:
    """'2 new articles, 7 statements, 1 shift, 1 source failed' from the run's summary."""
    parts = []
    for key, word in (("run_new_articles", "new article"), ("run_new_statements", "statement"),
                      ("run_new_shifts", "shift")):
        if h.get(key) is not None:
            parts.append(plural(h[key], word))
    if h.get("run_feeds_failed"):
        parts.append(f"{plural(h['run_feeds_failed'], 'source')} failed")
    return ", ".join(parts) or "no summary"


# ----------------------------------------------------------------------------- timelines
def _timelines(data: ReportData) -> str:
    """Small multiples grouped by actor, on one shared time axis, with how many were left out."""
    shown, total = len(data.timelines), data.timelines_total
    note = (f"{plural(total, 'key')} (actor → target · topic) with at least two day records or a shift"
            f"{'' if shown == total else f'; the {shown} most active are drawn, {total - shown} left out'}."
            " Every chart shares one time axis.")
    out = ['<section id="timelines"><h2>Stance timelines</h2>', f'<p class="note">{esc(note)}</p>', legend_svg()]
    if not data.timelines:
        out.append('<p class="note">Nothing to draw yet.</p>')
    frame = frame_for(data.timelines)
    for actor, group in groupby(data.timelines, key=lambda t: t.actor):
        charts = list(group)
        out.append(f'<section class="actor" data-actor="{esc(actor)}"><h3>{esc(actor)} '
                   f'<span class="meta">{esc(plural(len(charts), "chart"))}</span></h3><div class="grid">')
        out += [_chart_card(t, frame, data.header["run_id"]) for t in charts]
        out.append("</div></section>")
    out.append("</section>")
    return "".join(out)


def _chart_card(tl: Timeline, frame: Frame, last_night: str | None) -> str:
    """One titled chart, 'CHN → USA · trade', with its counts; framed when last night found a shift in it."""
    meta = f"{plural(tl.n_statements, 'statement')} · {plural(len(tl.records), 'day')}"
    if tl.n_shifts:
        meta += f" · {plural(tl.n_shifts, 'shift')}"
    new = tl.shifts_found_in(last_night)
    badge = f'<span class="pill new">{esc(plural(new, "new shift"))}</span>' if new else ""
    return (f'<figure class="chart{" new-shift" if new else ""}" data-actor="{esc(tl.actor)}" '
            f'data-target="{esc(tl.target)}" data-topic="{esc(tl.topic)}" data-records="{len(tl.records)}">'
            f'<figcaption><span class="key">{esc(tl.title)}</span>{badge}<span class="meta">{esc(meta)}</span>'
            f"</figcaption>{timeline_svg(tl, frame)}</figure>")


# ----------------------------------------------------------------------------- shifts
def _shifts(data: ReportData) -> str:
    """The latest shifts, newest first, with the quotes on both sides."""
    shown, total = len(data.shifts), data.shifts_total
    note = "Newest first." + ("" if shown == total else f" The latest {shown} of {total} are listed.")
    out = ['<section id="shifts"><h2>Latest shifts</h2>', f'<p class="note">{esc(note)}</p>']
    if not data.shifts:
        out.append('<p class="note">No stance shifts found.</p></section>')
        return "".join(out)
    out.append('<table class="shifts"><thead><tr><th>When</th><th>Shift</th><th>Before</th><th>After</th>'
               "</tr></thead><tbody>")
    out += [_shift_row(s, data.header["run_id"]) for s in data.shifts]
    out.append("</tbody></table></section>")
    return "".join(out)


def _shift_row(s: Shift, last_night: str | None) -> str:
    corroborated = f" · corroborated by {s.corroboration}" if s.corroboration else ""
    new = s.detected_run_id == last_night
    badge = '<span class="pill new">new last night</span>' if new else ""
    return (f'<tr class="shift{" new-shift" if new else ""}" data-shift="{esc(s.shift_id)}">'
            f'<td class="when"><b>{esc(fmt_day(s.new_on))}</b><div class="meta">was {esc(s.previous_stance)} '
            f"on {esc(fmt_day(s.previous_on))}</div>"
            f"{badge}</td>"
            f'<td><div class="key"><b>{esc(s.title)}</b></div>'
            f"<div>{pill(s.previous_stance)} → {pill(s.new_stance)}</div>"
            f'<div><span class="pill sev-{esc(s.severity)}">{esc(s.kind)} · {esc(s.severity)}</span>'
            f'<span class="meta">{esc(corroborated)}</span></div>'
            f'<div class="reason">{esc(s.reason)}</div></td>'
            f'<td class="quotes before">{_quotes(s.before, s.previous_stance)}</td>'
            f'<td class="quotes after">{_quotes(s.after, s.new_stance)}</td></tr>')


def _quotes(quotes: Sequence[Quote], stance: str) -> str:
    """Up to QUOTES_PER_SIDE quotes with speaker, date and a link to the source article."""
    if not quotes:
        return '<span class="meta">(statements no longer stored)</span>'
    out = []
    for q in quotes[:QUOTES_PER_SIDE]:
        who = ", ".join(esc(x) for x in (q.speaker, q.speaker_role) if x) or "unnamed speaker"
        where = link(q.url, q.source or q.url)
        title = f' title="{esc(q.title)}"' if q.title else ""
        out.append(f'<blockquote class="{esc(stance)}"{title}><p>“{esc(q.sentence)}”</p>'
                   f"<cite>— {who} · {esc(fmt_day(q.stated_on))} · {where}</cite></blockquote>")
    if len(quotes) > QUOTES_PER_SIDE:
        out.append(f'<div class="meta">and {esc(plural(len(quotes) - QUOTES_PER_SIDE, "more statement"))}'
                   "</div>")
    return "".join(out)


# ----------------------------------------------------------------------------- health
def _health(data: ReportData) -> str:
    """Per source: last success, failed nights in a row (flagged from FAILING_FROM), last status and error."""
    out = ['<section id="health"><h2>Source health</h2>',
           f'<p class="note">Sources failing {FAILING_FROM} or more nights in a row are highlighted; '
           "worst first.</p>",
           '<table class="health"><thead><tr><th>Source</th><th>Kind</th><th>Last success</th>'
           '<th>Failed nights in a row</th><th>Last status</th><th>Last error</th><th>Items seen last run</th>'
           "</tr></thead><tbody>"]
    out += [_health_row(s) for s in data.health]
    out.append("</tbody></table></section>")
    return "".join(out)


def _health_row(s: SourceHealth) -> str:
    failing = s.consecutive_failures >= FAILING_FROM
    level = "bad" if failing else "warn" if s.consecutive_failures else "ok"
    fails = f"⚠ {s.consecutive_failures}" if failing else str(s.consecutive_failures)
    kind = " · ".join(esc(x) for x in (s.kind, s.country) if x)
    seen = "—" if s.items_seen_last_run is None else str(s.items_seen_last_run)
    return (f'<tr class="{"failing" if failing else "ok"}" data-source="{esc(s.source)}">'
            f'<td><b>{esc(s.source)}</b><div class="url">{link(s.url)}</div></td>'
            f"<td>{kind}</td><td>{esc(fmt_time(s.last_success))}</td>"
            f'<td class="num fails {level}">{esc(fails)}</td>'
            f"<td>{esc(s.last_status or '—')}<div class=\"meta\">{esc(s.last_run or '')}</div></td>"
            f'<td class="error">{esc(s.last_error or "")}</td><td class="num">{esc(seen)}</td></tr>')

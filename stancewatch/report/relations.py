"""The report's relations section: how each actor talks about each target across all topics.

Analysts ask "how is China talking about the US this month?" before they ask
about a topic. Per (actor, target) pair the section draws the daily net
stance (support − oppose over all statements, concern in between, from the
view `relation_records`) as a line between +1 and −1 on the page's shared
time axis, with the tone bands (warm / mixed / cold) behind it and a marker
where the tone shifted ("relations warming / cooling"), then lists the latest
relation shifts with quotes from both sides. Data and drawing live together
here because the section is self-contained; everything from the web goes
through `markup`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from stancewatch.domain.shifts import WARM_FROM
from stancewatch.report.charts import SEVERITY_WIDTH, SHIFT_COLOUR, Frame, ticks
from stancewatch.report.markup import el, esc, fmt_day, link, plural
from stancewatch.warehouse import Warehouse

#: tone -> (band fill, ink), as the stance bands: warm is support's green, cold oppose's red.
TONE_COLOURS: dict[str, tuple[str, str]] = {
    "warm": ("#e4f3e7", "#1e7b3c"),
    "mixed": ("#fcf1d6", "#b06f00"),
    "cold": ("#fbe3e1", "#c0392b"),
}


@dataclass(frozen=True)
class PairDay:
    """A pair's day: net stance, tone, counts per stance, topics, and the relation shift it begins."""

    day: date
    net: float
    tone: str
    n_support: int
    n_concern: int
    n_oppose: int
    topics: list[str]
    shift_kind: str | None = None
    shift_severity: str | None = None
    shift_from: str | None = None
    shift_reason: str | None = None


@dataclass(frozen=True)
class Relation:
    """One pair's timeline across all topics."""

    actor: str
    target: str
    days: list[PairDay]
    n_statements: int
    n_shifts: int

    @property
    def title(self) -> str:
        return f"{self.actor} → {self.target} · all topics"


@dataclass(frozen=True)
class RelationShift:
    """A change of a pair's tone with both sides' net stance and a few quotes."""

    shift_id: str
    actor: str
    target: str
    previous_tone: str
    new_tone: str
    previous_on: date
    new_on: date
    previous_net: float | None
    new_net: float | None
    kind: str
    severity: str
    corroboration: str | None
    reason: str
    detected_run_id: str
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Relations:
    pairs: list[Relation]
    pairs_total: int
    shifts: list[RelationShift]
    shifts_total: int


def load_relations(
    wh: Warehouse, since: date | None, actors: Sequence[str] | None, max_pairs: int = 24, max_shifts: int = 20
) -> Relations:
    """The pairs and relation shifts the section shows (queries `report_relations`, `report_relation_shifts`)."""
    rows = wh.named("report_relations", [since, actors, max_pairs])
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_pair.setdefault((row["actor"], row["target"]), []).append(row)
    pairs = [
        Relation(actor, target, [_day(r) for r in recs], int(recs[0]["pair_statements"]), int(recs[0]["pair_shifts"]))
        for (actor, target), recs in by_pair.items()
    ]
    shift_rows = wh.named("report_relation_shifts", [since, actors, max_shifts])
    shifts = [
        RelationShift(
            **{k: r[k] for k in RelationShift.__dataclass_fields__ if k in r},
            before=list(r["previous_quotes"] or []),
            after=list(r["new_quotes"] or []),
            urls=list(r["new_urls"] or []),
        )
        for r in shift_rows
    ]
    return Relations(
        pairs,
        rows[0]["n_pairs"] if rows else 0,
        shifts,
        shift_rows[0]["n_total"] if shift_rows else 0,
    )


def _day(r: dict[str, Any]) -> PairDay:
    return PairDay(
        r["day"],
        float(r["net"]),
        r["tone"],
        int(r["n_support"]),
        int(r["n_concern"]),
        int(r["n_oppose"]),
        list(r["topics"] or []),
        r["shift_kind"],
        r["shift_severity"],
        r["shift_from"],
        r["shift_reason"],
    )


# ----------------------------------------------------------------------------- rendering
def relations_section(rel: Relations, frame: Frame) -> str:
    """The section: a chart per pair on the page's shared time axis, then the latest relation shifts."""
    shown = len(rel.pairs)
    cut = "" if shown == rel.pairs_total else f"; the {shown} most active are drawn, {rel.pairs_total - shown} left out"
    note = (
        f"{plural(rel.pairs_total, 'pair')} (actor → target, every topic together) with at least two day records or"
        f" a relation shift{cut}. The line is the day's net stance: (support − oppose) / all statements, concern"
        f" counting 0; above +{WARM_FROM:.2f} the tone is warm, below −{WARM_FROM:.2f} cold."
    )
    out = [el("h2", "Relations"), el("p", esc(note), class_="note")]
    if not rel.pairs:
        out.append(el("p", "No pair has enough statements yet.", class_="note"))
    cards = "".join(_card(p, frame) for p in rel.pairs)
    out.append(el("div", cards, class_="grid"))
    out.append(el("h3", "Latest relation shifts"))
    if not rel.shifts:
        out.append(el("p", "No relation shifts found.", class_="note"))
    else:
        head = "".join(el("th", h) for h in ("When", "Pair", "Before", "After"))
        body = "".join(_shift_row(s) for s in rel.shifts)
        out.append(el("table", el("thead", el("tr", head)) + el("tbody", body), class_="shifts relation-shifts"))
    return el("section", "".join(out), id="relations")


def _card(p: Relation, frame: Frame) -> str:
    meta = f"{plural(p.n_statements, 'statement')} · {plural(len(p.days), 'day')}"
    if p.n_shifts:
        meta += f" · {plural(p.n_shifts, 'relation shift')}"
    caption = el("span", esc(p.title), class_="key") + el("span", esc(meta), class_="meta")
    return el(
        "figure",
        el("figcaption", caption) + relation_svg(p, frame),
        class_="pair",
        data_actor=p.actor,
        data_target=p.target,
        data_records=len(p.days),
    )


def _y(net: float, frame: Frame) -> float:
    """+1 at the top of the plot, −1 at the bottom."""
    plot = frame.height - frame.top - frame.bottom
    return frame.top + plot * (1 - net) / 2


def relation_svg(p: Relation, frame: Frame) -> str:
    """Tone bands, the zero line, date ticks, the net-stance line, dots per day, relation shift markers."""
    out = []
    for tone, (hi, lo) in (
        ("warm", (1.0, WARM_FROM)),
        ("mixed", (WARM_FROM, -WARM_FROM)),
        ("cold", (-WARM_FROM, -1.0)),
    ):
        fill, ink = TONE_COLOURS[tone]
        top, bottom = _y(hi, frame), _y(lo, frame)
        width = frame.width - frame.right - frame.left
        out.append(
            el("rect", class_=f"band band-{tone}", x=frame.left, y=top, width=width, height=bottom - top, fill=fill)
        )
        label_y = (top + bottom) / 2 + 4
        out.append(el("text", tone, x=frame.left - 6, y=label_y, text_anchor="end", fill=ink))
    zero = _y(0.0, frame)
    out.append(el("line", x1=frame.left, x2=frame.width - frame.right, y1=zero, y2=zero, stroke="#9aa5b1"))
    for day, text in ticks(frame):
        out.append(
            el("text", esc(text), x=frame.x(day), y=frame.height - frame.bottom + 14, text_anchor="middle", fill="#555")
        )
    if len(p.days) > 1:
        d = " ".join(
            f"{'M' if i == 0 else 'L'}{frame.x(r.day):.1f},{_y(r.net, frame):.1f}" for i, r in enumerate(p.days)
        )
        out.append(el("path", class_="net", d=d, fill="none", stroke="#37474f", stroke_width=1.6))
    for r in p.days:
        if r.shift_kind:
            x = frame.x(r.day)
            tip = f"{r.day}: {r.shift_kind} ({r.shift_severity}), {r.shift_from} → {r.tone}. {r.shift_reason or ''}"
            line = el(
                "line",
                x1=x,
                x2=x,
                y1=frame.top - 6,
                y2=frame.height - frame.bottom,
                stroke=SHIFT_COLOUR,
                stroke_width=SEVERITY_WIDTH.get(r.shift_severity or "", 1.4),
                stroke_dasharray="4 3",
            )
            label = el(
                "text",
                esc(r.shift_kind),
                class_="shift-label",
                x=x,
                y=frame.top - 9,
                text_anchor="middle",
                fill=SHIFT_COLOUR,
            )
            out.append(
                el("g", el("title", esc(tip)) + line + label, class_="shift", data_day=r.day, data_kind=r.shift_kind)
            )
    for r in p.days:
        _, ink = TONE_COLOURS.get(r.tone, ("#eee", "#555"))
        tip = (
            f"{r.day}: net {r.net:+.2f} ({r.tone}); {r.n_support} support, {r.n_concern} concern, {r.n_oppose} oppose"
            + (f"; topics: {', '.join(r.topics)}" if r.topics else "")
        )
        dot = el("circle", cx=frame.x(r.day), cy=_y(r.net, frame), r=4.5, fill=ink, stroke="#fff", stroke_width=1.2)
        out.append(el("g", el("title", esc(tip)) + dot, class_="rec", data_day=r.day, data_tone=r.tone))
    summary = (
        f"{p.title}: {plural(len(p.days), 'day')}, latest net {p.days[-1].net:+.2f} ({p.days[-1].tone})"
        if p.days
        else p.title
    )
    return el(
        "svg",
        "".join(out),
        class_="relation-timeline",
        viewBox=f"0 0 {frame.width} {frame.height}",
        width=frame.width,
        height=frame.height,
        role="img",
        aria_label=summary,
        xmlns="http://www.w3.org/2000/svg",
    )


def _shift_row(s: RelationShift) -> str:
    nets = ""
    if s.previous_net is not None and s.new_net is not None:
        nets = f"net {s.previous_net:+.2f} → {s.new_net:+.2f}"
    when = el("b", esc(fmt_day(s.new_on))) + el(
        "div", esc(f"was {s.previous_tone} on {fmt_day(s.previous_on)}"), class_="meta"
    )
    what = (
        el("div", el("b", esc(f"{s.actor} → {s.target}")), class_="key")
        + el(
            "div",
            el("span", esc(f"{s.kind} · {s.severity}"), class_=f"pill sev-{s.severity}")
            + " "
            + el("span", esc(nets), class_="meta"),
        )
        + el("div", esc(s.reason), class_="reason")
    )
    before = "".join(el("blockquote", el("p", f"“{esc(q)}”")) for q in s.before) or el("span", "—", class_="meta")
    after = "".join(el("blockquote", el("p", f"“{esc(q)}”")) for q in s.after)
    after += "".join(el("div", link(u), class_="url") for u in s.urls)
    return el(
        "tr",
        el("td", when, class_="when")
        + el("td", what)
        + el("td", before, class_="quotes before")
        + el("td", after or "—", class_="quotes after"),
        class_="shift relation-shift",
        data_shift=s.shift_id,
    )

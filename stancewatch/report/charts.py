"""Stance timelines as inline SVG, drawn in Python.

Why SVG from Python rather than a JS chart library: the page must open
offline with no CDN. It also has to print, and run no script at all (its
Content-Security-Policy forbids scripts). A timeline is small enough to draw
by hand: three horizontal bands (support / concern / oppose, top to bottom,
each labelled in text so colour is never the only cue), a step line from
record to record, a dot per day record sized by its statements, and a dashed
vertical marker with a "reversal · high" label where a shift begins. Hovering
shows the details through SVG <title> tooltips.

Every chart shares one time axis (`Frame`), so a date sits at the same
horizontal position in every chart down the page and simultaneous moves line
up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from stancewatch.domain.shifts import most_severe_first
from stancewatch.report.data import STANCES, Record, Timeline
from stancewatch.report.markup import el, esc, plural

#: stance -> (band fill, dot and label colour); the bands are pale so the dots stand out.
STANCE_COLOURS: dict[str, tuple[str, str]] = {
    "support": ("#e4f3e7", "#1e7b3c"),
    "concern": ("#fcf1d6", "#b06f00"),
    "oppose": ("#fbe3e1", "#c0392b"),
}
SHIFT_COLOUR = "#3f2a8c"
#: severity -> marker line width: a high-severity shift is the heaviest line on the chart.
SEVERITY_WIDTH: dict[str, float] = {"high": 2.4, "medium": 1.7, "low": 1.1}


@dataclass(frozen=True)
class Frame:
    """One chart's geometry, and the time axis every chart on the page shares."""

    start: date
    end: date
    width: int = 400
    height: int = 150
    left: int = 56
    right: int = 10
    top: int = 24
    bottom: int = 22
    inset: int = 10  # keeps dots on the first and last day inside the plot

    @property
    def band(self) -> float:
        """Height of one stance band: the plot split in three."""
        return (self.height - self.top - self.bottom) / len(STANCES)

    def x(self, day: date) -> float:
        """Horizontal position of a day (the span is at least one day, so no division by zero)."""
        span = max((self.end - self.start).days, 1)
        usable = self.width - self.left - self.right - 2 * self.inset
        return self.left + self.inset + usable * (day - self.start).days / span

    def y(self, stance: str) -> float:
        """Vertical centre of a stance's band (an unknown stance sits in the middle band)."""
        row = STANCES.index(stance) if stance in STANCES else 1
        return self.top + self.band * (row + 0.5)


def frame_for(timelines: Sequence[Timeline]) -> Frame:
    """The shared axis: first to last day over every chart (one day is padded a day each side)."""
    days = [r.day for t in timelines for r in t.records] or [date.today()]
    start, end = min(days), max(days)
    if start == end:
        start, end = start - timedelta(days=1), end + timedelta(days=1)
    return Frame(start, end)


def ticks(frame: Frame, most: int = 4) -> list[tuple[date, str]]:
    """Up to `most` evenly spaced dates with short labels ('25 Feb', or 'Mar 2023' over long spans).

    The first label carries the year so a reader always knows which year the axis shows.
    """
    span = (frame.end - frame.start).days
    count = max(1, min(most, span + 1))
    step = span / max(count - 1, 1)
    days = sorted({frame.start + timedelta(days=round(step * i)) for i in range(count)})
    labels = []
    for i, day in enumerate(days):
        if span > 200:
            text = day.strftime("%b %Y")
        else:
            text = f"{day.day} {day.strftime('%b')}" + (f" {day.year}" if i == 0 else "")
        labels.append((day, text))
    return labels


def timeline_svg(timeline: Timeline, frame: Frame) -> str:
    """The chart for one key: bands, date axis, step line, shift markers, then dots on top."""
    recs = timeline.records
    body = "".join(
        [
            _bands(frame),
            _axis(frame),
            _step_line(recs, frame),
            _shift_markers(recs, frame),
            *(_dot(r, frame) for r in recs),
        ]
    )
    return el(
        "svg",
        body,
        class_="timeline",
        viewBox=f"0 0 {frame.width} {frame.height}",
        width=frame.width,
        height=frame.height,
        role="img",
        aria_label=_summary(timeline),
        xmlns="http://www.w3.org/2000/svg",
    )


def _summary(timeline: Timeline) -> str:
    """What the chart shows, in words, for screen readers: 'CHN → USA · trade: 3 records ...'."""
    recs = timeline.records
    if not recs:
        return timeline.title
    text = (
        f"{timeline.title}: {plural(len(recs), 'record')} from {recs[0].day} to {recs[-1].day},"
        f" latest {recs[-1].stance}"
    )
    return text + (f", {plural(timeline.n_shifts, 'shift')}" if timeline.n_shifts else "")


def _bands(frame: Frame) -> str:
    """Three pale bands with their stance names on the left."""
    out = []
    for row, stance in enumerate(STANCES):
        fill, ink = STANCE_COLOURS[stance]
        top = frame.top + frame.band * row
        out.append(
            el(
                "rect",
                class_=f"band band-{stance}",
                x=frame.left,
                y=top,
                width=frame.width - frame.right - frame.left,
                height=frame.band,
                fill=fill,
            )
        )
        out.append(
            el(
                "text",
                stance,
                class_="band-label",
                x=frame.left - 6,
                y=top + frame.band / 2 + 4,
                text_anchor="end",
                fill=ink,
            )
        )
    return "".join(out)


def _axis(frame: Frame) -> str:
    """Date ticks under the plot with faint grid lines; edge labels are anchored inwards."""
    out = []
    bottom = frame.height - frame.bottom
    for day, text in ticks(frame):
        x = frame.x(day)
        anchor = "start" if x - frame.left < 40 else "end" if frame.width - frame.right - x < 40 else "middle"
        out.append(el("line", class_="grid", x1=x, x2=x, y1=frame.top, y2=bottom + 3, stroke="#ffffff", stroke_width=1))
        out.append(el("text", esc(text), class_="tick", x=x, y=bottom + 14, text_anchor=anchor, fill="#555"))
    return "".join(out)


def _step_line(recs: Sequence[Record], frame: Frame) -> str:
    """A step line: the stance holds until the next record, then moves (none for one record)."""
    if len(recs) < 2:
        return ""
    d = f"M{frame.x(recs[0].day):.1f},{frame.y(recs[0].stance):.1f}"
    for r in recs[1:]:
        d += f" H{frame.x(r.day):.1f} V{frame.y(r.stance):.1f}"
    return el("path", class_="step", d=d, fill="none", stroke="#37474f", stroke_width=2, stroke_linejoin="round")


def _shift_markers(recs: Sequence[Record], frame: Frame) -> str:
    """Dashed vertical lines where shifts begin, labelled where the labels fit."""
    labels = place_labels(recs, frame)
    return "".join(_shift_marker(r, frame, labels.get(r.day)) for r in recs if r.shift)


#: Rough width of one character of a bold 10.5px shift label, to keep labels from overlapping.
LABEL_CHAR_WIDTH = 6.6


def place_labels(recs: Sequence[Record], frame: Frame) -> dict[date, tuple[str, str]]:
    """day -> (label, text-anchor) for the shift labels that fit without overlapping.

    Most severe (then latest) shifts first; each gets "kind · severity", else
    just its kind, else no label at all (its marker, ring and tooltip remain).
    """
    marks = sorted(
        ((r.day, r.shift) for r in recs if r.shift),
        key=lambda m: (most_severe_first(m[1].severity), -m[0].toordinal()),  # most severe, then latest, first
    )
    taken: list[tuple[float, float]] = []
    placed: dict[date, tuple[str, str]] = {}
    for day, shift in marks:
        for text in (f"{shift.kind} · {shift.severity}", shift.kind):
            spot = _free_spot(frame.x(day), len(text) * LABEL_CHAR_WIDTH, frame.width, taken)
            if spot:
                taken.append(spot[1])
                placed[day] = (text, spot[0])
                break
    return placed


def _free_spot(
    x: float, width: float, limit: float, taken: Sequence[tuple[float, float]]
) -> tuple[str, tuple[float, float]] | None:
    """The first text-anchor (middle, start, end) whose extent fits the chart and misses `taken`."""
    for anchor, lo in (("middle", x - width / 2), ("start", x - 2), ("end", x - width + 2)):
        a, b = lo - 3, lo + width + 3
        if a >= 0 and b <= limit and all(b <= lo2 or a >= hi2 for lo2, hi2 in taken):
            return anchor, (a, b)
    return None


def _shift_marker(rec: Record, frame: Frame, label: tuple[str, str] | None) -> str:
    """One shift: a dashed line as heavy as its severity, its label if it fits, details on hover."""
    shift = rec.shift
    assert shift is not None
    x = frame.x(rec.day)
    tip = f"{rec.day}: {shift.kind} ({shift.severity}), {shift.previous_stance} → {rec.stance}. {shift.reason}"
    line = el(
        "line",
        x1=x,
        x2=x,
        y1=frame.top - 6,
        y2=frame.height - frame.bottom,
        stroke=SHIFT_COLOUR,
        stroke_width=SEVERITY_WIDTH.get(shift.severity, 1.4),
        stroke_dasharray="4 3",
    )
    text = ""
    if label:
        text = el(
            "text", esc(label[0]), class_="shift-label", x=x, y=frame.top - 9, text_anchor=label[1], fill=SHIFT_COLOUR
        )
    return el(
        "g",
        el("title", esc(tip)) + line + text,
        class_=f"shift shift-{shift.severity}",
        data_day=rec.day,
        data_kind=shift.kind,
    )


def dot_radius(n_statements: int) -> float:
    """Dots grow with the day's statements by area (square root), capped to stay in their band."""
    return min(10.0, 4.5 + 1.8 * math.sqrt(max(n_statements, 1) - 1))


def _dot(rec: Record, frame: Frame) -> str:
    """A day record: a dot in its stance's colour, ringed when a shift begins; hover for more."""
    _, ink = STANCE_COLOURS.get(rec.stance, ("#eee", "#555"))
    lines = [f"{rec.day}: {rec.stance}", f"{plural(rec.n_statements, 'statement')}, {plural(rec.n_sources, 'source')}"]
    if rec.speakers:
        lines.append("speakers: " + ", ".join(rec.speakers))
    if rec.sources:
        lines.append("sources: " + ", ".join(rec.sources))
    if rec.shift:
        lines.append(f"{rec.shift.kind} ({rec.shift.severity}) from {rec.shift.previous_stance}")
    if rec.before_since:
        lines.append("before the report's period: the stance the first shift in it moved away from")
    x, y, r = frame.x(rec.day), frame.y(rec.stance), dot_radius(rec.n_statements)
    ring = ""
    if rec.shift:
        ring = el("circle", cx=x, cy=y, r=r + 3, fill="none", stroke=SHIFT_COLOUR, stroke_width=1.5)
    dot = el("circle", cx=x, cy=y, r=r, fill=ink, stroke="#fff", stroke_width=1.5)
    return el(
        "g",
        el("title", esc("\n".join(lines))) + ring + dot,
        class_="rec",
        data_day=rec.day,
        data_stance=rec.stance,
        data_before_since="true" if rec.before_since else None,
    )


def legend_svg() -> str:
    """The key to every chart: band colours with names, dot sizes, the shift marker."""
    out, x = [], 4
    for stance in STANCES:
        fill, ink = STANCE_COLOURS[stance]
        out += [
            el("rect", x=x, y=6, width=78, height=22, fill=fill),
            el("circle", cx=x + 12, cy=17, r=4.5, fill=ink),
            el("text", stance, x=x + 22, y=21, fill=ink),
        ]
        x += 86
    out += [
        el("circle", cx=x + 8, cy=17, r=dot_radius(1), fill="#666"),
        el("circle", cx=x + 24, cy=17, r=dot_radius(4), fill="#666"),
        el("text", "1 / 4 statements that day", x=x + 38, y=21, fill="#333"),
    ]
    x += 210
    out += [
        el("line", x1=x, x2=x, y1=4, y2=30, stroke=SHIFT_COLOUR, stroke_width=2.4, stroke_dasharray="4 3"),
        el("text", "shift (kind · severity)", x=x + 8, y=21, fill=SHIFT_COLOUR),
    ]
    return el(
        "svg",
        "".join(out),
        class_="legend",
        viewBox="0 0 640 34",
        width=640,
        height=34,
        role="img",
        xmlns="http://www.w3.org/2000/svg",
        aria_label="Legend: bands support, concern, oppose; dot size is the day's statements;"
        " a dashed line marks a shift",
    )

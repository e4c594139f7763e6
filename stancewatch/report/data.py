"""What the HTML report shows, read from the published warehouse.

Everything comes through `warehouse.open_reader` on the published copy (the
locked-down, read-only analyst connection), so building a report while the
nightly flow writes the working file is safe. The SQL lives in
`warehouse/queries/report_*.sql`; this module only turns rows into small typed
records the renderer can trust (lists never None, '' for an absent target).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from stancewatch.domain import shifts as shift_rules
from stancewatch.warehouse import Warehouse, open_reader
from stancewatch.warehouse.publish import published_path

#: Stances from strongest agreement to strongest disagreement are the chart's bands, top to bottom.
STANCES = shift_rules.STANCES


#: How the report writes an absent target or topic.
NONE = "—"


def key_title(actor: str, target: str, topic: str) -> str:
    """'CHN → USA · trade', the report's name for a key; no target or topic reads '—'."""
    return f"{actor} → {target or NONE} · {topic or NONE}"


@dataclass(frozen=True)
class ShiftMark:
    """A shift beginning on a record's day, as the chart marks it."""

    kind: str
    severity: str
    previous_stance: str
    reason: str
    detected_run_id: str


@dataclass(frozen=True)
class Record:
    """One key's prevailing stance on one day (a point on the chart)."""

    day: date
    stance: str
    n_statements: int
    n_sources: int
    sources: list[str]
    speakers: list[str]
    shift: ShiftMark | None = None
    before_since: bool = False  # the record a shift in the period moved away from, older than `since`


@dataclass(frozen=True)
class Timeline:
    """A key (actor, target, topic) and its records in date order."""

    actor: str
    target: str
    topic: str
    records: list[Record]
    n_statements: int
    n_shifts: int

    @property
    def title(self) -> str:
        """'CHN → USA · trade'; an absent target or topic reads '—'."""
        return key_title(self.actor, self.target, self.topic)

    def shifts_found_in(self, run_ids: Collection[str]) -> int:
        """How many of this chart's shifts the runs `run_ids` (last night's) found: what is new this morning."""
        return sum(1 for r in self.records if r.shift and r.shift.detected_run_id in run_ids)


@dataclass(frozen=True)
class KeyLine:
    """A key the report lists instead of charting it (one day of records, or beyond the chart cap)."""

    actor: str
    target: str
    topic: str
    n_records: int
    first_day: date
    last_day: date
    last_stance: str
    stances: list[str]
    n_statements: int
    sources: list[str]
    speakers: list[str]

    @property
    def title(self) -> str:
        return key_title(self.actor, self.target, self.topic)


@dataclass(frozen=True)
class Quote:
    """A statement on one side of a shift, with who said it, when and where."""

    sentence: str
    speaker: str | None
    speaker_role: str | None
    stated_on: date | None
    url: str | None
    title: str | None
    source: str | None


@dataclass(frozen=True)
class Shift:
    """A stance shift and the quotes on both sides."""

    shift_id: str
    actor: str
    target: str
    topic: str
    previous_stance: str
    new_stance: str
    previous_on: date
    new_on: date
    kind: str
    severity: str
    corroboration: str | None
    reason: str
    detected_run_id: str
    before: list[Quote] = field(default_factory=list)
    after: list[Quote] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The shifted key, named as on its chart."""
        return key_title(self.actor, self.target, self.topic)


@dataclass(frozen=True)
class SourceHealth:
    """How one source has been doing: the analyst's "is the feed still alive?"."""

    source: str
    url: str
    kind: str | None
    country: str | None
    last_success: datetime | None
    last_run: str | None
    last_status: str | None
    consecutive_failures: int  # failed runs in a row
    last_error: str | None
    items_seen_last_run: int | None
    failed_nights: int = 0  # the nights those failed runs fell on (a night can hold several runs)


@dataclass(frozen=True)
class ReportData:
    """Everything one report page shows."""

    warehouse: str
    generated: datetime
    since: date | None
    actors: list[str] | None
    header: dict[str, Any]
    timelines: list[Timeline]
    timelines_total: int
    keys: list[KeyLine]  # every key with records in the period that is not charted, newest first
    keys_total: int
    shifts: list[Shift]
    shifts_total: int
    health: list[SourceHealth]
    relations: Any = None  # report.relations.Relations (imported late: that module draws with charts)


def load_report_data(
    db: Path,
    since: date | None = None,
    actors: Sequence[str] | None = None,
    *,
    max_charts: int = 60,
    max_shifts: int = 50,
    max_keys: int = 500,
) -> ReportData:
    """Read the published copy of `db` (a published path is used as is)."""
    path = published_path(db)
    wanted = sorted({a.strip().upper() for a in actors if a.strip()}) if actors else None
    with open_reader(path) as wh:
        timeline_rows = wh.named("report_timelines", [since, wanted, max_charts])
        timelines = group_timelines(timeline_rows)
        charted = {(t.actor, t.target, t.topic) for t in timelines}
        listed = [
            r for r in wh.named("report_keys", [since, wanted]) if (r["actor"], r["target"], r["topic"]) not in charted
        ]
        shift_rows = wh.named("report_shifts", [since, wanted, max_shifts])
        shifts = _with_quotes(wh, shift_rows)
        return ReportData(
            warehouse=path.name.replace(".published", ""),
            generated=datetime.now(timezone.utc),
            since=since,
            actors=wanted,
            header=wh.named("report_header")[0],
            timelines=timelines,
            timelines_total=timeline_rows[0]["n_keys"] if timeline_rows else 0,
            keys=[_key_line(r) for r in listed[:max_keys]],
            keys_total=len(listed),
            shifts=shifts,
            shifts_total=shift_rows[0]["n_total"] if shift_rows else 0,
            health=[_health(r) for r in wh.named("report_source_health")],
            relations=_relations(wh, since, wanted),
        )


def group_timelines(rows: list[dict[str, Any]]) -> list[Timeline]:
    """Rows (one per record, key-ranked) -> timelines grouped by actor, then topic.

    The query ranks keys by activity; the page reads better grouped, so actors
    come in order of their busiest key, topics within an actor likewise, and
    targets within a topic by their own rank.
    """
    by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        by_key.setdefault((row["actor"], row["target"], row["topic"]), []).append(row)
    actor_rank: dict[str, int] = {}
    topic_rank: dict[tuple[str, str], int] = {}
    for (actor, _, topic), recs in by_key.items():  # dicts keep the query's rank order
        actor_rank.setdefault(actor, recs[0]["key_rank"])
        topic_rank.setdefault((actor, topic), recs[0]["key_rank"])

    def place(item: tuple[tuple[str, str, str], list[dict[str, Any]]]) -> tuple[int, int, int]:
        (actor, _, topic), recs = item
        return actor_rank[actor], topic_rank[actor, topic], recs[0]["key_rank"]

    return [
        Timeline(
            actor,
            target,
            topic,
            [_record(r) for r in recs],
            n_statements=int(recs[0]["key_statements"]),
            n_shifts=int(recs[0]["key_shifts"]),
        )
        for (actor, target, topic), recs in sorted(by_key.items(), key=place)
    ]


def _record(row: dict[str, Any]) -> Record:
    """A timeline row as a Record; DuckDB gives NULL for an empty list, the renderer wants []."""
    shift = None
    if row["shift_kind"]:
        shift = ShiftMark(
            row["shift_kind"], row["shift_severity"], row["shift_from"], row["shift_reason"], row["shift_run_id"]
        )
    return Record(
        day=row["day"],
        stance=row["stance"],
        n_statements=int(row["n_statements"]),
        n_sources=int(row["n_sources"]),
        sources=list(row["sources"] or []),
        speakers=list(row["speakers"] or []),
        shift=shift,
        before_since=bool(row.get("before_since")),
    )


def _key_line(row: dict[str, Any]) -> KeyLine:
    return KeyLine(
        actor=row["actor"],
        target=row["target"],
        topic=row["topic"],
        n_records=int(row["n_records"]),
        first_day=row["first_day"],
        last_day=row["last_day"],
        last_stance=row["last_stance"],
        stances=list(row["stances"] or []),
        n_statements=int(row["n_statements"]),
        sources=[s for s in row["sources"] or [] if s],
        speakers=[s for s in row["speakers"] or [] if s],
    )


def _with_quotes(wh: Warehouse, rows: list[dict[str, Any]]) -> list[Shift]:
    """Attach both sides' quotes to each shift (one query for all of them)."""
    quotes: dict[tuple[str, str], list[Quote]] = {}
    if rows:
        for q in wh.named("shift_evidence", [[r["shift_id"] for r in rows]]):
            quotes.setdefault((q["shift_id"], q["side"]), []).append(
                Quote(q["sentence"], q["speaker"], q["speaker_role"], q["stated_on"], q["url"], q["title"], q["source"])
            )
    return [
        Shift(
            shift_id=r["shift_id"],
            actor=r["actor"],
            target=r["target"],
            topic=r["topic"],
            previous_stance=r["previous_stance"],
            new_stance=r["new_stance"],
            previous_on=r["previous_on"],
            new_on=r["new_on"],
            kind=r["kind"],
            severity=r["severity"],
            corroboration=r["corroboration"],
            reason=r["reason"],
            detected_run_id=r["detected_run_id"],
            before=quotes.get((r["shift_id"], "previous"), []),
            after=quotes.get((r["shift_id"], "new"), []),
        )
        for r in rows
    ]


def _relations(wh: Warehouse, since: date | None, actors: list[str] | None) -> Any:
    from stancewatch.report.relations import load_relations

    return load_relations(wh, since, actors)


def _health(row: dict[str, Any]) -> SourceHealth:
    """A source_health row; a source never fetched has NULL failures, which is 0."""
    return SourceHealth(
        source=row["source"],
        url=row["url"],
        kind=row["kind"],
        country=row["country"],
        last_success=row["last_success"],
        last_run=row["last_run"],
        last_status=row["last_status"],
        consecutive_failures=int(row["consecutive_failures"] or 0),
        last_error=row["last_error"],
        items_seen_last_run=row["items_seen_last_run"],
        failed_nights=int(row["failed_nights"] or 0),
    )

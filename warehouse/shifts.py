"""Shift detection: a key taking another stance, judged by the configured rules.

SQL does what it is good at — one record per key and day with its prevailing
stance and evidence (view `stance_records`). The rules that follow need
memory of what was *established*, which window functions express badly: a
low-severity change is only a shift once corroborated (a second source or a
second day), and an uncorroborated blip must not become the baseline the
next record is compared with. That small state machine lives here, in plain
Python, testable without a database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from stancewatch.warehouse.db import Warehouse

KINDS: dict[tuple[str, str], str] = {
    ("support", "oppose"): "reversal",
    ("oppose", "support"): "reversal",
    ("concern", "oppose"): "escalation",
    ("oppose", "concern"): "softening",
    ("concern", "support"): "warming",
    ("support", "concern"): "cooling",
}
EXPLAIN = {
    "reversal": "support and oppose are opposite positions",
    "escalation": "concern hardened into opposition",
    "softening": "opposition eased into concern",
    "warming": "concern turned into support",
    "cooling": "support gave way to concern",
}


@dataclass(frozen=True, slots=True)
class Rules:
    """Shift rules from the configuration (see defaults.yaml, `shifts`)."""

    window_days: int = 365
    severity: dict[str, str] = field(
        default_factory=lambda: {
            "reversal": "high",
            "escalation": "medium",
            "softening": "low",
            "warming": "low",
            "cooling": "medium",
        }
    )
    corroborate: tuple[str, ...] = ("low",)
    min_sources: int = 2
    min_days: int = 2


@dataclass(frozen=True, slots=True)
class Record:
    """One key's prevailing stance on one day (a row of `stance_records`)."""

    actor: str
    target: str
    topic: str
    day: date
    stance: str
    statement_ids: tuple[str, ...]
    sources: tuple[str, ...]
    detector_version: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.actor, self.target, self.topic)


@dataclass(frozen=True, slots=True)
class Shift:
    """A stance shift, with the records on both sides."""

    previous: Record
    new: Record
    kind: str
    severity: str
    corroboration: str | None

    @property
    def shift_id(self) -> str:
        parts = [*self.new.key, self.new.day.isoformat(), self.previous.stance, self.new.stance]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]

    @property
    def reason(self) -> str:
        p, n = self.previous, self.new
        about = " towards " + n.target if n.target else ""
        about += f" on {n.topic}" if n.topic else ""
        text = (
            f"{n.actor}'s stance{about} moved from {p.stance} (last recorded {p.day}) to {n.stance} "
            f"({n.day}): a {self.kind}, because {EXPLAIN[self.kind]}; severity {self.severity}"
        )
        return text + (f"; corroborated by {self.corroboration}" if self.corroboration else "") + "."


def find_shifts(records: Iterable[Record], rules: Rules) -> list[Shift]:
    """All shifts in `records` (sorted by key, then day) under `rules`."""
    out: list[Shift] = []
    for _, key_records in groupby(records, key=lambda r: r.key):
        out.extend(_key_shifts(list(key_records), rules))
    return out


def _key_shifts(records: Sequence[Record], rules: Rules) -> Iterator[Shift]:
    """Walk one key's records, comparing each run of equal stances with the established one."""
    established: Record | None = None  # latest record of the established stance
    runs = [list(g) for _, g in groupby(records, key=lambda r: r.stance)]
    for run in runs:
        if established is None or (run[0].day - established.day).days > rules.window_days:
            established = run[-1]  # first stance, or the old one is too old to compare
            continue
        if run[0].stance == established.stance:
            established = run[-1]
            continue
        kind = KINDS[(established.stance, run[0].stance)]
        severity = rules.severity.get(kind, "medium")
        corroboration = _corroboration(run, rules) if severity in rules.corroborate else None
        if severity in rules.corroborate and corroboration is None:
            continue  # a blip: the established stance stands
        yield Shift(established, run[0], kind, severity, corroboration)
        established = run[-1]


def _corroboration(run: Sequence[Record], rules: Rules) -> str | None:
    """What confirms a run of the new stance, or None if nothing does yet."""
    sources = {s for r in run for s in r.sources}
    if len(sources) >= rules.min_sources:
        return f"{len(sources)} sources"
    if len(run) >= rules.min_days:
        return f"{len(run)} days"
    return None


def load_records(wh: Warehouse, touched_in_run: str | None = None) -> list[Record]:
    """Keys' records in order, from the view `stance_records`: every key, or only the keys
    that got statements in `touched_in_run` (the others cannot have shifted)."""
    rows = wh.named("stance_records_touched", [touched_in_run]) if touched_in_run else wh.named("stance_records")
    return [
        Record(
            r["actor"],
            r["target"],
            r["topic"],
            r["day"],
            r["stance"],
            tuple(r["statement_ids"] or ()),
            tuple(r["sources"] or ()),
            r["detector_version"] or "",
        )
        for r in rows
    ]


def store_shifts(wh: Warehouse, shifts: Sequence[Shift], run_id: str, alerts_for: Any = None) -> list[Shift]:
    """Store the shifts not stored before and queue their alerts, in one transaction.

    `alerts_for(shift) -> list[dict]` gives the alert rows for a new shift
    (recipients and channels); returns the newly stored shifts.
    """
    known = {r["shift_id"] for r in wh.query("SELECT shift_id FROM store.shifts")}
    new = [s for s in shifts if s.shift_id not in known]
    with wh.transaction():
        wh.insert("store.shifts", [_row(s, run_id) for s in new])
        if alerts_for is not None:
            wh.insert("store.alerts", [a for s in new for a in alerts_for(s)])
    return new


def _row(s: Shift, run_id: str) -> dict[str, Any]:
    return {
        "shift_id": s.shift_id,
        "actor": s.new.actor,
        "target": s.new.target,
        "topic": s.new.topic,
        "previous_stance": s.previous.stance,
        "new_stance": s.new.stance,
        "previous_on": s.previous.day,
        "new_on": s.new.day,
        "kind": s.kind,
        "severity": s.severity,
        "corroboration": s.corroboration,
        "reason": s.reason,
        "previous_statement_ids": list(s.previous.statement_ids),
        "new_statement_ids": list(s.new.statement_ids),
        "detector_version": s.new.detector_version,
        "detected_run_id": run_id,
    }

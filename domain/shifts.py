"""The shift rules: what a stance shift is, how severe it is, and when one misread statement is not one.

Pure functions on plain records, testable without a database; the warehouse
loads the records (views `stance_records`, `relation_records`) and stores
what these rules find. Each rule is written once, here:

- **the vocabulary** — stances, kinds of shift, severities and their order,
  and the default severity of each kind (the configuration's defaults come
  from `DEFAULT_SEVERITY`);
- **the prevailing stance of a day** (`prevailing_stance`, the contract's
  "Timelines and shifts"): the SQL view `stance_records` expresses the same
  rule for analysts, and a test feeds both the same statements;
- **the shift state machine** (`find_shifts`): which change of a key's stance
  is a shift, and when a change must wait for corroboration;
- **relations** (`find_relation_shifts`): the same state machine over the
  daily net stance of an (actor, target) pair across all its topics.

Why a state machine and not SQL: a change that waits for corroboration must
not become the baseline the next record is compared with, which needs memory
of what was *established*; window functions express that badly.

**No false alarms from a routine appeal.** Any change of stance stands on
its first day only if a decisive assessment carries it; a day whose new
stance rests on demands and appeals alone (the contract's "routine demands")
waits for corroboration.

**No false alarms on steady positions.** A key's stance is *steady* once it
has held for `steady_records` records in a row. A steady stance changes on
the first day only on *decisive* evidence: at least `min_weight` of
confidence-weighted statements on the new stance that are neither
`historical` nor `future` (hypothetical ones never count, per the contract)
and each at least `min_confidence`, on a day that does not also assess the
steady stance decisively (appeals that accompany a protest do not count).
Anything less — one misread sentence, a doubtful classifier reading, a
recollection of the past, a day that says both — waits for corroboration
by a second source or a second day, and an uncorroborated blip does not
become the baseline. Shifts the configuration lists in
`corroboration.applies_to` always wait for corroboration.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    from stancewatch.domain.config import ShiftSettings

# ----------------------------------------------------------------------------- vocabulary
#: Stances, from the strongest agreement to the strongest disagreement.
STANCES: tuple[str, ...] = ("support", "concern", "oppose")
#: A day's tie goes to the more critical stance: a text that restates support while voicing
#: alarm is read for the alarm (oppose, then concern, then support).
CRITICAL_FIRST: tuple[str, ...] = ("oppose", "concern", "support")

Severity = Literal["low", "medium", "high"]
#: Severities in rising order; `SEVERITY_RANK` is the one order every sort and filter uses.
SEVERITIES: tuple[str, ...] = get_args(Severity)
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

#: (previous stance, new stance) -> kind of shift.
KINDS: dict[tuple[str, str], str] = {
    ("support", "oppose"): "reversal",
    ("oppose", "support"): "reversal",
    ("concern", "oppose"): "escalation",
    ("oppose", "concern"): "softening",
    ("concern", "support"): "warming",
    ("support", "concern"): "cooling",
}
EXPLAIN: dict[str, str] = {
    "reversal": "support and oppose are opposite positions",
    "escalation": "concern hardened into opposition",
    "softening": "opposition eased into concern",
    "warming": "concern turned into support",
    "cooling": "support gave way to concern",
    "relations warming": "the pair's statements across all topics turned more favourable",
    "relations cooling": "the pair's statements across all topics turned more critical",
}
#: Each kind's severity unless the configuration says otherwise (`shifts.severity`).
DEFAULT_SEVERITY: dict[str, Severity] = {
    "reversal": "high",
    "escalation": "medium",
    "softening": "low",
    "warming": "low",
    "cooling": "medium",
}

#: Flags that keep a statement from being decisive evidence of a *new* stance.
NOT_DECISIVE = ("hypothetical", "historical", "future")

#: Relation tones from the daily net stance (support − oppose over all statements, concern at 0):
#: warm above +WARM_FROM, cold below −WARM_FROM, mixed between.
TONES: tuple[str, ...] = ("warm", "mixed", "cold")
WARM_FROM = 1 / 3


def most_severe_first(severity: str) -> int:
    """Sort key: high before medium before low (unknown last)."""
    return -SEVERITY_RANK.get(severity, -1)


# ----------------------------------------------------------------------------- a day's stance
def prevailing_stance(statements: Iterable[Mapping[str, Any]]) -> str | None:
    """The prevailing stance of one key's statements on one day (None when none counts).

    The contract's rule, also expressed by the SQL view `stance_records`:
    hypothetical statements neither set nor change a stance; the stance with
    the largest confidence-weighted sum of *assessments* prevails (an
    assessment outweighs the demands that accompany it), then the one with the
    largest weighted sum of all statements, then the more critical one. A
    statement without a basis is an assessment; without a confidence, 1.0.
    """
    assessments: defaultdict[str, float] = defaultdict(float)  # confidence-weighted sums
    mentions: defaultdict[str, float] = defaultdict(float)
    for s in statements:
        if "hypothetical" in (s.get("flags") or ()):
            continue
        weight = confidence_of(s)
        mentions[s["stance"]] += weight
        if (s.get("basis") or "assessment") == "assessment":
            assessments[s["stance"]] += weight
    if not mentions:
        return None
    return max(mentions, key=lambda st: (assessments[st], mentions[st], -CRITICAL_FIRST.index(st)))


def document_stance(statements: Iterable[Mapping[str, Any]], actor: str, target: str, topic: str) -> str | None:
    """One document's stance on one timeline key (how the sequences' `expected.json` reads a
    document): `prevailing_stance` of its statements on the key, each statement on the key of
    every topic it lists."""
    return prevailing_stance(
        s for s in statements if s["actor"] == actor and (s.get("target") or "") == target and topic in (_key_topics(s))
    )


def _key_topics(statement: Mapping[str, Any]) -> list[str]:
    return list(statement.get("topics") or ()) or [statement.get("topic") or ""]


def confidence_of(statement: Mapping[str, Any]) -> float:
    c = statement.get("confidence")
    return 1.0 if c is None else float(c)


def is_decisive(statement: Mapping[str, Any], min_confidence: float) -> bool:
    """Can this statement alone speak for a new stance? Not hypothetical, historical or future,
    and read with at least `min_confidence`."""
    flags = statement.get("flags") or ()
    return not any(f in flags for f in NOT_DECISIVE) and confidence_of(statement) >= min_confidence


def net_stance(statements: Iterable[Mapping[str, Any]]) -> float | None:
    """A pair's daily net stance in [-1, 1]: (support − oppose) / all, confidence-weighted, concern
    counting 0 (in between); hypothetical statements left out. Also expressed by `relation_records`."""
    total = net = 0.0
    for s in statements:
        if "hypothetical" in (s.get("flags") or ()):
            continue
        w = confidence_of(s)
        total += w
        net += w if s["stance"] == "support" else -w if s["stance"] == "oppose" else 0.0
    return net / total if total else None


def tone(net: float) -> str:
    """warm / mixed / cold for a net stance."""
    return "warm" if net > WARM_FROM else "cold" if net < -WARM_FROM else "mixed"


# ----------------------------------------------------------------------------- records and shifts
@dataclass(frozen=True, slots=True)
class Record:
    """One key's stance on one day (a row of `stance_records`, or of `relation_records` with the
    tone as its stance and topic '*').

    `decisive` is the confidence-weighted sum of the day's decisive statements on this stance
    (see `is_decisive`); `contested_by` the other stances the same day decisively assessed (the
    routine appeals that accompany a protest do not contest it).
    """

    actor: str
    target: str
    topic: str
    day: date
    stance: str
    statement_ids: tuple[str, ...]
    sources: tuple[str, ...]
    detector_version: str = ""
    decisive: float = 1.0
    contested_by: tuple[str, ...] = ()
    net: float | None = None
    assessed: bool = True  # a decisive assessment (not only demands or appeals) carries this stance

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
        if n.topic == "*":
            about += " across all topics"
        elif n.topic:
            about += f" on {n.topic}"
        what = "tone" if n.topic == "*" else "stance"
        text = (
            f"{n.actor}'s {what}{about} moved from {p.stance} (last recorded {p.day}) to {n.stance} "
            f"({n.day}): a {self.kind}, because {EXPLAIN[self.kind]}; severity {self.severity}"
        )
        return text + (f"; corroborated by {self.corroboration}" if self.corroboration else "") + "."

    def row(self, run_id: str) -> dict[str, Any]:
        """The shift as a row of store.shifts / store.relation_shifts."""
        row = {
            "shift_id": self.shift_id,
            "actor": self.new.actor,
            "target": self.new.target,
            "topic": self.new.topic,
            "previous_stance": self.previous.stance,
            "new_stance": self.new.stance,
            "previous_on": self.previous.day,
            "new_on": self.new.day,
            "kind": self.kind,
            "severity": self.severity,
            "corroboration": self.corroboration,
            "reason": self.reason,
            "previous_statement_ids": list(self.previous.statement_ids),
            "new_statement_ids": list(self.new.statement_ids),
            "detector_version": self.new.detector_version,
            "detected_run_id": run_id,
        }
        if self.new.topic == "*":
            del row["topic"]
            row["previous_net"], row["new_net"] = self.previous.net, self.new.net
        return row


def find_shifts(records: Iterable[Record], settings: ShiftSettings) -> list[Shift]:
    """All stance shifts in `records` (sorted by key, then day) under the configured rules."""
    return _all_shifts(records, settings, lambda old, new: KINDS[(old, new)])


def find_relation_shifts(records: Iterable[Record], settings: ShiftSettings) -> list[Shift]:
    """All changes of tone in relation records (sorted by pair, then day): warm > mixed > cold."""
    return _all_shifts(records, settings, relation_kind)


def relation_kind(old: str, new: str) -> str:
    return "relations warming" if TONES.index(new) < TONES.index(old) else "relations cooling"


def severity_of(kind: str, settings: ShiftSettings, previous: str = "", new: str = "") -> str:
    """The configured severity of a kind; a relation's severity is medium, high across two tones."""
    if kind.startswith("relations "):
        return "high" if {previous, new} == {"warm", "cold"} else "medium"
    return settings.severity.get(kind, "medium")


def _all_shifts(records: Iterable[Record], settings: ShiftSettings, kind_of: Callable[[str, str], str]) -> list[Shift]:
    out: list[Shift] = []
    for _, key_records in groupby(records, key=lambda r: r.key):
        out.extend(_key_shifts(list(key_records), settings, kind_of))
    return out


def _key_shifts(
    records: Sequence[Record], settings: ShiftSettings, kind_of: Callable[[str, str], str]
) -> Iterator[Shift]:
    """Walk one key's records, comparing each run of equal stances with the established one."""
    established: Record | None = None  # latest record of the established stance
    held = 0  # records in a row the established stance has held
    for _, group in groupby(records, key=lambda r: r.stance):
        run = list(group)
        if established is None or (run[0].day - established.day).days > settings.window_days:
            established, held = run[-1], len(run)  # first stance, or the old one is too old to compare
            continue
        if run[0].stance == established.stance:  # back after an uncorroborated blip
            established, held = run[-1], held + len(run)
            continue
        kind = kind_of(established.stance, run[0].stance)
        severity = severity_of(kind, settings, established.stance, run[0].stance)
        corroboration = _corroboration(run, settings)
        needs = severity in settings.corroboration.applies_to or not _decisive_change(
            run[0], established, held, settings
        )
        if needs and corroboration is None:
            continue  # a blip: the established stance stands
        yield Shift(established, run[0], kind, severity, corroboration if needs else None)
        established, held = run[-1], len(run)


def _decisive_change(first: Record, established: Record, held: int, settings: ShiftSettings) -> bool:
    """May the first day of a new stance stand alone? Only if a decisive assessment carries it (a
    demand or appeal alone is routine, per the contract); against a young stance that is enough,
    against a steady one the evidence must also weigh `min_weight` and the day not contradict it."""
    c = settings.corroboration
    if not first.assessed:
        return False
    if held < c.steady_records:
        return True
    return first.decisive >= c.min_weight and established.stance not in first.contested_by


def _corroboration(run: Sequence[Record], settings: ShiftSettings) -> str | None:
    """What confirms a run of the new stance, or None if nothing does yet."""
    c = settings.corroboration
    sources = {s for r in run for s in r.sources}
    if len(sources) >= c.min_sources:
        return f"{len(sources)} sources"
    if len(run) >= c.min_days:
        return f"{len(run)} days"
    return None


# ----------------------------------------------------------------------------- from warehouse rows
#: The tone a statement of each stance pulls a relation towards.
STANCE_TONE: dict[str, str] = {"support": "warm", "concern": "mixed", "oppose": "cold"}


def record_from_row(row: Mapping[str, Any], min_confidence: float) -> Record:
    """A row of `stance_records`, or of `relation_records` (whose tone is the stance, topic '*'),
    as a Record; its decisive weight and contesting stances come from the row's `evidence`."""
    relation = "tone" in row
    label = row["tone"] if relation else row["stance"]
    decisive: defaultdict[str, float] = defaultdict(float)  # confidence-weighted sums
    assessed: set[str] = set()  # stances the day decisively *assessed* (a routine appeal does not)
    for e in row.get("evidence") or ():
        if is_decisive(e, min_confidence):
            side = STANCE_TONE[e["stance"]] if relation else e["stance"]
            decisive[side] += confidence_of(e)
            if (e.get("basis") or "assessment") == "assessment":
                assessed.add(side)
    return Record(
        row["actor"],
        row["target"],
        "*" if relation else row["topic"],
        row["day"],
        label,
        tuple(row["statement_ids"] or ()),
        tuple(row["sources"] or ()),
        row.get("detector_version") or "",
        round(decisive[label], 6),
        tuple(sorted(assessed - {label})),
        row.get("net"),
        label in assessed,
    )

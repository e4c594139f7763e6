"""Which positions a unit holds: the grammar rules' reading, vetted and completed by the classifiers.

The rules are precise but miss what has no cue word ("fruitful consultations that produced
concrete results", "the two sides agreed to ..."); the classifiers catch much of that but cannot
say on their own who holds a position towards whom. So, sentence by sentence:

1. a rule statement stays (an explicit cue the classifier never saw is still a cue); its confidence
   is the classifier's probability for its stance, but never below the rules' measured precision;
2. a stance the classifier rates above its threshold that no rule statement in the sentence
   carries is added, held by every candidate the holder classifier accepts (at least the best
   one), towards the party the sentence is about, on the topics the topic classifier gives;
3. an added statement takes the topic classifier's likeliest topic, plus any other it rates above
   `topic` (a trade thaw is `trade` *and* `dialogue`), so timelines meet on every key it belongs to;
   rule statements keep their keyword topics (the rules give one statement per topic already).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from spacy.tokens import Doc, Span

from .classifier import STANCES, Classifiers, Settings
from .dates import flags_for, stated_on
from .subjects import is_readout, subject_holders, with_subject
from .buckets import first_cues_and_flags, sentences
from .features import SentenceView, UnitFacts, candidates, holder_example
from .linear import Example
from .context import DocContext, Person
from .schema import Statement, TextUnit
from .words import word_list, word_set

QUESTION_TURN = re.compile(r"^\s*(Q|QUESTION|Question|Journalist|Reporter)\s*[:：]")
FLAG_LABELS = ("HYPOTHETICAL", "FUTURE", "HISTORICAL", "REPORT")
CUE_PREFIXES = ("SUPPORT", "OPPOSE", "CONCERN", "NEG_SUPPORT", "EVAL_", "NORM_", "DEMAND", "SOVEREIGN", "PASSIVE_")


@dataclass
class SentenceReading:
    """One sentence: what the classifiers see of it and what the rules found in it."""

    sent: Span
    view: SentenceView
    example: Example
    rules: list[Statement]
    holders: list[str]
    facts: UnitFacts
    flags: tuple[str, ...]
    stated: dt.date | None
    stance: dict[str, float]  # the pipeline's classifier: probability of each stance ({} in rules mode)

    @property
    def holder_examples(self) -> list[Example]:
        """The holder classifier's inputs, one per candidate (built only when asked: most sentences
        never need them)."""
        rule_holders = [s.actor for s in self.rules]
        return [holder_example(self.view, code, self.facts, rule_holders) for code in self.holders]


@dataclass
class UnitReading:
    """A unit read by the rules, ready for the classifiers."""

    unit: TextUnit
    facts: UnitFacts
    sentences: list[SentenceReading]
    persons: list[Person] = field(default_factory=list)
    voice: Person | None = None
    rest: list[Statement] = field(default_factory=list)  # rule statements outside every sentence (none expected)

    def rules_only(self) -> list[Statement]:
        """The rules' statements as they are (no trained model available)."""
        return [st for r in self.sentences for st in r.rules] + list(self.rest)


def read_unit(
    unit: TextUnit,
    doc: Doc,
    marks: dict[str, list[tuple[int, int]]],
    ctx: DocContext,
    rule_statements: Sequence[Statement],
    title_codes: Sequence[str],
    classified: Sequence[tuple[SentenceView, Example, dict[str, float]]],
) -> UnitReading:
    """Everything the classifiers need about a unit, computed once (training reuses it per fold).

    `classified` is what the pipeline's stance classifier wrote for each sentence (components.py).
    """
    facts = UnitFacts(
        voice=ctx.voice_country,  # "" when a turn is taken by nobody's official (a journalist, a governor)
        has_speaker=bool(unit.speaker),
        title_kinds=_title_kinds(unit.title),
        title_codes=tuple(title_codes),
        unit_codes=tuple(dict.fromkeys(c for _, c in ctx.unit_parties if c)),
        doc_codes=tuple(dict.fromkeys(c for c in ctx.doc_parties if c)),
        signatories=tuple(ctx.signatories),
    )
    persons = list(dict.fromkeys([*ctx.unit_persons, *ctx.persons]))
    if not classified:  # rules mode: nothing for the classifiers to read
        return UnitReading(unit, facts, [], persons, ctx.voice, list(rule_statements))
    sents = sentences(doc)
    cue_starts, flag_marks = first_cues_and_flags(marks, sents, CUE_PREFIXES, FLAG_LABELS)
    readings = []
    remaining = list(rule_statements)
    for index, sent in enumerate(sents):
        inside = [s for s in remaining if sent.start_char <= s.sentence_start < sent.end_char]
        remaining = [s for s in remaining if s not in inside]
        sv, example, stance = classified[index]
        holders = candidates(sv, facts)
        first = cue_starts[index]
        anchor = first if first is not None else sent.start + len(sent) // 2
        readings.append(
            SentenceReading(
                sent,
                sv,
                example,
                inside,
                holders,
                facts,
                flags_for(sent, anchor, flag_marks[index], unit.date),
                stated_on(sv.text, unit.date),
                stance,
            )
        )
    return UnitReading(unit, facts, readings, persons, ctx.voice, remaining)


def _title_kinds(title: str) -> tuple[str, ...]:
    from .features import title_kinds

    return title_kinds(title)


@dataclass(frozen=True)
class UnitProbabilities:
    """The classifiers' view of a unit's sentences (thresholds are applied after). Topics and holders
    are asked for per sentence, so a detector computes them only where a statement needs them."""

    stance: list[dict[str, float]]
    topics: Callable[[int], list[tuple[str, float]]]  # sentence index -> topics, most likely first
    holders: Callable[[int], list[float]]  # sentence index -> one per candidate in `SentenceReading.holders`


def probabilities(reading: UnitReading, models: Classifiers) -> UnitProbabilities:
    """Run the three classifiers over every sentence (cross-validation fits other models per fold)."""
    examples = [r.example for r in reading.sentences]
    stance = [dict(zip(models.stance.labels, map(float, row))) for row in models.stance.predict(examples)]
    topics = [_ranked(models, row) for row in models.topic.predict(examples)]
    holders = [_holder_probabilities(r, models) for r in reading.sentences]
    return UnitProbabilities(stance, topics.__getitem__, holders.__getitem__)


def _ranked(models: Classifiers, row: np.ndarray) -> list[tuple[str, float]]:
    return sorted(zip(models.topic.labels, map(float, row)), key=lambda kv: -kv[1])


def _holder_probabilities(r: SentenceReading, models: Classifiers) -> list[float]:
    return list(map(float, models.holder.predict(r.holder_examples)[:, 0])) if r.holders else []


def decide(reading: UnitReading, models: Classifiers, version: str) -> list[Statement]:
    """The unit's statements, from the stance probabilities the pipeline already wrote; topics and
    holders are classified only for the sentences that need them."""
    sentences = reading.sentences

    @lru_cache(maxsize=None)
    def topics(i: int) -> list[tuple[str, float]]:
        return _ranked(models, models.topic.predict([sentences[i].example])[0])

    @lru_cache(maxsize=None)
    def holders(i: int) -> list[float]:
        return _holder_probabilities(sentences[i], models)

    probs = UnitProbabilities([r.stance for r in sentences], topics, holders)
    return assemble(reading, probs, models.settings, version)


def assemble(reading: UnitReading, probs: UnitProbabilities, s: Settings, version: str) -> list[Statement]:
    """Apply the thresholds of `s` to the classifiers' probabilities and the rules' statements."""
    out: list[Statement] = list(reading.rest)
    if not reading.facts.voice and reading.unit.speaker == "" and QUESTION_TURN.match(reading.unit.text):
        return reading.rules_only()  # a journalist's question holds no position (contract)
    for i, (r, stance) in enumerate(zip(reading.sentences, probs.stance)):
        missing = [
            x
            for x in STANCES
            if stance.get(x, 0.0) >= s.add_threshold(x)
            and not _contradicts(x, r.rules)
            and not (x == "oppose" and withholds_measure(r.view.text))
        ]
        missing = _one_side(missing, stance, s) if not _reports_event(r) else []
        if not r.rules and not missing:
            continue
        topics = _with_keywords(r, _topics(probs.topics(i), s.topic, s.max_topics), s.max_topics)
        # a rule statement keeps the topics its keywords gave (one statement per topic): the topic
        # classifier's further topics were right only half the time (cross-validation), and a wrong
        # topic puts a position on a timeline it does not belong to
        found = [dataclasses.replace(st, confidence=max(stance.get(st.stance, 1.0), s.rule_floor)) for st in r.rules]
        if r.holders and (missing or s.complete):
            found += _added(reading, r, probs.holders(i), stance, found, missing, topics, s, version)
        out += found
    return out


def _readout_sides(facts: UnitFacts) -> set[str]:
    """The participants of a call or meeting readout (the voice and the title's parties), else an
    empty set: in a readout a third party the sentence names is discussed, it holds nothing
    ("discussed coordination to respond to events in Belarus" is no position of NATO's)."""
    if facts.voice and facts.title_codes and is_readout(facts):
        return {facts.voice, *facts.title_codes}
    return set()


def _reports_event(r: SentenceReading) -> bool:
    """A sentence that reports a visit, call or meeting ("will meet with foreign counterparts",
    "spoke today with ...") and holds no cue the rules read carries no position (contract, "What is
    not a statement"): the classifiers add none to it."""
    return any(f in EVENT_FLAGS for f in r.example.flags)


EVENT_FLAGS = ("M_EVENT", "M_PROCEDURAL")
OPPOSITE = {"support": "oppose", "oppose": "support"}
TOPIC_FLAG = "M_TOPIC_"  # the lexicon mark of a topic keyword, as the sentence example carries it
GENERIC_TOPICS = word_set("generic_topics")
HOSTILE_ACTS = word_set("hostile_acts")
#: Stances an explicit cue rules out for the classifier's additions in the same sentence: the opposite
#: stance, and between concern and oppose the other one ("we are troubled by reports ..." is concern,
#: not also the oppose the topic usually draws).
EXCLUDES = {"support": ("oppose",), "oppose": ("support", "concern"), "concern": ("oppose",)}
JOINT_WORDS = (*word_list("bilateral"), *word_list("leaders"), "jointly", "together", "both", "all sides")


@lru_cache(maxsize=1)
def _withheld() -> re.Pattern[str]:
    def alt(words: tuple[str, ...]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    negations = alt(word_list("withheld_negations"))
    verbs = alt(word_list("withheld_verbs"))
    objects = alt(word_list("withheld_objects"))
    return re.compile(
        rf"\b(?:{negations})\b(?:\s+\w+){{0,3}}?\s+(?:to\s+)?(?:{verbs})\b(?:\s+[\w$%.,-]+){{0,4}}?\s+(?:{objects})\b",
        re.I,
    )


def withholds_measure(sentence: str) -> bool:
    """A measure announced as not taken ("decided not to add new tariffs on Chinese goods").

    >>> withholds_measure("The US said it decided not to add new tariffs on Chinese goods.")
    True
    >>> withholds_measure("The US decided to add new tariffs on Chinese goods.")
    False
    """
    return bool(_withheld().search(sentence))


def _one_side(missing: list[str], stance: dict[str, float], s: Settings) -> list[str]:
    """Support and oppose are never both added to one sentence: the classifier rating both high reads
    a sentence that weighs a partner's merits against its faults, and only the stronger reading (by
    its margin over its threshold) is kept."""
    if "support" in missing and "oppose" in missing:
        weaker = min(("support", "oppose"), key=lambda x: stance[x] - s.add_threshold(x))
        return [x for x in missing if x != weaker]
    return missing


def _contradicts(stance: str, rules: list[Statement]) -> bool:
    """The rules already read this stance here, or one it excludes (the opposite; concern and oppose
    exclude each other): the classifier must not add a position that contradicts an explicit cue. It
    learns what a topic usually draws ("sanctions" -> oppose), and a reversal ("China now supports
    sanctions") is exactly where that prior is wrong — the statement a shift alert exists for."""
    return any(k.stance == stance or k.stance in EXCLUDES[stance] for k in rules)


def _added(
    reading: UnitReading,
    r: SentenceReading,
    holder_p: list[float],
    stance: dict[str, float],
    found: list[Statement],
    missing: list[str],
    topics: tuple[str, ...],
    s: Settings,
    version: str,
) -> list[Statement]:
    """Statements the classifiers add to a sentence: a stance the rules missed, held by every
    candidate the holder classifier accepts (at least the likeliest); and further holders of a stance
    the rules found ("both sides confirmed ..." read for one side only)."""
    accepted = [h for h, p in zip(r.holders, holder_p) if p >= s.holder] or [r.holders[int(np.argmax(holder_p))]]
    subject = subject_holders(r.view, reading.facts)
    accepted = with_subject(accepted, subject)
    sides = set() if subject else _readout_sides(reading.facts)
    if sides:
        accepted = [h for h in accepted if h in sides] or [reading.facts.voice]
    out = [_statement(reading, r, a, x, accepted, topics, stance[x], version) for x in missing for a in accepted]
    for x in STANCES:
        has = [st for st in found if st.stance == x]
        if not has or not s.complete:
            continue
        # in reading order, not a set: the first co-holder becomes a target, which must not hang on the hash seed
        holders = list(dict.fromkeys(st.actor for st in has))
        extra = [h for h, p in zip(r.holders, holder_p) if p >= s.complete and h not in holders]
        extra = [h for h in extra if not sides or h in sides]
        if len(subject) >= 2:  # "the two sides reaffirmed ...": the rules read one side, the subject says both
            extra += [h for h in subject if h not in holders and h not in extra]
        if reading.facts.voice not in holders and not _shared(r):
            # a position the grammar gave to another party is reported by the voice, not shared by it
            extra = [h for h in extra if h != reading.facts.voice]
        out += [
            _statement(reading, r, a, x, [*holders, *extra], has[0].topics, has[0].confidence, version) for a in extra
        ]
    return out


def _shared(r: SentenceReading) -> bool:
    """The sentence says the position is held together ("both sides", "the two leaders", "jointly")."""
    text = " " + " ".join(r.view.tokens).lower() + " "
    return any(f" {w} " in text for w in JOINT_WORDS)


def _topics(ranked: Sequence[tuple[str, float]], threshold: float, limit: int) -> tuple[str, ...]:
    """Topics above the threshold, most likely first (at most `limit`); at least the most likely one."""
    picked = [t for t, p in ranked if p >= threshold][:limit]
    return tuple(picked or [t for t, _ in ranked[:1]])


def _with_keywords(r: SentenceReading, topics: tuple[str, ...], limit: int) -> tuple[str, ...]:
    """A topic the sentence names by its keyword ("... escalate the dispute into a trade war": trade)
    comes first: the classifier's topics are its prior for such wording, the keyword is what was said."""
    named = [f[len(TOPIC_FLAG) :] for f in r.example.flags if f.startswith(TOPIC_FLAG)]
    specific = [t for t in named if t not in GENERIC_TOPICS] or named
    return tuple(dict.fromkeys([*specific, *topics]))[: max(limit, len(specific[:1]))]


def _target(r: SentenceReading, actor: str, stance: str, holders: Sequence[str], facts: UnitFacts) -> str:
    """The party an added position is about: another party named in the sentence (not the
    holder, preferably not the voice), else a co-holder (joint positions face each other), else the
    title's or the unit's other party."""
    toks = r.view.tokens
    agents = [
        c
        for p, c in r.view.parties
        if toks[p - 1 : p] == ["by"]
        or toks[p - 2 : p] == ["by", "the"]
        or stance != "support"
        and _does_harm(toks[p + 1 : p + 5])
    ]
    named = [c for c in dict.fromkeys([*agents, *r.view.codes]) if c != actor]
    for pool in (
        [c for c in named if c != facts.voice],
        named,
        [c for c in facts.unit_codes if c != actor and c not in holders],
        [h for h in holders if h != actor],
        [c for c in facts.title_codes if c != actor],
        [c for c in facts.unit_codes if c != actor],
    ):
        if pool:
            return pool[0]
    return ""


def _does_harm(after: Sequence[str]) -> bool:
    """ "Russia's ongoing aggression against Georgia": a party whose possessive governs a hostile act
    is its doer, and the doer, not the victim, is what a criticism targets (contract)."""
    return bool(after) and after[0] in ("'s", "’s") and any(t in HOSTILE_ACTS for t in after[1:])


def _speaker(reading: UnitReading, actor: str) -> Person | None:
    if actor == reading.facts.voice and reading.voice is not None:
        return reading.voice
    for person in reading.persons:
        if person.country == actor:
            return person
    return None


def _stated_on(reading: UnitReading, r: SentenceReading, actor: str) -> dt.date | None:
    """The sentence's own date ("Wang Yi said on Feb 26") only when the sentence names the holder: in
    "On May 10, the US announced tariffs" read as the publisher's protest, May 10 is the day of the US
    move, and the protest was made on the unit's date."""
    named = actor in r.view.codes or any(p.country == actor and p.name in r.view.text for p in reading.persons)
    return (r.stated if named else None) or reading.unit.date


def _statement(
    reading: UnitReading,
    r: SentenceReading,
    actor: str,
    stance: str,
    holders: Sequence[str],
    topics: tuple[str, ...],
    confidence: float,
    version: str,
) -> Statement:
    person = _speaker(reading, actor)
    return Statement(
        actor=actor,
        speaker=person.name if person else "",
        speaker_role=person.role if person else "",
        stance=stance,
        target=_target(r, actor, stance, holders, reading.facts),
        topic=topics[0] if topics else "",
        topics=topics,
        flags=r.flags,
        sentence=r.view.text.strip(),
        cue="",
        stated_on=_stated_on(reading, r, actor),
        sentence_start=r.sent.start_char,
        sentence_end=r.sent.end_char,
        basis="assessment",
        confidence=confidence,
        detector_version=version,
    )

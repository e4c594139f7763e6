"""Which positions a unit holds: the grammar rules' reading, vetted and completed by the classifiers.

The rules are precise but miss what has no cue word ("fruitful consultations that produced
concrete results", "the two sides agreed to ..."); the classifiers catch much of that but cannot
say on their own who holds a position towards whom. So, sentence by sentence:

1. a rule statement stays unless the stance classifier finds its stance very unlikely there
   (`veto`); its confidence is the classifier's probability for its stance;
2. a stance the classifier rates above its threshold that no rule statement in the sentence
   carries is added, held by every candidate the holder classifier accepts (at least the best
   one), towards the party the sentence is about, on the topics the topic classifier gives;
3. every statement's `topics` gains the further topics the topic classifier rates above `topic`
   (a trade thaw is `trade` *and* `dialogue`), so timelines meet on every key it belongs to.
"""

from __future__ import annotations

import dataclasses
import re
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from spacy.tokens import Doc, Span

from .classifier import STANCES, Classifiers, Settings
from .dates import flags_for, stated_on
from .features import SentenceView, UnitFacts, candidates, holder_example, view
from .linear import Example
from .context import DocContext, Person
from .schema import Statement, TextUnit

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
    holder_examples: list[Example]
    flags: tuple[str, ...]
    stated: dt.date | None
    stance: dict[str, float]  # the pipeline's classifier: probability of each stance ({} in rules mode)
    topics: list[tuple[str, float]]  # the pipeline's classifier: topics, most likely first


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
    classified: Sequence[tuple[Example, dict[str, float], list[tuple[str, float]]]],
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
    by_label: dict[str, list[int]] = {}
    for label, spans in marks.items():
        by_label[label] = [s for s, _ in spans]
    sentences = []
    remaining = list(rule_statements)
    for index, sent in enumerate(doc.sents):
        inside = [s for s in remaining if sent.start_char <= s.sentence_start < sent.end_char]
        remaining = [s for s in remaining if s not in inside]
        sv = view(doc, sent, index, facts.voice)
        example, stance, ranked = classified[index]
        holders = candidates(sv, facts)
        rule_holders = [s.actor for s in inside]
        holder_examples = [holder_example(sv, code, facts, rule_holders) for code in holders]
        cue_starts = [
            i
            for lab, starts in by_label.items()
            if lab.startswith(CUE_PREFIXES)
            for i in starts
            if sent.start <= i < sent.end
        ]
        anchor = min(cue_starts) if cue_starts else sent.start + len(sent) // 2
        flag_marks = {k: [i for i in by_label.get(k, []) if sent.start <= i < sent.end] for k in FLAG_LABELS}
        sentences.append(
            SentenceReading(
                sent,
                sv,
                example,
                inside,
                holders,
                holder_examples,
                flags_for(sent, anchor, flag_marks, unit.date),
                stated_on(sent.text, unit.date),
                stance,
                ranked,
            )
        )
    persons = list(dict.fromkeys([*ctx.unit_persons, *ctx.persons]))
    return UnitReading(unit, facts, sentences, persons, ctx.voice, remaining)


def _title_kinds(title: str) -> tuple[str, ...]:
    from .features import title_kinds

    return title_kinds(title)


@dataclass(frozen=True)
class UnitProbabilities:
    """The classifiers' view of a unit's sentences (computed once; thresholds are applied after)."""

    stance: list[dict[str, float]]
    topics: list[list[tuple[str, float]]]  # per sentence, most likely first
    holders: list[list[float]]  # per sentence, one per candidate in `SentenceReading.holders`


def probabilities(reading: UnitReading, models: Classifiers) -> UnitProbabilities:
    """Run the three classifiers over a unit's sentences (cross-validation fits other models)."""
    examples = [r.example for r in reading.sentences]
    stance_p = models.stance.predict(examples)
    topic_p = models.topic.predict(examples)
    stance = [dict(zip(models.stance.labels, map(float, row))) for row in stance_p]
    topics = [sorted(zip(models.topic.labels, map(float, row)), key=lambda kv: -kv[1]) for row in topic_p]
    return UnitProbabilities(stance, topics, _holder_probabilities(reading, models))


def _holder_probabilities(reading: UnitReading, models: Classifiers) -> list[list[float]]:
    return [
        list(map(float, models.holder.predict(r.holder_examples)[:, 0])) if r.holder_examples else []
        for r in reading.sentences
    ]


def decide(reading: UnitReading, models: Classifiers, version: str) -> list[Statement]:
    """The unit's statements, with the stance and topic probabilities the pipeline already wrote."""
    probs = UnitProbabilities(
        [r.stance for r in reading.sentences],
        [r.topics for r in reading.sentences],
        _holder_probabilities(reading, models),
    )
    return assemble(reading, probs, models.settings, version)


def assemble(reading: UnitReading, probs: UnitProbabilities, s: Settings, version: str) -> list[Statement]:
    """Apply the thresholds of `s` to the classifiers' probabilities and the rules' statements."""
    out: list[Statement] = list(reading.rest)
    if not reading.facts.voice and reading.unit.speaker == "" and QUESTION_TURN.match(reading.unit.text):
        return reading.rules_only()  # a journalist's question holds no position (contract)
    for r, stance, ranked, holder_p in zip(reading.sentences, probs.stance, probs.topics, probs.holders):
        topics = _topics(ranked, s.topic, s.max_topics)
        found: list[Statement] = []
        for st in r.rules:
            if stance.get(st.stance, 1.0) < s.veto:
                continue
            found.append(
                dataclasses.replace(
                    st,
                    topics=_merge_topics(st.topics, topics, s.rule_topic),
                    topic=_merge_topics(st.topics, topics, s.rule_topic)[0] if topics else st.topic,
                    confidence=stance.get(st.stance, 1.0),
                )
            )
        accepted = [h for h, p in zip(r.holders, holder_p) if p >= s.holder]
        best = [r.holders[int(np.argmax(holder_p))]] if r.holders else []
        for x in STANCES:
            has = [st for st in found if st.stance == x]
            if not has and stance.get(x, 0.0) >= s.add_threshold(x):
                found += [
                    _statement(reading, r, a, x, accepted or best, topics, stance[x], version) for a in accepted or best
                ]
            elif has and s.complete:
                holders = {st.actor for st in has}
                extra = [h for h, p in zip(r.holders, holder_p) if p >= s.complete and h not in holders]
                found += [
                    _statement(reading, r, a, x, [*holders, *extra], has[0].topics, has[0].confidence, version)
                    for a in extra
                ]
        out += _per_topic(found) if s.split_topics else found
    return out


GENERIC_TOPICS = ("dialogue", "cooperation", "multilateralism")


def _merge_topics(rule: tuple[str, ...], model: tuple[str, ...], how: str) -> tuple[str, ...]:
    """A rule statement's topics: its keyword topic first ("rule"), the classifier's first when the
    keyword topic is missing or generic ("generic"), or the classifier's first always ("model")."""
    if how == "model" or how == "generic" and (not rule or rule[0] in GENERIC_TOPICS):
        return tuple(dict.fromkeys([*model, *rule]))
    return tuple(dict.fromkeys([*rule, *model]))


def _per_topic(statements: list[Statement]) -> list[Statement]:
    """One statement per topic: positions on distinct issues raised together are distinct timeline
    keys (the contract's "several topics"), and a statement is scored on its first topic."""
    out = []
    for st in statements:
        out.append(st)
        out += [dataclasses.replace(st, topic=t, topics=(t,)) for t in st.topics[1:] if t != st.topic]
    return out


def _topics(ranked: Sequence[tuple[str, float]], threshold: float, limit: int) -> tuple[str, ...]:
    """Topics above the threshold, most likely first (at most `limit`); at least the most likely one."""
    picked = [t for t, p in ranked if p >= threshold][:limit]
    return tuple(picked or [t for t, _ in ranked[:1]])


def _target(r: SentenceReading, actor: str, holders: Sequence[str], facts: UnitFacts) -> str:
    """The party an added position is about: another party named in the sentence (not the
    holder, preferably not the voice), else a co-holder (joint positions face each other), else the
    title's or the unit's other party."""
    agents = [
        c for p, c in r.view.parties if r.view.tokens[p - 1 : p] == ["by"] or r.view.tokens[p - 2 : p] == ["by", "the"]
    ]
    named = [c for c in dict.fromkeys([*agents, *r.view.codes]) if c != actor]
    for pool in (
        [c for c in named if c != facts.voice],
        named,
        [h for h in holders if h != actor],
        [c for c in facts.title_codes if c != actor],
        [c for c in facts.unit_codes if c != actor],
    ):
        if pool:
            return pool[0]
    return ""


def _speaker(reading: UnitReading, actor: str) -> Person | None:
    if actor == reading.facts.voice and reading.voice is not None:
        return reading.voice
    for person in reading.persons:
        if person.country == actor:
            return person
    return None


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
        target=_target(r, actor, holders, reading.facts),
        topic=topics[0] if topics else "",
        topics=topics,
        flags=r.flags,
        sentence=r.sent.text.strip(),
        cue="",
        stated_on=r.stated or reading.unit.date,
        sentence_start=r.sent.start_char,
        sentence_end=r.sent.end_char,
        basis="assessment",
        confidence=confidence,
        detector_version=version,
    )

"""One unit's statements: the sentence loop that ties voice, mentions, cues, holders, targets,
topics and dates together.

The loop is sequential on purpose: each sentence can lean on what earlier sentences (and earlier
paragraphs of the same document) established — who "he" is, which foreign minister "the Foreign
Minister" is, that "we" is the G7 (voice.py, mentions.py). Per candidate sentence it reads the cues
(cues.py, demands.py), each cue's holders (holders.py), target (targets.py), topics (topics.py), flags
and stated date (dates.py), and keeps one statement per key and sentence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict

from spacy.tokens import Doc, Span

from .context import DocContext, Mention, Person
from .cues import sentence_cues
from .dates import flags_for, stated_on
from .buckets import sentence_text, sentences
from .gazetteer import lexicon
from .holders import SubjectOracle, cue_holders
from .mentions import MentionFinder
from .patterns import CUE_LABELS
from .schema import Statement, TextUnit
from .targets import cue_target, object_limit, pick_target, targets_by_holder
from .topics import GENERIC, cue_topics, object_topics, sentence_hits, topic_hits, unit_topic
from .voice import is_question, prescan
from .words import Marks, labels_with

MENTION_LABELS = labels_with("mention")
FLAG_LABELS = labels_with("flag")
ATTITUDE_LABELS = labels_with("cue", kind="attitude")


def by_sentence(doc: Doc, marks: Marks) -> list[tuple[Span, Marks, list[Span]]]:
    """Each sentence with its own marks and entities, bucketed in one pass (not per sentence)."""
    sents = sentences(doc)
    starts = [s.start for s in sents]
    buckets: list[Marks] = [defaultdict(list) for _ in sents]
    for label, spans in marks.items():
        for s, e in spans:
            buckets[bisect_right(starts, s) - 1][label].append((s, e))
    ents: list[list[Span]] = [[] for _ in sents]
    for ent in doc.ents:
        ents[bisect_right(starts, ent.start) - 1].append(ent)
    return list(zip(sents, buckets, ents))


def is_candidate(sent: Span, marks: Marks) -> bool:
    """The cheap pre-filter: a sentence worth the stance grammar holds a cue and is not a question,
    unless the question accuses (a rhetorical question in an answer is a position; the journalist's
    own turn never reaches the grammar)."""
    attitude = any(marks.get(lab) for lab in ATTITUDE_LABELS)
    rhetorical = bool(marks.get("EVAL_CRITICISM") or marks.get("EVAL_OPPOSE"))  # "Who gave them the right to lecture?"
    if (
        sentence_text(sent).rstrip().endswith("?")
        and not rhetorical
        or (marks.get("PROCEDURAL") or marks.get("EVENT"))
        and not attitude
    ):
        return False  # "spoke today with X to reaffirm the alliance" keeps its cue
    return any(marks.get(lab) for lab in CUE_LABELS + ("CORRECTIVE",))  # CORRECTIVE: imperatives


class UnitAnalyser:
    """Runs the stance grammar over one unit's doc."""

    def __init__(self, finder: MentionFinder, version: str) -> None:
        self.finder = finder
        self.version = version
        self.window = int(lexicon().get("negation_window", 3))

    def statements(
        self,
        unit: TextUnit,
        doc: Doc,
        marks: Marks,
        ctx: DocContext,
        oracle: SubjectOracle | None = None,
    ) -> list[Statement]:
        """The unit's statements, one per (actor, stance, target, topic) and sentence: a position
        restated in another sentence is kept, as evidence for the day's prevailing stance."""
        all_hits = topic_hits(marks, 0, len(doc))
        own = unit_topic(all_hits)
        if is_question(unit):
            ctx.doc_topic = own  # the question says what its answer is about, not the answer before it
            return []
        # a paragraph that names only a generic topic ("progress in the consultations") continues the
        # document's specific one ("the trade talks between China and the US" in the paragraph before),
        # else the one the rest of its answer names ("each and every flip-flop ..." before "... economic
        # and trade issues" in the next paragraph)
        context = ctx.doc_topic or ctx.ahead_topic
        fallback = context if context and (not own or own in GENERIC) else own
        ctx.doc_topic = own if own and own not in GENERIC else ctx.doc_topic or own
        prescan(doc, ctx)
        out: dict[tuple[str, str, str, str, int], Statement] = {}
        for sent, smarks, ents in by_sentence(doc, marks):
            phrase_marks = {s: (lab, e) for lab in MENTION_LABELS for s, e in smarks.get(lab, [])}
            mentions = self.finder.find(doc, sent, ctx, phrase_marks, ents)
            if is_candidate(sent, smarks):
                for stmt in self._sentence(unit, doc, sent, smarks, mentions, ctx, fallback, oracle):
                    key = (stmt.actor, stmt.stance, stmt.target, stmt.topic, stmt.sentence_start)
                    if key not in out or out[key].basis == "demand" and stmt.basis == "assessment":
                        out[key] = stmt  # one row per key and sentence; an assessment there outranks a demand
            firsts = [m.person for m in mentions if m.person is not None and m.kind in ("party", "nonactor")]
            if firsts:
                ctx.subject_person = firsts[0]
        return list(out.values())

    def _sentence(
        self,
        unit: TextUnit,
        doc: Doc,
        sent: Span,
        marks: Marks,
        mentions: list[Mention],
        ctx: DocContext,
        fallback: str,
        oracle: SubjectOracle | None,
    ) -> list[Statement]:
        """Every cue of a candidate sentence, read into statements (one per holder and topic)."""
        hits = sentence_hits(doc, sent, marks)
        day = stated_on(sentence_text(sent), unit.date)
        flag_marks = {k: [s for s, _ in marks.get(k, [])] for k in FLAG_LABELS + ("REPORT",)}
        has_party = any(m.kind == "party" for m in mentions)
        out: list[Statement] = []
        cues = sentence_cues(doc, sent, marks, mentions, self.window)
        for k, cue in enumerate(cues):
            holders = cue_holders(doc, sent, cue, marks, mentions, ctx, oracle)
            if not holders:
                continue
            limit = object_limit(doc, sent, cues, k)
            codes = list(dict.fromkeys(c for c, _ in holders))
            target = cue_target(doc, sent, cue, marks, mentions, ctx, set(codes), limit)
            named = pick_target(doc, sent, cue, mentions, set(codes), limit)
            topics = cue_topics(doc, cue, hits, limit, fallback, has_party)
            targets = targets_by_holder(codes, target, cue, topics, named=bool(named), counterparts=ctx.title_parties)
            if (
                cue.needs_party
                and not named
                and all(t == "" for t in targets.values())
                or cue.kind == "sovereign"
                and not target
            ):
                continue  # "a successful event" names no partner; "its internal affairs" no possessor
            if not any(targets.values()) and not hits and (cue.stance == "support" or not fallback):
                continue  # about no party and nothing on the watch list (domestic remarks, thanks)
            flags = flags_for(sent, cue.start, flag_marks, unit.date)
            facets = object_topics(hits, cue.end, limit)
            for topic in topics:
                out.extend(
                    Statement(
                        actor=code,
                        speaker=person.name if person else "",
                        speaker_role=person.role if person else "",
                        stance=cue.stance,
                        target=targets[code],
                        topic=topic,
                        topics=tuple(dict.fromkeys([topic, *facets])) if topic else (),
                        flags=flags,
                        sentence=sentence_text(sent),
                        cue=doc[cue.start : cue.end].text,
                        stated_on=day if _named(code, person, sent, mentions) else unit.date,
                        sentence_start=sent.start_char,
                        sentence_end=sent.end_char,
                        basis=cue.basis,
                        detector_version=self.version,
                    )
                    for code, person in holders
                )
        return out


def _named(code: str, person: Person | None, sent: Span, mentions: list[Mention]) -> bool:
    """Does the sentence name the holder? Only then is its date the day of the holder's words
    ("Wang Yi said on Feb 26"); in "On March 3, the US announced tariffs, which is typical trade
    bullying" read as the publisher's protest, March 3 is the day of the US move."""
    in_sentence = any(m.code == code and sent.start <= m.start < sent.end for m in mentions)
    return in_sentence or (person is not None and bool(person.name) and person.name in sentence_text(sent))

"""Topic assignment: the watch-list slug a statement is about, from keywords near its cue.

Specific topics (taiwan, sanctions, trade, ...) beat the generic ones (dialogue, cooperation) so
"urge the US to stop arms sales to Taiwan and resume dialogue" is about Taiwan; a keyword after the
cue (the cue's object) beats one before it; a sentence with no keyword borrows the unit's main topic.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span

from .context import Cue
from .voice import PAIR_STARTS
from .words import Marks, word_set

GENERIC = word_set("generic_topics")
RELATION_NOUNS = word_set("relation_nouns")


def topic_hits(marks: Marks, start: int, end: int) -> list[tuple[int, str]]:
    """(token index, slug) of every topic keyword in [start, end), in text order."""
    hits = [
        (s, label[6:])
        for label, spans in marks.items()
        if label.startswith("TOPIC_")
        for s, _ in spans
        if start <= s < end
    ]
    return sorted(hits)


def choose_topic(hits: list[tuple[int, str]], cue_start: int, stance: str, fallback: str = "") -> str:
    """The slug for a cue at `cue_start` given the sentence's keyword hits.

    >>> choose_topic([(2, "cooperation"), (9, "taiwan")], 5, "oppose")
    'taiwan'
    >>> choose_topic([(1, "trade"), (8, "dialogue")], 5, "support")
    'dialogue'
    >>> choose_topic([], 3, "oppose", fallback="sanctions")
    'sanctions'
    """
    if not hits:
        return fallback
    after = [slug for i, slug in hits if i >= cue_start]
    before = [slug for i, slug in reversed(hits) if i < cue_start]
    ordered = after + before
    if stance == "support" and after and after[0] in GENERIC:
        return after[0]
    specific = [slug for slug in ordered if slug not in GENERIC]
    return specific[0] if specific else ordered[0]


def unit_topic(hits: list[tuple[int, str]]) -> str:
    """The unit's most frequent specific topic (what a bare "China deplores it" is about)."""
    counts = Counter(slug for _, slug in hits if slug not in GENERIC) or Counter(slug for _, slug in hits)
    return counts.most_common(1)[0][0] if counts else ""


def sentence_hits(doc: Doc, sent: Span, marks: Marks) -> list[tuple[int, str]]:
    """The sentence's topic keywords; a bilateral compound ("Russia-Kyrgyzstan relations") counts as
    cooperation when the sentence names no topic, or when it modifies a relation noun."""
    hits = topic_hits(marks, sent.start, sent.end)
    pairs = [i for i in doc.user_data.get(PAIR_STARTS, ()) if sent.start <= i < sent.end]
    if not hits and pairs:
        hits = [(sent.start, "cooperation")]  # "Russia-Kyrgyzstan relations": a bilateral relation
    elif pairs:  # "spoke highly of China-Tonga relations": the relation is the object
        hits = sorted(hits + [(i, "cooperation") for i in pairs if _names_relation(doc, i)])
    return hits


def _names_relation(doc: Doc, start: int) -> bool:
    """The compound at `start` ("China-Tonga", "U.S.-Spain") modifies a relation noun."""
    return any(t.lower_ in RELATION_NOUNS for t in doc[start : min(start + 6, len(doc))])


def cue_topics(
    doc: Doc, cue: Cue, hits: list[tuple[int, str]], limit: int, fallback: str, has_party: bool
) -> list[str]:
    """The cue's topic, plus one per further ";"-separated item of an attitude cue's object
    ("concerns about Beijing's conduct in cyberspace; across the Taiwan Strait; ...")."""
    if cue.topic:
        return [cue.topic]
    # a noun-phrase cue names its own topic ("strategic partnership", "Cold War mentality")
    first = choose_topic(hits, cue.start if cue.kind in ("evaluative", "normative") else cue.end, cue.stance, fallback)
    generic_only = not any(slug not in GENERIC for _, slug in hits)
    if (
        first in GENERIC
        and fallback
        and fallback not in GENERIC
        and generic_only
        and cue.kind in ("attitude", "evaluative", "passive")
        and (cue.stance != "support" or first == "dialogue" and not has_party)
    ):
        first = fallback  # "opposed to arranging such a stopover" in an answer about Taiwan
    if cue.kind != "attitude":
        return [first]
    cuts = [t.i for t in doc[cue.end : limit] if t.text == ";"]
    topics = [first]
    for a, b in zip(cuts, cuts[1:] + [limit]):
        seg = [slug for i, slug in hits if a < i < b and slug not in GENERIC]
        if seg and seg[0] not in topics:
            topics.append(seg[0])
    return topics


def object_topics(hits: list[tuple[int, str]], start: int, limit: int) -> list[str]:
    """Every topic keyword in a cue's object, in order: the facets of one position ("welcomes the
    constructive trade talks" is about trade *and* dialogue), so its timelines meet on each key
    (contract, "Several topics"). The statement's own topic stays first."""
    return list(dict.fromkeys(slug for i, slug in hits if start <= i < limit))

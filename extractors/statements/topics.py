"""Topic assignment: the watch-list slug a statement is about, from keywords near its cue.

Specific topics (taiwan, sanctions, trade, ...) beat the generic ones (dialogue, cooperation) so
"urge the US to stop arms sales to Taiwan and resume dialogue" is about Taiwan; a keyword after the
cue (the cue's object) beats one before it; a sentence with no keyword borrows the unit's main topic.
"""

from __future__ import annotations

from collections import Counter

from .words import word_set

GENERIC = word_set("generic_topics")
Marks = dict[str, list[tuple[int, int]]]


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

"""The per-doc shortcuts of buckets.py give what spaCy's own (slower) reading gives."""

from __future__ import annotations

from stancewatch.extractors.statements import TextUnit
from stancewatch.extractors.statements.buckets import (
    doc_text,
    first_cues_and_flags,
    sentence_labels,
    sentence_text,
    sentences,
    token_texts,
)
from stancewatch.extractors.statements.components import MARKS
from stancewatch.extractors.statements.dates import quote_marks

TEXT = (
    'China firmly opposes the U.S.-Japan statement.  He said: "We will never accept it."\n'
    "If the US side insists,   China will respond. “Mutual respect” in 2019 was welcomed by both sides ."
)


def doc_of(detector, text: str = TEXT):
    return next(detector.nlp.pipe([detector._doc(TextUnit(text, source_country="CHN"))]))


def test_texts_are_spacys(detector):
    doc = doc_of(detector)
    plain = detector.nlp(TEXT)  # no unit in user_data: doc_text falls back to doc.text
    assert doc_text(doc) == doc.text == doc_text(plain)
    assert [sentence_text(s) for s in sentences(doc)] == [s.text for s in doc.sents]
    assert [sentence_text(s) for s in sentences(plain)] == [s.text for s in plain.sents]
    assert token_texts(doc) == [t.text for t in doc]
    assert quote_marks(doc) == [t.i for t in doc if t.text in ('"', "“", "”")]
    assert quote_marks(doc_of(detector, "No quotes at all.")) == []


def test_marks_are_bucketed_as_a_scan_per_sentence_would(detector):
    doc = doc_of(detector)
    marks = doc.user_data[MARKS]
    sents = sentences(doc)
    labels = sentence_labels(marks, sents)
    firsts, flags = first_cues_and_flags(marks, sents, ("SUPPORT", "OPPOSE"), ("FUTURE", "HYPOTHETICAL"))
    for k, sent in enumerate(sents):
        inside = {lab: [s for s, _ in spans if sent.start <= s < sent.end] for lab, spans in marks.items()}
        assert labels[k] == sorted(lab for lab, starts in inside.items() if starts)
        cues = [s for lab, starts in inside.items() if lab.startswith(("SUPPORT", "OPPOSE")) for s in starts]
        assert firsts[k] == (min(cues) if cues else None)
        assert flags[k] == {lab: inside.get(lab, []) for lab in ("FUTURE", "HYPOTHETICAL")}

"""A doc's sentences, and the lexicon's marks put in their sentences, each computed once per doc.

The classifier component, the grammar rules and the combination (`positions`) all read a unit
sentence by sentence. Listing `doc.sents` walks every token each time, and filtering every label's
matches for every sentence is quadratic in a long answer; here each match is placed in its sentence
by a binary search over the sentence starts, in one pass.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import cast

from spacy.tokens import Doc, Span

from .words import Marks

UNIT = "unit"  # doc.user_data: the TextUnit the doc was made from (pipeline.Detector._doc)
TEXT = "stancewatch_text"  # doc.user_data: the text of a doc without a unit (`doc_text`)
SENTS = "stancewatch_sents"  # doc.user_data: the sentence boundaries, found once (`sentences`)
TEXTS = "stancewatch_texts"  # doc.user_data: the text of each span asked for, by (start, end)
WORDS = "stancewatch_words"  # doc.user_data: the text of every token (`token_texts`)


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, found once: `doc.sents` walks every token each time it is read, and the
    classifier, the rules and the combination all read them (the boundaries are final once the
    pipeline's sentencizer has run, which is before any of them). The doc keeps the boundaries, not
    the spans: a span in its own doc's user_data would make a reference cycle, and the docs of a
    chunk would then wait for the garbage collector instead of being freed with the chunk."""
    bounds = doc.user_data.get(SENTS)
    if bounds is None:
        bounds = doc.user_data[SENTS] = [(s.start, s.end) for s in doc.sents]
    return [Span(doc, start, end) for start, end in bounds]


def doc_text(doc: Doc) -> str:
    """The doc's text: its unit's when the doc carries one (spaCy's tokenizer keeps every character,
    so they are the same string), else `doc.text`, which joins a Token made for every word."""
    unit = doc.user_data.get(UNIT)
    if unit is not None:
        return cast(str, unit.text)
    text = doc.user_data.get(TEXT)
    if text is None:
        text = doc.user_data[TEXT] = doc.text  # a doc made without a unit (tests, page titles): once
    return cast(str, text)


def sentence_text(span: Span) -> str:
    """`span.text`, made once per span of a doc and cut from the doc's text: spaCy joins a Token made
    for every word each time it is asked, and the classifier, the rules, the flags and the dates
    each ask for a sentence's."""
    texts = doc_texts(span.doc)
    key = (span.start, span.end)
    text = texts.get(key)
    if text is None:
        # the doc's characters from the first word to the end of the last, which is what spaCy
        # joins from the words and their spaces (less the last word's space)
        text = texts[key] = doc_text(span.doc)[span.start_char : span.end_char] if len(span) else span.text
    return text


def doc_texts(doc: Doc) -> dict[tuple[int, int], str]:
    """The doc's store of span texts (`sentence_text`)."""
    return cast(dict[tuple[int, int], str], doc.user_data.setdefault(TEXTS, {}))


def token_texts(doc: Doc) -> list[str]:
    """The text of every token, read once per doc from its array of word hashes (the voice and the
    surname rules read them for the whole unit and again for every sentence, one Token each)."""
    texts = doc.user_data.get(WORDS)
    if texts is None:
        strings = doc.vocab.strings
        texts = doc.user_data[WORDS] = [strings[orth] for orth in doc.to_array("ORTH").tolist()]
    return cast(list[str], texts)


def sentence_labels(marks: Marks, sents: Sequence[Span]) -> list[list[str]]:
    """Per sentence, the labels matched inside it, sorted; each match is put in its sentence once
    (not every label's matches scanned again for every sentence)."""
    starts = [s.start for s in sents]
    found: list[set[str]] = [set() for _ in sents]
    for label, spans in marks.items():
        for start, _ in spans:
            k = bisect_right(starts, start) - 1
            if k >= 0 and start < sents[k].end:
                found[k].add(label)
    return [sorted(labels) for labels in found]


def first_cues_and_flags(
    marks: Marks, sents: Sequence[Span], cue_prefixes: tuple[str, ...], flag_labels: tuple[str, ...]
) -> tuple[list[int | None], list[dict[str, list[int]]]]:
    """Per sentence, the first token of its first cue (a label starting with one of `cue_prefixes`;
    None: no cue) and the start of each match of `flag_labels` inside it, by label, in match order."""
    starts = [s.start for s in sents]
    first: list[int | None] = [None] * len(sents)
    flags: list[dict[str, list[int]]] = [{k: [] for k in flag_labels} for _ in sents]
    for label, spans in marks.items():
        is_cue, is_flag = label.startswith(cue_prefixes), label in flag_labels
        if not (is_cue or is_flag):
            continue
        for i, _ in spans:
            k = bisect_right(starts, i) - 1
            if k < 0 or i >= sents[k].end:
                continue
            known = first[k]
            if is_cue and (known is None or i < known):
                first[k] = i
            if is_flag:
                flags[k][label].append(i)
    return first, flags

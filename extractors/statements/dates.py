"""Stated dates ("on Feb 26", "yesterday", "on Monday") resolved against the unit's date, and flags.

Both read only the statement's sentence and the token positions of its cue, so they are cheap.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import cast

from spacy.tokens import Doc, Span

from .buckets import doc_text, sentence_text

_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH_RX = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_DAY = re.compile(rf"\bon\s+({_MONTH_RX})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_DAY_MONTH = re.compile(rf"\bon\s+(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RX})\.?(?:,?\s+(\d{{4}}))?\b", re.I)
_WEEKDAY = re.compile(rf"\bon\s+({'|'.join(_WEEKDAYS)})\b", re.I)
_RELATIVE = re.compile(r"\b(yesterday|today|this morning|this afternoon|tonight|earlier today)\b", re.I)


def _month_day(month: str, day: str, year: str | None, ref: dt.date) -> dt.date | None:
    """A month-day without a year belongs to the reference year, or the year before when it would be in the future."""
    try:
        out = dt.date(int(year) if year else ref.year, _MONTHS[month.lower().rstrip(".")], int(day))
    except (ValueError, KeyError):
        return None
    if not year and out > ref + dt.timedelta(days=7):
        out = out.replace(year=out.year - 1)
    return out


def stated_on(sentence: str, ref: dt.date | None) -> dt.date | None:
    """The day a statement was made, as the sentence says it, resolved against the unit's date.

    >>> stated_on("Wang Yi said on Feb 26.", dt.date(2022, 2, 27))
    datetime.date(2022, 2, 26)
    >>> stated_on("Lavrov said yesterday.", dt.date(2019, 5, 3))
    datetime.date(2019, 5, 2)
    >>> stated_on("The ministry said on Monday.", dt.date(2021, 6, 10))
    datetime.date(2021, 6, 7)
    """
    if ref is None:
        return None
    m = _MONTH_DAY.search(sentence)
    if m:
        return _month_day(m.group(1), m.group(2), m.group(3), ref)
    m = _DAY_MONTH.search(sentence)
    if m:
        return _month_day(m.group(2), m.group(1), m.group(3), ref)
    m = _WEEKDAY.search(sentence)
    if m:
        back = (ref.weekday() - _WEEKDAYS.index(m.group(1).lower())) % 7
        return ref - dt.timedelta(days=back)
    m = _RELATIVE.search(sentence)
    if m:
        return ref - dt.timedelta(days=1) if m.group(1).lower() == "yesterday" else ref
    return None


_YEAR = re.compile(r"\bin\s+((?:19|20)\d\d)\b")
QUOTES = ('"', "“", "”")
QUOTE_MARKS = "stancewatch_quote_marks"  # doc.user_data: positions of the quote-mark tokens


def flags_for(sent: Span, cue_start: int, marks: dict[str, list[int]], ref: dt.date | None) -> tuple[str, ...]:
    """Contract flags for the cue at token `cue_start` of `sent`.

    `marks` maps HYPOTHETICAL / FUTURE / HISTORICAL / REPORT to the token indices (doc positions)
    where those words occur in the sentence. "If the US side takes steps ..., we will ..." is
    hypothetical; "will continue to play a constructive role" is future; "had prevented" historical.
    """
    out: list[str] = []
    if _hypothetical(sent, cue_start, marks):
        out.append("hypothetical")
    if any(0 < cue_start - i <= 4 for i in marks.get("FUTURE", [])):
        out.append("future")
    years = [int(y) for y in _YEAR.findall(sentence_text(sent))]
    if any(0 < cue_start - i <= 3 for i in marks.get("HISTORICAL", [])) or (ref and any(y < ref.year for y in years)):
        out.append("historical")
    if _inside_quotes(sent, cue_start):
        out.append("quoted")
    return tuple(out)


def _hypothetical(sent: Span, cue_start: int, marks: dict[str, list[int]]) -> bool:
    """An "if"/"unless" before the cue, or "would/could/might" right before it, with no reporting
    verb in between ("If X, it should ..., Wang said, adding that China had prevented ..." is not)."""
    reports = marks.get("REPORT", [])
    for i in marks.get("HYPOTHETICAL", []):
        if i >= cue_start or any(i < r < cue_start for r in reports):
            continue
        if sent.doc[i].lower_ == "would" and i + 1 < len(sent.doc) and sent.doc[i + 1].lower_ in ("like", "love"):
            continue  # "I would like to reaffirm": a courtesy, not a condition
        if sent.doc[i].lower_ in ("if", "unless", "in case") or cue_start - i <= 3:
            return True
    return False


def _inside_quotes(sent: Span, cue_start: int) -> bool:
    """A cue is quoted when an odd number of quote marks precede it in its sentence."""
    end = min(cue_start, sent.end)
    quotes = sum(1 for i in quote_marks(sent.doc) if sent.start <= i < end)
    return quotes % 2 == 1


def quote_marks(doc: Doc) -> list[int]:
    """The positions of the doc's quote-mark tokens, found once per doc from its array of word
    hashes (asked for every cue and every sentence, it made a Token of every word each time)."""
    found = doc.user_data.get(QUOTE_MARKS)
    if found is None and not any(q in doc_text(doc) for q in QUOTES):
        found = doc.user_data[QUOTE_MARKS] = []  # no quote mark in the text: no token is one
    if found is None:
        quotes = {doc.vocab.strings[q] for q in QUOTES}
        words = doc.to_array("ORTH").tolist()
        found = doc.user_data[QUOTE_MARKS] = [i for i, orth in enumerate(words) if orth in quotes]
    return cast(list[int], found)

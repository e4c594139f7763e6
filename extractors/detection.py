"""Statement detection over whole articles: the unit of work the flow hands to a worker.

An article arrives as its ordered units (paragraphs or transcript turns) plus
what the detector needs to know about it: its date and whose voice the
source is. Units keep the article id as their id stem so the detector carries
context ("He said ...") from one paragraph to the next within an article,
never across articles. Journalists' questions are not read at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from stancewatch.extractors.records import Unit

if TYPE_CHECKING:  # spaCy loads only when something is detected: an unchanged night never pays for it
    from stancewatch.extractors.statements import Statement, TextUnit


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article as the detector reads it."""

    article_id: str
    published: date | None
    source_country: str
    units: tuple[Unit, ...]
    title: str = ""


@dataclass(frozen=True, slots=True)
class Found:
    """One statement with the unit it came from."""

    article_id: str
    unit_seq: int
    statement: Statement


def text_units(article: ArticleText) -> list[tuple[int, TextUnit]]:
    """The detector's inputs for one article; question turns are left out (not statements)."""
    from stancewatch.extractors.statements import TextUnit

    return [
        (
            u.seq,
            TextUnit(
                text=u.text,
                date=article.published,
                source_country=article.source_country,
                speaker=u.speaker,
                speaker_role=u.speaker_role,
                id=f"{article.article_id}-{u.seq}",
                title=article.title,
            ),
        )
        for u in article.units
        if u.kind != "question" and u.text.strip()
    ]


def detect_articles(articles: list[ArticleText], mode: str = "auto", batch_size: int = 64) -> list[list[Found]]:
    """Statements of each article, in input order. Runs in the flow or in a worker process."""
    from stancewatch.extractors.statements import get_detector

    detector = get_detector(mode)
    inputs = [text_units(a) for a in articles]
    flat = [tu for units in inputs for _, tu in units]
    results = iter(detector.detect_many(flat, batch_size=batch_size))
    out: list[list[Found]] = []
    for article, units in zip(articles, inputs):
        found = [Found(article.article_id, seq, s) for seq, _ in units for s in next(results)]
        out.append(found)
    return out


def detector_version(mode: str = "auto") -> str:
    """The version string statements from `mode` will carry, without loading spaCy."""
    from stancewatch.extractors.statements.version import version_for

    return version_for(mode)

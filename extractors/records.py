"""The records the extract stage hands on: plain dataclasses, no behaviour.

They are deliberately small and serialisable (strings, dates, lists) so they
cross process-pool boundaries cheaply and map one-to-one onto warehouse rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Unit:
    """A passage the statement detector reads on its own.

    A paragraph of an ordinary article, or one turn of a press-conference
    transcript. `kind` is "paragraph", "question" or "answer"; an answer turn
    carries its speaker because the contract makes the answering spokesperson
    the speaker of every answer paragraph, named or not.
    """

    seq: int
    text: str
    kind: str = "paragraph"
    speaker: str = ""
    speaker_role: str = ""


@dataclass(slots=True)
class Extracted:
    """What an extractor (site-specific or trafilatura) made of one page."""

    text: str
    title: str = ""
    published: date | None = None
    author: str = ""
    language: str = ""
    units: list[Unit] = field(default_factory=list)
    extractor: str = "trafilatura"


@dataclass(frozen=True, slots=True)
class Link:
    """An article link found on a listing page (a site with no feed)."""

    url: str
    title: str = ""
    published: datetime | None = None

"""The records the stance grammar passes between its modules: people, mentions, cues and the context.

A `Mention` is a span that may hold or be the target of a position; a `Person` is someone who can be
a statement's speaker; a `Cue` is one stance-bearing span (cues.py, demands.py); `DocContext` is what
earlier sentences (and earlier paragraphs of the same document) have established. They live apart
from the code that fills them so that voice, mentions, cues, holders, targets and topics can read
them without importing one another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import gazetteer as gz


@dataclass(frozen=True)
class Person:
    """Someone who can be a statement's speaker; `country` is the code they speak for."""

    name: str
    country: str
    role: str = ""
    office: str = ""  # the gazetteer office, so "the Secretary" finds the Secretary, not the Secretary General


@dataclass(frozen=True)
class Mention:
    """A span that may be an actor or target.

    kind: "party" (country/body/institution/person/title, `code` set), "self" (we/our side),
    "joint" (both sides/they), "pronoun" (he/she), "nonactor" (newspapers, analysts).
    """

    start: int
    end: int
    kind: str
    code: str = ""
    person: Person | None = None
    text: str = ""


@dataclass
class DocContext:
    """What earlier sentences (and earlier paragraphs of the same document) have established."""

    date: dt.date | None = None
    voice: Person | None = None
    voice_country: str = ""
    persons: list[Person] = field(default_factory=list)
    we_override: str = ""
    subject_person: Person | None = None
    unit_persons: list[Person] = field(default_factory=list)
    unit_parties: list[tuple[int, str]] = field(default_factory=list)
    unit_pairs: list[tuple[str, str]] = field(default_factory=list)
    doc_topic: str = ""
    ahead_topic: str = ""  # the specific topic the rest of the answer names (pipeline.ahead_topics)
    doc_parties: list[str] = field(default_factory=list)  # parties named in earlier paragraphs of the document
    title_parties: list[str] = field(default_factory=list)  # parties the page title names ("Call with ...")
    title_persons: list[Person] = field(default_factory=list)  # officials the page title names
    signatories: list[str] = field(default_factory=list)  # a joint statement's governments: who "we" is

    def remember(self, person: Person) -> None:
        """Record a named person; the most recent mention sits last."""
        self.persons = [p for p in self.persons if p.name != person.name] + [person]

    def last_person(self) -> Person | None:
        return self.persons[-1] if self.persons else None

    def person_with_title(self, title: str, office: str, country: str = "") -> Person | None:
        """The latest person named with this title and office ("the Foreign Minister" -> the one
        just named; "the Secretary" -> the Secretary of State, not the NATO Secretary General),
        then the latest in that office of `country` when the title belongs to one."""
        low = title.lower()
        for person in reversed(self.persons):
            if person.office == office and low in person.role.lower():
                return person
        for person in reversed(self.persons):
            if person.office == office and country and person.country == country:
                return person
        return None

    def person_named(self, surname: str) -> Person | None:
        """The latest person named earlier with `surname` among their names ("Foreign Minister Son"
        after "Vietnamese Foreign Minister Bui Thanh Son", "Foreign Minister Don" after "Thai Foreign
        Minister Don Pramudwinai"), so a repeated short name keeps its country."""
        for person in reversed(self.persons):
            if person.country and surname in person.name.split():
                return person
        return None


def official_person(name: str, day: dt.date | None, written_role: str = "") -> Person | None:
    """A gazetteer official as a Person, with the role as written or else the one held on `day`."""
    off = gz.officials_by_name().get(name)
    if off is None:
        return None
    role = off.in_office(day)
    return Person(off.name, off.country, written_role or (role.title if role else ""), role.office if role else "")


@dataclass(frozen=True)
class Cue:
    """One stance-bearing span: `kind` is attitude, passive, evaluative, normative ("X is
    crucial"), sovereign ("X's internal affairs"), demand, appeal (a demand to take a stance on a
    measure) or modal. `basis` is "demand" for every cue read as something asked ("urges",
    "calls on", "should", "hopes", "stressed the need to", "X is crucial") and "assessment"
    otherwise (Statement.basis)."""

    start: int
    end: int
    kind: str
    stance: str
    addressee: tuple[Mention, ...] = ()
    act_end: int = 0
    verb: int = -1  # the demand verb a second act belongs to (its holder is that verb's subject)
    basis: str = "assessment"
    needs_party: bool = False  # judges a relationship, partner or party: a statement only when that party is named
    topic: str = ""  # a topic the cue itself fixes ("calls for an end to the fighting" is dialogue)

    @property
    def head(self) -> int:
        """Where the holder's verb is: the cue itself, or the demand verb of a second act."""
        return self.verb if self.verb >= 0 else self.start

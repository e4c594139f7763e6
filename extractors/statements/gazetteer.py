"""Gazetteers: who can hold a position, loaded from the data files beside this module.

Countries (every ISO 3166-1 entry with names, demonyms and capitals), the contract's international
bodies, government institutions and officials with their dates in office. The entity ruler is fed
from here, and titles ("the Secretary", "the President of Russia") are resolved to people here,
because the same title names different people in different years.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

import yaml

from .version import DATA_DIR

# Entity labels the ruler writes; the entity's ent_id_ carries the code or person key.
COUNTRY, BODY, INSTITUTION, GENERIC_INST, PERSON, NON_ACTOR, TITLE, GROUP = (
    "COUNTRY",
    "BODY",
    "INST",
    "GINST",
    "OFFICIAL",
    "NONACTOR",
    "TITLE",
    "GROUP",
)
#: A mention of a group ("the C5+1 countries") carries this prefix before the group's key; holders and
#: targets expand it to the members (groups.yaml).
GROUP_PREFIX = "group:"


@dataclass(frozen=True)
class Role:
    """One spell in one office: `title` is how the office is usually written."""

    office: str
    title: str
    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date | None) -> bool:
        """True when `day` falls in the spell; an unknown day matches any spell."""
        if day is None:
            return True
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Official:
    """A person who speaks for a country or body (`country` is its code)."""

    name: str
    country: str
    surname: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]

    def in_office(self, day: dt.date | None, office: str | None = None) -> Role | None:
        """The role held on `day` (optionally only of `office`), else None."""
        for role in self.roles:
            if (office is None or role.office == office) and role.covers(day):
                return role
        return None


def _read_yaml(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The stance lexicon (cues, demands, topics, flags, titles) as loaded from lexicon.yaml."""
    return _read_yaml("lexicon.yaml")


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.split("|") if v.strip()]


@lru_cache(maxsize=1)
def countries() -> dict[str, dict[str, list[str]]]:
    """code -> {"names", "demonyms", "capitals"} from countries.csv (comment lines skipped)."""
    with open(DATA_DIR / "countries.csv", encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return {
            r["code"]: {
                "names": _split(r["names"]),
                "demonyms": _split(r["demonyms"]),
                "capitals": _split(r["capitals"]),
            }
            for r in rows
        }


@lru_cache(maxsize=1)
def bodies() -> dict[str, list[str]]:
    """Contract body code -> surface forms."""
    return _read_yaml("bodies.yaml")["bodies"]


@lru_cache(maxsize=1)
def groups() -> dict[str, list[str]]:
    """Group key -> member codes (groups.yaml): groups that speak together but are no body code."""
    return {key: list(entry["members"]) for key, entry in _read_yaml("groups.yaml")["groups"].items()}


def members(code: str) -> list[str]:
    """The codes a mention's code stands for: a group's members, else the code itself."""
    if code.startswith(GROUP_PREFIX):
        return groups().get(code[len(GROUP_PREFIX) :], [])
    return [code] if code else []


@lru_cache(maxsize=1)
def institutions() -> dict[str, Any]:
    """Named and generic government institutions, self references and non-actor names."""
    return _read_yaml("institutions.yaml")


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _start(value: Any, name: str) -> dt.date:
    """A role's first day: every role has one (`Role.covers` compares the day with it)."""
    day = _date(value)
    if day is None:
        raise ValueError(f"officials.yaml: a role of {name} has no start date")
    return day


@lru_cache(maxsize=1)
def officials() -> tuple[Official, ...]:
    """Every official of officials.yaml with typed roles."""
    out = []
    for row in _read_yaml("officials.yaml")["officials"]:
        roles = tuple(Role(r[0], r[1], _start(r[2], row["name"]), _date(r[3])) for r in row["roles"])
        out.append(
            Official(row["name"], row["country"], row.get("surname", ""), tuple(row.get("aliases") or ()), roles)
        )
    return tuple(out)


@lru_cache(maxsize=1)
def officials_by_name() -> dict[str, Official]:
    """Full names and aliases -> official (the key an OFFICIAL entity carries is the full name)."""
    table: dict[str, Official] = {}
    for off in officials():
        for form in (off.name, *off.aliases):
            table[form] = off
    return table


def resolve_title(office: str, country: str, day: dt.date | None) -> Official | None:
    """The person holding `office` for `country` on `day` ("the Secretary" in 2018 is Pompeo).

    >>> resolve_title("foreign_minister", "USA", dt.date(2018, 6, 1)).name
    'Mike Pompeo'
    >>> resolve_title("foreign_minister", "USA", dt.date(2021, 6, 1)).name
    'Antony J. Blinken'
    """
    hits = [o for o in officials() if o.country == country and o.in_office(day, office)]
    return hits[0] if len(hits) == 1 else None


def resolve_leader(country: str, day: dt.date | None) -> Official | None:
    """The leader meant by "the two leaders": the head of government where that office leads
    (lexicon `leader_is_head_of_government`), else the head of state."""
    first = "head_of_government" if country in lexicon().get("leader_is_head_of_government", ()) else "head_of_state"
    second = "head_of_state" if first == "head_of_government" else "head_of_government"
    return resolve_title(first, country, day) or resolve_title(second, country, day)


def resolve_surname(surname: str, day: dt.date | None, known: Iterable[str] = ()) -> Official | None:
    """A bare surname ("Wang said") -> the official it names.

    A full name already seen in the document wins; otherwise the surname must be unique among
    the officials in office on `day`, so "Wang" in 2022 (Wang Yi and Wang Wenbin) needs context.
    """
    by_name = officials_by_name()
    for name in known:
        off = by_name.get(name)
        if off is not None and off.surname == surname:
            return off
    hits = [o for o in officials() if o.surname == surname and o.in_office(day)]
    return hits[0] if len(hits) == 1 else None


def _the_less(form: str) -> list[str]:
    """A name with and without its leading article: both "the UK" and "UK" must match."""
    return [form[4:]] if form.startswith("the ") else [form]


def _plurals(demonyms: list[str]) -> list[str]:
    """ "Venezuelans", "Israelis": a people named as a whole stands for its country."""
    return [d + "s" for d in demonyms if d[-1] in "ni" and not d.endswith("s")]


def ruler_patterns() -> list[dict[str, Any]]:
    """Entity-ruler phrase patterns for every gazetteer entry.

    Longer spans win in the ruler, so "Washington Post" (a non-actor) beats "Washington" (USA) and
    "Foreign Minister Wang Yi" yields the person, the title being matched separately.
    """
    pats: list[dict[str, Any]] = []

    def add(label: str, text: str, ent_id: str) -> None:
        for form in _the_less(text):
            pats.append({"label": label, "pattern": form, "id": ent_id})

    for code, entry in countries().items():
        for form in entry["names"] + entry["demonyms"] + entry["capitals"] + _plurals(entry["demonyms"]):
            add(COUNTRY, form, code)
    for code, forms in bodies().items():
        for form in forms:
            add(BODY, form, code)
    for key, entry in _read_yaml("groups.yaml")["groups"].items():
        for form in entry["names"]:
            add(GROUP, form, key)
    inst = institutions()
    for code, forms in inst["named"].items():
        for form in forms:
            add(INSTITUTION, form, code)
    for form in inst["generic"]:
        add(GENERIC_INST, form, "")
    for form in inst["non_actors"]:
        add(NON_ACTOR, form, "")
    for off in officials():
        for form in (off.name, *off.aliases):
            add(PERSON, form, off.name)
    for phrase, office, country in lexicon()["titles"]:
        add(TITLE, phrase, f"{office}|{country}")
    return pats


def surnames() -> set[str]:
    """Every official's surname (matched as a candidate person mention, resolved in context)."""
    return {o.surname for o in officials() if o.surname}

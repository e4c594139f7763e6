"""Gazetteers: every ISO country, bodies, institutions, officials with dates in office; stated dates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from stancewatch.extractors.statements import gazetteer as gz
from stancewatch.extractors.statements.dates import stated_on

ISO = Path("/usr/share/iso-codes/json/iso_3166-1.json")


def test_every_iso_country_is_in_the_gazetteer():
    codes = set(gz.countries())
    assert len(codes) >= 249
    if ISO.exists():
        assert {c["alpha_3"] for c in json.loads(ISO.read_text())["3166-1"]} <= codes


@pytest.mark.parametrize(
    "form,code",
    [
        ("Beijing", "CHN"),
        ("Moscow", "RUS"),
        ("Washington", "USA"),
        ("Kyiv", "UKR"),
        ("Pyongyang", "PRK"),
        ("Russia", "RUS"),
        ("Chinese", "CHN"),
        ("DPRK", "PRK"),
        ("UK", "GBR"),
    ],
)
def test_names_capitals_and_demonyms_resolve(detector, form, code):
    doc = detector.nlp(f"Officials said {form} was ready.")
    assert [(e.text, e.ent_id_) for e in doc.ents if e.label_ == gz.COUNTRY] == [(form, code)]


@pytest.mark.parametrize(
    "text,code",
    [
        ("the Kremlin said", "RUS"),
        ("the White House said", "USA"),
        ("the State Department said", "USA"),
        ("Downing Street said", "GBR"),
    ],
)
def test_institutions_resolve(detector, text, code):
    assert [e.ent_id_ for e in detector.nlp(text).ents if e.label_ == gz.INSTITUTION] == [code]


def test_contract_bodies_are_all_present():
    assert set(gz.bodies()) == {
        "NATO",
        "EU",
        "UN",
        "UNSC",
        "G7",
        "G20",
        "ASEAN",
        "AU",
        "WTO",
        "OSCE",
        "IAEA",
        "WHO",
        "BRICS",
        "SCO",
        "GCC",
        "ARAB_LEAGUE",
    }


def test_non_actor_name_beats_the_city_inside_it(detector):
    labels = [e.label_ for e in detector.nlp("The Washington Post reported it.").ents]
    assert labels == [gz.NON_ACTOR]


@pytest.mark.parametrize(
    "office,country,day,name",
    [
        ("foreign_minister", "USA", "2018-06-01", "Mike Pompeo"),
        ("foreign_minister", "USA", "2021-06-01", "Antony J. Blinken"),
        ("foreign_minister", "USA", "2016-06-01", "John Kerry"),
        ("foreign_minister", "CHN", "2016-06-01", "Wang Yi"),
        ("foreign_minister", "CHN", "2023-03-01", "Qin Gang"),
        ("foreign_minister", "CHN", "2024-01-01", "Wang Yi"),
        ("head_of_state", "USA", "2019-01-01", "Donald Trump"),
        ("head_of_state", "USA", "2022-01-01", "Joe Biden"),
        ("head_of_government", "GBR", "2020-01-01", "Boris Johnson"),
        ("head_of_government", "DEU", "2023-01-01", "Olaf Scholz"),
        ("foreign_minister", "RUS", "2025-01-01", "Sergey Lavrov"),
    ],
)
def test_titles_resolve_by_date(office, country, day, name):
    off = gz.resolve_title(office, country, dt.date.fromisoformat(day))
    assert off is not None and off.name == name


def test_spokespersons_cover_2015_to_2026():
    for year in range(2015, 2027):
        day = dt.date(year, 6, 1)
        for country in ("CHN", "USA", "RUS"):
            holders = [o for o in gz.officials() if o.country == country and o.in_office(day, "spokesperson")]
            assert holders, (country, year)


def test_bare_surname_needs_context_when_ambiguous():
    day = dt.date(2022, 2, 26)
    assert gz.resolve_surname("Wang", day) is None  # Wang Yi and Wang Wenbin both in office
    assert gz.resolve_surname("Wang", day, ["Wang Yi"]).name == "Wang Yi"
    assert gz.resolve_surname("Lavrov", day).name == "Sergey Lavrov"


@pytest.mark.parametrize(
    "sentence,ref,expected",
    [
        ("Wang Yi said on Feb 26.", "2022-02-27", "2022-02-26"),
        ("He said on 26 February 2022 that ...", "2022-03-10", "2022-02-26"),
        ("The ministry said on Dec 30.", "2023-01-02", "2022-12-30"),
        ("Lavrov said yesterday.", "2019-05-03", "2019-05-02"),
        ("The ministry said on Monday.", "2021-06-10", "2021-06-07"),
        ("No date here.", "2021-06-10", None),
    ],
)
def test_stated_on(sentence, ref, expected):
    got = stated_on(sentence, dt.date.fromisoformat(ref))
    assert (got.isoformat() if got else None) == expected

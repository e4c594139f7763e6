"""Every `fixtures/<extractor>/<case>.html` beside its `<case>.expected.json`.

The expectation file says which API to call ("kind": "page" runs
`sites.extract_page`, "listing" runs `sites.find_links`), with which URL and
extractor argument, and what must come out, unit by unit or link by link.
Adding a case is adding two files; the model is feedparser's test suite.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from stancewatch.extractors import sites

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*/*.html"))


def _expectation(page: Path) -> dict[str, Any]:
    return json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))


def test_every_fixture_has_an_expectation() -> None:
    assert CASES, "no fixtures found"
    missing = [p.name for p in CASES if not p.with_suffix(".expected.json").exists()]
    assert not missing


@pytest.mark.parametrize("page", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(page: Path) -> None:
    case = _expectation(page)
    html = page.read_bytes()
    if case["kind"] == "page":
        _check_page(sites.extract_page(html, case["url"], case["extractor_arg"]), case["expect"])
    else:
        _check_links(sites.find_links(html, case["url"], case["extractor_arg"]), case["expect"])


def _check_page(extracted: Any, expect: dict[str, Any]) -> None:
    published = date.fromisoformat(expect["published"]) if expect["published"] else None
    assert extracted.extractor == expect["extractor"]
    assert extracted.title == expect["title"]
    assert extracted.published == published
    assert extracted.author == expect["author"]
    assert extracted.language == expect["language"]
    got = [
        {"kind": u.kind, "speaker": u.speaker, "speaker_role": u.speaker_role, "text": u.text} for u in extracted.units
    ]
    assert got == expect["units"]
    assert [u.seq for u in extracted.units] == list(range(1, len(got) + 1))
    assert extracted.text == "\n".join(u["text"] for u in expect["units"])


def _check_links(links: list[Any], expect: dict[str, Any]) -> None:
    got = [
        {"url": link.url, "title": link.title, "published": link.published.isoformat() if link.published else None}
        for link in links
    ]
    assert got == expect["links"]
    for link in links:
        assert link.published is None or isinstance(link.published, datetime)
        assert link.published is None or link.published.tzinfo is not None

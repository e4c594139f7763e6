"""The site-extractor registry: lookup, choice by name or URL, fallback to trafilatura."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from stancewatch.extractors import sites
from stancewatch.extractors.records import Extracted, Link, Unit

FIXTURES = Path(__file__).parent / "fixtures"
MFA_PAGE = (FIXTURES / "mfa_press_conference" / "conference_2018.html").read_bytes()
MFA_URL = "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/t1604000.shtml"
NEWS_PAGE = (FIXTURES.parent.parent / "fixtures" / "news_article.html").read_bytes()
NEWS_URL = "https://news.example.com/world/2024/03/05/border-talks"


def test_every_registered_extractor_has_the_signature() -> None:
    assert "mfa_press_conference" in sites.names()
    for name in sites.names():
        module = sites.get(name)
        assert module.NAME == name
        assert callable(module.matches) and callable(module.extract)
        assert not hasattr(module, "find_links") or callable(module.find_links)


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="mfa_press_conference"):
        sites.get("no_such_site")
    with pytest.raises(KeyError):
        sites.extract_page(MFA_PAGE, MFA_URL, "no_such_site")


def test_extractor_chosen_by_url() -> None:
    assert sites.extract_page(MFA_PAGE, MFA_URL).extractor == "mfa_press_conference"
    assert sites.extract_page(NEWS_PAGE, NEWS_URL).extractor == "trafilatura"


def test_named_extractor_wins_over_the_url() -> None:
    """A mirror or test server serves MFA pages under another host."""
    extracted = sites.extract_page(MFA_PAGE, "http://127.0.0.1:8000/mfa/t1.shtml", "mfa_press_conference")
    assert extracted.extractor == "mfa_press_conference"
    assert {u.kind for u in extracted.units} == {"question", "answer"}


def test_trafilatura_can_be_named_to_skip_site_extractors() -> None:
    extracted = sites.extract_page(MFA_PAGE, MFA_URL, sites.GENERIC)
    assert extracted.extractor == "trafilatura"
    assert {u.kind for u in extracted.units} == {"paragraph"}


def _fake_site(result: Extracted | None, links: list[Link] | None = None) -> SimpleNamespace:
    module = SimpleNamespace(NAME="fake", matches=lambda url: "fake.example" in url, extract=lambda html, url: result)
    if links is not None:
        module.find_links = lambda html, url: links
    return module


def test_site_extractor_declining_falls_back_to_trafilatura(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sites, "_registry", lambda: {"fake": _fake_site(None)})
    assert sites.extract_page(NEWS_PAGE, "https://fake.example/a").extractor == "trafilatura"


def test_site_extractor_result_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    mine = Extracted(text="x", units=[Unit(1, "x")], extractor="fake")
    monkeypatch.setattr(sites, "_registry", lambda: {"fake": _fake_site(mine)})
    assert sites.extract_page(NEWS_PAGE, "https://fake.example/a") is mine
    assert sites.extract_page(NEWS_PAGE, "https://other.example/a").extractor == "trafilatura"


def test_find_links_uses_the_site_reader_else_the_generic_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listing = b"<html><body><ul><li><a href='/press/one.html'>One</a></li></ul></body></html>"
    own = [Link(url="https://fake.example/x", title="X")]
    monkeypatch.setattr(sites, "_registry", lambda: {"fake": _fake_site(None, own)})
    assert sites.find_links(listing, "https://fake.example/press/") == own
    generic = [Link(url="https://other.example/press/one.html", title="One")]
    assert sites.find_links(listing, "https://other.example/press/") == generic
    assert sites.find_links(listing, "https://fake.example/press/", sites.GENERIC) == [
        Link(url="https://fake.example/press/one.html", title="One")
    ]


def test_find_links_falls_back_when_the_named_site_has_no_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listing = b"<html><body><p><a href='/press/two.html'>Two</a></p></body></html>"
    monkeypatch.setattr(sites, "_registry", lambda: {"fake": _fake_site(None)})
    links = sites.find_links(listing, "https://fake.example/press/index.html", "fake")
    assert links == [Link(url="https://fake.example/press/two.html", title="Two")]


def test_generic_links_of_an_empty_page() -> None:
    assert sites.generic_links(b"", "https://example.org/press/") == []

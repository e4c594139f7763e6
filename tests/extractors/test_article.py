"""Article extraction: whole pages through trafilatura, feed fragments through lxml."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from stancewatch.extractors import sites
from stancewatch.extractors.article import (
    ExtractionError,
    block_texts,
    blocks,
    clean_text,
    extract_article,
    extract_fragment,
)
from stancewatch.extractors.records import Unit

FIXTURES = Path(__file__).parent / "fixtures"
FILLER = (
    "The delegations met for several hours and discussed trade, energy and the situation "
    "in the region, according to officials familiar with the talks. "
)


def _page(body: str, head: str = "", lang: str = "en") -> str:
    """A minimal but complete article page around `body`."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}'
        f"<title>Talks resume</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Talks resume</h1>{body}</article><footer>Contact</footer></body></html>"
    )


def _units(extracted) -> list[dict[str, str]]:
    return [
        {"kind": u.kind, "speaker": u.speaker, "speaker_role": u.speaker_role, "text": u.text} for u in extracted.units
    ]


def test_news_article_gives_metadata_and_one_unit_per_paragraph() -> None:
    case = json.loads((FIXTURES / "news_article.expected.json").read_text(encoding="utf-8"))
    expect = case["expect"]
    extracted = extract_article((FIXTURES / "news_article.html").read_bytes(), case["url"])
    assert extracted is not None
    assert extracted.extractor == "trafilatura"
    assert extracted.title == expect["title"]
    assert extracted.published == date.fromisoformat(expect["published"])
    assert extracted.author == expect["author"]
    assert extracted.language == expect["language"]
    assert _units(extracted) == expect["units"]
    assert [u.seq for u in extracted.units] == list(range(1, len(extracted.units) + 1))
    assert extracted.text == "\n".join(u.text for u in extracted.units)


def test_readers_comments_and_page_furniture_are_left_out() -> None:
    html = (FIXTURES / "news_article.html").read_bytes()
    text = extract_article(html, "https://news.example.com/world/x").text
    for boilerplate in (
        "never work",
        "reader123",
        "Related stories",
        "cookies",
        "Privacy policy",
        "diplomatic correspondent",
    ):
        assert boilerplate not in text


def test_page_without_article_text() -> None:
    html = (FIXTURES / "no_article.html").read_bytes()
    assert extract_article(html, "https://news.example.com/missing") is None
    with pytest.raises(ExtractionError, match="no article text found"):
        sites.extract_page(html, "https://news.example.com/missing")


@pytest.mark.parametrize("html", [b"", "", "   \n", b"\x00\x01\x02"])
def test_empty_or_binary_input_gives_none(html: bytes | str) -> None:
    assert extract_article(html, "https://news.example.com/x") is None


def test_bytes_in_a_declared_legacy_encoding_are_decoded() -> None:
    body = "".join(
        f"<p>Le ministère des Affaires étrangères a publié une déclaration n°{i}. {FILLER}</p>" for i in range(3)
    )
    legacy = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    html = _page(body, head=legacy, lang="fr-FR").replace('<meta charset="utf-8">', "")
    extracted = extract_article(html.encode("iso-8859-1"), "https://diplomatie.example.fr/x")
    assert extracted.units[0].text.startswith("Le ministère des Affaires étrangères")
    assert extracted.language == "fr"


def test_language_falls_back_to_content_language_meta() -> None:
    meta = '<meta http-equiv="Content-Language" content="de-DE">'
    html = _page(f"<p>{FILLER}</p><p>{FILLER}</p>", head=meta).replace(' lang="en"', "")
    assert extract_article(html, "https://example.de/x").language == "de"


def test_unknown_language_is_empty() -> None:
    html = _page(f"<p>{FILLER}</p><p>{FILLER}</p>").replace(' lang="en"', "")
    assert extract_article(html, "https://example.org/x").language == ""


def test_line_breaks_inside_a_paragraph_split_units() -> None:
    html = _page(
        f"<p>First line of the statement. {FILLER}<br>Second line of the statement. {FILLER}</p><p>{FILLER}</p>"
    )
    texts = [u.text for u in extract_article(html, "https://example.org/x").units]
    assert texts[0].startswith("First line") and texts[1].startswith("Second line")


def test_metadata_date_wins_over_dates_quoted_in_the_text() -> None:
    body = f"<p>The agreement of 12 June 2014 was recalled. {FILLER}</p><p>{FILLER}</p>"
    meta = '<meta property="article:published_time" content="2019-06-14T10:00:00Z">'
    html = _page(body, head=meta)
    assert extract_article(html, "https://example.org/news/60734").published == date(2019, 6, 14)


def test_date_printed_in_the_text_is_used_when_metadata_has_none() -> None:
    body = f"<p>Published on 12 May 2019.</p><p>{FILLER}</p><p>{FILLER}</p>"
    assert extract_article(_page(body), "https://example.org/news/1").published == date(2019, 5, 12)


def test_copyright_year_is_not_a_publication_date() -> None:
    body = f"<p>{FILLER}</p><p>{FILLER}</p>"
    html = _page(body).replace(
        "<footer>Contact</footer>", "<footer>Copyright©1998-2014, Ministry of Foreign Affairs</footer>"
    )
    assert extract_article(html, "https://example.org/news/1").published is None


def test_fragment_paragraphs() -> None:
    html = (FIXTURES / "feed_fragment.html").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / "feed_fragment.expected.json").read_text(encoding="utf-8"))
    extracted = extract_fragment(html, "https://www.state.gov/x/")
    assert extracted.extractor == "fragment"
    assert _units(extracted) == expected["units"]
    assert extracted.text == "\n".join(u["text"] for u in expected["units"])
    assert (extracted.title, extracted.published, extracted.author) == ("", None, "")


@pytest.mark.parametrize("html", ["", "   ", "<p> </p><script>x()</script>"])
def test_empty_fragment_gives_no_units(html: str) -> None:
    extracted = extract_fragment(html)
    assert extracted.units == [] and extracted.text == ""


def test_fragment_bytes_xml_declaration_and_language() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><div lang="en-US"><p>Déjà vu.</p></div>'
    extracted = extract_fragment(html.encode("utf-8"))
    assert extracted.units == [Unit(seq=1, text="Déjà vu.")]
    assert extracted.language == "en"


def test_plain_text_fragment_is_one_paragraph() -> None:
    assert [u.text for u in extract_fragment("Just  a sentence.").units] == ["Just a sentence."]


def test_blocks_measure_bold_share() -> None:
    from lxml.html import fragment_fromstring

    root = fragment_fromstring("<div><p><strong>Q: Why?</strong><br>A: Because.</p><p>half <b>bold</b></p></div>")
    assert [(b.text, b.bold) for b in blocks(root)] == [("Q: Why?", 1.0), ("A: Because.", 0.0), ("half bold", 0.5)]
    assert block_texts(root) == ["Q: Why?", "A: Because.", "half bold"]


def test_clean_text() -> None:
    assert clean_text("  a\u00a0\u00a0b\u200b c\n\td ") == "a b c d"

"""Article extraction: main text, metadata and paragraph units from HTML.

Two entry points, one per kind of input:

- `extract_article` reads a whole web page with trafilatura, which removes
  navigation, footers and comments and keeps the article body.
- `extract_fragment` reads the HTML fragment a feed item carries in
  `content:encoded`; that is already the article body, so boilerplate removal
  would only risk losing text, and a plain lxml walk is used instead.

Both return an `Extracted` whose `units` are one `Unit` per paragraph, the
passages the statement detector reads on its own. The small text and HTML
helpers at the bottom (`parse_html`, `block_texts`, `clean_text`) are shared
with the site extractors in `extractors.sites`.

Trafilatura options, measured rather than guessed (2025, on the 581 saved
Kremlin pages and the 128 MFA transcripts; all 16 Kremlin and 45 MFA gold
paragraphs are found with every setting):

- `favor_precision=True` drops ~90 boilerplate units ("See also", footer
  lines) but also 2 real lead paragraphs of call readouts; a lost lead
  paragraph is a lost statement, a stray "See also" is harmless to the
  detector, so the balanced default is kept.
- `favor_recall=True` adds 14 more boilerplate units and finds nothing new.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import NamedTuple

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, fragment_fromstring
from trafilatura.settings import Document
from trafilatura.utils import decode_file, load_html

from stancewatch.extractors.records import Extracted, Unit

__all__ = [
    "Block",
    "ExtractionError",
    "block_texts",
    "blocks",
    "clean_text",
    "extract_article",
    "extract_fragment",
    "paragraph_units",
    "parse_html",
]

# Elements that never carry article text.
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "svg", "head")
# Elements whose start and end separate paragraphs (plus <br>, handled apart).
_BLOCKS = frozenset(
    (
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "figure",
        "figcaption",
        "hr",
        "address",
        "center",
        "main",
        "nav",
    )
)
# Paragraph-level elements of trafilatura's output tree (its own XML, not HTML).
_TRAFILATURA_PARAS = frozenset({"p", "head", "item", "quote", "row", "code"})
_BOLD = frozenset({"b", "strong"})
_BREAK = object()  # sentinel between paragraphs in `_walk`
_SPACE = re.compile(r"\s+")
# Dates: first from metadata only (`<meta>`, JSON-LD, `<time>`, the URL). Letting
# htmldate search the text at once ("extensive search") dated 2 of 581 Kremlin
# pages five years early, from an older date quoted in the text; the text is
# searched only when the metadata has no date (2018 MFA pages print theirs
# in the title only), see `_text_date`.
_MIN_PROSE_CHARS = 250
#: Trafilatura's cost grows faster than linearly with the number of elements
#: (~4 s for 10,000 and ~150 s for the 125,000 of a 10 MB page, on 2 cores),
#: so a hostile page inside `max_bytes` could hold a worker for minutes.
#: Real article pages have a few hundred to ~2,500 elements (the saved
#: Kremlin and MFA pages: 240-2,487); past this many the page is refused.
MAX_ELEMENTS = 20_000
#: The longest run of visible text (one text node) a page may have; see
#: `extractors.pages.MAX_UNIT_CHARS`, the same limit on the passages the
#: detector reads. Checked before trafilatura, which needs ~30 times a
#: paragraph's size in memory (a 10 MB one-line page: ~270 MB, 4.5 s).
MAX_TEXT_CHARS = 100_000
# A sentence ends in . ! ? … or 。, perhaps followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002]['\"\u2019\u201d)\]]*$")
_VISIBLE_TEXT = "//text()[not(ancestor::script or ancestor::style or ancestor::template)]"
_METADATA_DATES = {"extensive_search": False, "original_date": True}
_TEXT_DATES = {"extensive_search": True, "original_date": True}
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


class Block(NamedTuple):
    """One paragraph of an HTML subtree and the share (0..1) of its characters in bold."""

    text: str
    bold: float


class ExtractionError(Exception):
    """A page or fragment held no article text; the message says why."""


def extract_article(html: bytes | str, url: str) -> Extracted | None:
    """Extract a whole web page with trafilatura; None when it finds no text.

    Comments are excluded: readers' comments are not the publisher's voice.
    A page with more than `MAX_ELEMENTS` elements, or a run of text longer
    than `MAX_TEXT_CHARS`, raises ExtractionError before trafilatura sees it.
    """
    tree = parse_html(html)
    if tree is None:
        return None
    if sum(1 for _ in islice(tree.iter(), MAX_ELEMENTS + 1)) > MAX_ELEMENTS:
        raise ExtractionError(f"page too large to extract: more than {MAX_ELEMENTS} HTML elements")
    longest = max(map(len, tree.xpath(_VISIBLE_TEXT)), default=0)
    if longest > MAX_TEXT_CHARS:
        raise ExtractionError(
            f"page too large to extract: a text of {longest} characters without a break (limit {MAX_TEXT_CHARS})"
        )
    declared = declared_language(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url or None,
        include_comments=False,
        with_metadata=True,
        include_tables=True,
        date_extraction_params=_METADATA_DATES,
    )
    if not isinstance(document, Document) or document.body is None:  # None: nothing found (a dict only with as_dict)
        return None
    title = clean_text(document.title or "")
    paragraphs = _trafilatura_paragraphs(document.body)
    if paragraphs and clean_text(paragraphs[0]) == title:
        paragraphs = paragraphs[1:]  # the headline again: it is `title`, not a passage
    units = paragraph_units(paragraphs)
    if not _has_prose(units):
        return None
    return Extracted(
        text="\n".join(unit.text for unit in units),
        title=title,
        published=_iso_date(document.date) or _text_date(html, url),
        author=clean_text(document.author or ""),
        language=_primary_subtag(document.language or "") or declared,
        units=units,
        extractor="trafilatura",
    )


def extract_fragment(html: str | bytes, url: str = "") -> Extracted:
    """Turn a feed item's HTML body (`content:encoded`) into paragraph units.

    An empty or text-less fragment gives an `Extracted` with no units rather
    than an error, so a feed reader can test `.units` and fetch the page.
    `url` is accepted for symmetry with the page extractors and unused.
    """
    text = decode_file(html) if isinstance(html, bytes) else html
    if not text or not text.strip():
        return Extracted(text="", extractor="fragment")
    root = fragment_fromstring(_drop_xml_declaration(text), create_parent="div")
    units = paragraph_units(block_texts(root))
    language = _primary_subtag(next(iter(root.xpath("(.//@lang)[1]")), ""))
    return Extracted(
        text="\n".join(unit.text for unit in units),
        language=language,
        units=units,
        extractor="fragment",
    )


def paragraph_units(paragraphs: list[str]) -> list[Unit]:
    """Number non-empty paragraphs as `Unit`s of kind "paragraph", from 1."""
    texts = [text for text in (clean_text(p) for p in paragraphs) if text]
    return [Unit(seq=index, text=text) for index, text in enumerate(texts, start=1)]


def parse_html(html: bytes | str) -> HtmlElement | None:
    """Parse a whole page, letting trafilatura guess the encoding of bytes.

    Pages arrive as raw bytes from the fetcher; trafilatura's loader handles
    gzip bodies, charset guessing and the lxml quirk with XML declarations.
    """
    if isinstance(html, str) and not html.strip():
        return None
    if isinstance(html, bytes) and not html.strip():
        return None
    return load_html(html)


def block_texts(root: etree._Element) -> list[str]:
    """Split an HTML subtree into paragraph texts at block boundaries.

    `<p>`, `<li>`, headings and other blocks start a new paragraph, and so
    does `<br>`, because some CMSes separate paragraphs (or transcript turns)
    with line breaks inside one `<p>`. Scripts and styles are dropped.
    """
    return [block.text for block in blocks(root)]


def blocks(root: etree._Element) -> list[Block]:
    """Like `block_texts`, also saying how much of each paragraph is bold.

    Transcripts print journalists' questions in bold; the share of bold
    characters lets a site extractor tell a question from an answer when
    the "Q:" marker alone is not enough.
    """
    found: list[Block] = []
    pieces: list[tuple[str, bool]] = []
    for piece in _walk(root, bold=False):
        if piece is _BREAK:
            found.extend(_block_of(pieces))
            pieces = []
        else:
            pieces.append(piece)  # type: ignore[arg-type]
    found.extend(_block_of(pieces))
    return found


def _block_of(pieces: list[tuple[str, bool]]) -> list[Block]:
    """One `Block` from the text pieces of a paragraph, or none if it is blank."""
    text = clean_text("".join(piece for piece, _ in pieces))
    if not text:
        return []
    visible = sum(_visible_chars(piece) for piece, _ in pieces)
    bold = sum(_visible_chars(piece) for piece, is_bold in pieces if is_bold)
    return [Block(text=text, bold=bold / visible if visible else 0.0)]


def clean_text(text: str) -> str:
    """Collapse whitespace (including no-break spaces) and drop zero-width characters."""
    return _SPACE.sub(" ", text.translate(_INVISIBLE_CHARS)).strip()


def declared_language(tree: HtmlElement) -> str:
    """The language a page declares (`<html lang>`, content-language, og:locale), or ""."""
    candidates = tree.xpath(
        "/html/@lang | /html/@xml:lang"
        " | //meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')"
        "='content-language']/@content"
        " | //meta[@property='og:locale']/@content",
        namespaces={"xml": "http://www.w3.org/XML/1998/namespace"},
    )
    for value in candidates:
        subtag = _primary_subtag(str(value))
        if subtag:
            return subtag
    return ""


def _visible_chars(text: str) -> int:
    """Characters other than whitespace: what a reader sees of a text piece."""
    return len("".join(text.split()))


def _walk(element: etree._Element, bold: bool) -> Iterator[object]:
    """Yield `(text, is_bold)` pieces and `_BREAK` markers in document order."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if not tag or tag in _INVISIBLE:
        return  # comments, processing instructions and invisible elements
    bold = bold or tag in _BOLD
    is_block = tag in _BLOCKS
    if is_block or tag == "br":
        yield _BREAK
    if element.text:
        yield element.text, bold
    for child in element:
        yield from _walk(child, bold)
        if child.tail:
            yield child.tail, bold
    if is_block:
        yield _BREAK


def _trafilatura_paragraphs(body: etree._Element) -> list[str]:
    """Paragraph texts of trafilatura's output tree, split at its `<lb/>` breaks.

    Only the outermost paragraph-level elements count, so a `<p>` inside a
    `<quote>` is not read twice.
    """
    paragraphs: list[str] = []
    for element in body.iter(*_TRAFILATURA_PARAS):
        if any(ancestor.tag in _TRAFILATURA_PARAS for ancestor in element.iterancestors()):
            continue
        paragraphs.extend(_split_at_line_breaks(element))
    return paragraphs


def _split_at_line_breaks(element: etree._Element) -> list[str]:
    """Text of a trafilatura element, one string per `<lb/>`-separated line."""
    lines: list[str] = [""]

    def visit(node: etree._Element) -> None:
        if node.tag == "lb":
            lines.append("")
        elif node.text:
            lines[-1] += node.text
        for child in node:
            visit(child)
            if child.tail:
                lines[-1] += child.tail

    visit(element)
    return [line for line in lines if line.strip()]


def _has_prose(units: list[Unit]) -> bool:
    """True unless the units are only menu-like fragments.

    On a page with no article trafilatura's fallbacks return what is left,
    e.g. "Example World News World Politics Search"; a real article has at
    least one sentence (four words and closing punctuation) or some length.
    """
    if sum(len(unit.text) for unit in units) >= _MIN_PROSE_CHARS:
        return True
    return any(len(u.text.split()) >= 4 and _SENTENCE_END.search(u.text) for u in units)


def _text_date(html: bytes | str, url: str) -> date | None:
    """A date found in the page text when its metadata had none, unless it is a copyright year.

    htmldate's extensive search falls back to "Copyright 1998-2014" as
    2014-01-01; a wrong date misplaces a statement on its timeline, while
    None lets the caller use the feed's or listing's date.
    """
    tree = parse_html(html)
    if tree is None:
        return None
    metadata = trafilatura.extract_metadata(tree, default_url=url or None, date_config=_TEXT_DATES)
    found = _iso_date(metadata.date)
    if found is None or (found.month, found.day) != (1, 1):
        return found
    copyright_year = rf"(?:\u00a9|\(c\)|copyright)[^\n]{{0,40}}\b{found.year}\b"
    return None if re.search(copyright_year, tree.text_content(), re.IGNORECASE) else found


def _iso_date(value: str | None) -> date | None:
    """Trafilatura's `YYYY-MM-DD` date string as a `date`, None when absent or odd."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _primary_subtag(tag: str) -> str:
    """ "en-GB" / "en_US" / "EN" -> "en"; "" for anything that is not a language tag."""
    subtag = re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()
    return subtag if re.fullmatch(r"[a-z]{2,3}", subtag) else ""


def _drop_xml_declaration(text: str) -> str:
    """lxml refuses str input that starts with an encoding declaration."""
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)

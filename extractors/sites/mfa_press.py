"""Chinese MFA regular press conferences (fmprc.gov.cn / mfa.gov.cn, English).

A transcript page is split into turns:

- the opening announcements, said by the spokesperson: kind "answer";
- each journalist's question: kind "question", no speaker (questions are
  not statements, see docs/statements.md);
- each answer: kind "answer", speaker = the spokesperson named in the title,
  speaker_role "Foreign Ministry Spokesperson", on every paragraph of the
  answer, because the contract makes the answering spokesperson the speaker
  of every answer paragraph whether or not it repeats the name.

Every paragraph is its own `Unit`; a turn is a run of units of one kind.
Markers are removed from the unit text ("Q: ", "A: ", "Geng Shuang: ").

Two marker styles are handled, as the site printed them:

- 2000s-2019: "Q:" (bold) and "A:", with variants "Follow-up:",
  "Journalist:"/"Reporter:" interjections, "After the press conference, the
  following question was raised: ..." and the spokesperson's name instead of
  "A:" for that late answer; turns are sometimes split by `<br>` inside one
  `<p>`; colons may be full-width.
- 2020 on: the outlet names the question ("CCTV:", "The Paper:") and the
  spokesperson's name marks the answer ("Mao Ning:"). A page is read in this
  style when its name markers outnumber its "A:" markers.

`extract` returns None for any other page of the site (a statement, a
readout), so the registry falls back to trafilatura.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from stancewatch.extractors.article import Block, blocks, clean_text, parse_html
from stancewatch.extractors.records import Extracted, Link, Unit

LOGGER = logging.getLogger(__name__)
NAME = "mfa_press_conference"
SPEAKER_ROLE = "Foreign Ministry Spokesperson"
BEIJING = timezone(timedelta(hours=8), "CST")

_HOSTS = ("fmprc.gov.cn", "mfa.gov.cn")
_TITLE = re.compile(
    r"(?:Foreign Ministry )?Spokesperson\s+(?P<name>[A-Z][\w.\- ]{1,40}?)\s*['\u2019\u2018`]\s*s\s+"
    r"Regular Press Conference\s+on\s+(?P<date>[A-Z][a-z]{2,8}\.?\s*\d{1,2}(?:\s*,\s*\d{4})?)"
)
# "April 30, 2020"; some listing titles leave out the year ("September 28")
# or the space ("June14, 2018").
_LISTED_DATE = re.compile(r"\b([A-Z][a-z]{2,8})\.?\s*(\d{1,2})(?!\d)(?:\s*,\s*(\d{4}))?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_ARTICLE_PATH = re.compile(r"/t(?:(?P<ymd>\d{8})_)?\d+\.s?html?$")
# A paragraph-initial label and its colon, ASCII or full-width (U+FF1A).
_MARKER = re.compile(r"^(?P<label>[^:\uff1a]{1,80}?)\s*[:\uff1a]\s*(?P<rest>.*)$", re.DOTALL)
_QUESTION_LABELS = frozenset(
    {
        "q",
        "question",
        "follow-up",
        "follow up",
        "followup",
        "follow-up question",
        "journalist",
        "reporter",
        "correspondent",
    }
)
_ANSWER_LABELS = frozenset({"a", "answer"})
# "After the press conference, the following question was raised: ..."
_LATE_QUESTION = re.compile(r"\bthe following questions? (?:was|were|is|are) (?:raised|asked)\b", re.IGNORECASE)
_OUTLET_WORD = re.compile(r"(?:[A-Z0-9][\w.&'\u2019-]*|of|the|and|de|du|da|al|el|la|di|news|tv)$")
_MONTHS = {
    month: number
    for number, names in enumerate(
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
    for month in names
}
# Where the transcript body sits, newest layouts first; see `_container`.
_CONTAINERS = (
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' content_text ')]",
    "//div[@id='News_Body_Txt_A']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' news-main ')]",
    "//div[@class='content']",
)


@dataclass
class Turn:
    """A run of paragraphs by one side: kind "question" or "answer"."""

    kind: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Transcript:
    """A press conference as read from its page, before it becomes units."""

    title: str
    spokesperson: str
    held_on: date | None
    turns: list[Turn]


def matches(url: str) -> bool:
    """Any English page of the Chinese MFA sites; `extract` decides if it is a transcript."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    on_site = any(host == h or host.endswith("." + h) for h in _HOSTS)
    return on_site and parts.path.startswith(("/mfa_eng/", "/eng/"))


def extract(html: bytes | str, url: str) -> Extracted | None:
    """Split a regular press conference into question and answer units.

    None when the page is not a regular press conference or has no answer.
    """
    transcript = read_transcript(html)
    if transcript is None or not any(turn.kind == "answer" for turn in transcript.turns):
        return None
    if not any(turn.kind == "question" for turn in transcript.turns):
        # Every real conference has questions: unrecognised markers would put
        # journalists' words in the spokesperson's mouth, so say so loudly.
        LOGGER.warning("%s: press conference with no question markers found", url)
    units = turn_units(transcript.turns, transcript.spokesperson)
    return Extracted(
        text="\n".join(unit.text for unit in units),
        title=transcript.title,
        published=transcript.held_on,
        language="en",
        units=units,
        extractor=NAME,
    )


def read_transcript(html: bytes | str) -> Transcript | None:
    """The title, spokesperson, date and turns of a transcript page, or None.

    Public so that the corpus check can look at turns, which units flatten.
    """
    tree = parse_html(html)
    if tree is None:
        return None
    heading = conference_title(tree)
    container = _container(tree) if heading is not None else None
    if heading is None or container is None:
        return None
    title, spokesperson, held_on = heading
    turns = split_turns(blocks(container), spokesperson)
    return Transcript(title=title, spokesperson=spokesperson, held_on=held_on, turns=turns)


def conference_title(tree: HtmlElement) -> tuple[str, str, date | None] | None:
    """(title, spokesperson, date) from the page title or heading, None if absent.

    The page `<title>` is tried first, then headings, because newer layouts
    suffix the `<title>` with the site name. A title without a year (a few
    2018 pages print "on September 28") gives no date rather than a guess.
    """
    for node in tree.xpath("//title | //h1 | //h2 | //*[contains(@class, 'title')]"):
        match = _TITLE.search(clean_text(node.text_content()))
        if match is not None:
            held_on = _parse_date(match.group("date"))
            return clean_text(match.group(0)), clean_text(match.group("name")), held_on
    return None


def split_turns(paragraphs: list[Block], spokesperson: str) -> list[Turn]:
    """Group transcript paragraphs into question and answer turns.

    A marker opens a turn, and a marker alone in its paragraph opens one
    that the next paragraph fills. An unmarked paragraph continues the
    current turn, except that text before the first marker is the
    spokesperson's opening announcements (an answer turn), and that after a
    question it may start an answer whose "A:" was left out (see
    `_unmarked_kind`).
    """
    named_style = _named_style(paragraphs, spokesperson)
    questions_bold = _questions_are_bold(paragraphs, spokesperson, named_style)
    turns: list[Turn] = []
    for block in paragraphs:
        kind, text = classify(block.text, spokesperson, named_style)
        if kind is None:
            kind = _unmarked_kind(turns, block, named_style, questions_bold)
        if kind is None:
            turns[-1].paragraphs.append(text)
        else:  # a bare "Q:" paragraph opens a turn that the next paragraph fills
            turns.append(Turn(kind=kind, paragraphs=[text] if text else []))
    return [turn for turn in turns if turn.paragraphs]


def _unmarked_kind(turns: list[Turn], block: Block, named_style: bool, questions_bold: bool) -> str | None:
    """The kind of turn an unmarked paragraph opens, or None when it continues the last one.

    After a question, an unmarked paragraph continues it when it can be told
    from an answer whose "A:" was left out: in the named style every answer
    is marked, and in the bold style a question's continuation is bold too.
    """
    if not turns:
        return "answer"  # the opening announcements
    last = turns[-1]
    if last.kind != "question" or not last.paragraphs:
        return None
    if named_style or (questions_bold and block.bold >= 0.5):
        return None
    return "answer"


def classify(text: str, spokesperson: str, named_style: bool = False) -> tuple[str | None, str]:
    """("question" | "answer" | None, text without its marker) for one paragraph."""
    match = _MARKER.match(text)
    if match is None:
        return None, text
    label, rest = clean_text(match.group("label")), match.group("rest").strip()
    folded = label.lower()
    if folded in _ANSWER_LABELS or folded == spokesperson.lower():
        return "answer", rest
    if folded in _QUESTION_LABELS or _LATE_QUESTION.search(label):
        return "question", rest
    if named_style and _looks_like_outlet(label):
        return "question", rest
    return None, text


def turn_units(turns: list[Turn], spokesperson: str) -> list[Unit]:
    """One `Unit` per paragraph, answers carrying the spokesperson as speaker."""
    units: list[Unit] = []
    for turn in turns:
        speaker, role = (spokesperson, SPEAKER_ROLE) if turn.kind == "answer" else ("", "")
        for text in turn.paragraphs:
            units.append(Unit(seq=len(units) + 1, text=text, kind=turn.kind, speaker=speaker, speaker_role=role))
    return units


def find_links(html: bytes | str, url: str) -> list[Link]:
    """Transcript links of a press-conference listing page, with titles and dates.

    Article pages are recognised by their file name (`t1775332.shtml`, or
    `t20230428_11068594.html` on the current site). The date comes from the
    title ("... on April 30, 2020"), else a date printed beside the link,
    else the file name; a title without a year takes the year that puts it
    nearest its dated neighbours (the list is in date order). Dates are
    midnight Beijing time.
    """
    tree = parse_html(html)
    if tree is None:
        return []
    tree.make_links_absolute(url, resolve_base_href=True, handle_failures="discard")
    entries: dict[str, tuple[str, date | None, tuple[int, int] | None]] = {}
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href", "").split("#")[0]
        path_match = _ARTICLE_PATH.search(urlsplit(href).path)
        title = clean_text(anchor.get("title") or anchor.text_content())
        if path_match is None or not title or href in entries:
            continue
        if not (matches(href) or urlsplit(href).netloc == urlsplit(url).netloc):
            continue  # a link off the site (mirrors and test servers keep their own host)
        parent = anchor.getparent()
        context = clean_text(parent.text_content()) if parent is not None else ""
        day, month_day = _listed_date(title, context, path_match.group("ymd"))
        entries[href] = (title, day, month_day)
    days = _fill_years([(day, month_day) for _, day, month_day in entries.values()])
    return [
        Link(url=href, title=title, published=_beijing_midnight(day))
        for (href, (title, _, _)), day in zip(entries.items(), days, strict=True)
    ]


def _container(tree: HtmlElement) -> etree._Element | None:
    """The element holding the transcript: a known layout, else the one with most `<p>`s."""
    for xpath in _CONTAINERS:
        for candidate in tree.xpath(xpath):
            if candidate.xpath(".//p"):
                return candidate
    parents = [p.getparent() for p in tree.xpath("//body//p") if p.getparent() is not None]
    if not parents:
        return None
    return max(set(parents), key=lambda parent: sum(1 for child in parent if child.tag == "p"))


def _named_style(paragraphs: list[Block], spokesperson: str) -> bool:
    """True when answers are marked with the spokesperson's name rather than "A:"."""
    by_name = by_letter = 0
    for block in paragraphs:
        match = _MARKER.match(block.text)
        if match is None:
            continue
        label = clean_text(match.group("label")).lower()
        by_name += label == spokesperson.lower()
        by_letter += label in _ANSWER_LABELS
    return by_name > by_letter


def _questions_are_bold(paragraphs: list[Block], spokesperson: str, named_style: bool) -> bool:
    """True when most marked questions are printed in bold."""
    shares = [block.bold for block in paragraphs if classify(block.text, spokesperson, named_style)[0] == "question"]
    return bool(shares) and sum(share >= 0.5 for share in shares) * 2 > len(shares)


def _looks_like_outlet(label: str) -> bool:
    """A short Title Case label such as "CCTV", "The Paper", "Beijing Youth Daily"."""
    words = label.split()
    if not 1 <= len(words) <= 5 or not label[0].isupper():
        return False
    return all(_OUTLET_WORD.match(word) for word in words)


def _listed_date(title: str, context: str, ymd: str | None) -> tuple[date | None, tuple[int, int] | None]:
    """(full date, (month, day) when the year is missing) of one listing entry."""
    month_day = None
    for text in (title, context):
        for match in _LISTED_DATE.finditer(text):
            month = _MONTHS.get(match.group(1).lower())
            if month is None:
                continue
            if match.group(3) is None:
                month_day = month_day or (month, int(match.group(2)))
                continue
            day = _safe_date(int(match.group(3)), month, int(match.group(2)))
            if day is not None:
                return day, None
        iso = _ISO_DATE.search(text)
        if iso and (day := _safe_date(*map(int, iso.groups()))):
            return day, None
    if ymd and (day := _safe_date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))):
        return day, None
    return None, month_day


def _fill_years(entries: list[tuple[date | None, tuple[int, int] | None]]) -> list[date | None]:
    """Give year-less (month, day) entries the year closest to the nearest dated entry."""
    dated = [(index, day) for index, (day, _) in enumerate(entries) if day is not None]
    filled: list[date | None] = []
    for index, (day, month_day) in enumerate(entries):
        if day is not None or month_day is None or not dated:
            filled.append(day)
            continue
        anchor = min(dated, key=lambda item: abs(item[0] - index))[1]
        candidates = [_safe_date(year, *month_day) for year in (anchor.year - 1, anchor.year, anchor.year + 1)]
        valid = [candidate for candidate in candidates if candidate is not None]
        filled.append(min(valid, key=lambda c: abs(c - anchor)) if valid else None)
    return filled


def _beijing_midnight(day: date | None) -> datetime | None:
    """Midnight of a listing date in Beijing time: the site lists days, not times."""
    return datetime(day.year, day.month, day.day, tzinfo=BEIJING) if day else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    """`date(...)`, or None for impossible dates such as February 30."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_date(text: str) -> date | None:
    """ "May 11, 2018" / "Sept. 5, 2018" -> date; None without a year or if impossible."""
    match = re.fullmatch(r"([A-Za-z]+)\.?\s*(\d{1,2})\s*,\s*(\d{4})", text.strip())
    if match is None or match.group(1).lower() not in _MONTHS:
        return None
    return _safe_date(int(match.group(3)), _MONTHS[match.group(1).lower()], int(match.group(2)))

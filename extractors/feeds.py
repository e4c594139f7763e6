"""Feed parsing: fetched bytes in, items out, never the network.

`feedparser.parse(url)` has no timeout, so the fetcher downloads and this
module only parses bytes (with the response headers, which carry the
encoding). A feed that is not well-formed ("bozo") still yields the entries
that parsed, plus a warning; an HTML page where a feed was expected is an
error, because silently treating it as "no news" would hide a moved feed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import feedparser

from stancewatch.extractors.urls import canonical_url

#: Text shorter than this in content:encoded is a teaser, not the article.
FULL_TEXT_MIN_CHARS = 200
#: How teasers end: an ellipsis or a "read more" link.
_TEASER_END = re.compile(r"(\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|appeared first on .{0,120})\W*$", re.I)
_TAG = re.compile(r"<[^>]+>")
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html)", re.I | re.S)


class FeedError(Exception):
    """The bytes are not a feed at all; the message says what they are instead."""


@dataclass(slots=True)
class FeedItem:
    """One entry of a feed, reduced to what the pipeline needs."""

    url: str  # canonical article URL
    link: str  # the link as the feed gave it, made absolute
    guid: str = ""
    title: str = ""
    published: datetime | None = None  # timezone-aware, in the offset the feed gave (its own day)
    author: str = ""
    summary: str = ""
    content_html: str = ""  # full article HTML when the feed carries it (content:encoded)


@dataclass(slots=True)
class ParsedFeed:
    """The items of a feed and what was odd about it."""

    title: str = ""
    items: list[FeedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_feed(
    body: bytes, headers: dict[str, str], base_url: str, max_items: int = 1000, now: datetime | None = None
) -> ParsedFeed:
    """Parse feed bytes; raise FeedError when they are not a feed.

    `max_items` bounds the work a hostile or runaway feed can cause: only the
    first `max_items` entries are kept and the rest is reported in a warning.
    """
    if _looks_like_html(body, headers):
        raise FeedError("expected a feed but got an HTML page")
    parsed = feedparser.parse(body, response_headers=dict(headers))
    if not parsed.entries and not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no feed elements found"
        raise FeedError(f"not a feed: {reason}")
    out = ParsedFeed(title=str(parsed.feed.get("title", "")))
    if parsed.get("bozo"):
        out.warnings.append(f"malformed feed, parsed what could be read: {parsed.get('bozo_exception')}")
    entries = parsed.entries
    if len(entries) > max_items:
        out.warnings.append(f"feed has {len(entries)} items; kept the first {max_items}")
        entries = entries[:max_items]
    now = now or datetime.now(timezone.utc)
    for entry in entries:
        item = _item(entry, base_url, now, out.warnings)
        if item is not None:
            out.items.append(item)
    return out


def _looks_like_html(body: bytes, headers: dict[str, str]) -> bool:
    """An HTML document, by its first bytes or by a text/html type with no feed root.

    Some servers label real feeds text/html, so the type alone does not decide.
    """
    head = body[:4096]
    if _HTML_START.match(head):
        return True
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    return ctype in ("text/html", "application/xhtml+xml") and not _FEED_ROOT.search(head)


def _item(entry: dict, base_url: str, now: datetime, warnings: list[str]) -> FeedItem | None:
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    if not link:
        warnings.append(f"item without a link skipped: {entry.get('title', '')[:80]!r}")
        return None
    return FeedItem(
        url=canonical_url(link, base_url),
        link=urljoin(base_url, link),
        guid=guid,
        title=(entry.get("title") or "").strip(),
        published=_published(entry, now, warnings),
        author=(entry.get("author") or "").strip(),
        summary=entry.get("summary") or "",
        content_html=_full_text(entry),
    )


def _published(entry: dict, now: datetime, warnings: list[str]) -> datetime | None:
    """The entry's date; None when missing or in the future (a lying clock).

    The publisher's own UTC offset is kept when the date string carries one:
    a Beijing press release of 07:00 +0800 belongs to that day in Beijing, not
    to the previous day in UTC.
    """
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    when = datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc)
    if when > now + timedelta(days=1):
        warnings.append(f"item dated in the future ({when:%Y-%m-%d}) treated as undated: {entry.get('link', '')}")
        return None
    return _in_own_offset(entry.get("published") or entry.get("updated") or "", when)


def _in_own_offset(text: str, when: datetime) -> datetime:
    """`when` expressed in the offset written in `text` (RFC 822 or ISO 8601), if it says the same instant."""
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            local = parse(text.strip())
        except (TypeError, ValueError, IndexError):
            continue
        if local.tzinfo is not None and local == when:
            return local
    return when


def _full_text(entry: dict) -> str:
    """The entry's content:encoded / Atom content when it is a whole article.

    Whole means long enough and not cut off: feeds that only tease end the
    text with an ellipsis or a "read more" link, and then the page is fetched.
    """
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    text = _TAG.sub("", best).strip()
    return best if len(text) >= FULL_TEXT_MIN_CHARS and not _TEASER_END.search(text) else ""

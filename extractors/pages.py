"""The article stage's work on pages: fetch, extract text, hash it.

I/O and CPU are split on purpose: pages are fetched concurrently (an event
loop, polite per host: `fetch.FetchStream` as they arrive, or `fetch_many`
for one batch), and extracted by `extract_pages`, a plain function a worker
process runs on a handful of fetched pages at a time, so both cores work on
the HTML while the next pages are still on the wire. Items whose feed
carried the whole article skip the fetch. Every item comes back as a
`PageResult`, failed ones with their reason, so the warehouse records what
happened to each.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from stancewatch.extractors import sites
from stancewatch.extractors.article import ExtractionError, extract_fragment
from stancewatch.extractors.fetch import FetchPolicy, FetchRequest, FetchResult, fetch_many
from stancewatch.extractors.records import Extracted, Unit

#: Media types an article page may have; anything else (PDF, images, zip) is refused.
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
#: The longest passage handed to the statement detector. spaCy refuses a text
#: over 1,000,000 characters (and its parser needs ~1 GB per 100,000), and a
#: refused passage fails detection for its whole batch, night after night.
#: Real paragraphs and transcript turns stay under ~2,500 characters.
MAX_UNIT_CHARS = 100_000
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PageJob:
    """One article to get: its URL, where it came from and what the feed gave."""

    url: str  # canonical
    link: str  # what to fetch
    source_id: str
    guid: str = ""
    title: str = ""
    published: date | None = None
    feed_html: str = ""  # the feed's full text, when it carried the article
    extractor: str | None = None  # the source's site extractor
    attempts: int = 0  # earlier failed attempts


@dataclass(slots=True)
class PageResult:
    """What became of one PageJob."""

    job: PageJob
    status: str  # 'ok' | 'failed'
    error: str | None = None
    extracted: Extracted | None = None
    final_url: str = ""
    content_hash: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def harvest(jobs: Sequence[PageJob], policy: FetchPolicy, pool: Executor | None = None) -> list[PageResult]:
    """Fetch and extract a batch of articles; one result per job, same order.

    The whole batch is fetched before any page is extracted; the nightly
    flow streams instead (flows.pipeline). This is the one-call form, for a
    single page or a small batch.
    """
    to_fetch = [j for j in jobs if needs_fetch(j)]
    fetched = dict(zip((j.url for j in to_fetch), fetch_many([FetchRequest(j.link) for j in to_fetch], policy)))
    work = [(j, fetched.get(j.url)) for j in jobs]
    if pool is None:
        return [_extract_one(w) for w in work]
    return list(pool.map(_extract_one, work, chunksize=4))


def needs_fetch(job: PageJob) -> bool:
    """Whether the page must be fetched (its feed did not carry the article)."""
    return not job.feed_html


def extract_pages(pages: Sequence[tuple[PageJob, FetchResult | None]]) -> list[PageResult]:
    """Extract fetched pages (None: the feed's own text); one result per page, same order.

    Runs in a worker process: the arguments and results are plain records.
    """
    return [_extract_one(page) for page in pages]


def _extract_one(pair: tuple[PageJob, FetchResult | None]) -> PageResult:
    """Turn one fetched page (or feed text) into a PageResult. Runs in a worker process."""
    job, result = pair
    if result is None:
        return _finish(job, _from_feed(job), job.link)
    if result.error:
        return PageResult(job, "failed", error=result.error, final_url=result.final_url)
    problem = _not_html(result)
    if problem:
        return PageResult(job, "failed", error=problem, final_url=result.final_url)
    try:
        extracted = sites.extract_page(result.body, result.final_url, job.extractor)
    except ExtractionError as exc:
        return PageResult(job, "failed", error=str(exc), final_url=result.final_url)
    except Exception as exc:  # a parser bug on hostile HTML must not end the batch
        return PageResult(
            job, "failed", error=f"extraction crashed: {type(exc).__name__}: {exc}"[:300], final_url=result.final_url
        )
    return _finish(job, extracted, result.final_url)


def _from_feed(job: PageJob) -> Extracted:
    extracted = extract_fragment(job.feed_html, job.link)
    extracted.extractor = "feed"
    return extracted


def _finish(job: PageJob, extracted: Extracted, final_url: str) -> PageResult:
    if not extracted.text.strip():
        return PageResult(job, "failed", error="no article text found", final_url=final_url)
    if not extracted.title:
        extracted.title = job.title
    if extracted.published is None:
        extracted.published = job.published
    if not extracted.units:
        extracted.units = _paragraph_units(extracted.text)
    longest = max(len(u.text) for u in extracted.units) if extracted.units else 0
    if longest > MAX_UNIT_CHARS:
        return PageResult(
            job,
            "failed",
            final_url=final_url,
            error=f"paragraph too long to analyse: {longest} characters (limit {MAX_UNIT_CHARS})",
        )
    return PageResult(job, "ok", extracted=extracted, final_url=final_url, content_hash=text_hash(extracted.text))


def _not_html(result: FetchResult) -> str | None:
    """A reason when the body is not an HTML page (PDF, image, binary)."""
    if result.content_type not in HTML_TYPES:
        return f"not an HTML page: {result.content_type}"
    if b"\x00" in result.body[:4096] or result.body[:5] == b"%PDF-":
        return "not an HTML page: binary content"
    return None


def _paragraph_units(text: str) -> list[Unit]:
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    return [Unit(seq=i, text=p) for i, p in enumerate(paras)]


def text_hash(text: str) -> str:
    """sha256 of the whitespace-normalised, lower-cased text: same article, same hash."""
    return hashlib.sha256(_WS.sub(" ", text).strip().lower().encode("utf-8")).hexdigest()

"""Reading sources: a conditional fetch, then the feed or listing page.

`read_sources` reads a whole run's sources as one stream (fetched
concurrently and politely per host, each parsed as it arrives);
`read_source` reads one. The outcome is a plain record the warehouse stores in one transaction
(fetch row, new items, new conditional-GET state), so state never runs ahead
of stored items. Nothing here raises for bad input: a 404, a hang, an HTML
page where a feed was expected all come back as a failed outcome with the
reason in words.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from stancewatch.extractors import sites
from stancewatch.extractors.article import ExtractionError
from stancewatch.extractors.feeds import FeedError, FeedItem, parse_feed
from stancewatch.extractors.fetch import FetchPolicy, FetchRequest, FetchResult, FetchStream, body_hash, fetch
from stancewatch.extractors.netguard import static_refusal
from stancewatch.extractors.urls import canonical_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What the reader needs to know about a source (decoupled from config models)."""

    source_id: str
    url: str
    extractor: str | None = None
    listing: bool = False


@dataclass(frozen=True, slots=True)
class FeedState:
    """Conditional-GET state from the last successful fetch."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None


@dataclass(slots=True)
class SourceOutcome:
    """What one source gave this run."""

    source_id: str
    status: str  # 'ok' | 'not_modified' | 'unchanged' | 'failed'
    http_status: int | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    items: list[FeedItem] = field(default_factory=list)
    attempts: int = 0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    state: FeedState | None = None  # new state to store; None = keep the old one


def read_source(spec: SourceSpec, state: FeedState, policy: FetchPolicy, max_items: int = 1000) -> SourceOutcome:
    """Fetch a source conditionally and turn it into items (or a reason it could not)."""
    result = fetch(spec.url, policy, etag=state.etag, last_modified=state.last_modified)
    return outcome_of(spec, state, result, max_items)


def read_sources(
    sources: Sequence[tuple[SourceSpec, FeedState]],
    policy: FetchPolicy,
    max_items: int = 1000,
    window: int = 64,
    parse_elsewhere: Callable[[], Callable[..., Future[SourceOutcome]] | None] = lambda: None,
) -> Iterator[SourceOutcome]:
    """Every source's outcome, in the order they are ready.

    The sources are fetched as one stream (`FetchStream`: hosts in turn,
    the politeness limits per host, at most `window` bodies held) and each
    is parsed as soon as it arrives, while the rest are still on the wire:
    in the caller's thread, or, when `parse_elsewhere()` hands back a
    `submit(fn, *args)` at that moment (the night's worker processes, idle
    before the first pages), there. A parse that fails to come back from
    there (a worker died) is done again here. One call for a run's
    hundreds of feeds, instead of one fetch and one event loop each.
    """
    arrived: queue.SimpleQueue[Any] = queue.SimpleQueue()
    end = object()
    stream = FetchStream(
        policy, on_result=lambda i, result: arrived.put((i, result)), on_done=lambda: arrived.put(end), window=window
    )
    parsing: dict[Future[SourceOutcome], tuple[SourceSpec, FeedState, FetchResult, int]] = {}
    try:
        stream.add((i, FetchRequest(sp.url, st.etag, st.last_modified)) for i, (sp, st) in enumerate(sources))
        stream.close()
        fetching = True
        while fetching or parsing:
            item = arrived.get()
            if item is end:
                fetching = False
            elif isinstance(item, Future):
                args = parsing.pop(item)
                try:
                    yield item.result()
                except Exception:  # noqa: BLE001 - the worker, not the source, failed: parse it here
                    yield outcome_of(*args)
            else:
                i, result = item
                stream.release()
                spec, state = sources[i]
                submit = parse_elsewhere()
                if submit is None:
                    yield outcome_of(spec, state, result, max_items)
                    continue
                future = submit(outcome_of, spec, state, result, max_items)
                parsing[future] = (spec, state, result, max_items)
                future.add_done_callback(arrived.put)
    finally:
        stream.cancel()  # at once if the caller stopped early; a no-op once the stream has ended
        for future in parsing:
            future.cancel()
    if stream.error is not None:
        raise RuntimeError("the feed fetcher stopped") from stream.error


def outcome_of(spec: SourceSpec, state: FeedState, result: FetchResult, max_items: int = 1000) -> SourceOutcome:
    """What a source's fetch result amounts to: not modified, unchanged, its items, or a failure.

    A crash while parsing (a parser bug on hostile input) is this source's
    failure, with the reason; the other sources go on.
    """
    out = SourceOutcome(spec.source_id, "failed", http_status=result.status, attempts=result.attempts)
    try:
        if result.error:
            out.error = result.error
        elif result.not_modified:
            out.status = "not_modified"
        elif body_hash(result.body) == state.body_hash:
            out.status = "unchanged"
        else:
            _parse_into(out, spec, result, max_items)
    except Exception as exc:  # noqa: BLE001 - a bug on one source must not end the run
        log.exception("reading %s crashed", spec.url)
        return SourceOutcome(spec.source_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}"[:300])
    return out


def _parse_into(out: SourceOutcome, spec: SourceSpec, result: FetchResult, max_items: int) -> None:
    try:
        if spec.listing:
            out.items = _listing_items(spec, result, max_items, out.warnings)
        else:
            parsed = parse_feed(result.body, result.headers, result.final_url, max_items=max_items)
            out.items, out.warnings = parsed.items, parsed.warnings
    except (FeedError, ExtractionError) as exc:
        out.error = str(exc)
        return
    out.items = _safe_items(out.items, out.warnings)
    out.status = "ok"
    out.state = FeedState(result.headers.get("etag"), result.headers.get("last-modified"), body_hash(result.body))


def _listing_items(spec: SourceSpec, result: FetchResult, max_items: int, warnings: list[str]) -> list[FeedItem]:
    links = sites.find_links(result.body, result.final_url, spec.extractor)
    if not links:
        warnings.append("listing page yielded no article links (has the page layout changed?)")
    if len(links) > max_items:
        warnings.append(f"listing has {len(links)} links; kept the first {max_items}")
        links = links[:max_items]
    base = result.final_url
    return [
        FeedItem(
            url=canonical_url(link.url, base), link=urljoin(base, link.url), title=link.title, published=link.published
        )
        for link in links
    ]


def _safe_items(items: list[FeedItem], warnings: list[str]) -> list[FeedItem]:
    """Drop items whose link can never be fetched (file:, javascript:, credentials).

    The warning names the link with any user:password replaced by "***":
    a password in a feed must not end up in the warehouse or the logs.

    Only the static checks run here: they are reported against the feed that
    carried the link and never stored as work. Whether a host resolves to a
    private address is decided at fetch time (DNS can change; the article
    then fails with that reason and is retried like any failure).
    """
    kept, seen = [], set()
    for item in items:
        reason = static_refusal(item.link)
        if reason:
            warnings.append(f"item link {reason}: {_without_credentials(item.link)[:200]}")
        elif item.url not in seen:
            seen.add(item.url)
            kept.append(item)
    return kept


def _without_credentials(link: str) -> str:
    """`link` with its userinfo (user:password@) replaced by ***@."""
    scheme, sep, rest = link.partition("://")
    if not sep:
        return link
    authority, slash, path = rest.partition("/")
    if "@" not in authority:
        return link
    return f"{scheme}://***@{authority.rsplit('@', 1)[1]}{slash}{path}"

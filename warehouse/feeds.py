"""Sources, their conditional-GET state, and what each fetch produced."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from extractors.sources import FeedState, SourceOutcome
from warehouse.db import Warehouse

#: Fetch statuses that mean "this source is done for this run".
DONE = ("ok", "not_modified", "unchanged")


def sync_sources(wh: Warehouse, sources: Iterable[dict], run_id: str) -> None:
    """Write the sources file's entries (name, url, country, kind, extractor, listing)."""
    rows = [{**s, "country": s.get("country") or None, "run_id": run_id} for s in sources]
    with wh.transaction():
        wh.insert("store.sources", rows, on_conflict="replace")


def sources_due(wh: Warehouse, run_id: str, source_ids: Sequence[str]) -> list[str]:
    """The sources not yet fetched successfully in this run (all of them on a new night)."""
    done = {r["source_id"] for r in wh.query(
        "SELECT source_id FROM store.feed_fetches WHERE run_id = ? AND status IN ('ok','not_modified','unchanged')",
        [run_id])}
    return [s for s in source_ids if s not in done]


def feed_states(wh: Warehouse) -> dict[str, FeedState]:
    """Conditional-GET state of every source, by source_id."""
    return {r["source_id"]: FeedState(r["etag"], r["last_modified"], r["body_hash"])
            for r in wh.query("SELECT source_id, etag, last_modified, body_hash FROM store.feed_state")}


def record_fetch(wh: Warehouse, run_id: str, out: SourceOutcome) -> int:
    """Store one source's outcome: fetch row, new items and new state, all or nothing.

    Returns how many items were new for this source.
    """
    with wh.transaction():
        new = _insert_items(wh, run_id, out)
        wh.insert("store.feed_fetches", [{
            "run_id": run_id, "source_id": out.source_id, "status": out.status,
            "http_status": out.http_status, "error": out.error, "warnings": list(out.warnings),
            "items_seen": len(out.items), "items_new": new, "attempts": out.attempts,
            "fetched_at": out.fetched_at,
        }], on_conflict="replace")
        if out.state is not None:
            wh.insert("store.feed_state", [{
                "source_id": out.source_id, "etag": out.state.etag,
                "last_modified": out.state.last_modified, "body_hash": out.state.body_hash,
                "run_id": run_id,
            }], on_conflict="replace")
    return new


def _insert_items(wh: Warehouse, run_id: str, out: SourceOutcome) -> int:
    if not out.items:
        return 0
    known = {r["url"] for r in wh.query(
        "SELECT url FROM store.feed_items WHERE source_id = ?", [out.source_id])}
    rows = [{
        "source_id": out.source_id, "url": i.url, "link": i.link, "guid": i.guid or None,
        "title": i.title or None, "published": i.published, "feed_html": i.content_html or None,
        "run_id": run_id,
    } for i in out.items if i.url not in known]
    wh.insert("store.feed_items", rows)
    return len(rows)

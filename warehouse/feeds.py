"""Sources, their conditional-GET state, and what each fetch produced."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from stancewatch.extractors.feeds import FeedItem
from stancewatch.extractors.sources import FeedState, SourceOutcome
from stancewatch.warehouse.db import Warehouse

#: Fetch statuses that mean "this source is done for this run".
DONE = ("ok", "not_modified", "unchanged")


def sync_sources(wh: Warehouse, sources: Iterable[dict], run_id: str) -> None:
    """Write the sources file's entries (name, url, country, kind, extractor, listing)."""
    rows = [{**s, "country": s.get("country") or None, "run_id": run_id} for s in sources]
    for attempt in wh.attempts():  # shards write store.sources at once on DuckLake
        with attempt:
            wh.insert("store.sources", rows, on_conflict="replace")


def sources_due(wh: Warehouse, run_id: str, source_ids: Sequence[str]) -> list[str]:
    """The sources not yet fetched successfully in this run (all of them on a new night)."""
    done = {
        r["source_id"]
        for r in wh.query(
            "SELECT source_id FROM store.feed_fetches WHERE run_id = ? AND status IN (SELECT unnest(?))",
            [run_id, list(DONE)],
        )
    }
    return [s for s in source_ids if s not in done]


def feed_states(wh: Warehouse) -> dict[str, FeedState]:
    """Conditional-GET state of every source, by source_id."""
    return {
        r["source_id"]: FeedState(r["etag"], r["last_modified"], r["body_hash"])
        for r in wh.query("SELECT source_id, etag, last_modified, body_hash FROM store.feed_state")
    }


def record_fetch(wh: Warehouse, run_id: str, outcomes: Sequence[SourceOutcome]) -> int:
    """Store sources' outcomes — fetch rows, new items, new state — all or nothing.

    Several outcomes go in one transaction with one bulk insert per table (a
    commit costs milliseconds; a night has hundreds of feeds). Returns how
    many items were new.
    """
    if not outcomes:
        return 0
    for attempt in wh.attempts():  # run again whole if a concurrent shard's commit won (DuckLake)
        with attempt:
            known = _known_items(wh, [o.source_id for o in outcomes])
            items, fetches, states = [], [], []
            for out in outcomes:
                new = [_item_row(out.source_id, i, run_id) for i in out.items if (out.source_id, i.url) not in known]
                items.extend(new)
                fetches.append(_fetch_row(out, run_id, len(new)))
                if out.state is not None:
                    states.append(
                        {
                            "source_id": out.source_id,
                            "etag": out.state.etag,
                            "last_modified": out.state.last_modified,
                            "body_hash": out.state.body_hash,
                            "run_id": run_id,
                        }
                    )
            wh.insert("store.feed_items", items)
            wh.insert("store.feed_fetches", fetches, on_conflict="replace")
            wh.insert("store.feed_state", states, on_conflict="replace")
    return len(items)


def _known_items(wh: Warehouse, source_ids: list[str]) -> set[tuple[str, str]]:
    rows = wh.con.execute(
        "SELECT source_id, url FROM store.feed_items WHERE source_id IN (SELECT unnest(?))", [source_ids]
    ).fetchall()
    return set(rows)


def _item_row(source_id: str, i: FeedItem, run_id: str) -> dict:
    return {
        "source_id": source_id,
        "url": i.url,
        "link": i.link,
        "guid": i.guid or None,
        "title": i.title or None,
        "published": i.published,
        "published_day": i.published.date() if i.published else None,  # the publisher's own day
        "feed_html": i.content_html or None,
        "run_id": run_id,
    }


def _fetch_row(out: SourceOutcome, run_id: str, new: int) -> dict:
    return {
        "run_id": run_id,
        "source_id": out.source_id,
        "status": out.status,
        "http_status": out.http_status,
        "error": out.error,
        "warnings": list(out.warnings),
        "items_seen": len(out.items),
        "items_new": new,
        "attempts": out.attempts,
        "fetched_at": out.fetched_at,
    }

"""Articles: the work list for the article stage, and storing its results."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from stancewatch.extractors.pages import PageJob, PageResult
from stancewatch.extractors.urls import url_id
from stancewatch.warehouse.db import Warehouse, query_text


def pending_jobs(wh: Warehouse, max_attempts: int) -> list[PageJob]:
    """Articles to get this run: new items, and failures with attempts left."""
    return [_job(r) for r in wh.named("pending_articles", [max_attempts, None])]


def iter_pending_jobs(
    wh: Warehouse, max_attempts: int, chunk: int = 256, source_ids: Collection[str] | None = None
) -> Iterator[list[PageJob]]:
    """The same work list, `chunk` jobs at a time, read as the pipeline asks for more (only the
    articles of `source_ids` when given: a shard of a night fetches its own sources' articles).

    A large night's list (with the full text of every feed-carried article)
    never sits in memory whole. It is the list as of the call: articles
    stored meanwhile do not reappear.
    """
    for rows in wh.stream(query_text("pending_articles"), [max_attempts, _ids(source_ids)], chunk):
        yield [_job(r) for r in rows]


def count_pending(wh: Warehouse, max_attempts: int, source_ids: Collection[str] | None = None) -> int:
    """How many articles `iter_pending_jobs` would hand over."""
    return wh.count(query_text("pending_articles"), [max_attempts, _ids(source_ids)])


def _ids(source_ids: Collection[str] | None) -> list[str] | None:
    return None if source_ids is None else list(source_ids)


def _job(r: dict[str, Any]) -> PageJob:
    return PageJob(
        url=r["url"],
        link=r["link"],
        source_id=r["source_id"],
        guid=r["guid"] or "",
        title=r["title"] or "",
        published=r["published_day"],
        feed_html=r["feed_html"] or "",
        extractor=r["extractor"],
        attempts=r["attempts"],
    )


@dataclass
class StoredPages:
    """What one `store_pages` call wrote: counts by status, and the articles now waiting for the detector."""

    counts: dict[str, int] = field(default_factory=lambda: {"ok": 0, "duplicate": 0, "failed": 0})
    readable: list[str] = field(default_factory=list)  # article ids stored with their text (status 'ok')


def store_pages(wh: Warehouse, run_id: str, results: Sequence[PageResult]) -> StoredPages:
    """Store a batch of article results in one transaction; idempotent.

    An article whose text is already stored under another URL becomes a
    'duplicate' row pointing at it (text not stored twice). A retried failure
    replaces its earlier row, with the attempt counted once per night: a
    night resumed after a crash tries its failures again without using up
    another of their `max_attempts`.
    """
    for attempt in wh.attempts():  # run again whole if a concurrent shard's commit won (DuckLake)
        with attempt:
            stored = StoredPages()
            by_hash = _known_hashes(wh, [r.content_hash for r in results if r.status == "ok"])
            tried_tonight = _tried_in_run(wh, run_id, [url_id(r.job.url) for r in results])
            rows, units = [], []
            for res in results:
                row = _article_row(res, run_id, by_hash)
                if row["article_id"] in tried_tonight:
                    row["attempts"] = res.job.attempts  # already counted for this night
                stored.counts[row["status"]] += 1
                rows.append(row)
                if row["status"] == "ok":
                    by_hash.setdefault(res.content_hash, row["article_id"])
                    units.extend(_unit_rows(row["article_id"], res, run_id))
                    stored.readable.append(row["article_id"])
            wh.insert("store.articles", rows, on_conflict="replace")
            wh.insert("store.article_units", units, on_conflict="replace")
    return stored


def _known_hashes(wh: Warehouse, hashes: list[str]) -> dict[str, str]:
    if not hashes:
        return {}
    return {
        r["content_hash"]: r["article_id"]
        for r in wh.query(
            "SELECT content_hash, min(article_id) AS article_id FROM store.articles "
            "WHERE status = 'ok' AND content_hash IN (SELECT unnest(?)) GROUP BY content_hash",
            [hashes],
        )
    }


def _tried_in_run(wh: Warehouse, run_id: str, article_ids: list[str]) -> set[str]:
    """The articles among `article_ids` whose stored row was written by this same run."""
    if not article_ids:
        return set()
    return {
        r["article_id"]
        for r in wh.query(
            "SELECT article_id FROM store.articles WHERE run_id = ? AND article_id IN (SELECT unnest(?))",
            [run_id, article_ids],
        )
    }


def _article_row(res: PageResult, run_id: str, by_hash: dict[str, str]) -> dict:
    job, ex = res.job, res.extracted
    article_id = url_id(job.url)
    row = {
        "article_id": article_id,
        "url": job.url,
        "source_id": job.source_id,
        "guid": job.guid or None,
        "status": res.status,
        "error": res.error,
        "attempts": job.attempts + 1,
        "duplicate_of": None,
        "title": job.title or None,
        "published": job.published,
        "author": None,
        "language": None,
        "text": None,
        "content_hash": None,
        "extractor": None,
        "final_url": res.final_url or None,
        "fetched_at": res.fetched_at,
        "run_id": run_id,
    }
    if res.status != "ok" or ex is None:
        return row
    original = by_hash.get(res.content_hash)
    row.update(
        title=ex.title or None,
        published=ex.published,
        author=ex.author or None,
        language=ex.language or None,
        content_hash=res.content_hash,
        extractor=ex.extractor,
    )
    if original and original != article_id:
        row.update(status="duplicate", duplicate_of=original)
    else:
        row["text"] = ex.text
    return row


def _unit_rows(article_id: str, res: PageResult, run_id: str) -> list[dict]:
    assert res.extracted is not None  # only 'ok' rows get units, and _article_row makes those from extracted text
    return [
        {
            "article_id": article_id,
            "seq": u.seq,
            "kind": u.kind,
            "speaker": u.speaker or None,
            "speaker_role": u.speaker_role or None,
            "text": u.text,
            "run_id": run_id,
        }
        for u in res.extracted.units
    ]

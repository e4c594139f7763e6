"""Articles: the work list for the article stage, and storing its results."""

from __future__ import annotations

from collections.abc import Sequence

from stancewatch.extractors.pages import PageJob, PageResult
from stancewatch.extractors.urls import url_id
from stancewatch.warehouse.db import Warehouse


def articles_of_sources(wh: Warehouse, source_ids: Sequence[str]) -> set[str]:
    """The ids of every stored article these sources brought (a shard's articles)."""
    rows = wh.con.execute(
        "SELECT article_id FROM store.articles WHERE source_id IN (SELECT unnest(?))", [list(source_ids)]
    ).fetchall()
    return {r[0] for r in rows}


def pending_jobs(wh: Warehouse, max_attempts: int) -> list[PageJob]:
    """Articles to get this run: new items, and failures with attempts left."""
    rows = wh.named("pending_articles", [max_attempts])
    return [
        PageJob(
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
        for r in rows
    ]


def store_pages(wh: Warehouse, run_id: str, results: Sequence[PageResult]) -> dict[str, int]:
    """Store a batch of article results in one transaction; idempotent.

    An article whose text is already stored under another URL becomes a
    'duplicate' row pointing at it (text not stored twice). A retried failure
    replaces its earlier row, with the attempt counted once per night: a
    night resumed after a crash tries its failures again without using up
    another of their `max_attempts`.
    """
    for attempt in wh.attempts():  # run again whole if a concurrent shard's commit won (DuckLake)
        with attempt:
            counts = {"ok": 0, "duplicate": 0, "failed": 0}
            by_hash = _known_hashes(wh, [r.content_hash for r in results if r.status == "ok"])
            tried_tonight = _tried_in_run(wh, run_id, [url_id(r.job.url) for r in results])
            rows, units = [], []
            for res in results:
                row = _article_row(res, run_id, by_hash)
                if row["article_id"] in tried_tonight:
                    row["attempts"] = res.job.attempts  # already counted for this night
                counts[row["status"]] += 1
                rows.append(row)
                if row["status"] == "ok":
                    by_hash.setdefault(res.content_hash, row["article_id"])
                    units.extend(_unit_rows(row["article_id"], res, run_id))
            wh.insert("store.articles", rows, on_conflict="replace")
            wh.insert("store.article_units", units, on_conflict="replace")
    return counts


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

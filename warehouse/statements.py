"""Statements: which articles still need detection, and storing what was found."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Sequence

from stancewatch.extractors.detection import ArticleText, Found
from stancewatch.extractors.records import Unit
from stancewatch.warehouse.db import Warehouse, now, query_text


def articles_to_detect(
    wh: Warehouse, version: str, batch_size: int = 500, source_ids: Collection[str] | None = None
) -> Iterator[list[ArticleText]]:
    """Batches of articles not yet read by `version`, each with its ordered units (only those of
    `source_ids` when given: a shard of a night reads its own sources' articles).

    Read batch by batch (a new detector version re-reads every stored
    article: the list can be the whole warehouse), as of the first call.
    """
    for heads in wh.stream(query_text("articles_to_detect"), [version, None, _ids(source_ids)], batch_size):
        units = _units(wh, [h["article_id"] for h in heads])
        yield [_article(h, units.get(h["article_id"], ())) for h in heads]


def stored_to_detect(wh: Warehouse, version: str, units: dict[str, Sequence[Unit]]) -> list[ArticleText]:
    """The articles just stored with these `units` (by article id), as the detector reads them.

    The article's date, source country and title come from the same query
    as `articles_to_detect`, so a night that reads them straight from the
    extraction and a night resumed from the warehouse hand the detector the
    same thing; the units are the ones in hand (not read back).
    """
    if not units:
        return []
    heads = wh.named("articles_to_detect", [version, list(units), None])
    return [_article(h, units[h["article_id"]]) for h in heads]


def count_to_detect(wh: Warehouse, version: str, source_ids: Collection[str] | None = None) -> int:
    """How many articles `articles_to_detect` would hand over."""
    return wh.count(query_text("articles_to_detect"), [version, None, _ids(source_ids)])


def _ids(source_ids: Collection[str] | None) -> list[str] | None:
    return None if source_ids is None else list(source_ids)


def _article(head: dict, units: Sequence[Unit]) -> ArticleText:
    return ArticleText(head["article_id"], head["published"], head["source_country"], tuple(units), head["title"] or "")


def _units(wh: Warehouse, article_ids: list[str]) -> dict[str, list[Unit]]:
    out: dict[str, list[Unit]] = {}
    rows = wh.con.execute(
        "SELECT article_id, seq, kind, coalesce(speaker, ''), coalesce(speaker_role, ''), text "
        "FROM store.article_units WHERE article_id IN (SELECT unnest(?)) ORDER BY article_id, seq",
        [article_ids],
    ).fetchall()
    for article_id, seq, kind, speaker, role, text in rows:
        out.setdefault(article_id, []).append(Unit(seq, text, kind, speaker, role))
    return out


def store_found(
    wh: Warehouse, run_id: str, version: str, articles: Sequence[ArticleText], found: Sequence[list[Found]]
) -> int:
    """Store one batch's statements and mark its articles read by `version`, in one transaction."""
    stamp = now()
    rows = [_row(f, version, run_id) for per_article in found for f in per_article]
    marks = [
        {
            "article_id": a.article_id,
            "detector_version": version,
            "statements": len(f),
            "processed_at": stamp,
            "run_id": run_id,
        }
        for a, f in zip(articles, found)
    ]
    for attempt in wh.attempts():  # shards write these tables at once on DuckLake
        with attempt:
            wh.insert("store.statements", rows)
            wh.insert("store.detections", marks)
    return len(rows)


def mark_unreadable(wh: Warehouse, run_id: str, version: str, article: ArticleText, error: str) -> None:
    """Record that `version` could not read an article, and why (it is not retried by this version)."""
    mark = {
        "article_id": article.article_id,
        "detector_version": version,
        "statements": 0,
        "processed_at": now(),
        "run_id": run_id,
        "error": error[:500],
    }
    for attempt in wh.attempts():  # shards write this table at once on DuckLake
        with attempt:
            wh.insert("store.detections", [mark])


def statement_id(version: str, f: Found) -> str:
    s = f.statement
    key = "|".join(
        [version, f.article_id, str(f.unit_seq), str(s.sentence_start), s.actor, s.stance, s.target, s.topic]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def _row(f: Found, version: str, run_id: str) -> dict:
    s = f.statement
    return {
        "statement_id": statement_id(version, f),
        "article_id": f.article_id,
        "unit_seq": f.unit_seq,
        "detector_version": version,
        "actor": s.actor,
        "speaker": s.speaker or None,
        "speaker_role": s.speaker_role or None,
        "stance": s.stance,
        "target": s.target or None,
        "topic": s.topic or None,
        "topics": list(s.topics),
        "confidence": s.confidence,
        "flags": list(s.flags),
        "basis": getattr(s, "basis", None) or None,
        "sentence": s.sentence,
        "cue": s.cue or None,
        "sentence_start": s.sentence_start,
        "stated_on": s.stated_on,
        "run_id": run_id,
    }

"""Statements written straight into a real warehouse, as the detection stage stores them, for tests
of the views and the shift rules that must not depend on how a detector reads a text."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any

from stancewatch.warehouse import Warehouse

VERSION = "test-version"


def _id(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:24]


class StatementStore:
    """`StatementStore(wh).add([{actor, target, day, stance, ...}], run_id)`: one source per
    `source` name, one article per source and day, one statement row per dict. Missing fields
    default to an assessment with confidence 1.0, no flags, topics from `topics` (or none)."""

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.count = 0

    def add(self, statements: Iterable[dict[str, Any]], run_id: str = "2024-01-01") -> list[str]:
        sources, articles, detections, rows = {}, {}, {}, []
        for s in statements:
            self.count += 1
            source = s.get("source", "MFA")
            source_id = _id("source", source)
            sources[source_id] = {
                "source_id": source_id,
                "name": source,
                "url": f"http://127.0.0.1/{source}.xml",
                "country": s["actor"] if len(s["actor"]) == 3 else None,
                "kind": "ministry",
                "listing": False,
                "run_id": run_id,
            }
            day: date = s["day"]
            article_id = _id("article", source, day)
            articles[article_id] = {
                "article_id": article_id,
                "url": f"http://127.0.0.1/{source}/{day}.html",
                "source_id": source_id,
                "status": "ok",
                "title": f"{source} on {day}",
                "published": day,
                "text": "(test statements)",
                "fetched_at": datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc),
                "run_id": run_id,
            }
            detections[article_id] = {
                "article_id": article_id,
                "detector_version": VERSION,
                "statements": 0,
                "processed_at": datetime.now(timezone.utc),
                "run_id": run_id,
            }
            topics = list(s.get("topics") or [])
            statement_id = _id("statement", self.count, article_id)
            rows.append(
                {
                    "statement_id": statement_id,
                    "article_id": article_id,
                    "unit_seq": self.count,
                    "detector_version": VERSION,
                    "actor": s["actor"],
                    "speaker": s.get("speaker"),
                    "stance": s["stance"],
                    "target": s.get("target") or None,
                    "topic": topics[0] if topics else None,
                    "topics": topics,
                    "confidence": s.get("confidence", 1.0),
                    "flags": list(s.get("flags") or []),
                    "basis": s.get("basis", "assessment"),
                    "sentence": s.get("sentence", f"statement {self.count}"),
                    "stated_on": day,
                    "run_id": run_id,
                }
            )
        with self.wh.transaction():
            self.wh.insert("store.sources", list(sources.values()))
            self.wh.insert("store.articles", list(articles.values()))
            self.wh.insert("store.detections", list(detections.values()))
            self.wh.insert("store.statements", rows)
        return [r["statement_id"] for r in rows]

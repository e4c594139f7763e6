"""Soak: the real US State Department press-release feed, replayed as consecutive nights.

The saved daily snapshots of the feed (``YYYY-MM-DDTHHMMSSZ_<hash>.rss.gz``, e.g.
../shared/data/corpora/statedept-rss-daily) are served on 127.0.0.1 as the feed, in order, and
the real nightly flow runs once per snapshot with the snapshot's date as the night: the same
items come back night after night (a 10-item window), some with edited text under the same
guid. `soak` prints, per night, the items in the feed, the articles and statements that were
new, and the duplicates found, then checks the whole warehouse: every item stored exactly once,
no two articles with one guid or one text, no statement stored twice.

Called by tests/reliability/test_soak.py and by benchmarks/soak_statedept.py.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

import stancewatch.flows.offline  # noqa: F401  (offline Prefect environment first)
from stancewatch.extractors.feeds import parse_feed
from stancewatch.localsite import LocalSite
from stancewatch.warehouse import open_warehouse

FEED_PATH = "/rss-feed/press-releases/feed/"
_SNAPSHOT = re.compile(r"^(\d{4}-\d{2}-\d{2})T\d{6}Z_[0-9a-f]+\.rss\.gz$")

#: Duplicate checks over the finished warehouse; each query returns the offending rows.
CHECKS: dict[str, str] = {
    "articles sharing a guid": "SELECT source_id, guid, count(*) AS n FROM store.articles "
    "WHERE guid IS NOT NULL GROUP BY ALL HAVING n > 1",
    "articles sharing a text": "SELECT content_hash, count(*) AS n FROM store.articles "
    "WHERE status = 'ok' GROUP BY ALL HAVING n > 1",
    "feed items sharing a guid": "SELECT source_id, guid, count(*) AS n FROM store.feed_items "
    "WHERE guid IS NOT NULL GROUP BY ALL HAVING n > 1",
    "statements stored twice": "SELECT article_id, detector_version, unit_seq, sentence_start, actor, stance, "
    "target, topic, count(*) AS n FROM store.statements GROUP BY ALL HAVING n > 1",
    "articles detected in two runs": "SELECT article_id, detector_version, count(DISTINCT run_id) AS n "
    "FROM store.statements GROUP BY ALL HAVING n > 1",
    "units of an article stored twice": "SELECT article_id, seq, count(*) AS n FROM store.article_units "
    "GROUP BY ALL HAVING n > 1",
}


@dataclass
class NightFigures:
    night: str
    feed_items: int
    items_new: int
    edited: int  # items whose guid came back with different text (kept as first stored)
    articles_new: int
    statements_new: int
    duplicates_found: int  # articles found to repeat another's text (status 'duplicate')
    seconds: float


@dataclass
class SoakReport:
    nights: list[NightFigures] = field(default_factory=list)
    corpus_items: int = 0  # distinct guids across all snapshots
    stored_items: int = 0  # distinct guids in store.feed_items
    stored_articles: int = 0  # rows in store.articles
    duplicates: dict[str, list[tuple]] = field(default_factory=dict)  # check -> offending rows
    missing: list[str] = field(default_factory=list)  # corpus guids with no article

    @property
    def duplicate_count(self) -> int:
        return sum(len(rows) for rows in self.duplicates.values())

    @property
    def ok(self) -> bool:
        return (
            self.duplicate_count == 0
            and not self.missing
            and self.corpus_items == self.stored_items == self.stored_articles
        )


def snapshots(corpus_dir: str | Path) -> list[tuple[str, bytes]]:
    """(night, feed bytes) for every snapshot, oldest first; one per date."""
    found: dict[str, Path] = {}
    for path in sorted(Path(corpus_dir).iterdir()):
        match = _SNAPSHOT.match(path.name)
        if match:
            found.setdefault(match.group(1), path)
    return [(night, gzip.decompress(path.read_bytes())) for night, path in sorted(found.items())]


def _items(body: bytes) -> dict[str, str]:
    """guid -> hash of the item's text, as the flow's parser reads the snapshot."""
    parsed = parse_feed(
        body,
        {"content-type": "application/rss+xml"},
        "https://www.state.gov/",
        now=datetime(2100, 1, 1, tzinfo=timezone.utc),
    )
    return {i.guid: hashlib.sha256(i.content_html.encode()).hexdigest() for i in parsed.items}


def soak(
    corpus_dir: str | Path,
    db: str | Path,
    limit: int | None = None,
    mode: str = "auto",
    out: Callable[[str], Any] = print,
) -> SoakReport:
    """Run one night per snapshot into `db` (a new file); returns the figures and the checks."""
    from stancewatch.flows.nightly import run_night

    nights = snapshots(corpus_dir)[:limit]
    report = SoakReport()
    first_text: dict[str, str] = {}
    out(
        f"{'night':<10} {'items':>5} {'new':>4} {'edited':>6} {'articles':>8} {'statements':>10} "
        f"{'duplicates':>10} {'seconds':>7}"
    )
    with LocalSite() as site, tempfile.TemporaryDirectory(prefix="stancewatch-soak-") as tmp:
        sources = Path(tmp) / "sources.yaml"
        sources.write_text(
            yaml.safe_dump(
                {
                    "allowed_networks": ["127.0.0.1/32"],
                    "sources": [
                        {
                            "name": "US State Department press releases",
                            "url": site.base + FEED_PATH,
                            "country": "USA",
                            "kind": "ministry",
                        }
                    ],
                }
            )
        )
        config = Path(tmp) / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "detector": {"mode": mode},
                    "articles": {"workers": 1},
                    "fetch": {"per_host_delay": 0, "retries": 0, "connect_timeout": 2, "total_timeout": 10},
                }
            )
        )
        for night, body in nights:
            items = _items(body)
            edited = sum(1 for g, h in items.items() if g in first_text and first_text[g] != h)
            for g, h in items.items():
                first_text.setdefault(g, h)
            site.files = {FEED_PATH: body}
            started = time.monotonic()
            summary = run_night(sources, db, config, night=night, quiet=True)
            figures = _night_figures(db, night, summary, len(items), edited, time.monotonic() - started)
            report.nights.append(figures)
            out(
                f"{figures.night:<10} {figures.feed_items:>5} {figures.items_new:>4} {figures.edited:>6} "
                f"{figures.articles_new:>8} {figures.statements_new:>10} {figures.duplicates_found:>10} "
                f"{figures.seconds:>7.1f}"
            )
    _check(db, report, set(first_text))
    _print_totals(report, out)
    return report


def _night_figures(
    db: str | Path, night: str, summary: dict[str, Any], items: int, edited: int, seconds: float
) -> NightFigures:
    with open_warehouse(db, read_only=True) as wh:
        fetch = wh.query("SELECT items_seen, items_new FROM store.feed_fetches WHERE run_id = ?", [night])
    seen, new = (fetch[0]["items_seen"], fetch[0]["items_new"]) if fetch else (0, 0)
    assert seen in (0, items), f"{night}: the flow read {seen} items, the snapshot has {items}"
    return NightFigures(
        night,
        items,
        new,
        edited,
        summary["new_articles"],
        summary["new_statements"],
        summary["duplicate_articles"],
        round(seconds, 2),
    )


def _check(db: str | Path, report: SoakReport, corpus_guids: set[str]) -> None:
    with open_warehouse(db, read_only=True) as wh:
        report.duplicates = {name: wh.con.execute(sql).fetchall() for name, sql in CHECKS.items()}
        stored = {r["guid"] for r in wh.query("SELECT DISTINCT guid FROM store.feed_items")}
        articles = {r["guid"] for r in wh.query("SELECT guid FROM store.articles")}
        report.stored_articles = wh.scalar("SELECT count(*) FROM store.articles")
    report.corpus_items, report.stored_items = len(corpus_guids), len(stored)
    report.missing = sorted(corpus_guids - articles)


def _print_totals(report: SoakReport, out: Callable[[str], Any]) -> None:
    n = report.nights
    out(
        f"\n{len(n)} nights in {sum(f.seconds for f in n):.0f} s: {report.corpus_items} distinct items in the "
        f"snapshots, {report.stored_items} stored as feed items, {report.stored_articles} articles "
        f"({sum(f.articles_new for f in n)} new with text, {sum(f.duplicates_found for f in n)} duplicate texts), "
        f"{sum(f.statements_new for f in n)} statements, {sum(f.edited for f in n)} edited items kept once"
    )
    for name, rows in report.duplicates.items():
        out(f"  {name}: {len(rows)}" + (f"  e.g. {rows[:3]}" if rows else ""))
    if report.missing:
        out(f"  items never stored as an article: {len(report.missing)}  e.g. {report.missing[:3]}")
    out("zero duplicates, every item stored once" if report.ok else "DUPLICATES OR MISSING ITEMS FOUND")

"""A small, published warehouse written row by row: for tests of what reads a warehouse (export,
the analysts' commands), which need every view to hold something but no night to run."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.publish import publish

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)
VERSION = "test+lex.0000.rules"


def fill(wh) -> None:
    """One source, two articles, two keys with a shift each (CHN on sanctions: a reversal; RUS on UKR and
    dialogue: an escalation), an alert for the first."""
    run = {"run_id": "2026-12-04"}
    wh.con.execute(
        "INSERT INTO store.runs (run_id, kind, night, seq, started_at, status) "
        "VALUES ('2026-12-04', 'nightly', DATE '2026-12-04', 1, ?, 'completed')",
        [NOW],
    )
    wh.insert(
        "store.sources",
        [
            dict(
                source_id="s1",
                name="Ministry",
                url="https://m.example/feed",
                kind="ministry",
                country="CHN",
                listing=False,
                **run,
            )
        ],
    )
    wh.insert(
        "store.feed_fetches",
        [dict(source_id="s1", status="ok", items_seen=2, items_new=2, attempts=1, fetched_at=NOW, **run)],
    )
    wh.insert(
        "store.articles",
        [
            dict(
                article_id=f"a{i}",
                url=f"https://m.example/{i}",
                source_id="s1",
                status="ok",
                attempts=1,
                title=f"Briefing {i}",
                text="China opposes sanctions.",
                published=day,
                fetched_at=NOW,
                **run,
            )
            for i, day in ((1, date(2026, 11, 1)), (2, date(2026, 12, 3)))
        ],
    )
    wh.insert(
        "store.detections",
        [dict(article_id=a, detector_version=VERSION, statements=1, processed_at=NOW, **run) for a in ("a1", "a2")],
    )
    wh.insert(
        "store.statements",
        [
            dict(
                statement_id=f"st{i}",
                article_id=f"a{i}",
                unit_seq=0,
                detector_version=VERSION,
                actor="CHN",
                stance=stance,
                topic="sanctions",
                topics=["sanctions"],
                confidence=1.0,
                flags=[],
                basis="assessment",
                sentence=f"China {stance}s sanctions.",
                **run,
            )
            for i, stance in ((1, "oppose"), (2, "support"))
        ],
    )
    wh.insert(
        "store.shifts",
        [
            dict(
                shift_id="sh1",
                actor="CHN",
                target="",
                topic="sanctions",
                previous_stance="oppose",
                new_stance="support",
                previous_on=date(2026, 11, 1),
                new_on=date(2026, 12, 3),
                kind="reversal",
                severity="high",
                reason="why",
                previous_statement_ids=["st1"],
                new_statement_ids=["st2"],
                detector_version=VERSION,
                detected_run_id="2026-12-04",
            )
        ],
    )
    # a second key, with a target: RUS on UKR, concern -> oppose
    wh.insert(
        "store.statements",
        [
            dict(
                statement_id=f"st{i}",
                article_id=article,
                unit_seq=1,
                detector_version=VERSION,
                actor="RUS",
                stance=stance,
                target="UKR",
                topic="dialogue",
                topics=["dialogue"],
                confidence=1.0,
                flags=[],
                basis="assessment",
                sentence=sentence,
                **run,
            )
            for i, article, stance, sentence in (
                (3, "a1", "concern", "Moscow is concerned about the talks with Kyiv."),
                (4, "a2", "oppose", "Moscow rejects the talks Kyiv proposed."),
            )
        ],
    )
    wh.insert(
        "store.shifts",
        [
            dict(
                shift_id="sh2",
                actor="RUS",
                target="UKR",
                topic="dialogue",
                previous_stance="concern",
                new_stance="oppose",
                previous_on=date(2026, 11, 1),
                new_on=date(2026, 12, 3),
                kind="escalation",
                severity="medium",
                reason="why",
                previous_statement_ids=["st3"],
                new_statement_ids=["st4"],
                detector_version=VERSION,
                detected_run_id="2026-12-04",
            )
        ],
    )
    wh.insert(
        "store.alerts",
        [
            dict(
                alert_id="al1",
                shift_id="sh1",
                recipient="a@example.org",
                channel="digest",
                status="sent",
                attempts=1,
                queued_run_id="2026-12-04",
            )
        ],
    )


def small_warehouse(db: Path) -> Path:
    """`db` filled by `fill` and published; returns `db`."""
    with open_warehouse(db) as wh:
        fill(wh)
    publish(db)
    return db

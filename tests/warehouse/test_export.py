"""`stancewatch export --parquet`: IMPORT DATABASE on the folder rebuilds tables, views and macros."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timezone

import duckdb
import pytest

from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.db import DUCKDB_CONFIG
from stancewatch.warehouse.export import export_parquet
from stancewatch.warehouse.publish import publish, published_path

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)
VERSION = "test+lex.0000.rules"


def _fill(wh) -> None:
    """One source, two articles, a statement each, the shift between them and its alert."""
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


@pytest.fixture
def warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(db) as wh:
        _fill(wh)
    publish(db)
    return db


def _catalog(con) -> tuple[set[str], set[str]]:
    views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    macros = {
        r[0]
        for r in con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal"
        ).fetchall()
    }
    return views, macros


def test_import_database_rebuilds_tables_views_and_macros_from_a_moved_folder(warehouse, tmp_path):
    folder = tmp_path / "export"
    export_parquet(published_path(warehouse), folder)
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(folder, moved)  # another machine, another path
    shutil.rmtree(folder)

    original = duckdb.connect(str(published_path(warehouse)), read_only=True, config=dict(DUCKDB_CONFIG))
    rebuilt = duckdb.connect(config=dict(DUCKDB_CONFIG))
    rebuilt.execute(f"IMPORT DATABASE '{moved}'")
    try:
        views, macros = _catalog(original)
        assert _catalog(rebuilt) == (views, macros)
        assert {"statements", "stance_records", "stance_timeline", "stance_shifts", "runs"} <= views
        assert {"shifts_of", "stance_history", "shift_evidence", "statement_changes"} <= macros
        for view in sorted(views):  # every view gives the same rows over the imported tables
            query = f'SELECT * FROM "{view}"'
            assert sorted(map(repr, rebuilt.execute(query).fetchall())) == sorted(
                map(repr, original.execute(query).fetchall())
            ), view
        for call in ("shifts_of('CHN')", "stance_history('CHN', 'sanctions')", "shift_evidence('sh1')"):
            got = rebuilt.execute(f"SELECT * FROM {call}").fetchall()
            assert got and got == original.execute(f"SELECT * FROM {call}").fetchall(), call
    finally:
        original.close()
        rebuilt.close()


def test_the_analyst_views_are_exported_as_parquet_too(warehouse, tmp_path):
    files = export_parquet(published_path(warehouse), tmp_path / "export")
    views = {p.stem for p in files if p.parent.name == "views"}
    assert {"statements", "stance_shifts", "stance_timeline", "source_health", "runs", "nights"} <= views
    con = duckdb.connect(config=dict(DUCKDB_CONFIG))
    shifts = con.execute(
        "SELECT actor, previous_stance, new_stance, new_quotes FROM read_parquet(?)",
        [str(tmp_path / "export" / "views" / "stance_shifts.parquet")],
    ).fetchall()
    assert shifts == [("CHN", "oppose", "support", ["China supports sanctions."])]

"""The warehouse: migrations once and in order, idempotent bulk writes, clear errors on a held lock."""

import shutil
import subprocess
import sys
import textwrap

import pytest

from stancewatch.warehouse import WarehouseBusy, open_warehouse
from stancewatch.warehouse import db as warehouse_db
from stancewatch.warehouse.db import SCHEMA_DIR, VIEWS_MARK


def test_migrations_apply_once_in_order_and_views_exist(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(db) as wh:
        applied = [
            r["name"]
            for r in wh.query("SELECT name FROM store.schema_migrations ORDER BY applied_at, name")
            if not r["name"].startswith(VIEWS_MARK)
        ]
        views = {
            r["table_name"]
            for r in wh.query(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' AND table_schema = 'main'"
            )
        }
    assert applied == sorted(p.name for p in SCHEMA_DIR.glob("*.sql") if p.name != "000_store.sql")
    assert {"articles", "fetch_log", "runs", "sources", "article_failures"} <= views
    with open_warehouse(db) as wh:  # re-opening applies nothing new
        assert wh.migrate() == []


def test_views_are_created_again_only_when_their_files_change(tmp_path, monkeypatch):
    """Re-opening with the same views/*.sql leaves the catalog alone; an edited folder is applied."""
    views = tmp_path / "views"
    shutil.copytree(warehouse_db.VIEWS_DIR, views)
    monkeypatch.setattr(warehouse_db, "VIEWS_DIR", views)
    db = tmp_path / "w.duckdb"
    mark = f"SELECT name, applied_at FROM store.schema_migrations WHERE name LIKE '{VIEWS_MARK}%'"
    with open_warehouse(db) as wh:
        first = wh.query(mark)
    with open_warehouse(db) as wh:
        assert wh.query(mark) == first and len(first) == 1  # unchanged: not applied again
    (views / "990_extra.sql").write_text("CREATE OR REPLACE VIEW extra_view AS SELECT 1 AS one;")
    with open_warehouse(db) as wh:
        again = wh.query(mark)
        assert wh.scalar("SELECT one FROM extra_view") == 1
    assert len(again) == 1 and again[0]["name"] != first[0]["name"]


def test_every_table_and_view_is_commented(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        bare = wh.query(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE comment IS NULL "
            "AND table_name <> 'schema_migrations' UNION ALL "
            "SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
        )
    assert bare == []


def test_bulk_insert_is_idempotent_and_replace_overwrites(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        rows = [
            {"source_id": f"s{i}", "etag": None, "last_modified": None, "body_hash": "h", "run_id": "r1"}
            for i in range(1000)
        ]
        wh.insert("store.feed_state", rows)
        wh.insert("store.feed_state", rows)
        assert wh.scalar("SELECT count(*) FROM store.feed_state") == 1000
        wh.insert("store.feed_state", [{**rows[0], "body_hash": "new"}], on_conflict="replace")
        assert wh.scalar("SELECT body_hash FROM store.feed_state WHERE source_id = 's0'") == "new"


def test_a_failed_transaction_leaves_nothing(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        with pytest.raises(RuntimeError):
            with wh.transaction():
                wh.insert("store.feed_state", [{"source_id": "x", "body_hash": "h", "run_id": "r"}])
                raise RuntimeError("crash mid-way")
        assert wh.scalar("SELECT count(*) FROM store.feed_state") == 0


def test_a_writer_in_another_process_gives_a_clear_error(tmp_path):
    db = tmp_path / "w.duckdb"
    open_warehouse(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(db)!r})
        print("held", flush=True)
        time.sleep(30)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy, match="open for writing in another process"):
            open_warehouse(db, wait=0.5)
    finally:
        holder.kill()
        holder.wait()
    with open_warehouse(db, wait=5) as wh:  # released: opens, file intact
        assert wh.scalar("SELECT count(*) FROM store.runs") == 0


def test_extensions_are_never_downloaded(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        settings = wh.query(
            "SELECT current_setting('autoinstall_known_extensions') AS i, "
            "current_setting('autoload_known_extensions') AS l"
        )[0]
    assert settings == {"i": False, "l": False}

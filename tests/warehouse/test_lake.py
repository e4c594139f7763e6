"""The warehouse on DuckLake: a real PostgreSQL catalog (Debian's package, started by the session fixture),
Parquet files in a temporary folder, and the extensions loaded from their package index wheels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from stancewatch.warehouse import WarehouseError, open_reader, open_warehouse
from stancewatch.warehouse import lake as ducklake
from stancewatch.warehouse.articles import count_pending, iter_pending_jobs
from stancewatch.warehouse.db import SCHEMA_DIR, VIEWS_MARK
from stancewatch.warehouse.export import export_parquet
from stancewatch.warehouse.publish import complete_lake_night
from stancewatch.warehouse.runs import begin_run
from stancewatch.warehouse.statements import articles_to_detect, count_to_detect

SOURCE = {
    "source_id": "s1",
    "name": "One",
    "url": "http://one.test/feed",
    "country": None,
    "kind": "news",
    "extractor": None,
    "listing": False,
    "run_id": "n1",
}


def _catalog_objects(wh) -> dict[str, list[str]]:
    """Tables (with columns), views and macros a warehouse shows an analyst."""
    tables = wh.query(
        "SELECT schema_name || '.' || table_name AS t, list(column_name ORDER BY column_index) AS cols "
        "FROM duckdb_columns() WHERE database_name = current_database() GROUP BY ALL ORDER BY t"
    )
    views = wh.query(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database() ORDER BY 1"
    )
    macros = wh.query(
        "SELECT DISTINCT function_name FROM duckdb_functions() "
        "WHERE function_type = 'table_macro' AND database_name = current_database() ORDER BY 1"
    )
    return {
        "tables": [f"{r['t']}({', '.join(r['cols'])})" for r in tables],
        "views": [r["view_name"] for r in views],
        "macros": [r["function_name"] for r in macros],
    }


def test_the_lake_gets_the_same_tables_views_and_macros_as_the_file(lake, tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        expected = _catalog_objects(wh)
    with open_warehouse(lake) as wh:
        assert wh.lake == lake
        got = _catalog_objects(wh)
        applied = wh.query("SELECT name FROM store.schema_migrations ORDER BY name")
        snapshots = wh.scalar("SELECT count(*) FROM lake.snapshots()")
    schema_files = sorted(f.name for f in SCHEMA_DIR.glob("*.sql") if f.name != "000_store.sql")
    assert [r["name"] for r in applied if not r["name"].startswith(VIEWS_MARK)] == schema_files
    assert len([r for r in applied if r["name"].startswith(VIEWS_MARK)]) == 1  # the views' fingerprint, as in the file
    assert got == expected
    assert {"statements", "stance_shifts", "source_health"} <= set(got["views"])
    assert {"stance_history", "shifts_of", "statement_changes"} <= set(got["macros"])
    # a second writer opening it migrates nothing again, and re-creates no view (no new snapshot)
    with open_warehouse(lake) as wh:
        assert wh.migrate() == []
        assert wh.scalar("SELECT count(*) FROM lake.snapshots()") == snapshots


def test_keys_come_from_the_schema_files():
    keys = ducklake.table_keys(SCHEMA_DIR)
    assert keys["store.articles"] == ("article_id",)
    assert keys["store.feed_fetches"] == ("run_id", "source_id")
    assert keys["store.detections"] == ("article_id", "detector_version")
    assert set(ducklake.SHARD_TABLES) <= set(keys)
    assert "PRIMARY KEY" not in ducklake.lake_ddl((SCHEMA_DIR / "003_feed_fetches.sql").read_text()).upper()


@pytest.mark.parametrize("where", ["file", "lake"])
def test_idempotent_writes_behave_the_same_on_both(where, lake, tmp_path):
    target = tmp_path / "w.duckdb" if where == "file" else lake
    fetch = {"run_id": "n1", "source_id": "s1", "status": "failed", "error": "HTTP 500", "fetched_at": None}
    with open_warehouse(target) as wh:
        wh.insert("store.sources", [SOURCE])
        wh.insert("store.sources", [{**SOURCE, "name": "Ignored"}])  # ignore: the stored row stays
        wh.insert("store.sources", [{**SOURCE, "url": "http://one.test/new"}], on_conflict="replace")
        fetch["fetched_at"] = wh.scalar("SELECT now()")
        wh.insert("store.feed_fetches", [fetch], on_conflict="replace")
        wh.insert("store.feed_fetches", [{**fetch, "status": "ok", "error": None}], on_conflict="replace")
        sources = wh.query("SELECT name, url FROM store.sources")
        fetches = wh.query("SELECT status, error FROM store.feed_fetches")
    assert sources == [{"name": "One", "url": "http://one.test/new"}]
    assert fetches == [{"status": "ok", "error": None}]


@pytest.mark.parametrize("where", ["file", "lake"])
def test_a_shards_work_lists_stream_its_own_sources_articles_only(where, lake, tmp_path):
    """The pipeline reads its work lists in chunks on a second cursor (`Warehouse.stream`); on the lake
    that cursor must read the lake too. A URL both shards' feeds carry belongs to the source that saw it first."""
    target = tmp_path / "w.duckdb" if where == "file" else lake
    with open_warehouse(target) as wh:
        wh.insert("store.sources", [SOURCE, {**SOURCE, "source_id": "s2", "url": "http://two.test/feed"}])
        item = {"link": "", "guid": None, "title": "t", "published": None, "feed_html": None, "run_id": "n1"}
        wh.insert(
            "store.feed_items",
            [{**item, "source_id": source, "url": f"http://x.test/{page}", "link": f"http://x.test/{page}"}
             for source, page in [("s1", "a"), ("s1", "b"), ("s2", "c"), ("s1", "both"), ("s2", "both")]],
        )  # fmt: skip
        stored = {"status": "ok", "run_id": "n1", "text": "x"}
        wh.insert(
            "store.articles",
            [{**stored, "article_id": f"id-{page}", "url": f"http://x.test/{page}", "source_id": source}
             for source, page in [("s1", "old1"), ("s2", "old2")]],
        )  # fmt: skip
        pending = {
            shard: sorted(j.url for chunk in iter_pending_jobs(wh, 5, chunk=1, source_ids=[shard]) for j in chunk)
            for shard in ("s1", "s2")
        }
        counts = [count_pending(wh, 5, ["s1"]), count_pending(wh, 5, ["s2"]), count_pending(wh, 5)]
        to_read = [a.article_id for batch in articles_to_detect(wh, "v1", 1, ["s2"]) for a in batch]
        to_read_counts = [count_to_detect(wh, "v1", ["s2"]), count_to_detect(wh, "v1")]
    # "both" was seen by s1 and s2 in the same run: the first source by id takes it, as on one machine
    assert pending == {"s1": ["http://x.test/a", "http://x.test/b", "http://x.test/both"], "s2": ["http://x.test/c"]}
    assert counts == [3, 1, 4]
    assert to_read == ["id-old2"] and to_read_counts == [1, 2]


def test_readers_see_whole_nights_only_and_cannot_write_or_touch_files(lake, tmp_path):
    with open_warehouse(lake) as wh:
        with pytest.raises(WarehouseError, match="no completed night"):
            open_reader(lake.address)
        begin_run(wh, "n1")
        wh.insert("store.sources", [SOURCE])
        complete_lake_night(wh, "n1", {"run_id": "n1"})
        begin_run(wh, "n2")  # the next night has started and written, but is not complete
        wh.insert("store.sources", [{**SOURCE, "source_id": "s2", "url": "http://two.test/feed"}])

        with open_reader(lake.address) as reader:
            assert reader.query("SELECT run_id, status FROM runs ORDER BY run_id") == [
                {"run_id": "n1", "status": "completed"}
            ]
            assert reader.scalar("SELECT count(*) FROM sources") == 1
            for refused in (
                "INSERT INTO store.sources SELECT * FROM store.sources",
                f"SELECT * FROM read_csv('{tmp_path}/x.csv')",
                f"COPY (SELECT 1) TO '{tmp_path}/out.csv'",
                "SET enable_external_access = true",
            ):
                with pytest.raises(duckdb.Error):
                    reader.con.execute(refused)

        complete_lake_night(wh, "n2", {"run_id": "n2"})
    with open_reader(lake.address) as reader:
        assert reader.scalar("SELECT count(*) FROM sources") == 2
    files = export_parquet(Path(lake.address), tmp_path / "export")
    assert {"schema.sql", "load.sql", "store_sources.parquet"} <= {f.name for f in files}
    assert "CREATE VIEW statements" in (tmp_path / "export" / "schema.sql").read_text()


def test_rows_two_shards_raced_on_are_kept_once(lake):
    with open_warehouse(lake) as wh:
        article = {"article_id": "a1", "url": "http://x.test/a", "source_id": "s1", "status": "failed"}
        base = {**article, "attempts": 1, "run_id": "n1", "fetched_at": None}
        # two writers each saw no row for a1 and inserted theirs: the lake has no key to stop them
        wh.insert("store.articles", [base])
        wh.con.execute("INSERT INTO store.articles (article_id, url, source_id, status, attempts, run_id, text) "
                       "VALUES ('a1', 'http://x.test/a', 's2', 'ok', 1, 'n1', 'the text')")  # fmt: skip
        wh.insert("store.articles", [{**base, "article_id": "a2"}])
        with wh.transaction():
            removed = ducklake.dedupe_keys(wh.con, ducklake.table_keys(SCHEMA_DIR), "n1")
        rows = wh.query("SELECT article_id, status, text FROM store.articles ORDER BY article_id")
    assert removed == {"store.articles": 1}
    assert rows == [
        {"article_id": "a1", "status": "ok", "text": "the text"},  # the row holding the text stays
        {"article_id": "a2", "status": "failed", "text": None},
    ]


def test_a_write_that_lost_to_a_concurrent_shard_is_run_again(lake):
    """Two writers (two shards) replace rows of one table at once: DuckLake refuses the second commit
    ("Transaction conflict"), and `attempts` runs that write again, reads included, on the new snapshot."""
    with open_warehouse(lake) as a, open_warehouse(lake, migrate=False) as b:
        a.insert("store.sources", [SOURCE, {**SOURCE, "source_id": "s2"}])
        bodies = 0
        for attempt in a.attempts():
            with attempt:
                bodies += 1
                seen = a.scalar("SELECT name FROM store.sources WHERE source_id = 's2'")
                a.insert("store.sources", [{**SOURCE, "name": f"A saw {seen}"}], on_conflict="replace")
                if bodies == 1:  # meanwhile the other shard commits its own replace in the same table
                    b.insert("store.sources", [{**SOURCE, "source_id": "s2", "name": "B"}], on_conflict="replace")
        rows = b.query("SELECT source_id, name FROM store.sources ORDER BY source_id")
    assert bodies == 2
    assert rows == [{"source_id": "s1", "name": "A saw B"}, {"source_id": "s2", "name": "B"}]


def test_extensions_load_from_the_installed_wheels_with_nothing_downloaded(lake, tmp_path):
    """An empty extension folder and an unreachable repository: attaching works only if nothing is fetched."""
    code = f"""
import duckdb, json, sys
from stancewatch.warehouse import lake as ducklake, db
db.DUCKDB_CONFIG.update(extension_directory={str(tmp_path / "ext")!r},
                        custom_extension_repository="http://127.0.0.1:9/nowhere")
from stancewatch.warehouse import open_warehouse
with open_warehouse(ducklake.Lake({lake.catalog!r}, {lake.data_path!r})) as wh:
    loaded = [r[0] for r in wh.con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE loaded AND NOT installed"
    ).fetchall()]
print(json.dumps(loaded))
"""
    (tmp_path / "ext").mkdir()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert {"ducklake", "postgres_scanner"} <= loaded
    assert list((tmp_path / "ext").iterdir()) == []  # nothing was installed into the extension folder
    with duckdb.connect(config={"autoinstall_known_extensions": False}) as con:
        assert con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()[0] is False


def test_a_missing_extension_package_is_a_clear_error(lake, monkeypatch):
    monkeypatch.setitem(ducklake.EXTENSIONS, "ducklake", "duckdb_extension_ducklake_not_installed")
    with pytest.raises(WarehouseError, match=r"pip install 'stancewatch\[scale\]'"):
        open_warehouse(lake)

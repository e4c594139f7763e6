"""`stancewatch export --parquet`: IMPORT DATABASE on the folder rebuilds tables, views and macros."""

from __future__ import annotations

import shutil
import duckdb
import pytest

from stancewatch.warehouse.db import DUCKDB_CONFIG
from stancewatch.warehouse.export import export_parquet
from stancewatch.warehouse.publish import published_path
from tests.support.warehouse import small_warehouse


@pytest.fixture
def warehouse(tmp_path):
    return small_warehouse(tmp_path / "w.duckdb")


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
        "SELECT actor, previous_stance, new_stance, new_quotes FROM read_parquet(?) ORDER BY actor",
        [str(tmp_path / "export" / "views" / "stance_shifts.parquet")],
    ).fetchall()
    assert shifts == [
        ("CHN", "oppose", "support", ["China supports sanctions."]),
        ("RUS", "concern", "oppose", ["Moscow rejects the talks Kyiv proposed."]),
    ]

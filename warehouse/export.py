"""Parquet export of the published warehouse, for notebooks and tools without DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb

from stancewatch.warehouse.db import DUCKDB_CONFIG


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """EXPORT DATABASE as Parquet: one file per table plus schema.sql (tables, views, macros)
    and load.sql; `IMPORT DATABASE 'folder'` rebuilds it anywhere."""
    folder.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True, config=dict(DUCKDB_CONFIG))
    try:
        con.execute(f"EXPORT DATABASE '{_quoted(folder)}' (FORMAT parquet)")
    finally:
        con.close()
    return sorted(p for p in folder.iterdir() if p.is_file())


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")

"""A warehouse's stored tables as comparable text: to check that a rerun or a crash changed nothing."""

from __future__ import annotations

from pathlib import Path

from stancewatch.warehouse import open_warehouse


def store_tables(db: Path, drop: dict[str, set[str]] | None = None) -> dict[str, list[str]]:
    """Every store.* table except the bookkeeping `runs` and `schema_migrations`, rows sorted,
    without the columns in `drop` ({table: {column, ...}})."""
    drop = drop or {}
    out: dict[str, list[str]] = {}
    with open_warehouse(db, read_only=True) as wh:
        tables = [
            r["table_name"]
            for r in wh.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'store' "
                "AND table_type = 'BASE TABLE' AND table_name NOT IN ('runs', 'schema_migrations') ORDER BY 1"
            )
        ]
        for table in tables:
            cols = [
                r["column_name"]
                for r in wh.query(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'store' "
                    "AND table_name = ? ORDER BY ordinal_position",
                    [table],
                )
            ]
            keep = [c for c in cols if c not in drop.get(table, set())]
            rows = wh.con.execute(f"SELECT {', '.join(keep)} FROM store.{table}").fetchall()
            out[table] = sorted(repr(dict(zip(keep, row))) for row in rows)
    return out

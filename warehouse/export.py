"""Parquet export of the published warehouse, for notebooks and tools without DuckDB.

DuckDB's `EXPORT DATABASE` writes one Parquet file per table, `schema.sql`
(every table, view and macro) and `load.sql`, so `IMPORT DATABASE 'folder'`
rebuilds the warehouse anywhere. Two things are added here:

- `schema.sql` is rewritten in dependency order. DuckDB writes macros before
  views and views by name, so a macro over `stance_shifts`, or the view
  `stance_records` over `statements`, was created before what it reads and the
  import failed ("Table with name stance_shifts does not exist!").
- The analyst views (`statements`, `stance_shifts`, ...) are written as
  Parquet too, in `views/`, for tools that read Parquet and know nothing of
  the `store` tables. `IMPORT DATABASE` ignores that folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from stancewatch.warehouse.db import DUCKDB_CONFIG, open_published_lake
from stancewatch.warehouse.lake import ALIAS, parse_address

#: Kinds of CREATE statement, in the order they must run; views and macros are sorted by what they read.
_KINDS = ("SCHEMA", "TYPE", "SEQUENCE", "TABLE", "VIEW|MACRO", "INDEX")
_CREATE = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\w*\s+)?(SCHEMA|TYPE|SEQUENCE|TABLE|VIEW|MACRO|FUNCTION|UNIQUE\s+INDEX|INDEX)"
    r"\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:\"[^\"]+\"|[\w]+)(?:\.(?:\"[^\"]+\"|[\w]+))?)",
    re.IGNORECASE,
)


def export_parquet(db: Path, folder: Path) -> list[Path]:
    """Export `db` to `folder`: tables as Parquet with a `schema.sql`/`load.sql` that `IMPORT
    DATABASE 'folder'` replays in dependency order, plus every analyst view in `folder/views/`.
    Returns the files written.

    A DuckLake address exports its last published snapshot (the same night the readers see)."""
    folder.mkdir(parents=True, exist_ok=True)
    lake = parse_address(db)
    if lake is not None:
        with open_published_lake(lake, locked=False) as wh:
            _export(wh.con, f"EXPORT DATABASE {ALIAS} TO '{_quoted(folder)}' (FORMAT parquet)", folder)
        return sorted(p for p in folder.rglob("*") if p.is_file())
    con = duckdb.connect(str(db), read_only=True, config=dict(DUCKDB_CONFIG))
    try:
        _export(con, f"EXPORT DATABASE '{_quoted(folder)}' (FORMAT parquet)", folder)
    finally:
        con.close()
    return sorted(p for p in folder.rglob("*") if p.is_file())


def _export(con: duckdb.DuckDBPyConnection, export_sql: str, folder: Path) -> None:
    con.execute(export_sql)
    schema = folder / "schema.sql"
    schema.write_text(ordered_schema(con, schema.read_text(encoding="utf-8")), encoding="utf-8")
    _export_views(con, folder / "views")


def ordered_schema(con: duckdb.DuckDBPyConnection, text: str) -> str:
    """The statements of an exported schema.sql, reordered so nothing is created before what it reads."""
    created: list[tuple[str, str, str]] = []  # (kind, name, sql)
    other: list[str] = []
    for statement in con.extract_statements(text):
        sql = statement.query.strip().rstrip(";").strip()
        match = _CREATE.match(sql)
        if not match:
            other.append(sql)
            continue
        kind = match.group(1).upper().split()[-1]
        kind = "VIEW|MACRO" if kind in ("VIEW", "MACRO", "FUNCTION") else kind
        created.append((kind, _bare(match.group(2)), sql))
    out: list[str] = []
    for kind in _KINDS:
        group = [(name, sql) for k, name, sql in created if k == kind]
        out += _by_dependency(group) if kind == "VIEW|MACRO" else [sql for _, sql in group]
    out += [sql for k, _, sql in created if k not in _KINDS] + other
    return "".join(f"{sql};\n" for sql in out)


def _by_dependency(objects: list[tuple[str, str]]) -> list[str]:
    """Views and macros in an order where each comes after every other one its SQL names.

    A name counts when it stands alone (not `store.statements`, not part of
    `alerts_sent`); a false match (a column that shares a view's name) only
    adds an ordering constraint, and a cycle is an error, never a silent guess.
    """
    names = [name for name, _ in objects]
    needs = {name: {other for other in names if other != name and _mentions(sql, other)} for name, sql in objects}
    sql_of = dict(objects)
    done: list[str] = []
    while len(done) < len(names):
        ready = [n for n in names if n not in done and needs[n] <= set(done)]
        if not ready:
            left = sorted(set(names) - set(done))
            raise RuntimeError(f"views and macros that read each other: {', '.join(left)}")
        done += ready
    return [sql_of[n] for n in done]


def _mentions(sql: str, name: str) -> bool:
    short = name.rsplit(".", 1)[-1]
    return re.search(rf'(?<![\w."]){re.escape(short)}(?![\w])|(?<![\w.])"{re.escape(short)}"', sql) is not None


def _bare(name: str) -> str:
    """'main."runs"' -> 'runs' (views and macros live in the main schema)."""
    return name.rsplit(".", 1)[-1].strip('"')


def _export_views(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Every analyst view (the main schema's) as `folder/<view>.parquet`."""
    folder.mkdir(exist_ok=True)
    views = [
        r[0]
        for r in con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY view_name"
        ).fetchall()
    ]
    for view in views:
        target = _quoted(folder / f"{view}.parquet")
        con.execute(f"COPY (SELECT * FROM \"{view}\") TO '{target}' (FORMAT parquet)")


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")

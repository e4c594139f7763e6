"""The warehouse on DuckLake: a PostgreSQL catalog plus Parquet data files.

Why: one DuckDB file allows one writer process. When a night outgrows one
machine, several shard workers must write one warehouse at once while
analysts read it. DuckLake keeps the catalog (tables, snapshots, file lists)
in PostgreSQL — which operations people already run — and the rows in
Parquet files under a shared folder or S3-compatible storage; every DuckDB
process that attaches it can write, and every commit is a snapshot.

What changes against the single file, and only here:

- DuckLake has no PRIMARY KEY: the schema files are applied without their
  key clauses (`lake_ddl`), the keys are read from the same files
  (`table_keys`), and the idempotent writes (`INSERT OR IGNORE/REPLACE`) become
  `MERGE INTO` on those keys (`merge_sql`).
- Two shards can still race on one key (the same article URL in two
  shards' feeds); `dedupe_keys` keeps one row per key after every shard
  finished, before shifts are computed.
- The published copy is replaced by snapshots: the snapshot that closes a
  completed night carries a commit message (`PUBLISHED`), and readers attach
  at the newest such snapshot, so nobody sees half a night.

Extensions come from the package index packages that ship them
(`duckdb-extension-ducklake`, `duckdb-extension-postgres-scanner`, installed by
`pip install 'stancewatch[scale]'`) and are loaded from those files; DuckDB's
autoinstall and autoload stay off, so nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

#: The prefix of a DuckLake address (what `--db` takes instead of a file name).
SCHEME = "ducklake:postgres:"
#: The name the lake is attached under in every connection.
ALIAS = "lake"
#: Commit message of the snapshot that closes a completed night (readers attach there).
PUBLISHED = "stancewatch: night completed"
#: The tables shard workers write concurrently (every one has a run_id column).
SHARD_TABLES = (
    "store.sources",
    "store.feed_state",
    "store.feed_fetches",
    "store.feed_items",
    "store.articles",
    "store.article_units",
    "store.statements",
    "store.detections",
)
#: The extensions a DuckLake warehouse needs, and the package index package that ships each.
EXTENSIONS = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres_scanner"}


class LakeUnavailable(Exception):
    """The DuckLake extensions are not installed, or the catalog cannot be reached; the message says why."""


@dataclass(frozen=True)
class Lake:
    """Where a DuckLake warehouse lives.

    catalog: a libpq connection string for the PostgreSQL catalog database
    ("dbname=stancewatch host=db.internal user=stancewatch"); the password
    comes from PGPASSWORD or ~/.pgpass, never from a file of ours.
    data_path: the folder (or s3:// prefix) of the Parquet files; needed only
    when the lake is first created — DuckLake records it in the catalog.
    """

    catalog: str
    data_path: str | None = None

    @property
    def address(self) -> str:
        """The form `--db` accepts: ducklake:postgres:<connection string>."""
        return SCHEME + self.catalog

    def __str__(self) -> str:
        return self.address


def parse_address(db: object) -> Lake | None:
    """A Lake for a `ducklake:postgres:...` address (or a Lake), None for a file name."""
    if isinstance(db, Lake):
        return db
    text = str(db)
    if text.startswith(SCHEME):
        return Lake(text[len(SCHEME) :].strip())
    return None


# --------------------------------------------------------------------------- extensions
def extension_file(name: str) -> Path:
    """The extension binary the package `EXTENSIONS[name]` ships, matching this DuckDB."""
    package = EXTENSIONS[name]
    hint = f"install the scale-out extras: pip install 'stancewatch[scale]' (package {package.replace('_', '-')})"
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(f"the DuckDB extension {name!r} is not installed; {hint}")
    root = Path(next(iter(spec.submodule_search_locations)))
    wanted = root / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    if not wanted.exists():
        found = sorted(p.parent.name for p in root.glob(f"extensions/*/{name}.duckdb_extension"))
        raise LakeUnavailable(
            f"the DuckDB extension {name!r} installed is built for DuckDB {', '.join(found) or 'nothing'}, "
            f"but DuckDB is v{duckdb.__version__}; {hint}"
        )
    return wanted


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """LOAD each extension from its installed file (never INSTALL: that would download)."""
    for name in EXTENSIONS:
        con.execute(f"LOAD '{_quoted(str(extension_file(name)))}'")


# --------------------------------------------------------------------------- connections
def attach(con: duckdb.DuckDBPyConnection, lake: Lake, read_only: bool = False, snapshot: int | None = None) -> None:
    """Attach the lake as `lake` and make it the default database."""
    load_extensions(con)
    options = []
    if lake.data_path and not read_only:
        options.append(f"DATA_PATH '{_quoted(lake.data_path)}'")
    if read_only:
        options.append("READ_ONLY")
    if snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    suffix = f" ({', '.join(options)})" if options else ""
    try:
        con.execute(f"ATTACH '{_quoted(lake.address)}' AS {ALIAS}{suffix}")
    except duckdb.Error as exc:
        raise LakeUnavailable(f"cannot attach the DuckLake warehouse {_safe(lake)}: {exc}") from None
    con.execute(f"USE {ALIAS}")


def published_snapshot(con: duckdb.DuckDBPyConnection) -> int | None:
    """The newest snapshot that closed a completed night (None before the first one)."""
    row = con.execute(
        f"SELECT max(snapshot_id) FROM {ALIAS}.snapshots() WHERE commit_message = ?", [PUBLISHED]
    ).fetchone()
    return row[0] if row else None


def data_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """Where the attached lake keeps its files (from its catalog)."""
    row = con.execute(f"SELECT value FROM {ALIAS}.options() WHERE option_name = 'data_path'").fetchone()
    return row[0] if row else None


def mark_published(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Inside the transaction that completes a night: name its snapshot as published."""
    con.execute(
        f"CALL {ALIAS}.set_commit_message('stancewatch', ?, extra_info => ?)",
        [PUBLISHED, f'{{"run_id": "{run_id}"}}'],
    )


# --------------------------------------------------------------------------- schema without keys
_INLINE_KEY = re.compile(r"\s+PRIMARY KEY\b", re.IGNORECASE)
_TABLE_KEY = re.compile(r",\s*PRIMARY KEY\s*\(([^)]*)\)", re.IGNORECASE)
_CREATE = re.compile(r"CREATE TABLE IF NOT EXISTS\s+([\w.]+)\s*\((.*?)\n\);", re.IGNORECASE | re.DOTALL)


def lake_ddl(sql: str) -> str:
    """A schema file as DuckLake takes it: the same tables without PRIMARY KEY clauses."""
    return _INLINE_KEY.sub("", _TABLE_KEY.sub("", _strip_comments(sql)))


@cache
def table_keys(schema_dir: Path) -> dict[str, tuple[str, ...]]:
    """Each table's key columns, read from the schema files' PRIMARY KEY clauses."""
    keys: dict[str, tuple[str, ...]] = {}
    for file in sorted(schema_dir.glob("*.sql")):
        for table, body in _CREATE.findall(_strip_comments(file.read_text())):
            table_level = _TABLE_KEY.search(body)
            if table_level:
                keys[table] = tuple(c.strip() for c in table_level.group(1).split(","))
                continue
            inline = [line.split()[0] for line in body.splitlines() if _INLINE_KEY.search(line)]
            if inline:
                keys[table] = tuple(inline)
    return keys


def merge_sql(table: str, columns: list[str], keys: tuple[str, ...], on_conflict: str, source: str) -> str:
    """MERGE INTO on the table's keys: what INSERT OR IGNORE / OR REPLACE do on a keyed table.

    The batch is first reduced to one row per key (the last, as OR REPLACE
    would leave it), so a batch can never add a key twice.
    """
    cols = ", ".join(columns)
    keylist = ", ".join(keys)
    on = " AND ".join(f"t.{k} IS NOT DISTINCT FROM s.{k}" for k in keys)
    deduped = (
        f"(SELECT {cols} FROM (SELECT {cols}, row_number() OVER () AS _pos FROM {source}) "
        f"QUALIFY _pos = max(_pos) OVER (PARTITION BY {keylist}))"
    )
    insert = f"WHEN NOT MATCHED THEN INSERT ({cols}) VALUES ({', '.join('s.' + c for c in columns)})"
    if on_conflict == "ignore":
        return f"MERGE INTO {table} AS t USING {deduped} AS s ON {on} {insert}"
    updates = ", ".join(f"{c} = s.{c}" for c in columns if c not in keys)
    matched = f"WHEN MATCHED THEN UPDATE SET {updates} " if updates else ""
    return f"MERGE INTO {table} AS t USING {deduped} AS s ON {on} {matched}{insert}"


def dedupe_keys(con: duckdb.DuckDBPyConnection, keys: dict[str, tuple[str, ...]], run_id: str) -> dict[str, int]:
    """Keep one row per key among the keys a night wrote (concurrent shards can race on one key).

    Only the tables shards write (`SHARD_TABLES`) and only keys written by
    `run_id` are looked at, so the cost follows the night, not the history.
    Which row stays is deterministic: for articles the one holding the text
    ('ok' before 'duplicate' before 'failed'), otherwise the first written.
    Returns how many rows each table lost.
    """
    removed: dict[str, int] = {}
    for table in SHARD_TABLES:
        keylist = ", ".join(keys[table])
        prefer = (
            "CASE status WHEN 'ok' THEN 0 WHEN 'duplicate' THEN 1 ELSE 2 END, " if table == "store.articles" else ""
        )
        row = con.execute(
            f"""SELECT list(rowid) FROM (
                    SELECT rowid, row_number() OVER (PARTITION BY {keylist} ORDER BY {prefer}rowid) AS n
                    FROM {table}
                    WHERE ({keylist}) IN (SELECT ({keylist}) FROM {table} WHERE run_id = ?)
                ) WHERE n > 1""",
            [run_id],
        ).fetchone()
        extra = row[0] if row else None
        if extra:
            con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT unnest(?))", [extra])
            removed[table] = len(extra)
    return removed


# --------------------------------------------------------------------------- helpers
def _strip_comments(sql: str) -> str:
    return "\n".join(
        line.split("--", 1)[0].rstrip() if "--" in line and "'" not in line.split("--", 1)[0] else line
        for line in sql.splitlines()
    )


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def _safe(lake: Lake) -> str:
    """The address without a password, for messages and logs."""
    return re.sub(r"password\s*=\s*\S+", "password=***", lake.address)


def describe(lake: Lake) -> dict[str, Any]:
    return {"catalog": _safe(lake), "data_path": lake.data_path}

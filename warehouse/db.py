"""DuckDB connections, migrations and bulk idempotent writes.

DuckDB allows one read-write process *or* many readers. The nightly flow is
the only writer; it holds one connection and writes from the flow's own
thread. Analysts read a published copy (see `publish`). Extensions are never
downloaded: autoinstall and autoload are off, and everything used (json,
parquet, icu) is built into the Python wheel.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

HERE = Path(__file__).resolve().parent
SCHEMA_DIR = HERE / "schema"
VIEWS_DIR = HERE / "views"
QUERIES_DIR = HERE / "queries"
#: How the views' fingerprint is named in store.schema_migrations.
VIEWS_MARK = "views@"

#: Settings for every connection: offline, no extension downloads, ever.
DUCKDB_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}


class WarehouseError(Exception):
    """The warehouse cannot be opened or used; the message says why."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file open for writing."""


def _connect(path: str, read_only: bool, extra: dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(path, read_only=read_only, config={**DUCKDB_CONFIG, **(extra or {})})
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"{path} is open for writing in another process ({exc}). Close that "
                "connection (analysts: query the published copy with `stancewatch sql`), "
                "then run again."
            ) from None
        raise WarehouseError(f"cannot open {path}: {exc}") from None


def open_reader(path: str | Path) -> "Warehouse":
    """A locked-down analyst connection: read-only, and no file access beyond the database
    (no COPY TO, no ATTACH, no reading other files), settings locked."""
    if not Path(path).exists():
        raise WarehouseError(f"{path} does not exist (has a run completed yet? a typo in --db?)")
    con = _connect(str(path), True, {"enable_external_access": False, "lock_configuration": True})
    return Warehouse(con, Path(path))


def open_warehouse(
    path: str | Path, read_only: bool = False, wait: float = 0.0, must_exist: bool = False
) -> "Warehouse":
    """Open (and, for writers, migrate) the warehouse at `path`.

    `wait` seconds are spent retrying while another process holds the lock,
    so a nightly run started while a stray writer finishes does not fail at once.
    `must_exist` refuses to create a new file: a command that only reads or
    re-reads a warehouse (reprocess) must not turn a typo into an empty one.
    """
    if must_exist and not Path(path).exists():
        raise WarehouseError(f"{path} does not exist (a typo in --db? a night creates it with `stancewatch run`)")
    deadline = time.monotonic() + wait
    while True:
        try:
            con = _connect(str(path), read_only)
            break
        except WarehouseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(2.0, max(0.1, deadline - time.monotonic())))
    wh = Warehouse(con, Path(path))
    if not read_only:
        wh.migrate()
    return wh


class Warehouse:
    """One DuckDB connection plus the helpers every stage module uses."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    # -- lifecycle --------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[str]:
        """Apply new schema files in name order, then (re-)create the views if they changed.

        The views' fingerprint (a hash of views/*.sql) is recorded beside the
        schema files in store.schema_migrations: re-creating every view on
        every start costs a tenth of a second and a catalog write, each
        night and each `stancewatch` command that writes.
        """
        self.con.execute((SCHEMA_DIR / "000_store.sql").read_text())
        done = {r[0] for r in self.con.execute("SELECT name FROM store.schema_migrations").fetchall()}
        applied = []
        for file in sorted(SCHEMA_DIR.glob("*.sql")):
            if file.name in done or file.name == "000_store.sql":
                continue
            with self.transaction():
                self.con.execute(file.read_text())
                self.con.execute("INSERT INTO store.schema_migrations VALUES (?, ?)", [file.name, now()])
            applied.append(file.name)
        views = sorted(VIEWS_DIR.glob("*.sql"))
        fingerprint = f"{VIEWS_MARK}{hashlib.sha256(b''.join(f.read_bytes() for f in views)).hexdigest()[:16]}"
        if applied or fingerprint not in done:
            with self.transaction():
                for file in views:
                    self.con.execute(file.read_text())
                self.con.execute("DELETE FROM store.schema_migrations WHERE name LIKE ?", [f"{VIEWS_MARK}%"])
                self.con.execute("INSERT INTO store.schema_migrations VALUES (?, ?)", [fingerprint, now()])
        return applied

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: what a stage commits is either all there or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- reading ----------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return rows as dicts (small results only)."""
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def named(self, name: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run the query in queries/<name>.sql."""
        return self.query(query_text(name), params)

    def stream(self, sql: str, params: Sequence[Any] | None = None, chunk: int = 256) -> Iterator[list[dict[str, Any]]]:
        """Rows of a query as lists of at most `chunk` dicts, read as they are consumed.

        For work lists that can be as long as a night is large: DuckDB
        streams the result through Arrow batches instead of handing Python
        every row at once. The query runs on its own cursor (a second
        connection to the same database) and reads the snapshot of its start,
        so the caller may keep writing with `con` meanwhile.
        """
        cursor = self.con.cursor()
        try:
            reader = cursor.execute(sql, params or []).to_arrow_reader(chunk)
            for batch in reader:
                if batch.num_rows:
                    yield batch.to_pylist()
        finally:
            cursor.close()

    def count(self, sql: str, params: Sequence[Any] | None = None) -> int:
        """How many rows a query yields, counted by DuckDB (no row reaches Python)."""
        return int(self.scalar(f"SELECT count(*) FROM ({sql.rstrip().rstrip(';')})", params) or 0)

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    # -- writing ----------------------------------------------------------------
    def insert(
        self, table: str, rows: Sequence[dict[str, Any]], on_conflict: str = "ignore", schema: pa.Schema | None = None
    ) -> int:
        """Bulk-insert dict rows through Arrow; idempotent by the table's primary key.

        `on_conflict` is "ignore" (keep the stored row) or "replace" (overwrite it).
        Returns the number of rows handed to DuckDB.
        """
        if not rows:
            return 0
        batch = pa.Table.from_pylist(list(rows), schema=schema)  # noqa: F841 (scanned by DuckDB)
        cols = ", ".join(batch.column_names)
        verb = {"ignore": "INSERT OR IGNORE", "replace": "INSERT OR REPLACE"}[on_conflict]
        self.con.register("_batch", batch)
        try:
            self.con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _batch")
        finally:
            self.con.unregister("_batch")
        return len(rows)


def query_text(name: str) -> str:
    """The text of queries/<name>.sql."""
    return (QUERIES_DIR / f"{name}.sql").read_text()


def now() -> datetime:
    """The current time in UTC (every timestamp in the warehouse is timezone-aware)."""
    return datetime.now(timezone.utc)

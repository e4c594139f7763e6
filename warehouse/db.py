"""DuckDB connections, migrations and bulk idempotent writes.

DuckDB allows one read-write process *or* many readers. The nightly flow is
the only writer; it holds one connection and writes from the flow's own
thread. Analysts read a published copy (see `publish`). Extensions are never
downloaded: autoinstall and autoload are off, and everything used (json,
parquet, icu) is built into the Python wheel.

The same `Warehouse` also runs on DuckLake (`lake`: a PostgreSQL catalog and
Parquet files, for several writer processes): `open_warehouse` and
`open_reader` take a `Lake` or a `ducklake:postgres:...` address instead of a
file, and only migrations and keyed writes differ (see `lake`).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from stancewatch.warehouse import lake as ducklake
from stancewatch.warehouse.lake import Lake, LakeUnavailable

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


def open_reader(path: str | Path | Lake) -> "Warehouse":
    """A locked-down analyst connection: read-only, and no file access beyond the database
    (no COPY TO, no ATTACH, no reading other files), settings locked.

    On DuckLake it reads the snapshot of the last completed night (what the
    published copy is for the single file)."""
    lake = ducklake.parse_address(path)
    if lake is not None:
        return open_published_lake(lake)
    file = Path(str(path))  # a file name from here on (a Lake was handled above)
    if not file.exists():
        raise WarehouseError(f"{file} does not exist (has a run completed yet? a typo in --db?)")
    con = _connect(str(file), True, {"enable_external_access": False, "lock_configuration": True})
    return Warehouse(con, file)


def open_warehouse(
    path: str | Path | Lake,
    read_only: bool = False,
    wait: float = 0.0,
    must_exist: bool = False,
    migrate: bool = True,
) -> "Warehouse":
    """Open (and, for writers, migrate) the warehouse at `path`.

    `wait` seconds are spent retrying while another process holds the lock,
    so a nightly run started while a stray writer finishes does not fail at once.
    `must_exist` refuses to create a new file: a command that only reads or
    re-reads a warehouse (reprocess) must not turn a typo into an empty one.
    `migrate=False` is for a DuckLake shard worker: the night's coordinator
    migrated already, and concurrent DDL from every shard would conflict.
    """
    lake = ducklake.parse_address(path)
    if lake is not None:
        return _open_lake(lake, read_only, migrate)
    file = Path(str(path))  # a file name from here on (a Lake was handled above)
    if must_exist and not file.exists():
        raise WarehouseError(f"{file} does not exist (a typo in --db? a night creates it with `stancewatch run`)")
    deadline = time.monotonic() + wait
    while True:
        try:
            con = _connect(str(file), read_only)
            break
        except WarehouseBusy:
            if time.monotonic() >= deadline:
                raise
            time.sleep(min(2.0, max(0.1, deadline - time.monotonic())))
    wh = Warehouse(con, file)
    if not read_only:
        wh.migrate()
    return wh


def _open_lake(lake: Lake, read_only: bool, migrate: bool) -> "Warehouse":
    con = duckdb.connect(":memory:", config=dict(DUCKDB_CONFIG))
    try:
        ducklake.attach(con, lake, read_only=read_only)
    except LakeUnavailable as exc:
        con.close()
        raise WarehouseError(str(exc)) from None
    wh = Warehouse(con, Path(lake.address), lake)
    if migrate and not read_only:
        wh.migrate()
    return wh


def open_published_lake(lake: Lake, locked: bool = True) -> "Warehouse":
    """Attach read-only at the last published snapshot, then (`locked`) restrict file access to the lake's files."""
    con = duckdb.connect(":memory:", config=dict(DUCKDB_CONFIG))
    try:
        ducklake.attach(con, lake, read_only=True)
        snapshot = ducklake.published_snapshot(con)
        if snapshot is None:
            raise LakeUnavailable(f"{lake} holds no completed night yet")
        folder = ducklake.data_path(con)
        con.execute("USE memory")
        con.execute(f"DETACH {ducklake.ALIAS}")
        ducklake.attach(con, lake, read_only=True, snapshot=snapshot)
    except LakeUnavailable as exc:
        con.close()
        raise WarehouseError(str(exc)) from None
    if not locked:
        return Warehouse(con, Path(lake.address), lake)
    if folder and "://" not in folder:
        con.execute("SET allowed_directories = ?", [[folder]])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return Warehouse(con, Path(lake.address), lake)


class Warehouse:
    """One DuckDB connection plus the helpers every stage module uses."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, lake: Lake | None = None) -> None:
        self.con = con
        self.path = path
        self.lake = lake  # None: the single embedded file

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
        # on DuckLake the same files with their keys dropped, one transaction (one snapshot) per file
        ddl: Callable[[str], str] = ducklake.lake_ddl if self.lake is not None else str
        with self.transaction():
            self.con.execute(ddl((SCHEMA_DIR / "000_store.sql").read_text()))
        done = {r[0] for r in self.con.execute("SELECT name FROM store.schema_migrations").fetchall()}
        applied = []
        for file in sorted(SCHEMA_DIR.glob("*.sql")):
            if file.name in done or file.name == "000_store.sql":
                continue
            with self.transaction():
                self.con.execute(ddl(file.read_text()))
                self.con.execute("INSERT INTO store.schema_migrations VALUES (?, ?)", [file.name, now()])
            applied.append(file.name)
        self._refresh_views(applied, done)
        return applied

    def _refresh_views(self, applied: list[str], done: set[str]) -> None:
        """Re-create every view, with the new fingerprint, when a schema file was applied or a view changed."""
        views = sorted(VIEWS_DIR.glob("*.sql"))
        fingerprint = f"{VIEWS_MARK}{hashlib.sha256(b''.join(f.read_bytes() for f in views)).hexdigest()[:16]}"
        if applied or fingerprint not in done:
            with self.transaction():
                for file in views:
                    self.con.execute(file.read_text())
                self.con.execute("DELETE FROM store.schema_migrations WHERE name LIKE ?", [f"{VIEWS_MARK}%"])
                self.con.execute("INSERT INTO store.schema_migrations VALUES (?, ?)", [fingerprint, now()])

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: what a stage commits is either all there or not at all.

        Writes that can run while other processes write the same DuckLake (a shard's) use `attempts`."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def attempts(self) -> Iterator[_Attempt]:
        """One all-or-nothing write that is run again when a concurrent writer's commit won:

            for attempt in wh.attempts():
                with attempt:
                    ...reads and writes...

        On one DuckDB file (one writer) there is exactly one attempt, a plain `transaction`. On
        DuckLake, shards write the same tables at once, and DuckLake refuses a commit that inserts
        into a table another transaction deleted from since this one began (any MERGE that updates
        rows deletes them). The body then runs again, reads included, on the newer snapshot: our
        writes are keyed MERGEs, so the result is what the body would have written had it started
        after the other commit. After `LAKE_ATTEMPTS` lost commits the conflict is raised.
        """
        tries = LAKE_ATTEMPTS if self.lake is not None else 1
        for n in range(tries):
            attempt = _Attempt(self.con, last=n == tries - 1)
            yield attempt
            if attempt.conflict is None:
                return
            time.sleep(random.uniform(0.5, 1.5) * LAKE_RETRY_WAIT * 2**n)  # spread out writers that collided

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
            if self.lake is not None:  # a cursor starts in the in-memory database, not in the attached lake
                cursor.execute(f"USE {ducklake.ALIAS}")
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
        sql = f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _batch"
        if self.lake is not None:  # no keys on DuckLake: MERGE on the schema's keys instead
            keys = ducklake.table_keys(SCHEMA_DIR)[table]
            sql = ducklake.merge_sql(table, batch.column_names, keys, on_conflict, "_batch")
        self.con.register("_batch", batch)
        try:
            self.con.execute(sql)
        finally:
            self.con.unregister("_batch")
        return len(rows)


#: How often a DuckLake write that lost to a concurrent commit is tried in all, and the first wait (seconds).
LAKE_ATTEMPTS = 8
LAKE_RETRY_WAIT = 0.05


class _Attempt:
    """One try of a write (see `Warehouse.attempts`): a transaction whose lost commit is noted, not raised."""

    def __init__(self, con: duckdb.DuckDBPyConnection, last: bool) -> None:
        self.con, self.last = con, last
        self.conflict: duckdb.TransactionException | None = None

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        if exc_type is not None:
            self.con.execute("ROLLBACK")
            return
        try:
            self.con.execute("COMMIT")
        except duckdb.TransactionException as err:
            if self.last or not is_write_conflict(err):
                raise
            self.conflict = err


def is_write_conflict(err: duckdb.Error) -> bool:
    """DuckLake's "Transaction conflict" at commit: another writer changed the same table first."""
    return isinstance(err, duckdb.TransactionException) and "transaction conflict" in str(err).lower()


def query_text(name: str) -> str:
    """The text of queries/<name>.sql."""
    return (QUERIES_DIR / f"{name}.sql").read_text()


def now() -> datetime:
    """The current time in UTC (every timestamp in the warehouse is timezone-aware)."""
    return datetime.now(timezone.utc)

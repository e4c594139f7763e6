"""The published copy analysts query while the next night runs.

DuckDB allows one read-write process or many readers, never both: an
analyst's open connection on the working file would make the nightly writer
fail at once. So the flow writes to the working file, and at the end of a
successful run copies it to `<name>.published.duckdb` and swaps that in with
an atomic rename. Readers that hold the old copy open keep reading it (the
old file lives on until they close it); new readers get the new night. A
failed run publishes nothing, so nobody ever sees half a night.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from stancewatch.warehouse.db import Warehouse
from stancewatch.warehouse.lake import mark_published, parse_address
from stancewatch.warehouse.runs import finish_run

SUFFIX = ".published"


def published_path(db: str | Path) -> Path:
    """`stancewatch.duckdb` -> `stancewatch.published.duckdb` (a published path maps to itself).

    A DuckLake address maps to itself: its readers attach at the last published snapshot."""
    if parse_address(db) is not None:
        return Path(str(db))
    db = Path(db)
    if db.stem.endswith(SUFFIX):
        return db
    return db.with_name(f"{db.stem}{SUFFIX}{db.suffix or '.duckdb'}")


def publish(db: str | Path) -> Path:
    """Copy the closed working file to a temporary name, fsync it, rename it over the published copy."""
    db = Path(db)
    target = published_path(db)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(db, tmp)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return target


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def complete_lake_night(wh: Warehouse, run_id: str, summary: dict[str, Any]) -> None:
    """DuckLake's publish: the run's completion and the commit message readers look for, in one snapshot.

    Snapshots replace the published copy: `open_reader` attaches at the newest
    snapshot carrying this message, so readers see whole nights only, while
    shards commit batch by batch.
    """
    with wh.transaction():
        finish_run(wh, run_id, "completed", summary)
        mark_published(wh.con, run_id)

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

SUFFIX = ".published"


def published_path(db: str | Path) -> Path:
    """`stancewatch.duckdb` -> `stancewatch.published.duckdb` (a published path maps to itself)."""
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

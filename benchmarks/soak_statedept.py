"""Soak: the real US State Department press-release feed, replayed as consecutive nights.

    python -m benchmarks.soak_statedept CORPUS_DIR [--db FILE] [--nights N] [--mode rules]

CORPUS_DIR holds one saved snapshot of the feed per day (e.g. ../shared/data/corpora/statedept-rss-daily).
One real night per snapshot; prints each night's figures and the duplicate checks over the whole
warehouse (`tests.support.soak`). Exit status 1 when any duplicate or missing item is found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.support.soak import soak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("--db", type=Path, help="warehouse file to create (default: a temporary one)")
    parser.add_argument("--nights", type=int, help="only the first N snapshots")
    parser.add_argument("--mode", default="auto", help="detector mode: auto | rules | trained")
    args = parser.parse_args(argv)
    if not args.corpus_dir.is_dir():
        parser.error(f"{args.corpus_dir} is not a folder")
    if args.db and args.db.exists():
        parser.error(f"{args.db} exists; the soak starts from an empty warehouse")
    with tempfile.TemporaryDirectory(prefix="stancewatch-soak-db-") as tmp:
        report = soak(args.corpus_dir, args.db or Path(tmp) / "soak.duckdb", args.nights, args.mode)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

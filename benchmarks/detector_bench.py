"""Throughput and peak memory of the statement detector on a real corpus.

    python -m benchmarks.detector_bench CORPUS_PATH [--mode auto|rules|trained] [--n-process N]
        [--batch-size B] [--repeat R] [--source-country CHN]

CORPUS_PATH is a JSON-lines file with "text" fields (the gold format works), or a directory of
.html / .html.gz pages whose main text is extracted with trafilatura before the timed part. Each
non-empty line of a page becomes one unit (a paragraph or transcript turn), as the extract stage
hands them over. Prints words per second over the timed detect_many run and the peak RSS of this
process and its worker processes (sampled every 100 ms). Also prints CPU seconds and words per
CPU-second, which stay comparable when other jobs load the machine (watch load_average).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.measure import PeakMemory, cpu_seconds
from stancewatch.extractors.statements import TextUnit, get_detector
from stancewatch.extractors.statements.jsonl import unit_from_dict


def _html_units(path: Path, source_country: str) -> Iterator[TextUnit]:
    import trafilatura

    files = sorted(p for p in path.iterdir() if p.name.endswith((".html", ".html.gz")))
    for page in files:
        raw = gzip.open(page).read() if page.name.endswith(".gz") else page.read_bytes()
        text = trafilatura.extract(raw.decode("utf-8", "replace")) or ""
        for i, para in enumerate(line.strip() for line in text.splitlines()):
            if para:
                yield TextUnit(para, source_country=source_country, id=f"{page.name.split('.')[0]}-p{i}")


def load_units(path: Path, source_country: str = "") -> list[TextUnit]:
    """Units of a JSONL file or of an HTML directory (text extraction happens here, untimed)."""
    if path.is_dir():
        return list(_html_units(path, source_country))
    with open(path, encoding="utf-8") as fh:
        return [unit_from_dict(json.loads(line)) for line in fh if line.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--mode", default="auto", choices=["auto", "rules", "hybrid", "parsed"])
    ap.add_argument("--n-process", type=int, default=0, help="0 = 2 when the corpus is large, else 1")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=1, help="run the corpus this many times (steadier figures)")
    ap.add_argument("--source-country", default="")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    units = load_units(args.corpus, args.source_country) * args.repeat
    words = sum(len(u.text.split()) for u in units)
    n_process = args.n_process or (2 if words > 200_000 else 1)
    detector = get_detector(args.mode)
    cpu_before = cpu_seconds()
    with PeakMemory() as mem:
        start = time.perf_counter()
        found = sum(len(s) for s in detector.detect_many(units, batch_size=args.batch_size, n_process=n_process))
        elapsed = time.perf_counter() - start
    cpu = cpu_seconds() - cpu_before
    print(f"mode={detector.mode} version={detector.version} n_process={n_process} batch_size={args.batch_size}")
    print(f"units={len(units)} words={words} statements={found} seconds={elapsed:.2f}")
    print(f"words_per_second={words / elapsed:,.0f}")
    print(f"cpu_seconds={cpu:.2f} words_per_cpu_second={words / cpu:,.0f} load_average={os.getloadavg()[0]:.1f}")
    print(f"peak_rss_mib={mem.peak_kib / 1024:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

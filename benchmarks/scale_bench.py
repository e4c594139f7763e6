"""Throughput of a sharded night with 1 and 2 workers, and the per-article costs the capacity model uses.

    python benchmarks/scale_bench.py                          # 40 feeds x 25 articles = 1,000 per night
    python benchmarks/scale_bench.py --feeds 6 --per-feed 5   # a quick check that it works

For each worker count N (default 1 then 2) it builds the whole scale-out setup on this machine
from real parts: a PostgreSQL catalog (Debian's binaries, initdb in a temporary folder), a Prefect
server, N process workers taking one shard each (`--limit 1`), each shard with ONE CPU process
(`articles.workers: 1`), and runs one night of the generated corpus (`benchmarks/corpus.py`,
served on 127.0.0.x with injected latency) through `nightly_sharded` into a fresh DuckLake.

It prints, per N: the night's wall time; the CPU stages' throughput (articles / the slowest
shard's extraction + detection seconds); N workers' speed-up over one; and per article: wall
seconds of each stage, catalog bytes (PostgreSQL database size), data file bytes, snapshots.
Figures, not tests: nothing is asserted. Take them on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import yaml  # noqa: E402

from benchmarks.corpus import Corpus, CorpusServer  # noqa: E402
from tests.support.postgres import Postgres  # noqa: E402
from tests.support.prefectserver import PrefectServer  # noqa: E402


def one_night(
    workers: int, pg: Postgres, corpus: Corpus, sources: Path, work: Path, server: PrefectServer
) -> dict[str, Any]:
    catalog = pg.create_database(f"bench_{workers}")
    data_path = work / f"lake-{workers}"
    config = work / f"scale-{workers}.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "warehouse": {"kind": "ducklake", "catalog": catalog, "data_path": str(data_path) + "/"},
                "scale": {"shards": workers},
                "articles": {"workers": 1},  # one CPU process per worker: the unit the model counts
                "fetch": {"per_host_delay": 0.05},
                "alerts": {"enabled": False},
            }
        )
    )
    procs = [server.worker("stancewatch", "shards", 1, f"bench-{workers}-{i}") for i in range(workers)]
    try:
        start = time.perf_counter()
        code = (
            "import json\nfrom stancewatch.flows.shards import nightly_sharded\n"
            f"s = nightly_sharded(sources={str(sources)!r}, config={str(config)!r}, night='2026-11-20', quiet=True)\n"
            "print('SUMMARY', json.dumps(s, default=str))"
        )
        done = subprocess.run([sys.executable, "-c", code], env=server.env, capture_output=True, text=True)
        wall = time.perf_counter() - start
    finally:
        for p in procs:
            server.kill(p)
    if done.returncode != 0:
        raise SystemExit(f"night failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    summary = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("SUMMARY "))[8:])
    shard_stats = [r["stats"] or {"stage_seconds": {}} for r in summary["shards"]]
    files = [p for p in data_path.rglob("*") if p.is_file()]
    dbname = catalog.split()[0].split("=")[1]
    return {
        "workers": workers,
        "wall": wall,
        "articles": summary["new_articles"],
        "statements": summary["new_statements"],
        "shards": shard_stats,
        "catalog_bytes": int(pg.psql("postgres", f"SELECT pg_database_size('{dbname}')").strip()),
        "data_bytes": sum(p.stat().st_size for p in files),
        "data_files": len(files),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=40)
    ap.add_argument("--per-feed", type=int, default=25)
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated")
    ap.add_argument("--latency", default="20,80", help="injected latency per response, ms: MIN,MAX")
    args = ap.parse_args(argv)
    lo, hi = (float(x) / 1000 for x in args.latency.split(","))
    corpus = Corpus(feeds=args.feeds, per_feed=args.per_feed)
    work = Path(tempfile.mkdtemp(prefix="stancewatch-scale-bench-"))
    results = []
    with Postgres() as pg, PrefectServer(work) as server, CorpusServer(corpus, latency=(lo, hi)) as site:
        sources = work / "sources.yaml"
        sources.write_text(yaml.safe_dump(corpus.sources(site.port), sort_keys=False))
        server.prefect("work-pool", "create", "stancewatch", "--type", "process", "--overwrite")
        server.prefect("--no-prompt", "deploy", "--name", "night-shard")
        for n in (int(x) for x in args.workers.split(",")):
            results.append(one_night(n, pg, corpus, sources, work, server))
            _print(results[-1], results[0])
    print(f"\nwork folder: {work}")
    return 0


def _print(r: dict[str, Any], base: dict[str, Any]) -> None:
    cpu = max(s["stage_seconds"].get("articles", 0) + s["stage_seconds"].get("statements", 0) for s in r["shards"])
    per_article = {
        stage: sum(s["stage_seconds"].get(stage, 0) for s in r["shards"]) / max(1, r["articles"])
        for stage in ("feeds", "articles", "statements")
    }
    rate = r["articles"] / cpu if cpu else 0.0
    base_cpu = max(
        s["stage_seconds"].get("articles", 0) + s["stage_seconds"].get("statements", 0) for s in base["shards"]
    )
    base_rate = base["articles"] / base_cpu if base_cpu else 0.0
    print(f"\n== {r['workers']} worker(s), one CPU process each ==")
    print(
        f"night wall (coordinator start to publish): {r['wall']:.1f} s for {r['articles']} articles, {r['statements']} statements"
    )
    print(f"CPU stages (slowest shard, extraction + detection): {cpu:.1f} s -> {rate:.1f} articles/s")
    if r is not base and base_rate:
        print(f"speed-up over 1 worker on the CPU stages: {rate / base_rate:.2f}x (target >= 1.6x with 2)")
    print(
        "per article, summed over shards (worker-seconds): "
        + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in per_article.items())
    )
    n = max(1, r["articles"])
    print(
        f"catalog (PostgreSQL database): {r['catalog_bytes'] / 1e6:.1f} MB ({r['catalog_bytes'] / n / 1000:.1f} KB/article, includes the empty catalog)"
    )
    print(
        f"data files: {r['data_files']} files, {r['data_bytes'] / 1e6:.1f} MB ({r['data_bytes'] / n / 1000:.2f} KB/article)"
    )
    for s in r["shards"]:
        print(
            f"  shard {s.get('shard')}: {s.get('sources')} sources, {s.get('articles')} articles, stages {s.get('stage_seconds')}"
        )


if __name__ == "__main__":
    raise SystemExit(main())

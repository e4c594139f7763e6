"""Throughput of the article pipeline with 1 and 2 shard workers, and the per-article costs of the capacity model.

    python -m benchmarks.scale_bench ../shared/data/corpora --n 16 --hosts 4   # a check that it runs
    python -m benchmarks.scale_bench ../shared/data/corpora                    # the figures: 1,000 pages, 40 hosts

For each worker count N (`--workers`, default 1 then 2) the scale-out set-up runs on this machine from
real parts: PostgreSQL (Debian's binaries, initdb in a temporary folder) holding a fresh DuckLake
catalog, a Prefect server with the `night-shard` deployment, N process workers taking one shard each,
each shard ONE CPU process (`articles.workers: 1`: its pipeline extracts and detects inline), and one
night of real pages (the material and loopback sites of `benchmarks.nightly_bench`, served from this
process without latency and without per-host delays, so that the pipeline is CPU-bound) through the
coordinator, `flows.shards.nightly_sharded`, run from this process.

Printed per N: the night's wall time; the pipeline's throughput (articles / the slowest shard's
`articles` stage seconds: fetching, extraction and detection, streamed) and its speed-up over one
worker (the target: >= 1.6x with 2); and the per-article costs the README's capacity model uses:
worker wall ms per stage, worker CPU ms (whole shard runs, Prefect start-up included, read from /proc),
catalog commits (DuckLake snapshots), catalog CPU ms (PostgreSQL's processes) and bytes, data-file
bytes and files; per worker its peak RSS. Figures, not tests: nothing is asserted. Take them on a
quiet machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks.measure import PeakMemory, tree_cpu_seconds
from benchmarks.nightly_bench import load_material, plan, serve, write_sources


def one_night(n: int, pg: Any, server: Any, sources: Path, work: Path) -> dict[str, Any]:
    """One night over `n` fresh workers into a fresh lake; what it cost, from outside and from the shards."""
    from stancewatch.flows.shards import nightly_sharded
    from stancewatch.warehouse import open_warehouse
    from stancewatch.warehouse.lake import Lake

    lake = Lake(pg.create_database(f"bench_{n}"), f"{work}/lake-{n}/")
    config = work / f"scale-{n}.yaml"
    settings = {
        "warehouse": {"kind": "ducklake", "catalog": lake.catalog, "data_path": lake.data_path},
        "scale": {"shards": n},
        "articles": {"workers": 1},  # one CPU process per worker: the unit the model counts
        "fetch": {"per_host_delay": 0, "per_host_concurrency": 8},  # CPU-bound: no politeness waits
        "alerts": {"enabled": False},
    }
    config.write_text(yaml.safe_dump(settings))
    with open_warehouse(lake) as wh:  # the schema first, so that the night's costs are the night's
        snapshots_before = wh.scalar("SELECT count(*) FROM lake.snapshots()")
    catalog_before = _db_size(pg, lake)
    postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
    workers = [server.worker("stancewatch", "shards", 1, f"bench-{n}-{i}") for i in range(n)]
    memory = [PeakMemory(w.pid, interval=0.2).__enter__() for w in workers]
    cpu_before = [tree_cpu_seconds(w.pid) for w in workers], tree_cpu_seconds(postmaster)
    start = time.perf_counter()
    with server.client():
        summary = nightly_sharded(sources=str(sources), config=str(config), night="2026-11-20", quiet=True)
    wall = time.perf_counter() - start
    cpu_after = [tree_cpu_seconds(w.pid) for w in workers], tree_cpu_seconds(postmaster)
    for m, w in zip(memory, workers):
        m.__exit__()
        server.kill(w)
    with open_warehouse(lake, migrate=False) as wh:
        snapshots = wh.scalar("SELECT count(*) FROM lake.snapshots()") - snapshots_before
    files = [p for p in Path(lake.data_path or "").rglob("*") if p.is_file()]
    return {
        "workers": n,
        "wall": wall,
        "articles": summary["new_articles"],
        "statements": summary["new_statements"],
        "coordinator": summary["stage_seconds"],
        "shards": [r["stats"] or {"stage_seconds": {}} for r in summary["shards"]],
        "worker_cpu": sum(cpu_after[0]) - sum(cpu_before[0]),
        "worker_peak_mib": [m.peak_kib / 1024 for m in memory],
        "catalog_cpu": cpu_after[1] - cpu_before[1],
        "catalog_bytes": _db_size(pg, lake) - catalog_before,
        "snapshots": snapshots,
        "data_bytes": sum(p.stat().st_size for p in files),
        "data_files": len(files),
    }


def _db_size(pg: Any, lake: Any) -> int:
    dbname = lake.catalog.split()[0].split("=")[1]
    return int(pg.psql("postgres", f"SELECT pg_database_size('{dbname}')").strip())


def cpu_stage_seconds(shard: dict[str, Any]) -> float:
    """The shard's pipeline seconds: fetching, extraction and detection overlap in one stage."""
    return shard["stage_seconds"].get("articles", 0.0)


def report(r: dict[str, Any], base: dict[str, Any]) -> None:
    n, articles = r["workers"], max(1, r["articles"])
    slowest = max(cpu_stage_seconds(s) for s in r["shards"])
    rate = r["articles"] / slowest if slowest else 0.0
    base_slowest = max(cpu_stage_seconds(s) for s in base["shards"])
    base_rate = base["articles"] / base_slowest if base_slowest else 0.0
    print(f"\n== {n} worker(s), one CPU process each ==")
    print(f"night: {r['wall']:.1f} s wall for {r['articles']} articles, {r['statements']} statements")
    for s in r["shards"]:
        print(f"  shard {s.get('shard')}: {s.get('articles')} articles, stage seconds {s.get('stage_seconds')}")
    print(f"  coordinator after the shards: {r['coordinator']}")
    print(f"pipeline (slowest shard, fetch + extraction + detection): {slowest:.1f} s -> {rate:.1f} articles/s")
    # The hash split is uneven on few feeds (source ids include each site's port, new each run):
    # the sum of each worker's own rate is what N workers give when their shards are even.
    even = sum(s.get("articles", 0) / cpu_stage_seconds(s) for s in r["shards"] if cpu_stage_seconds(s) > 0)
    print(f"  sum of the workers' own rates (shards as if even): {even:.1f} articles/s")
    if r is not base and base_rate:
        speed_up, even_speed_up = rate / base_rate, even / base_rate
        print(f"speed-up over 1 worker on the pipeline: {speed_up:.2f}x, with even shards {even_speed_up:.2f}x")
        print("  (target: >= 1.6x with 2 workers)")
    per_stage = {
        k: 1000 * sum(s["stage_seconds"].get(k, 0.0) for s in r["shards"]) / articles for k in ("feeds", "articles")
    }
    print("per article (capacity model):")
    print("  worker wall ms per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in per_stage.items()))
    print(f"  worker CPU ms (whole shard runs, start-up included): {1000 * r['worker_cpu'] / articles:.1f}")
    print(
        f"  catalog: {r['snapshots'] / articles:.3f} commits, {1000 * r['catalog_cpu'] / articles:.2f} ms PostgreSQL "
        f"CPU, {r['catalog_bytes'] / articles / 1000:.2f} KB"
    )
    print(f"  data files: {r['data_bytes'] / articles / 1000:.2f} KB, {r['data_files'] / articles:.3f} files")
    print("peak RSS per worker (worker + its flow run): " + ", ".join(f"{m:.0f} MiB" for m in r["worker_peak_mib"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument(
        "corpora",
        type=Path,
        help="the shared corpora folder (kremlin-news, mfa-press-conferences, statedept-rss-daily)",
    )
    ap.add_argument("--n", type=int, default=1000, help="pages in the night (default 1,000)")
    ap.add_argument("--hosts", type=int, default=40, help="feeds, one per loopback host (default 40)")
    ap.add_argument("--workers", default="1,2", help="worker counts to run, comma-separated (default 1,2)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (lake files, Prefect home, logs)")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="stancewatch-scale-bench-"))
    # Prefect reads its settings when first imported: this process's own offline home, before any import of it.
    os.environ.update(PREFECT_HOME=str(work / "client"), DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from tests.support.postgres import Postgres
    from tests.support.prefectserver import PrefectServer

    sites = serve(plan(load_material(args.corpora), args.n, args.hosts), latency=0.0)
    print(f"{args.n} pages over {len(sites)} hosts; work folder {work}")
    results: list[dict[str, Any]] = []
    with Postgres() as pg, PrefectServer(work) as server:
        sources = write_sources(work / "sources.yaml", sites)
        server.prefect("work-pool", "create", "stancewatch", "--type", "process")
        server.prefect("--no-prompt", "deploy", "--name", "night-shard")
        for n in (int(x) for x in args.workers.split(",")):
            results.append(one_night(n, pg, server, sources, work))
            report(results[-1], results[0])
    for site in sites:
        site.server.shutdown()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The night over several workers: sources split into shards, one shard per worker, then shifts and alerts once.

Why: one process on one machine does about 57 articles/s; a desk following
thousands of feeds needs several machines, and DuckDB allows one writer per
file. On a DuckLake warehouse (PostgreSQL catalog, shared data files) every
worker can write, so the night is split by source:

- `shard_of` puts each source in a shard by a stable hash of its id (the same
  on every machine and every night, unlike Python's salted `hash`);
- `night_shard` (one Prefect deployment, run by process workers) reads its
  sources and streams their articles through fetching, extraction and
  detection into the lake: the single machine's article path
  (`stages.process_sources` and its pipeline), restricted to the shard's
  sources;
- `nightly_sharded` (the coordinator) migrates once, starts every shard as a
  run of that deployment, waits for all of them, and only then removes rows
  two shards raced on, finds shifts and sends alerts — once, from one place,
  so exactly-once alerts hold as on one machine — and publishes the night's
  snapshot.

A shard that dies half way (its worker killed) has committed what it did
group by group; running the night again resumes it like any night: sources
already fetched are skipped, stored articles are not fetched again, read
articles are not read again. The CPU jobs (extraction, detection) go to the
shard machine's process pool, or to a `distributed` cluster through
prefect-dask when `scale.dask_address` is set (`flows.taskpool`).
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import stancewatch.flows  # noqa: F401  (offline environment before Prefect)
from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.objects import FlowRun
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.asyncutils import run_coro_as_sync

from stancewatch.domain.config import Config, ConfigError, SourcesFile, load_config, load_sources
from stancewatch.extractors.detection import detector_version
from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.flows.faults import checkpoint
from stancewatch.flows.nightly import _tonight, run_details
from stancewatch.flows.stages import StageClock, alert_stage, process_sources, shift_stage
from stancewatch.flows.summary import print_summary, to_markdown
from stancewatch.flows.taskpool import TaskRunnerPool
from stancewatch.flows.workers import Pool, worker_pool
from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.db import SCHEMA_DIR
from stancewatch.warehouse.lake import Lake, dedupe_keys, table_keys
from stancewatch.warehouse.publish import complete_lake_night
from stancewatch.warehouse.runs import finish_run, parse_night, run_summary, start_night


def shard_of(source_id: str, shards: int) -> int:
    """The shard a source belongs to: stable across processes, machines and nights."""
    return int(hashlib.sha256(source_id.encode()).hexdigest()[:12], 16) % max(1, shards)


def shard_sources(srcs: SourcesFile, shard: int, shards: int) -> SourcesFile:
    """The sources file cut down to one shard's sources."""
    mine = [s for s in srcs.sources if shard_of(s.source_id, shards) == shard]
    return srcs.model_copy(update={"sources": mine})


def lake_of(cfg: Config, db: str = "") -> Lake:
    """The DuckLake the sharded night writes: several writers need it (one DuckDB file allows one)."""
    target = cfg.warehouse.target(db)
    if not isinstance(target, Lake):
        raise ConfigError(
            "a sharded night needs warehouse.kind: ducklake (one DuckDB file allows one writer process); "
            "see README 'When one machine is not enough'"
        )
    return target


def fetch_policy(cfg: Config, srcs: SourcesFile) -> FetchPolicy:
    return FetchPolicy(
        **cfg.fetch.model_dump(),
        allow_private_networks=srcs.allow_private_networks,
        allowed_networks=tuple(srcs.allowed_networks),
    )


# ----------------------------------------------------------------------------- one shard
# persist_result: the coordinator reads each shard's counts and stage seconds (where storage is shared).
# Ignored: Prefect 3.9 fails mypy on its own documented task_runner usage (PrefectHQ/prefect issue 16938)
@flow(name="night-shard", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False, persist_result=True)  # type: ignore[arg-type]
def night_shard(
    shard: int,
    shards: int,
    run_id: str,
    sources: str | None = None,
    config: str | None = None,
    db: str = "",
) -> dict[str, Any]:
    """Read one shard's sources and fetch, extract and detect their articles for the run `run_id` (the
    coordinator's) into DuckLake.

    Returns the shard's work counts, the pipeline's figures and per-stage wall seconds (the benchmark
    reads them).
    """
    cfg, srcs = load_config(config), load_sources(sources)
    lake, mine = lake_of(cfg, db), shard_sources(srcs, shard, shards)
    policy = fetch_policy(cfg, srcs)
    if cfg.scale.dask_address:
        counts = on_dask(cfg.scale.dask_address)(lake, run_id, cfg, mine, policy)
    else:
        counts = shard_work(lake, run_id, cfg, mine, policy, on_cluster=False)
    checkpoint("detected")
    return {"shard": shard, "sources": len(mine.sources), **counts}


def shard_work(
    lake: Lake, run_id: str, cfg: Config, mine: SourcesFile, policy: FetchPolicy, on_cluster: bool
) -> dict[str, Any]:
    """One shard's sources through the night's article path (`process_sources`: the feeds, then the
    streamed pipeline), restricted to their articles.

    The CPU jobs go to this machine's worker pool (as on one machine), or with `on_cluster` to the
    calling flow's task runner (Dask's workers); this process fetches and does every warehouse write.
    """
    version, clock = detector_version(cfg.detector.mode), StageClock()
    source_ids = [s.source_id for s in mine.sources]
    with open_warehouse(lake, migrate=False) as wh, _pool(cfg, on_cluster) as pool:
        stats = process_sources(wh, run_id, cfg, mine, policy, version, pool, clock, source_ids=source_ids)
    return {
        "articles": sum(stats["articles"].values()),
        "detected": stats["detected"],
        "pipeline": stats,
        "stage_seconds": clock.seconds,
    }


@contextmanager
def _pool(cfg: Config, on_cluster: bool) -> Iterator[Pool]:
    if on_cluster:
        yield TaskRunnerPool()
        return
    with worker_pool(cfg.articles.workers, cfg.detector.mode) as pool:
        yield pool


@flow(name="night-shard-on-dask", validate_parameters=False, log_prints=False)
def shard_on_cluster(lake: Lake, run_id: str, cfg: Config, mine: SourcesFile, policy: FetchPolicy) -> dict[str, Any]:
    """`shard_work` as a subflow, so that its CPU jobs run on the subflow's task runner (see `on_dask`)."""
    return shard_work(lake, run_id, cfg, mine, policy, on_cluster=True)


def on_dask(address: str) -> Any:
    """`shard_on_cluster` with its task runner on the `distributed` scheduler at `address`, through
    prefect-dask: the cluster's workers extract and detect (`flows.taskpool`), this process reads the
    feeds, fetches the pages and does every warehouse write."""
    from prefect_dask.task_runners import DaskTaskRunner  # the [scale] extra; imported only when configured

    # Ignored: the same Prefect typing gap as the @flow task_runner above (PrefectHQ/prefect issue 16938)
    return shard_on_cluster.with_options(task_runner=DaskTaskRunner(address=address))  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- the coordinator
@flow(name="nightly-sharded", log_prints=False)
def nightly_sharded(
    sources: str | None = None,
    config: str | None = None,
    night: str | None = None,
    db: str = "",
    quiet: bool = False,
) -> dict[str, Any]:
    """The night over `scale.shards` workers: every shard, then shifts and alerts once, then publish.

    night: a date (YYYY-MM-DD), default today in the configured timezone. As on one machine, the
    night's latest run is resumed if it did not complete (shards that finished find nothing left to
    do), and otherwise the night's next run starts.
    """
    given = parse_night(night)  # before anything else: a typo is an error, not a run
    cfg, _ = load_config(config), load_sources(sources)
    lake = lake_of(cfg, db)
    version = detector_version(cfg.detector.mode)
    with open_warehouse(lake, wait=30) as wh:  # migrations and views, once, before any shard writes
        run = start_night(wh, given or _tonight(cfg.timezone), str(flow_run.id) if flow_run.id else None, version)
    run_id = run.run_id
    params = {"run_id": run_id, "sources": sources, "config": config, "db": db}
    results = run_shards(cfg.scale.shard_deployment, cfg.scale.shards, params)
    failed = [r for r in results if r["state"] != "COMPLETED"]
    clock = StageClock()
    with open_warehouse(lake, migrate=False) as wh:
        if failed:
            finish_run(wh, run_id, "failed", run_summary(wh, run_id))
            raise RuntimeError(
                f"{len(failed)} of {len(results)} shards did not complete: {failed}; run the night again"
            )
        with wh.transaction():
            raced = dedupe_keys(wh.con, table_keys(SCHEMA_DIR), run_id)
        with clock("shifts"):
            shift_stage(wh, run_id, cfg)
        checkpoint("committed")
        with clock("alerts"):
            failing = alert_stage(wh, run_id, cfg)
        summary = {
            **run_summary(wh, run_id),
            "failing_sources": failing,
            "stage_seconds": clock.seconds,
            "shards": results,
            "raced_rows_removed": raced,
        }
        summary.update(run_details(wh, run, cfg, summary["shifts_unalerted"]))
        complete_lake_night(wh, run_id, summary)
    create_markdown_artifact(
        to_markdown(summary), key="nightly-summary", description=f"stancewatch run {run_id} (night {run.night})"
    )
    if not quiet:
        print_summary(summary)
    return summary


def run_shards(deployment: str, shards: int, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Start one run of the shard deployment per shard, all at once, and wait for every one to end.

    The wait listens to the server's flow-run events rather than polling it, so a night with many
    shards does not load the server while they work, and the coordinator goes on the moment the
    last one ends.
    """
    runs: list[FlowRun] = run_coro_as_sync(_start_and_wait(deployment, shards, params))
    return [_shard_outcome(shard, run) for shard, run in enumerate(runs)]


async def _start_and_wait(deployment: str, shards: int, params: dict[str, Any]) -> list[FlowRun]:
    from prefect.deployments.flow_runs import arun_deployment
    from prefect.flow_runs import wait_for_flow_run

    started: list[FlowRun] = []
    for shard in range(shards):  # timeout=0: create the run for a worker to pick up, and return at once
        started.append(
            await arun_deployment(deployment, parameters={**params, "shard": shard, "shards": shards}, timeout=0)
        )
    return list(await asyncio.gather(*(wait_for_flow_run(run.id, timeout=None) for run in started)))


def _shard_outcome(shard: int, run: FlowRun) -> dict[str, Any]:
    state = run.state.type.value if run.state else "UNKNOWN"
    try:  # the shard's own figures, when its result storage is reachable from here
        stats = run.state.result(raise_on_failure=False) if run.state and state == "COMPLETED" else None
    except Exception:
        stats = None
    return {"shard": shard, "flow_run": str(run.id), "state": state, "stats": stats}

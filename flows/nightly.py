"""The nightly flow: feeds -> articles -> statements -> shifts -> alerts.

Each stage reads its work list from the warehouse and commits its results
before the next stage starts, so a run killed anywhere can be started again
for the same night (`run_id` = the night) and picks up where it stopped:
nothing is fetched twice, nothing is stored twice, nothing is lost.

Tasks are coarse on purpose — one per source, one per batch of articles —
because Prefect pays a few milliseconds and an API write per task run. The
task bodies are single calls into `extractors` (no Prefect, no DuckDB); only
the flow's own thread writes to the warehouse.
"""
from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import flows  # noqa: F401  (offline environment before Prefect)
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.detection import ArticleText, Found, detect_articles, detector_version
from extractors.fetch import FetchPolicy
from extractors.pages import PageJob, PageResult, harvest
from extractors.sources import FeedState, SourceOutcome, SourceSpec, read_source
from flows import progress
from flows.faults import checkpoint
from flows.summary import print_summary, to_markdown
from stancewatch.alerts.deliver import deliver
from stancewatch.alerts.subscriptions import alert_rows
from stancewatch.config import Config, SourcesFile, load_config, load_sources
from warehouse import Warehouse, open_warehouse
from warehouse.articles import pending_jobs, store_pages
from warehouse.feeds import feed_states, record_fetch, sources_due, sync_sources
from warehouse.health import failing_sources
from warehouse.publish import publish
from warehouse.runs import begin_run, finish_run, run_summary
from warehouse.shifts import Rules, find_shifts, load_records, store_shifts
from warehouse.statements import articles_to_detect, count_to_detect, store_found

#: Below this many pages to extract, a process pool costs more than it saves.
POOL_THRESHOLD = 24


# ----------------------------------------------------------------------------- tasks
@task(name="read-source", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE,
      task_run_name="read-source {spec.url}")
def read_source_task(spec: SourceSpec, state: FeedState, policy: FetchPolicy, max_items: int) -> SourceOutcome:
    """Fetch and parse one source. Bad input is an outcome, not an exception;
    Prefect's retries are for the unexpected (a bug, a full disk)."""
    return read_source(spec, state, policy, max_items)


@task(name="harvest-articles", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def harvest_task(jobs: list[PageJob], policy: FetchPolicy, pool: Executor | None) -> list[PageResult]:
    """Fetch and extract one batch of articles."""
    return harvest(jobs, policy, pool)


@task(name="detect-statements", retries=1, retry_delay_seconds=5, cache_policy=NO_CACHE)
def detect_task(articles: list[ArticleText], mode: str, batch_size: int, pool: Executor | None) -> list[list[Found]]:
    """Detect the statements of one batch of articles (in a worker process when there is a pool)."""
    if pool is None:
        return detect_articles(articles, mode, batch_size)
    return pool.submit(detect_articles, articles, mode, batch_size).result()


# ----------------------------------------------------------------------------- flow
@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)
def nightly(sources: str | None = None, config: str | None = None, db: str = "stancewatch.duckdb",
            night: str | None = None, quiet: bool = False) -> dict[str, Any]:
    """Run one night into the warehouse at `db` and return its summary.

    sources: the sources YAML (default: the shipped real feeds).
    config: a configuration YAML merged over the shipped defaults.
    night: the run_id; default today in the configured timezone (the scheduled
    date for a deployment). Running a night again resumes it.
    """
    cfg, srcs = load_config(config), load_sources(sources)
    run_id = night or _tonight(cfg.timezone)
    with open_warehouse(db, wait=30) as wh:
        begin_run(wh, run_id, str(flow_run.id) if flow_run.id else None, detector_version(cfg.detector.mode))
        try:
            summary = _run_stages(wh, run_id, cfg, srcs)
        except BaseException:
            finish_run(wh, run_id, "failed", run_summary(wh, run_id))
            raise
        finish_run(wh, run_id, "completed", summary)
    publish(db)   # only after a successful night, and after the writer closed the file
    create_markdown_artifact(to_markdown(summary), key="nightly-summary",
                             description=f"stancewatch night {run_id}")
    if not quiet:
        print_summary(summary)
    return summary


def _run_stages(wh: Warehouse, run_id: str, cfg: Config, srcs: SourcesFile) -> dict[str, Any]:
    """The stages in order, each committed before the next; wall seconds per stage are kept."""
    policy = FetchPolicy(**cfg.fetch.model_dump(), allow_private_networks=srcs.allow_private_networks,
                         allowed_networks=tuple(srcs.allowed_networks))
    clock = _StageClock()
    with clock("feeds"):
        fetch_stage(wh, run_id, srcs, policy, cfg.articles.max_items_per_feed)
    checkpoint("fetched")
    jobs = pending_jobs(wh, cfg.articles.max_attempts)
    version = detector_version(cfg.detector.mode)
    heavy = len(jobs) + count_to_detect(wh, version)
    with _process_pool(cfg.articles.workers if heavy >= POOL_THRESHOLD else 0) as pool:
        with clock("articles"):
            article_stage(wh, run_id, policy, cfg, jobs, pool)
        checkpoint("extracted")
        with clock("statements"):
            detect_stage(wh, run_id, cfg, version, pool)
    checkpoint("detected")
    with clock("shifts"):
        shift_stage(wh, run_id, cfg)
    checkpoint("committed")
    with clock("alerts"):
        failing = failing_sources(wh, cfg.alerts.failing_source_nights)
        deliver(wh, cfg.alerts, run_id, failing)
    progress.current().done()
    return {**run_summary(wh, run_id), "failing_sources": failing, "stage_seconds": clock.seconds}


def fetch_stage(wh: Warehouse, run_id: str, srcs: SourcesFile, policy: FetchPolicy, max_items: int) -> None:
    """Read every source not yet done tonight; store each outcome as it arrives."""
    sync_sources(wh, [_source_row(s) for s in srcs.sources], run_id)
    due = set(sources_due(wh, run_id, [s.source_id for s in srcs.sources]))
    states = feed_states(wh)
    specs = [SourceSpec(s.source_id, s.url, s.extractor, s.listing) for s in srcs.sources if s.source_id in due]
    progress.current().stage("feeds", len(specs))
    futures = {read_source_task.submit(sp, states.get(sp.source_id, FeedState()), policy, max_items): sp
               for sp in specs}
    for future in as_completed(list(futures)):
        record_fetch(wh, run_id, _outcome(future, futures[future]))
        progress.current().advance()


def _outcome(future: Any, spec: SourceSpec) -> SourceOutcome:
    """The task's outcome, or a failed one saying what crashed (the night goes on)."""
    try:
        return future.result()
    except Exception as exc:
        get_run_logger().exception("reading %s crashed", spec.url)
        return SourceOutcome(spec.source_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}"[:300])


def article_stage(wh: Warehouse, run_id: str, policy: FetchPolicy, cfg: Config,
                  jobs: list[PageJob], pool: Executor | None) -> None:
    """Fetch and extract every pending article, batch by batch, committing each batch."""
    progress.current().stage("articles", len(jobs))
    futures = {harvest_task.submit(b, policy, pool): b for b in _chunks(jobs, cfg.articles.batch_size)}
    for future in as_completed(list(futures)):
        store_pages(wh, run_id, _harvested(future, futures[future]))
        progress.current().advance(len(futures[future]))


def detect_stage(wh: Warehouse, run_id: str, cfg: Config, version: str, pool: Executor | None) -> None:
    """Detect statements in every article this detector version has not read, batch by batch.

    A crashed batch is logged and left unmarked, so the next run reads it again.
    """
    progress.current().stage("statements", count_to_detect(wh, version))
    futures = {detect_task.submit(b, cfg.detector.mode, cfg.detector.batch_size, pool): b
               for b in articles_to_detect(wh, version, cfg.articles.batch_size)}
    for future in as_completed(list(futures)):
        batch = futures[future]
        try:
            found = future.result()
        except Exception:
            get_run_logger().exception("detection crashed on a batch of %d articles", len(batch))
            continue
        store_found(wh, run_id, version, batch, found)
        progress.current().advance(len(batch))


def _harvested(future: Any, batch: list[PageJob]) -> list[PageResult]:
    try:
        return future.result()
    except Exception as exc:
        get_run_logger().exception("a batch of %d articles crashed", len(batch))
        reason = f"internal error: {type(exc).__name__}: {exc}"[:300]
        return [PageResult(job, "failed", error=reason) for job in batch]


def shift_stage(wh: Warehouse, run_id: str, cfg: Config) -> int:
    """Compare every key's records with the rules; store new shifts and queue their alerts."""
    c = cfg.shifts.corroboration
    rules = Rules(cfg.shifts.window_days, dict(cfg.shifts.severity), tuple(c.applies_to), c.min_sources, c.min_days)
    new = store_shifts(wh, find_shifts(load_records(wh), rules), run_id,
                       alerts_for=lambda shift: alert_rows(cfg.alerts, shift, run_id))
    return len(new)


# ----------------------------------------------------------------------------- helpers
class _StageClock:
    """Wall seconds per stage, for the summary and the benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(time.perf_counter() - start, 3)


@contextmanager
def _process_pool(workers: int) -> Iterator[Executor | None]:
    """A spawn-based pool (fork is unsafe in a threaded process), or None for small nights."""
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Sequence[PageJob], size: int) -> Iterator[list[PageJob]]:
    for start in range(0, len(items), max(1, size)):
        yield list(items[start:start + size])


def _source_row(src: Any) -> dict[str, Any]:
    return {"source_id": src.source_id, "name": src.name, "url": src.url, "country": src.country,
            "kind": src.kind, "extractor": src.extractor, "listing": src.listing}


def _tonight(tz: str) -> str:
    """The night this run belongs to: the scheduled start if Prefect scheduled it, else now."""
    when = flow_run.scheduled_start_time or datetime.now(ZoneInfo(tz))
    return when.astimezone(ZoneInfo(tz)).date().isoformat()


def run_night(sources: str | Path | None, db: str | Path, config: str | Path | None = None,
              night: str | None = None, quiet: bool = False) -> dict[str, Any]:
    """Run the nightly flow from plain Python (the CLI and tests use this)."""
    return nightly(sources=str(sources) if sources else None, config=str(config) if config else None,
                   db=str(db), night=night, quiet=quiet)

"""The pipeline's stages and their Prefect tasks, shared by the nightly and reprocess flows.

Each stage reads its work list from the warehouse and commits its results
before the next stage starts, so a run killed anywhere can be started again
and picks up where it stopped: nothing is fetched twice, nothing is stored
twice, nothing is lost.

Tasks are coarse on purpose — one per source, one per batch of articles —
because Prefect pays a few milliseconds and an API write per task run. The
task bodies are single calls into `extractors` (no Prefect, no DuckDB); only
the flow's own thread writes to the warehouse.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import time
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import stancewatch.flows  # noqa: F401  (offline environment before Prefect)
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.utilities.annotations import quote

from stancewatch.extractors.detection import ArticleText, Found, detect_articles
from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.extractors.pages import PageJob, PageResult, harvest
from stancewatch.extractors.sources import FeedState, SourceOutcome, SourceSpec, read_source
from stancewatch.flows import progress
from stancewatch.domain.alerts.deliver import deliver
from stancewatch.domain.alerts.subscriptions import alert_rows
from stancewatch.domain.config import Config, SourcesFile
from stancewatch.domain.shifts import find_relation_shifts, find_shifts, record_from_row
from stancewatch.warehouse import Warehouse
from stancewatch.warehouse.articles import store_pages
from stancewatch.warehouse.feeds import feed_states, record_fetch, sources_due, sync_sources
from stancewatch.warehouse.health import failing_sources
from stancewatch.warehouse.shifts import load_records, load_relation_records, store_shifts
from stancewatch.warehouse.statements import articles_to_detect, count_to_detect, mark_unreadable, store_found

#: Below this many pages to extract, a process pool costs more than it saves.
POOL_THRESHOLD = 24
#: Source outcomes stored per transaction: a commit costs milliseconds, a night has hundreds of feeds.
FEEDS_PER_COMMIT = 20


# ----------------------------------------------------------------------------- tasks
@task(
    name="read-source",
    retries=2,
    retry_delay_seconds=[2, 10],
    cache_policy=NO_CACHE,
    task_run_name="read-source {spec.url}",
)
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


# ----------------------------------------------------------------------------- stages
def fetch_stage(wh: Warehouse, run_id: str, srcs: SourcesFile, policy: FetchPolicy, max_items: int) -> None:
    """Read every source not yet done tonight; store each outcome as it arrives."""
    sync_sources(wh, [source_row(s) for s in srcs.sources], run_id)
    due = set(sources_due(wh, run_id, [s.source_id for s in srcs.sources]))
    states = feed_states(wh)
    specs = [SourceSpec(s.source_id, s.url, s.extractor, s.listing) for s in srcs.sources if s.source_id in due]
    progress.current().stage("feeds", len(specs))
    futures = {
        read_source_task.submit(sp, states.get(sp.source_id, FeedState()), policy, max_items): sp for sp in specs
    }
    done: list[SourceOutcome] = []
    for future in as_completed(list(futures)):
        done.append(_outcome(future, futures.pop(future)))
        if len(done) >= FEEDS_PER_COMMIT or not futures:
            record_fetch(wh, run_id, done)
            progress.current().advance(len(done))
            done = []


def _outcome(future: Any, spec: SourceSpec) -> SourceOutcome:
    """The task's outcome, or a failed one saying what crashed (the night goes on)."""
    try:
        return future.result()
    except Exception as exc:
        get_run_logger().exception("reading %s crashed", spec.url)
        return SourceOutcome(spec.source_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}"[:300])


_T = TypeVar("_T")


class _Quoted(quote):
    """Prefect's quote() that survives pickling (see `_reduce_quoted`)."""


def _reduce_quoted(q: _Quoted) -> tuple[Any, ...]:
    """quote is a one-item tuple without `__getnewargs__`, so pickle rebuilds it as quote((value,))
    and the task receives a 1-tuple instead of its batch. That is what happened on Dask workers
    (prefect-dask pickles task arguments; PrefectHQ/prefect-dask issue 43); threads never pickle.
    (A reducer, not a method: mypy cannot check a method override on Prefect's annotation type.)"""
    return (_Quoted, (q.unwrap(),))


copyreg.pickle(_Quoted, _reduce_quoted)


def _quoted(batch: list[_T]) -> list[_T]:
    """`batch` wrapped in Prefect's quote(): Prefect would otherwise walk every item of every batch
    looking for futures to resolve. Prefect unwraps it before the task runs, so the task does get
    the list itself (which the cast tells mypy), in this process or, pickled, on a Dask worker."""
    return cast(list[_T], _Quoted(batch))


def article_stage(
    wh: Warehouse, run_id: str, policy: FetchPolicy, cfg: Config, jobs: list[PageJob], pool: Executor | None
) -> None:
    """Fetch and extract every pending article, batch by batch, committing each batch."""
    progress.current().stage("articles", len(jobs))
    futures = {harvest_task.submit(_quoted(b), policy, pool): b for b in chunks(jobs, cfg.articles.batch_size)}
    for future in as_completed(list(futures)):
        batch = futures.pop(future)  # let each batch's pages go once stored
        store_pages(wh, run_id, _harvested(future, batch))
        progress.current().advance(len(batch))


def detect_stage(
    wh: Warehouse,
    run_id: str,
    cfg: Config,
    version: str,
    pool: Executor | None,
    only: Collection[str] | None = None,
) -> None:
    """Detect statements in every article this detector version has not read, batch by batch.

    A crashed batch is logged and left unmarked, so the next run reads it again.
    `only` limits the stage to these article ids (a shard of a sharded night).
    """
    progress.current().stage("statements", count_to_detect(wh, version, only))
    futures = {
        detect_task.submit(_quoted(b), cfg.detector.mode, cfg.detector.batch_size, pool): b
        for b in articles_to_detect(wh, version, cfg.articles.batch_size, only)
    }
    for future in as_completed(list(futures)):
        batch = futures.pop(future)
        try:
            store_found(wh, run_id, version, batch, future.result())
        except Exception:
            get_run_logger().exception(
                "detection failed on a batch of %d articles; reading them one by one", len(batch)
            )
            _detect_one_by_one(wh, run_id, cfg, version, batch, pool)
        progress.current().advance(len(batch))


def _detect_one_by_one(
    wh: Warehouse, run_id: str, cfg: Config, version: str, batch: list[ArticleText], pool: Executor | None
) -> None:
    """After a failed batch: each article alone, so one bad article cannot hold back the others.

    A dead worker pool is the machine's fault, not the article's: those
    articles stay unmarked and the next run reads them again.
    """
    for article in batch:
        try:
            found = (
                detect_articles([article], cfg.detector.mode, cfg.detector.batch_size)
                if pool is None
                else pool.submit(detect_articles, [article], cfg.detector.mode, cfg.detector.batch_size).result()
            )
            store_found(wh, run_id, version, [article], found)
        except BrokenExecutor:
            get_run_logger().error("the detection worker pool died; the rest is left for the next run")
            return
        except Exception as exc:
            mark_unreadable(wh, run_id, version, article, f"{type(exc).__name__}: {exc}")


def _harvested(future: Any, batch: list[PageJob]) -> list[PageResult]:
    try:
        return future.result()
    except Exception as exc:
        get_run_logger().exception("a batch of %d articles crashed", len(batch))
        reason = f"internal error: {type(exc).__name__}: {exc}"[:300]
        return [PageResult(job, "failed", error=reason) for job in batch]


def shift_stage(wh: Warehouse, run_id: str, cfg: Config, queue_alerts: bool = True) -> int:
    """Compare every touched key's records with the shift rules; store new shifts and queue their
    alerts. Relation shifts (a pair's tone across all topics) are stored too, for the report.

    With `queue_alerts` False (reprocessing history) new shifts are stored
    but nobody is mailed about them.
    """
    rules, floor = cfg.shifts, cfg.shifts.corroboration.min_confidence
    records = [record_from_row(r, floor) for r in load_records(wh, touched_in_run=run_id)]
    shifts = {s.shift_id: s for s in find_shifts(records, rules)}
    alerts_for = (lambda row: alert_rows(cfg.alerts, shifts[row["shift_id"]], run_id)) if queue_alerts else None
    new = store_shifts(wh, [s.row(run_id) for s in shifts.values()], alerts_for=alerts_for)
    pairs = [record_from_row(r, floor) for r in load_relation_records(wh, touched_in_run=run_id)]
    relation_rows = [s.row(run_id) for s in find_relation_shifts(pairs, rules)]
    store_shifts(wh, relation_rows, table="store.relation_shifts")
    return len(new)


def alert_stage(wh: Warehouse, run_id: str, cfg: Config) -> list[dict[str, Any]]:
    """Send what the outbox holds; returns the sources failing night after night (named in the digest)."""
    failing = failing_sources(wh, cfg.alerts.failing_source_nights)
    deliver(wh, cfg.alerts, run_id, failing)
    return failing


# ----------------------------------------------------------------------------- helpers
class StageClock:
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
def process_pool(workers: int) -> Iterator[Executor | None]:
    """A spawn-based pool (fork is unsafe in a threaded process), or None for small nights."""
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def chunks(items: Sequence[PageJob], size: int) -> Iterator[list[PageJob]]:
    for start in range(0, len(items), max(1, size)):
        yield list(items[start : start + size])


def source_row(src: Any) -> dict[str, Any]:
    return {
        "source_id": src.source_id,
        "name": src.name,
        "url": src.url,
        "country": src.country,
        "kind": src.kind,
        "extractor": src.extractor,
        "listing": src.listing,
    }

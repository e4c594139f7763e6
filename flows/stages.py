"""The pipeline's stages and their Prefect tasks, shared by the nightly and reprocess flows.

Each stage reads its work list from the warehouse and commits its results
as it goes, so a run killed anywhere can be started again and picks up
where it stopped: nothing is fetched twice, nothing is stored twice,
nothing is lost.

Tasks are coarse on purpose — one per source, one for all of a run's
articles — because Prefect pays a few milliseconds and an API write per task
run. The source task is a single call into `extractors` (no Prefect, no
DuckDB); the articles task runs `flows.pipeline`, which streams pages
through fetching, extraction and detection with the worker pool
(`flows.workers`) and commits from the flow's thread.
"""

from __future__ import annotations

import copyreg
import time
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, TypeVar, cast

import stancewatch.flows  # noqa: F401  (offline environment before Prefect)
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.extractors.pages import PageJob
from stancewatch.extractors.sources import FeedState, SourceOutcome, SourceSpec, read_sources
from stancewatch.flows import progress
from stancewatch.flows.faults import checkpoint
from stancewatch.flows.pipeline import Limits, Pipeline, Stats
from stancewatch.flows.workers import Pool, submitter_if_ready
from stancewatch.domain.alerts.deliver import deliver
from stancewatch.domain.alerts.subscriptions import alert_rows
from stancewatch.domain.config import Config, SourcesFile
from stancewatch.domain.shifts import find_relation_shifts, find_shifts, record_from_row
from stancewatch.warehouse import Warehouse
from stancewatch.warehouse.articles import count_pending, iter_pending_jobs
from stancewatch.warehouse.feeds import feed_states, record_fetch, sources_due, sync_sources
from stancewatch.warehouse.health import failing_sources
from stancewatch.warehouse.shifts import load_records, load_relation_records, store_shifts
from stancewatch.warehouse.statements import articles_to_detect, count_to_detect

#: Source outcomes stored per transaction: a commit costs milliseconds, a night has hundreds of feeds ...
FEEDS_PER_COMMIT = 20
#: ... but none waits longer than this for its commit (the pool starts when the first items are stored).
FEEDS_COMMIT_DELAY = 1.0


# ----------------------------------------------------------------------------- tasks
@task(name="feeds", cache_policy=NO_CACHE)
def feeds_task(
    wh: Warehouse,
    run_id: str,
    sources: list[tuple[SourceSpec, FeedState]],
    policy: FetchPolicy,
    max_items: int,
    on_new_items: Callable[[int], None],
    parse_elsewhere: Callable[[], Callable[..., Future] | None] = lambda: None,
) -> int:
    """Read the run's sources and store their outcomes as they come (one task: the sources are fetched
    as one polite stream, and a Prefect task run per source cost the flow and the API server ~80 ms of
    CPU each, a third of an unchanged night's work for 50 feeds). Returns how many items were new.

    No retries: reading never raises for bad input (a failure is an outcome), what is stored stays
    stored, and the next run reads the sources not done.
    """
    done: list[SourceOutcome] = []
    new, since = 0, time.monotonic()
    for outcome in read_sources(sources, policy, max_items, parse_elsewhere=parse_elsewhere):
        if not done:
            since = time.monotonic()
        done.append(outcome)
        if len(done) >= FEEDS_PER_COMMIT or time.monotonic() - since >= FEEDS_COMMIT_DELAY:
            new += _store_outcomes(wh, run_id, done, on_new_items, new)
            done = []
    if done:
        new += _store_outcomes(wh, run_id, done, on_new_items, new)
    return new


def _store_outcomes(
    wh: Warehouse, run_id: str, done: list[SourceOutcome], on_new_items: Callable[[int], None], before: int
) -> int:
    new = record_fetch(wh, run_id, done)
    progress.current().advance(len(done))
    on_new_items(before + new)
    return new


@task(name="articles", cache_policy=NO_CACHE)
def articles_task(pipeline: Pipeline, jobs: Iterator[list[PageJob]], backlog: Iterator[Any]) -> Stats:
    """Fetch, extract, detect and store the run's articles (one task: the pipeline streams them).

    No retries: every result is committed as it comes, and the next run does what is left.
    """
    pipeline.log = get_run_logger()
    return pipeline.run(jobs, backlog)


# ----------------------------------------------------------------------------- stages
def fetch_stage(
    wh: Warehouse,
    run_id: str,
    srcs: SourcesFile,
    policy: FetchPolicy,
    max_items: int,
    on_new_items: Callable[[int], None] = lambda n: None,
    pool: Pool | None = None,
) -> None:
    """Read every source not yet done tonight; store each outcome as it arrives.

    `on_new_items(total)` hears the running count of new items after each
    commit (the night starts its worker pool as soon as there is work for it).
    Feeds are parsed in the `pool`'s processes once they are loaded (they
    have nothing else to do before the first pages), else in this thread.
    """
    sync_sources(wh, [source_row(s) for s in srcs.sources], run_id)
    due = set(sources_due(wh, run_id, [s.source_id for s in srcs.sources]))
    states = feed_states(wh)
    specs = [SourceSpec(s.source_id, s.url, s.extractor, s.listing) for s in srcs.sources if s.source_id in due]
    progress.current().stage("feeds", len(specs))
    sources = [(sp, states.get(sp.source_id, FeedState())) for sp in specs]
    parse_elsewhere = (lambda: submitter_if_ready(pool)) if pool is not None else (lambda: None)
    feeds_task(wh, run_id, quoted(sources), policy, max_items, quoted(on_new_items), quoted(parse_elsewhere))


_T = TypeVar("_T")


class _Quoted(quote):
    """Prefect's quote() that survives pickling (see `_reduce_quoted`)."""


def _reduce_quoted(q: _Quoted) -> tuple[Any, ...]:
    """quote is a one-item tuple without `__getnewargs__`, so pickle rebuilds it as quote((value,))
    and the task receives a 1-tuple instead of its value. That is what happened on Dask workers
    (prefect-dask pickles task arguments; PrefectHQ/prefect-dask issue 43); threads never pickle.
    (A reducer, not a method: mypy cannot check a method override on Prefect's annotation type.)"""
    return (_Quoted, (q.unwrap(),))


copyreg.pickle(_Quoted, _reduce_quoted)


def quoted(value: _T) -> _T:
    """`value` wrapped in Prefect's quote(): Prefect would otherwise walk it (every job of the work
    list, every page of a job) looking for futures to resolve. Prefect unwraps it before the task
    runs, so the task gets the value itself (which the cast tells mypy), in this process or,
    pickled, on a Dask worker (`flows.taskpool`)."""
    return cast(_T, _Quoted(value))


def article_stage(
    wh: Warehouse,
    run_id: str,
    cfg: Config,
    policy: FetchPolicy,
    version: str,
    pool: Pool,
    fetch: bool = True,
    source_ids: Collection[str] | None = None,
) -> dict[str, Any]:
    """Every pending article fetched, extracted, detected and stored; and every stored article this
    detector version has not read yet (a resumed night, a new version, reprocessing) detected.

    `fetch` False leaves pending pages alone (reprocessing). `source_ids`
    restricts the work to those sources' articles (one shard of a night).
    Returns the pipeline's figures (counts, worker busy time, overlap).
    """
    todo = count_to_detect(wh, version, source_ids) + (
        count_pending(wh, cfg.articles.max_attempts, source_ids) if fetch else 0
    )
    progress.current().stage("articles", todo)
    pool.start_if(todo)
    limits = Limits(store_batch=cfg.articles.batch_size)
    jobs = iter_pending_jobs(wh, cfg.articles.max_attempts, source_ids=source_ids) if fetch else iter(())
    backlog = articles_to_detect(wh, version, limits.texts, source_ids)
    pipeline = Pipeline(
        wh,
        run_id,
        version,
        policy,
        pool,
        mode=cfg.detector.mode,
        detector_batch=cfg.detector.batch_size,
        limits=limits,
        advance=progress.current().advance,
    )
    if pool.own_task_runs:  # every job is its own task run of the flow (a Dask cluster's): no task around them
        pipeline.log = get_run_logger()
        stats = pipeline.run(jobs, backlog)
    else:
        stats = articles_task(quoted(pipeline), quoted(jobs), quoted(backlog))
    return stats.as_dict(pool.workers if pool.parallel else 1)


def process_sources(
    wh: Warehouse,
    run_id: str,
    cfg: Config,
    srcs: SourcesFile,
    policy: FetchPolicy,
    version: str,
    pool: Pool,
    clock: StageClock | None = None,
    source_ids: Collection[str] | None = None,
) -> dict[str, Any]:
    """One night's work on a list of sources: read them, then fetch, extract, detect and store their
    articles. The unit a night is made of (all its sources, or one shard of them).

    The worker pool starts as soon as the feeds bring enough work, so it
    warms up while the remaining feeds are read.
    """
    clock = clock or StageClock()
    backlog = count_to_detect(wh, version, source_ids)
    pool.start_if(backlog)
    with clock("feeds"):
        fetch_stage(
            wh,
            run_id,
            srcs,
            policy,
            cfg.articles.max_items_per_feed,
            on_new_items=lambda n: pool.start_if(n + backlog),
            pool=pool,
        )
    checkpoint("fetched")
    with clock("articles"):
        stats = article_stage(wh, run_id, cfg, policy, version, pool, source_ids=source_ids)
    checkpoint("extracted")  # a night without pages reaches it here; others reached it with their first commit
    return stats


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

"""The article pipeline's CPU jobs as Prefect tasks on the flow's task runner: a Dask cluster.

Why: with `scale.dask_address` set, a shard of a scaled-out night extracts
and detects on the workers of an existing `distributed` cluster (through
prefect-dask's DaskTaskRunner) instead of its own machine's process pool.
The pipeline (`flows.pipeline`) does not change: it hands this pool the same
jobs it hands `flows.workers.WorkerPool` — a few pages to extract, a few
texts to detect — and this pool submits each as a task run of the calling
flow's task runner. The results come back to the pipeline's thread, which
still does every warehouse write; fetching stays in the shard's own process
(the pipeline's FetchStream, polite per host).

prefect-dask pickles every task's arguments to a worker: they are wrapped in
`stages.quoted` (Prefect's quote(), made to survive pickling), so Prefect
does not walk every page looking for futures and the task still gets its list.
A job costs a Prefect task run (an API write or two) on top of its work,
which a job of a few pages or ~10,000 words amortises.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import stancewatch.flows  # noqa: F401  (offline environment before Prefect)
from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture

from stancewatch.extractors.detection import ArticleText, Found, detect_articles
from stancewatch.extractors.fetch import FetchResult
from stancewatch.extractors.pages import PageJob, PageResult, extract_pages
from stancewatch.extractors.worker import timed
from stancewatch.flows.stages import quoted
from stancewatch.flows.workers import JOBS_PER_WORKER


# persist_result=False: a job's result goes straight back to the pipeline, never to result storage
# (a shard's flow persists its own result, and its tasks would otherwise inherit that).
@task(name="extract-pages", cache_policy=NO_CACHE, persist_result=False)
def extract_task(pages: list[tuple[PageJob, FetchResult | None]]) -> tuple[list[PageResult], float]:
    """Extract a few fetched pages (on a Dask worker); the result and the worker's CPU seconds."""
    return timed(extract_pages, pages)


@task(name="detect-statements", cache_policy=NO_CACHE, persist_result=False)
def detect_task(articles: list[ArticleText], mode: str, batch_size: int) -> tuple[list[list[Found]], float]:
    """Detect the statements of a few stored articles (on a Dask worker); the result and its CPU seconds."""
    return timed(detect_articles, articles, mode, batch_size)


#: The pipeline's job functions and the task that runs each.
_TASKS: dict[Callable[..., Any], Any] = {extract_pages: extract_task, detect_articles: detect_task}


class TaskRunnerPool:
    """The `flows.workers.Pool` of a flow whose task runner is a cluster's: each job one task run.

    Made inside the flow (it submits to the flow's task runner). A worker the
    cluster loses is the cluster's to replace; its job either runs again
    elsewhere (distributed's own retry) or fails, and the pipeline handles a
    failed job as on one machine (pages recorded as failed, texts re-read one by one).
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or cluster_threads()
        self.restarts = 0

    @property
    def parallel(self) -> bool:
        return True

    @property
    def own_task_runs(self) -> bool:
        """Each job is a task run of the flow. Submitted from inside another task run, a job would carry that
        run's context to the cluster, parameters included (the pipeline, with its warehouse connection)."""
        return True

    @property
    def slots(self) -> int:
        return self.workers * JOBS_PER_WORKER

    def start_if(self, work: int) -> None:
        """Nothing to start: the cluster is up (and its workers load their models on their first job)."""

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """`fn(*args)` as a task run on the flow's task runner; the future's result is `(result, cpu_seconds)`."""
        done: Future = Future()
        run = _TASKS[fn].submit(*(quoted(a) for a in args))
        run.add_done_callback(lambda finished: _hand_over(finished, done))
        return done

    def restart(self) -> None:
        """Nothing to replace (a cluster replaces its own workers); counted like a process pool's restart."""
        self.restarts += 1


def _hand_over(run: PrefectFuture, done: Future) -> None:
    """A task run's outcome onto the pipeline's future (unless the pipeline cancelled it meanwhile)."""
    if not done.set_running_or_notify_cancel():
        return
    try:
        done.set_result(run.result())
    except BaseException as exc:  # noqa: BLE001 - the job's own failure, handed to the pipeline as a worker's would be
        done.set_exception(exc)


def cluster_threads() -> int:
    """How many jobs the cluster behind the current flow's task runner runs at once (its worker threads)."""
    context = FlowRunContext.get()
    client = getattr(context.task_runner, "client", None) if context else None
    return max(1, sum(client.nthreads().values())) if client is not None else 1

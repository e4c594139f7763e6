"""The worker processes of the CPU stages (page extraction and statement detection).

One pool serves both stages, so whichever has work keeps both cores busy.
It is started only when a night has enough work to pay for it (spawning and
loading spaCy cost seconds), and each worker loads everything at its start
(`extractors.worker.prepare`), before the first batch reaches it. Without a
pool the same calls run inline in the caller's thread, so the pipeline's
code is the same either way. A pool that breaks (a worker killed by the
kernel, a crash in a C extension on hostile input) can be replaced.

No Prefect here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, InvalidStateError, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol

from stancewatch.extractors.worker import prepare, timed

#: Below this many pages or texts, a pool costs more than it saves.
POOL_THRESHOLD = 24
#: Jobs queued per worker: one running, one waiting, so no worker idles between two jobs.
JOBS_PER_WORKER = 2


class Pool(Protocol):
    """What the pipeline and the stages ask of the CPU workers: `WorkerPool` (this machine's processes),
    or `flows.taskpool.TaskRunnerPool` (Prefect tasks on a Dask cluster, for a shard of a scaled-out night)."""

    workers: int
    restarts: int

    @property
    def parallel(self) -> bool: ...

    @property
    def own_task_runs(self) -> bool:
        """Whether each job is a Prefect task run of the flow (then the pipeline must not run inside a task)."""
        ...

    @property
    def slots(self) -> int: ...

    def start_if(self, work: int) -> None: ...

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future: ...

    def restart(self) -> None: ...


class WorkerPool:
    """A spawn-based process pool that starts on demand; inline until then."""

    def __init__(self, workers: int, mode: str = "auto") -> None:
        self.workers = workers
        self.mode = mode
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._warming: list[Future] = []

    @property
    def pids(self) -> list[int]:
        """Process ids of the workers that have started (for measuring and tests)."""
        return [f.result() for f in self._warming if f.done() and f.exception() is None]

    @property
    def parallel(self) -> bool:
        """Whether jobs run in worker processes (else inline, in the caller's thread)."""
        return self._executor is not None

    @property
    def ready(self) -> bool:
        """Whether every worker has started and loaded (a job submitted now starts at once)."""
        return self.parallel and len(self._warming) == self.workers and all(f.done() for f in self._warming)

    @property
    def own_task_runs(self) -> bool:
        """Jobs are plain calls in worker processes, not Prefect task runs."""
        return False

    @property
    def slots(self) -> int:
        """How many jobs the caller should keep submitted at once."""
        return self.workers * JOBS_PER_WORKER if self.parallel else 1

    def start(self) -> None:
        """Spawn and warm the workers now (idempotent; nothing with fewer than 2 workers).

        The processes are forced up at once, each running `prepare` as it
        starts, so the first real batch finds them loaded.
        """
        if self._executor is not None or self.workers <= 1:
            return
        self._executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),  # fork is unsafe in a threaded process
            initializer=prepare,
            initargs=(self.mode,),
        )
        self._warming = [self._executor.submit(os.getpid) for _ in range(self.workers)]

    def start_if(self, work: int) -> None:
        """Start when `work` (pages plus texts) is enough to pay for the pool."""
        if work >= POOL_THRESHOLD:
            self.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run `fn(*args)` in a worker (inline without a pool); the future's result is
        `(result, cpu_seconds)`. Raises BrokenExecutor when the pool has died."""
        if self._executor is not None:
            return self._executor.submit(timed, fn, *args)
        future: Future = Future()
        try:
            future.set_result(timed(fn, *args))
        except Exception as exc:  # as a worker would hand it back
            future.set_exception(exc)
        return future

    def restart(self) -> None:
        """Replace a broken pool with fresh workers."""
        self.close()
        self.restarts += 1
        self.start()

    def close(self, wait: bool = True) -> None:
        """Stop the workers. With `wait` False the processes finish exiting (freeing what spaCy
        loaded takes them a few tenths of a second) while the caller goes on."""
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None


def submitter_if_ready(pool: Pool) -> Callable[..., Future] | None:
    """`submit(fn, *args)` into this machine's worker processes if they are loaded and idle-ready, else
    None (then the caller does the work itself). Its future holds `fn`'s result alone; a pool that
    broke gives a future that raises."""
    if not (isinstance(pool, WorkerPool) and pool.ready):
        return None

    def submit(fn: Callable[..., Any], *args: Any) -> Future:
        out: Future = Future()
        try:
            inner = pool.submit(fn, *args)
        except Exception as exc:  # noqa: BLE001 - BrokenExecutor: the caller does it itself
            out.set_exception(exc)
            return out

        def done(f: Future) -> None:
            try:
                out.set_result(f.result()[0])
            except InvalidStateError:  # the caller cancelled it
                pass
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, who parses it itself
                try:
                    out.set_exception(exc)
                except InvalidStateError:
                    pass

        inner.add_done_callback(done)
        return out

    return submit


#: A pool started ahead of its night (`prestart`), for the next `worker_pool` of its shape.
_prestarted: WorkerPool | None = None


def prestart(workers: int, mode: str = "auto") -> None:
    """Start the pool of a night that is about to run, now: the command line calls this once the
    flow's modules have loaded, so the workers spawn and load spaCy while Prefect's temporary
    server is still starting (the flow's process only waits for it then), not while the night's
    first pages wait for them. The night's `worker_pool(workers, mode)` takes it over; a night
    that finds no work has paid for a pool it does not use (a few CPU seconds, on a core that
    was idle). Nothing with fewer than 2 workers."""
    global _prestarted
    if _prestarted is None and workers > 1:
        _prestarted = WorkerPool(workers, mode)
        _prestarted.start()


def discard_prestarted() -> None:
    """Stop a prestarted pool no night took over (the command failed first, or ran no night)."""
    global _prestarted
    pool, _prestarted = _prestarted, None
    if pool is not None:
        pool.close(wait=False)


def _take_prestarted(workers: int, mode: str) -> WorkerPool | None:
    global _prestarted
    pool = _prestarted
    if pool is None or pool.workers != workers or pool.mode != mode:
        return None
    _prestarted = None
    return pool


@contextmanager
def worker_pool(workers: int, mode: str = "auto") -> Iterator[WorkerPool]:
    """A pool (not started yet, unless it was prestarted for this night) that is shut down on exit,
    without waiting for its processes to be gone (its jobs are done; the night's next stages need
    none of them)."""
    pool = _take_prestarted(workers, mode) or WorkerPool(workers, mode)
    try:
        yield pool
    finally:
        pool.close(wait=False)

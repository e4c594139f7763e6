"""The article pipeline: fetch pages, extract them, store them, detect statements, store those — streamed.

A night is I/O (pages from many hosts, each fetched politely: two at a
time, half a second apart) and CPU (extraction, then detection). Run as
stages one after the other, the workers idle while the first batch is
fetched and the fetcher idles while the last one is detected. Here they
overlap: extraction starts with the first page that arrives, detection
with the first texts stored, and while the workers are busy with one
host's pages the next hosts' pages are already on the wire.

    work list, read in chunks ──▶ FetchStream (polite per host) ──┐
    articles whose feed carried the text ──────────────────────────┴──▶ ready pages
    ready pages ──▶ [worker] extract_pages ──▶ store_pages (commit) ──▶ texts
    stored but not yet read by this detector (resume, new version) ──▶ texts (when idle)
    texts ──▶ [worker] detect_articles ──▶ store_found (commit)

The caller's thread schedules and writes; the fetch stream has its own
thread; the CPU work runs in the worker pool (or inline without one). The
scheduler keeps `pool.slots` jobs submitted and prefers, in this order:
articles to re-read alone, texts to detect, pages to extract, the stored
backlog — downstream first, so what is in hand drains before more is taken.

Memory is bounded by the limits, not by the size of the night: at most
`window` fetched pages are held (the stream fetches no more until the
workers take some), at most about `texts` extracted articles wait for the
detector (extraction waits otherwise), the work lists are read from the
warehouse a chunk at a time, and every result is committed as soon as it
comes back.

Crash safety is the warehouse's: an article's row and units commit
together, its statements and its detection mark commit together and only
after the article; the work lists are queries on what is committed. A run
that dies anywhere is run again and does exactly what is left: pages not
stored are fetched again, stored articles not yet read are read.

No Prefect here: `flows.stages` runs it as one coarse task, and anything
else (a test, a shard of a scaled-out night) can call `Pipeline.run`.
"""

from __future__ import annotations

import logging
import queue
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import BrokenExecutor, Future
from dataclasses import dataclass, field
from typing import Any

from stancewatch.extractors.detection import ArticleText, detect_articles
from stancewatch.extractors.fetch import FetchPolicy, FetchRequest, FetchResult, FetchStream
from stancewatch.extractors.pages import PageJob, PageResult, extract_pages, needs_fetch
from stancewatch.extractors.urls import url_id
from stancewatch.flows.faults import checkpoint
from stancewatch.flows.workers import Pool
from stancewatch.warehouse import Warehouse
from stancewatch.warehouse.articles import store_pages
from stancewatch.warehouse.statements import mark_unreadable, store_found, stored_to_detect


@dataclass(frozen=True)
class Limits:
    """Job and queue sizes. Small jobs keep both workers fed and results flowing; each costs a
    few milliseconds of pickling and a share of a commit."""

    pages_per_job: int = 8  # pages per extraction job
    chars_per_job: int = 60_000  # text per detection job (~10,000 words)
    chars_per_last_job: int = 8_000  # ... once the texts waiting are the run's last (the workers finish together)
    window: int = 128  # fetched pages held at most: in flight or waiting for a worker (~40 KB each, at most max_bytes)
    lookahead: int = 256  # work-list entries queued for fetching at most
    texts: int = 64  # stored articles waiting for the detector (the backlog is read this many at a time)
    store_batch: int = 48  # results committed together (a commit costs tens of milliseconds, whatever its size;
    # the configuration's articles.batch_size)
    store_delay: float = 2.0  # ... or once the oldest waiting result is this many seconds old
    max_restarts: int = 3  # broken pools replaced in one run; then the rest is left for the next run


@dataclass
class Stats:
    """What the pipeline did, and how well it overlapped (seconds from its start)."""

    seconds: float = 0.0
    pages_fetched: int = 0
    articles: dict[str, int] = field(default_factory=lambda: {"ok": 0, "duplicate": 0, "failed": 0})
    detected: int = 0
    statements: int = 0
    unreadable: int = 0
    extract_cpu: float = 0.0  # CPU seconds the workers spent extracting
    detect_cpu: float = 0.0  # ... and detecting
    first_extraction: float | None = None  # when the first extraction job was handed out
    first_detection: float | None = None  # when the first detection job was handed out
    fetch_done: float | None = None  # when the last page arrived
    peak_pages_held: int = 0  # fetched pages held at once
    peak_texts: int = 0  # stored articles waiting for the detector at once
    restarts: int = 0
    left_for_next_run: str = ""

    def as_dict(self, workers: int) -> dict[str, Any]:
        busy = (self.extract_cpu + self.detect_cpu) / (max(1, workers) * self.seconds) if self.seconds else 0.0
        out = {k: round(v, 2) if isinstance(v, float) else v for k, v in self.__dict__.items()}
        return {**out, "worker_busy": round(busy, 2)}


@dataclass
class _Job:
    kind: str  # "extract" | "detect"
    items: list[Any]  # (PageJob, FetchResult | None) pairs, or ArticleTexts
    generation: int  # the pool it was submitted to


class Pipeline:
    """One run's pages, from the work list to stored statements."""

    def __init__(
        self,
        wh: Warehouse,
        run_id: str,
        version: str,
        policy: FetchPolicy,
        pool: Pool,
        mode: str = "auto",
        detector_batch: int = 64,
        limits: Limits = Limits(),
        log: logging.Logger | logging.LoggerAdapter = logging.getLogger(__name__),
        advance: Callable[[int], None] = lambda n: None,
    ) -> None:
        self.wh, self.run_id, self.version, self.policy, self.pool = wh, run_id, version, policy, pool
        self.mode, self.detector_batch, self.limits, self.log, self.advance = mode, detector_batch, limits, log, advance
        self.stats = Stats()
        self._events: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._ready: deque[tuple[PageJob, FetchResult | None, bool]] = deque()  # (job, page, holds a credit)
        self._texts: deque[ArticleText] = deque()
        self._singles: deque[ArticleText] = deque()  # re-read one by one after their batch failed
        self._in_flight: dict[Future, _Job] = {}
        self._extracted: list[PageResult] = []  # extracted, not yet committed
        self._found: list[tuple[ArticleText, list[Any]]] = []  # detected, not yet committed
        self._waiting_since: dict[str, float] = {}  # when the oldest uncommitted result of each kind came back
        self._strikes: dict[str, int] = {}  # items that were in a worker when it died
        self._unfetched = 0  # handed to the stream, not back yet
        self._held = 0  # fetched pages held (stream credits)
        self._fetch_done = False
        self._stopped = False  # gave up: take no more work, keep what comes back
        self._stored_any = False
        self._jobs: Iterator[list[PageJob]] | None = None
        self._backlog: Iterator[list[ArticleText]] | None = None

    # ------------------------------------------------------------------------- driving
    def run(self, jobs: Iterable[list[PageJob]], backlog: Iterable[list[ArticleText]] = ()) -> Stats:
        """Process every job (chunks of the work list) and every stored article in `backlog`."""
        self._start = time.perf_counter()
        self._jobs, self._backlog = iter(jobs), iter(backlog)
        self._stream = FetchStream(
            self.policy,
            on_result=lambda job, page: self._events.put(("page", job, page)),
            on_done=lambda: self._events.put(("fetched",)),
            window=self.limits.window,
        )
        try:
            while True:
                self._read_work_list()
                self._commit()
                self._dispatch()
                if self._finished():
                    break
                try:
                    events = [self._events.get(timeout=self._until_commit())]
                except queue.Empty:
                    continue
                while not self._events.empty():
                    events.append(self._events.get())
                self._handle(events)
        except BaseException:
            self._stream.cancel()
            for future in self._in_flight:
                future.cancel()
            raise
        self._stream.join()
        if self._stream.error is not None:
            raise RuntimeError("the page fetcher stopped") from self._stream.error
        self.stats.seconds = self._now()
        self.stats.restarts = self.pool.restarts
        return self.stats

    def _finished(self) -> bool:
        if self._stopped:
            return not (self._in_flight or self._extracted or self._found)
        return (
            self._jobs is None
            and self._fetch_done
            and self._backlog is None
            and not (self._in_flight or self._ready or self._texts or self._singles or self._extracted or self._found)
        )

    def _now(self) -> float:
        return time.perf_counter() - self._start

    # ------------------------------------------------------------------------- taking work
    def _read_work_list(self) -> None:
        """Read more of the work list while the fetcher and the ready pages have room."""
        limits = self.limits
        while self._jobs is not None and self._unfetched < limits.lookahead and len(self._ready) < limits.window:
            chunk = next(self._jobs, None)
            if chunk is None:
                self._jobs = None
                self._stream.close()
                return
            fetch = [(job, FetchRequest(job.link)) for job in chunk if needs_fetch(job)]
            self._ready.extend((job, None, False) for job in chunk if not needs_fetch(job))
            self._stream.add(fetch)
            self._unfetched += len(fetch)

    def _dispatch(self) -> None:
        """Keep the pool's slots filled, downstream work first."""
        while not self._stopped and len(self._in_flight) < self.pool.slots:
            if self._singles:
                self._submit("detect", [self._singles.popleft()])
            elif self._texts:
                self._submit("detect", self._take_texts())
            elif self._ready:
                self._submit("extract", self._take_pages())
            elif self._backlog is not None:
                chunk = next(self._backlog, None)
                if chunk is None:
                    self._backlog = None
                else:
                    self._texts.extend(chunk)
            else:
                return

    def _take_texts(self) -> list[ArticleText]:
        taken: list[ArticleText] = []
        size, limit = 0, self.limits.chars_per_job
        if self._draining():  # the last texts: small jobs, so that the workers finish together
            limit = self.limits.chars_per_last_job
        while self._texts and (not taken or size < limit):
            article = self._texts.popleft()
            taken.append(article)
            size += sum(len(u.text) for u in article.units)
        return taken

    def _draining(self) -> bool:
        """Whether the texts waiting now are the last ones: nothing left to fetch, extract or read."""
        return (
            self._jobs is None
            and self._fetch_done
            and self._backlog is None
            and not self._ready
            and not self._extracted
            and not any(job.kind == "extract" for job in self._in_flight.values())
        )

    def _take_pages(self) -> list[tuple[PageJob, FetchResult | None]]:
        taken: list[tuple[PageJob, FetchResult | None]] = []
        credits = 0
        while self._ready and len(taken) < self.limits.pages_per_job:
            job, page, holds_credit = self._ready.popleft()
            taken.append((job, page))
            credits += holds_credit
        if credits:
            self._held -= credits
            self._stream.release(credits)
        return taken

    def _submit(self, kind: str, items: list[Any]) -> None:
        if kind == "extract":
            self.stats.first_extraction = self.stats.first_extraction or self._now()
            args: tuple[Any, ...] = (extract_pages, items)
        else:
            self.stats.first_detection = self.stats.first_detection or self._now()
            args = (detect_articles, items, self.mode, self.detector_batch)
        job = _Job(kind, items, self.pool.restarts)
        try:
            future = self.pool.submit(*args)
        except BrokenExecutor as exc:
            future = Future()
            future.set_exception(exc)
        self._in_flight[future] = job
        future.add_done_callback(lambda f: self._events.put(("done", f)))

    # ------------------------------------------------------------------------- results
    def _handle(self, events: list[tuple[Any, ...]]) -> None:
        failed, broken = [], []
        for event in events:
            if event[0] == "page":
                _, job, page = event
                if self._stopped:
                    continue
                self._unfetched -= 1
                self._held += 1
                self._ready.append((job, page, True))
                self.stats.pages_fetched += 1
            elif event[0] == "fetched":
                self._fetch_done = True
                self.stats.fetch_done = self._now()
            else:
                job = self._in_flight.pop(event[1])
                if event[1].cancelled():
                    continue
                try:
                    result, cpu = event[1].result()
                except BrokenExecutor:
                    broken.append(job)
                except Exception as exc:  # noqa: BLE001 - a job's own failure, handled per kind
                    failed.append((job, exc))
                else:
                    if job.kind == "extract":
                        self.stats.extract_cpu += cpu
                        self._waiting_since.setdefault("extract", self._now())
                        self._extracted.extend(result)
                    else:
                        self.stats.detect_cpu += cpu
                        self._waiting_since.setdefault("detect", self._now())
                        self._found.extend(zip(job.items, result))
        self.stats.peak_pages_held = max(self.stats.peak_pages_held, self._held)
        for job, error in failed:
            self._job_failed(job, error)
        if broken:
            self._pool_broke(broken)
        self.stats.peak_texts = max(self.stats.peak_texts, len(self._texts))

    def _commit(self, everything: bool = False) -> None:
        """Commit waiting results in groups: when a group is full, when its oldest result has waited
        `store_delay`, when the pipeline has nothing else to do, or (extracted texts) when the workers
        would otherwise run out of work."""
        limits, now = self.limits, self._now()
        idle = not (self._ready or self._texts or self._singles)
        done = self._jobs is None and self._fetch_done and not self._in_flight
        if self._extracted and (
            everything
            or self._stopped
            or idle
            or done
            or len(self._extracted) >= limits.store_batch
            or now - self._waiting_since["extract"] >= limits.store_delay
        ):
            results, self._extracted = self._extracted, []
            del self._waiting_since["extract"]
            self._store_pages(results)
        if self._found and (
            everything
            or done
            or self._stopped
            or len(self._found) >= limits.store_batch
            or now - self._waiting_since["detect"] >= limits.store_delay
        ):
            found, self._found = self._found, []
            del self._waiting_since["detect"]
            self._store_found([a for a, _ in found], [f for _, f in found])

    def _until_commit(self) -> float | None:
        """Seconds until the oldest waiting result is due for its commit (None: nothing waits)."""
        if not self._waiting_since:
            return None
        return max(0.01, min(self._waiting_since.values()) + self.limits.store_delay - self._now())

    def _store_pages(self, results: list[PageResult]) -> None:
        """Commit a group of extracted (or failed) pages; their readable texts go to the detector.

        Of two pages with the same text the first stored keeps it (the other
        is a duplicate of it); pages are stored in the order they arrived.
        """
        stored = store_pages(self.wh, self.run_id, results)
        for status, n in stored.counts.items():
            self.stats.articles[status] += n
        units = {url_id(r.job.url): r.extracted.units for r in results if r.status == "ok" and r.extracted}
        self._texts.extend(stored_to_detect(self.wh, self.version, {a: units[a] for a in stored.readable}))
        self.advance(len(results) - len(stored.readable))
        if not self._stored_any:
            self._stored_any = True
            checkpoint("extracted")  # the first articles are committed, none of their statements yet

    def _store_found(self, articles: list[ArticleText], found: list[list[Any]]) -> None:
        self.stats.statements += store_found(self.wh, self.run_id, self.version, articles, found)
        self.stats.detected += len(articles)
        self.advance(len(articles))

    def _job_failed(self, job: _Job, exc: Exception) -> None:
        """A job raised: pages are recorded as failed; a detection batch is re-read one by one,
        and an article that fails alone is marked unreadable, so it cannot hold back others."""
        if job.kind == "extract":
            self.log.error("extracting %d pages crashed: %r", len(job.items), exc)
            reason = f"internal error: {type(exc).__name__}: {exc}"[:300]
            self._store_pages([PageResult(page_job, "failed", error=reason) for page_job, _ in job.items])
        elif len(job.items) > 1:
            self.log.warning("detection failed on a batch of %d articles; reading them one by one", len(job.items))
            self._singles.extend(job.items)
        else:
            mark_unreadable(self.wh, self.run_id, self.version, job.items[0], f"{type(exc).__name__}: {exc}")
            self.stats.unreadable += 1
            self.advance(1)

    def _pool_broke(self, jobs: list[_Job]) -> None:
        """A worker died (killed, or crashed in C code): replace the pool and retry what it held.

        An item that was in a dying worker twice is the likely culprit: a page
        is recorded as failed (its attempts count, as for any failure), an
        article as unreadable by this detector version. After
        `max_restarts` the run stops taking work; what is not committed is
        done by the next run.
        """
        if self._stopped:
            return
        if any(job.generation == self.pool.restarts for job in jobs):
            if self.pool.restarts >= self.limits.max_restarts:
                self._give_up("the worker pool broke too often")
                return
            self.log.error("a worker process died; starting fresh workers")
            self.pool.restart()
        for job in jobs:
            self._retry_after_break(job)

    def _retry_after_break(self, job: _Job) -> None:
        died = "the worker process died while handling it"
        if job.kind == "extract":
            culprits = []
            for page_job, page in reversed(job.items):
                if self._strike(page_job.url) >= 2:
                    culprits.append(PageResult(page_job, "failed", error=f"internal error: {died}"))
                else:
                    self._ready.appendleft((page_job, page, False))
            if culprits:
                self._store_pages(culprits)
            return
        for article in reversed(job.items):
            if self._strike(article.article_id) >= 2:
                mark_unreadable(self.wh, self.run_id, self.version, article, died)
                self.stats.unreadable += 1
            else:
                self._singles.appendleft(article)

    def _strike(self, key: str) -> int:
        self._strikes[key] = self._strikes.get(key, 0) + 1
        return self._strikes[key]

    def _give_up(self, reason: str) -> None:
        """Stop taking work: nothing more is fetched or submitted; the next run does the rest."""
        self.log.error("%s: the remaining articles are left for the next run", reason)
        self.stats.left_for_next_run = reason
        self._stopped = True
        self._stream.cancel()
        self._jobs = self._backlog = None
        self._ready.clear()
        self._texts.clear()
        self._singles.clear()
        for future in list(self._in_flight):
            future.cancel()

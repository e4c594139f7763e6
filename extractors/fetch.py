"""Fetching feeds and pages politely, with hard bounds on time and memory.

Every night we fetch thousands of URLs from servers we do not control. Some
are slow, some are broken, a few may be hostile, so each fetch is bounded:

* time - connect and read (between bytes) timeouts, plus a wall-clock
  deadline of ``total_timeout`` per *attempt* covering DNS, connect, TLS,
  every redirect hop and the whole body. A server that drips one byte per
  second ends at ``total_timeout``, which ``read_timeout`` alone never does.
  Time spent queueing for a per-host slot and waiting between retries is not
  counted against it, so the worst case for one URL is
  ``(retries + 1) * total_timeout`` plus the retry waits (each at most
  ``max(max_retry_after, backoff * 2**retries)``) plus per-host queueing.
* memory - bodies are streamed raw and decompressed here, in 64 KiB steps
  (``zlib`` ``max_length``, see :mod:`extractors.netguard`), stopping at
  ``max_bytes`` of *decoded* output;
  httpx's own decoder inflates a whole network read at once (~64 MB from a
  64 KiB gzip bomb chunk), so it is bypassed. In flight at most
  ``concurrency * (max_bytes + ~128 KiB)``.
* addresses - see :mod:`extractors.netguard`: every hop is checked, and the
  connection goes to the IP that was checked (no DNS-rebinding window).

Why asyncio (an httpx async transport run by ``asyncio.run``) rather than a
thread pool: thousands of mostly idle sockets cost one thread, per-host
limits are plain semaphores, and cancellation gives a true deadline - a
thread blocked in ``connect`` or a TLS handshake cannot be interrupted.
:func:`fetch_many` is an ordinary blocking function: it works from plain
code and from a worker thread without an event loop (Prefect sync tasks);
called from a thread whose loop is running, it runs in a helper thread.

Network and HTTP problems never raise: they come back as
``FetchResult.error``, a short reason a person can read in a run report.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import hashlib
import random
import ssl
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx

from stancewatch.extractors.netguard import (
    STEP,
    BodyError,
    GuardedBackend,
    Refused,
    decode,
    decoders_for,
    parse_networks,
    static_refusal,
)
from stancewatch.extractors.netguard import check_url as check_url  # part of this module's API

DEFAULT_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, "
    "application/xhtml+xml;q=0.8, */*;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one batch. Timeouts in seconds; see the module docstring.

    ``total_timeout`` is a deadline *per attempt* (all hops and the body),
    not per URL; queueing and retry waits are outside it. ``retries`` are
    extra attempts after 5xx, 429, timeouts and connection errors.
    ``per_host_delay`` spaces the moments requests to one host are started
    (before connection setup), across every call in the process;
    ``per_host_concurrency`` and ``concurrency`` hold within one call.
    ``allowed_networks`` (CIDRs) exempts addresses from the private-address
    refusal, e.g. one intranet feed.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay: float = 0.5
    concurrency: int = 16
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 60.0
    user_agent: str = "stancewatch/0.1 (+https://github.com/stancewatch/stancewatch; news monitoring)"
    allow_private_networks: bool = False
    accept: str = DEFAULT_ACCEPT
    allowed_networks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Nonsense limits are programming/config errors: fail at construction."""
        if min(self.concurrency, self.per_host_concurrency) < 1:
            raise ValueError("concurrency and per_host_concurrency must be at least 1")
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ValueError("timeouts must be positive")
        if min(self.max_bytes, self.max_redirects, self.retries, self.per_host_delay, self.backoff) < 0:
            raise ValueError("limits, retries and delays cannot be negative")
        parse_networks(self.allowed_networks)  # raises ValueError on a bad CIDR


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with the validators saved from the last fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """What happened to one URL. ``error`` is None on 2xx and 304."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    error: str | None
    attempts: int
    elapsed: float

    @property
    def not_modified(self) -> bool:
        """The server confirmed our ETag / Last-Modified: nothing new."""
        return self.status == 304

    @property
    def ok(self) -> bool:
        """True on 2xx and 304."""
        return self.error is None

    @property
    def content_type(self) -> str:
        """Media type without parameters, lower-case ("" when absent)."""
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def body_hash(body: bytes) -> str:
    """sha256 hex of `body`, to spot a 200 whose body did not change."""
    return hashlib.sha256(body).hexdigest()


def parse_retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP-date)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def fetch(
    url: str, policy: FetchPolicy = FetchPolicy(), *, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    """Fetch one URL (a conditional GET when `etag`/`last_modified` given)."""
    return fetch_many([FetchRequest(url, etag, last_modified)], policy)[0]


def fetch_many(requests: Sequence[FetchRequest], policy: FetchPolicy) -> list[FetchResult]:
    """Fetch all `requests` concurrently; results in the same order.

    Blocking. Failures are isolated: each URL gets its own result.
    """
    reqs = [FetchRequest(r) if isinstance(r, str) else r for r in requests]
    if not reqs:
        return []
    try:
        running = asyncio.get_running_loop() is not None
    except RuntimeError:
        running = False
    if not running:  # run outside the except, or every error gets it as context
        return asyncio.run(_run(reqs, policy))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stancewatch-fetch") as pool:
        return pool.submit(lambda: asyncio.run(_run(reqs, policy))).result()


# -- the batch -----------------------------------------------------------------
# Earliest next request start per host, shared by every batch in the process:
# the flows call `fetch` from several worker threads at once, and the delay
# between starts to one host must hold across those calls, not only within
# one `fetch_many`. A reservation (no waiting under the lock) works across
# threads and event loops alike.
_NEXT_START: dict[str, float] = {}
_NEXT_START_LOCK = threading.Lock()


def _reserve_start(host: str, delay: float) -> float:
    """Book the next start slot for `host`; returns seconds to wait for it."""
    with _NEXT_START_LOCK:
        now = time.monotonic()
        if len(_NEXT_START) > 10_000:  # forget hosts whose slot has passed
            for stale in [h for h, t in _NEXT_START.items() if t < now]:
                del _NEXT_START[stale]
        start = max(now, _NEXT_START.get(host, 0.0))
        _NEXT_START[host] = start + delay
        return start - now


class _HostGate:
    """Per-host slots (per batch) plus the process-wide gap between starts.

    The global slot is taken before the start is booked, so a booked start
    is a real start and the gap holds even when all global slots are busy;
    a request waiting for a busy host holds no global slot.
    """

    def __init__(self, host: str, policy: FetchPolicy, global_slots: asyncio.Semaphore) -> None:
        self._host = host
        self._slots = asyncio.Semaphore(policy.per_host_concurrency)
        self._delay = policy.per_host_delay
        self._global = global_slots

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._slots, self._global:
            wait = _reserve_start(self._host, self._delay)
            if wait > 0:
                await asyncio.sleep(wait)
            yield


@dataclass
class _Batch:
    transport: httpx.AsyncHTTPTransport
    policy: FetchPolicy
    global_slots: asyncio.Semaphore
    gates: dict[str, _HostGate] = field(default_factory=dict)

    def gate(self, host: str) -> _HostGate:
        gate = self.gates.get(host) or _HostGate(host, self.policy, self.global_slots)
        return self.gates.setdefault(host, gate)


#: Connections the pool keeps (open and idle). Not a concurrency limit — the per-host and overall
#: semaphores are — but room for every polite host's keep-alive connections: a pool as small as
#: `concurrency` closed one host's idle connection to open another's on almost every request when
#: a batch spans more hosts than that (a new TCP, and for https TLS, handshake per page).
KEPT_CONNECTIONS = 256


@functools.lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle costs ~20 ms; share one context (it is thread-safe)."""
    return httpx.create_ssl_context(trust_env=False)


def _transport(policy: FetchPolicy) -> httpx.AsyncHTTPTransport:
    """A transport whose every TCP connection goes through GuardedBackend.

    httpx 0.28 has no public hook for an httpcore network backend, so the
    transport's pool is replaced (httpx is pinned to 0.28.*; the SSRF tests
    fail loudly if an upgrade bypasses this). The transport is used without
    an ``AsyncClient``: the client builds a follow-up request even when not
    following redirects and raises on ``Location: file:...`` before we can
    report it, and its cookie jar would carry state between unrelated sites.
    """
    transport = httpx.AsyncHTTPTransport(verify=_ssl_context(), trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=KEPT_CONNECTIONS,
        max_keepalive_connections=KEPT_CONNECTIONS,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(policy.allow_private_networks, policy.allowed_networks),
    )
    return transport


def _request_headers(policy: FetchPolicy, req: FetchRequest) -> dict[str, str]:
    """Sent on every hop: a validator from the final URL must reach it."""
    conditional = {"If-None-Match": req.etag, "If-Modified-Since": req.last_modified}
    return {
        "User-Agent": policy.user_agent,
        "Accept": policy.accept,
        "Accept-Encoding": "gzip, deflate",
        **{k: v for k, v in conditional.items() if v},
    }


async def _run(reqs: list[FetchRequest], policy: FetchPolicy) -> list[FetchResult]:
    async with _transport(policy) as transport:
        batch = _Batch(transport, policy, asyncio.Semaphore(policy.concurrency))
        return list(await asyncio.gather(*(_fetch_one(batch, r) for r in reqs)))


# -- the stream ------------------------------------------------------------------
class FetchStream:
    """Fetch URLs in a background thread and hand each result over as soon as it arrives.

    `fetch_many` returns when the slowest URL of its batch is done, so the CPU
    work on a batch waits for its slowest host. A stream lets the caller
    extract the first pages while the rest are still being fetched, and fetch
    one host's pages while it works on another's.

    Memory is bounded by `window`: a request takes a credit when it is
    started and the credit comes back only when the caller calls
    `release()`, having taken the result off the stream's hands, so at most
    `window` bodies are in flight or waiting. Requests are started host by
    host in turn, each host with at most `per_host_concurrency` in flight
    (the politeness gap between starts still holds across the process), so
    a host that hangs ties up at most its own slots, never the whole window.

    `add` queues requests (from any thread); `close` says no more will come.
    `on_result(key, result)` is called in the stream's thread for every
    request; `on_done()` once, after the last result (or after `cancel`).
    Network problems are results, as in `fetch_many`.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        on_result: Callable[[Any, FetchResult], None],
        on_done: Callable[[], None],
        window: int = 64,
    ) -> None:
        self._policy = policy
        self._on_result = on_result
        self._on_done = on_done
        self._window = max(1, window)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: dict[str, collections.deque[tuple[Any, FetchRequest]]] = {}
        self._turns: collections.deque[str] = collections.deque()  # hosts with queued requests, in turn
        self._running: dict[str, int] = {}
        self._closed = False
        self._cancelled = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="stancewatch-fetch-stream", daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    # -- called from the caller's thread -------------------------------------------
    def add(self, items: Iterable[tuple[Any, FetchRequest]]) -> None:
        """Queue (key, request) pairs; `key` comes back with the result."""
        batch = list(items)
        if batch:
            self._call(self._enqueue, batch)

    def close(self) -> None:
        """No more requests: the stream ends once the queued ones are done."""
        self._call(self._set_closed)

    def release(self, n: int = 1) -> None:
        """Give back `n` credits: the caller is done holding that many results."""
        for _ in range(n):
            self._call(self._credits.release)

    def cancel(self) -> None:
        """Stop now: queued requests are dropped, running ones cancelled; waits for the thread."""
        self._call(self._cancel)
        self._thread.join()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def error(self) -> BaseException | None:
        """What ended the stream's thread abnormally, if anything (its results stop there)."""
        return self._error

    def _call(self, fn: Callable[..., Any], *args: Any) -> None:
        if self._loop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(fn, *args)
            except RuntimeError:  # the loop has just closed: nothing left to tell it
                pass

    # -- the stream's own thread ---------------------------------------------------
    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # handed to the constructor if the stream never started
            self._error = exc
        finally:
            self._ready.set()
            self._on_done()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._credits = asyncio.Semaphore(self._window)
        self._wake = asyncio.Event()
        tasks: set[asyncio.Task[None]] = set()
        async with _transport(self._policy) as transport:
            batch = _Batch(transport, self._policy, asyncio.Semaphore(self._policy.concurrency))
            self._ready.set()
            try:
                while not self._stopping():
                    host = self._next_host()
                    if host is None:
                        if self._closed and not tasks:
                            break
                        self._wake.clear()
                        await self._wake.wait()
                        continue
                    await self._credits.acquire()
                    if self._stopping():  # cancel() released the credit this start was waiting for
                        break
                    key, req = self._queues[host].popleft()
                    self._running[host] = self._running.get(host, 0) + 1
                    task = asyncio.ensure_future(self._fetch(batch, host, key, req))
                    tasks.add(task)
                    task.add_done_callback(functools.partial(self._finished, tasks))
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    def _stopping(self) -> bool:
        return self._cancelled

    def _finished(self, tasks: set[asyncio.Task[None]], task: asyncio.Task[None]) -> None:
        """A fetch ended: forget it, and let the dispatcher look again (a slot is free, or all is done)."""
        tasks.discard(task)
        self._wake.set()

    def _next_host(self) -> str | None:
        """The next host, in turn, with a queued request and a free slot."""
        for _ in range(len(self._turns)):
            host = self._turns[0]
            if not self._queues.get(host):
                self._turns.popleft()
                self._queues.pop(host, None)
                continue
            self._turns.rotate(-1)
            if self._running.get(host, 0) < self._policy.per_host_concurrency:
                return host
        return None

    async def _fetch(self, batch: _Batch, host: str, key: Any, req: FetchRequest) -> None:
        try:
            result = await _fetch_one(batch, req)
        except Exception as exc:  # a bug must not silence the stream: it is this URL's failure
            result = FetchResult(req.url, req.url, None, {}, b"", f"internal error: {exc!r}"[:300], 0, 0.0)
        finally:
            self._running[host] -= 1
        self._on_result(key, result)

    def _enqueue(self, batch: list[tuple[Any, FetchRequest]]) -> None:
        for key, req in batch:
            host = _host_of(req.url)
            if host not in self._queues:
                self._queues[host] = collections.deque()
                self._turns.append(host)
            self._queues[host].append((key, req))
        self._wake.set()

    def _set_closed(self) -> None:
        self._closed = True
        self._wake.set()

    def _cancel(self) -> None:
        self._cancelled = True
        self._queues.clear()
        self._turns.clear()
        self._wake.set()
        self._credits.release()  # unblock a start waiting for a credit


def _host_of(url: str) -> str:
    """The politeness key of a URL (its host; the whole URL when it has none)."""
    try:
        return httpx.URL(url).host or url
    except (httpx.InvalidURL, UnicodeError):
        return url


@dataclass
class _Outcome:
    """The end of one attempt: a response, or a reason it failed."""

    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    retryable: bool = False


async def _fetch_one(batch: _Batch, req: FetchRequest) -> FetchResult:
    """Attempts with exponential backoff (equal jitter) or Retry-After."""
    policy = batch.policy
    loop = asyncio.get_running_loop()
    started = loop.time()
    attempts = 0
    while True:
        attempts += 1
        out = await _attempt(batch, req)
        if out.error is None or not out.retryable or attempts > policy.retries:
            break
        wait = policy.backoff * 2 ** (attempts - 1) * random.uniform(0.5, 1.0)
        retry_after = parse_retry_after(out.headers.get("retry-after", ""))
        if retry_after is not None:
            if retry_after > policy.max_retry_after:
                out.error = f"retry-after {retry_after:g}s exceeds limit"
                break
            wait = retry_after
        await asyncio.sleep(wait)
    return FetchResult(
        url=req.url,
        final_url=out.final_url,
        status=out.status,
        headers=out.headers,
        body=out.body if out.error is None else b"",
        error=out.error,
        attempts=attempts,
        elapsed=loop.time() - started,
    )


async def _attempt(batch: _Batch, req: FetchRequest) -> _Outcome:
    """One pass through the redirect chain, checking every hop."""
    policy = batch.policy
    loop = asyncio.get_running_loop()
    headers = _request_headers(policy, req)
    url, budget, seen, redirects = req.url, policy.total_timeout, set(), 0
    out = _Outcome(url)
    while True:
        reason = static_refusal(url)
        if reason is not None:  # after a redirect, keep its status and headers
            out.final_url, out.error, out.retryable = url, reason, False
            return out
        target = httpx.URL(url)
        seen.add(str(target))
        out = _Outcome(url)
        async with batch.gate(target.host).slot():
            began = loop.time()
            try:
                async with asyncio.timeout(max(budget, 0.0)):
                    location = await _hop(batch.transport, target, headers, policy, out)
            except TimeoutError:
                out.error, out.retryable = f"timeout after {policy.total_timeout:g}s (total)", True
                return out
            except Exception as exc:  # noqa: BLE001 - classified, or re-raised
                out.error, out.retryable = _failure(exc, policy)
                return out
            finally:
                budget -= loop.time() - began
        if location is None:
            return out
        redirects += 1
        if redirects > policy.max_redirects:
            out.error = f"too many redirects ({redirects})"
            return out
        try:
            url = str(target.join(location))
        except (httpx.InvalidURL, UnicodeError):
            out.error = "refused: invalid redirect location"
            return out
        if str(httpx.URL(url)) in seen:
            out.error = "redirect loop"
            return out


async def _hop(
    transport: httpx.AsyncHTTPTransport,
    url: httpx.URL,
    headers: dict[str, str],
    policy: FetchPolicy,
    out: _Outcome,
) -> str | None:
    """One request, recorded into `out`; returns a redirect's Location.

    `out` is filled in place so a timeout or error mid-body still reports
    the status and headers that did arrive.
    """
    timeouts = {
        "connect": policy.connect_timeout,
        "read": policy.read_timeout,
        "write": policy.read_timeout,
        "pool": policy.total_timeout,
    }
    request = httpx.Request("GET", url, headers=headers, extensions={"timeout": timeouts})
    resp = await transport.handle_async_request(request)
    resp.request = request
    try:
        out.status = status = resp.status_code
        out.headers = {k.lower(): v for k, v in resp.headers.items()}
        if status in _REDIRECTS and out.headers.get("location"):
            out.error = f"HTTP {status}"  # replaced if the chain goes on
            return out.headers["location"]
        if status == 304:
            return None
        if not 200 <= status < 300:
            out.error, out.retryable = f"HTTP {status}", status >= 500 or status == 429
            return None
        try:
            out.body = await _read_body(resp, out.headers, policy.max_bytes)
        except BodyError as exc:
            out.error = str(exc)
        return None
    finally:
        await resp.aclose()


def _caused_by(exc: BaseException | None, kind: type[BaseException], depth: int = 0) -> bool:
    """Whether `kind` is in the cause chain (anyio wraps connect errors)."""
    if exc is None or depth > 10:
        return False
    if isinstance(exc, kind):
        return True
    if isinstance(exc, BaseExceptionGroup) and any(_caused_by(e, kind, depth + 1) for e in exc.exceptions):
        return True
    return _caused_by(exc.__cause__, kind, depth + 1) or _caused_by(exc.__context__, kind, depth + 1)


def _failure(exc: Exception, policy: FetchPolicy) -> tuple[str, bool]:
    """(reason, retryable) for a transport exception; re-raise bugs."""
    if isinstance(exc, Refused):
        return exc.reason, exc.retryable
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timeout after {policy.connect_timeout:g}s (connect)", True
    if isinstance(exc, (httpx.ReadTimeout, httpx.WriteTimeout)):
        return f"timeout after {policy.read_timeout:g}s (read)", True
    if isinstance(exc, httpx.PoolTimeout):
        return "timeout waiting for a connection (pool)", True
    text = str(exc)[:200] or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        if _caused_by(exc, ConnectionRefusedError):
            return "connection refused", True
        if "ssl" in text.lower() or "certificate" in text.lower():
            return f"TLS error: {text}", False
        return f"connection failed: {text}", True
    if isinstance(exc, httpx.TransportError):  # resets, early close, protocol errors
        return f"{type(exc).__name__}: {text}", True
    if isinstance(exc, (httpx.InvalidURL, UnicodeError)):
        return "refused: invalid URL", False
    raise exc


async def _read_body(resp: httpx.Response, headers: dict[str, str], max_bytes: int) -> bytes:
    """Stream and decode the body, stopping as soon as it passes `max_bytes`."""
    too_large = f"body larger than {max_bytes} bytes"
    decoders = decoders_for(headers.get("content-encoding", ""))
    declared = headers.get("content-length", "")
    if not decoders and declared.isdigit() and int(declared) > max_bytes:
        raise BodyError(too_large)  # no need to download what we would discard
    parts: list[bytes] = []
    size = 0
    async for raw in resp.aiter_raw(STEP):
        for piece in decode(decoders, raw):
            size += len(piece)
            if size > max_bytes:
                raise BodyError(too_large)
            parts.append(piece)
    return b"".join(parts)

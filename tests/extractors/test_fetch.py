"""The fetcher against a real HTTP server on 127.0.0.1 - no mocks.

Every hostile route is finite (drip N bytes, bounded bombs), so a regression
makes a test fail on its time or error assertion instead of hanging the suite.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import threading
import time
import tracemalloc
import zlib
from dataclasses import replace

import pytest

from stancewatch.extractors.fetch import (
    FetchPolicy,
    FetchRequest,
    FetchResult,
    FetchStream,
    body_hash,
    fetch,
    fetch_many,
    parse_retry_after,
)
from tests.support.webserver import Request, WebServer

# Loopback is a private address, so the tests opt in explicitly; per-host
# delay and backoff are shrunk so the file stays fast. Timeouts are generous
# (a busy CI box) except in the tests that are about timeouts.
FAST = FetchPolicy(
    connect_timeout=3.0,
    read_timeout=3.0,
    total_timeout=5.0,
    retries=0,
    backoff=0.05,
    per_host_delay=0.0,
    allow_private_networks=True,
)
MIB = 1 << 20


def _gaps(requests: list[Request]) -> list[float]:
    return [b.time - a.time for a, b in zip(requests, requests[1:])]


def _assert_spaced(requests: list[Request], delay: float) -> None:
    """Starts are booked `delay` apart, but arrival adds local scheduling
    jitter: on a starved 2-core box one late request shortens the next gap.
    So check the typical gap and the whole span, not every gap. Without
    spacing all gaps are ~0 and both checks fail."""
    gaps = sorted(_gaps(requests))
    assert len(gaps) >= 4 and gaps[len(gaps) // 2] >= 0.75 * delay, gaps
    assert requests[-1].time - requests[0].time >= (len(gaps) - 1) * delay, gaps


def test_200_returns_body_headers_and_names_the_project(web: WebServer) -> None:
    web.add("/feed.xml", b"<rss/>", content_type="application/rss+xml; charset=utf-8", headers={"X-Test": "1"})
    r = fetch(web.url("/feed.xml"), FAST)
    assert (r.ok, r.status, r.body, r.attempts, r.error) == (True, 200, b"<rss/>", 1, None)
    assert r.headers["x-test"] == "1" and r.content_type == "application/rss+xml"
    assert r.final_url == r.url == web.url("/feed.xml") and not r.not_modified
    sent = web.requests_to("/feed.xml")[0].headers
    assert "stancewatch" in sent["user-agent"] and "github.com/stancewatch" in sent["user-agent"]
    assert "application/rss+xml" in sent["accept"] and sent["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize("wrap", ["gzip", "zlib", "raw-deflate"])
def test_compressed_bodies_are_decoded(web: WebServer, wrap: str) -> None:
    text = b"<p>statement</p>" * 5000
    wbits = {"gzip": 31, "zlib": 15, "raw-deflate": -15}[wrap]
    comp = zlib.compressobj(6, zlib.DEFLATED, wbits)
    data = comp.compress(text) + comp.flush()
    encoding = "gzip" if wrap == "gzip" else "deflate"
    web.add_handler("/c", lambda req: (200, {"Content-Encoding": encoding}, data))
    r = fetch(web.url("/c"), FAST)
    assert r.ok and r.body == text


def test_404_is_reported_and_not_retried(web: WebServer) -> None:
    r = fetch(web.url("/missing"), replace(FAST, retries=2))
    assert (r.ok, r.status, r.error, r.attempts, r.body) == (False, 404, "HTTP 404", 1, b"")
    assert web.hits("/missing") == 1


def test_500_is_retried_then_reported(web: WebServer) -> None:
    web.add("/broken", statuses=[500])
    r = fetch(web.url("/broken"), replace(FAST, retries=2))
    assert (r.status, r.error, r.attempts) == (500, "HTTP 500", 3)
    assert web.hits("/broken") == 3


def test_flaky_server_recovers_within_retries(web: WebServer) -> None:
    web.add("/flaky", b"fine", statuses=[500, 503, 200])
    r = fetch(web.url("/flaky"), replace(FAST, retries=2))
    assert (r.ok, r.body, r.attempts) == (True, b"fine", 3)


def test_hanging_server_ends_at_read_timeout(web: WebServer) -> None:
    web.add("/hang", hang=True)
    r = fetch(web.url("/hang"), replace(FAST, read_timeout=0.5, total_timeout=5.0))
    assert r.error == "timeout after 0.5s (read)" and r.status is None
    assert 0.4 < r.elapsed < 2.0


def test_hanging_server_ends_at_total_when_it_is_shorter(web: WebServer) -> None:
    web.add("/hang", hang=True)
    r = fetch(web.url("/hang"), replace(FAST, read_timeout=30.0, total_timeout=0.7))
    assert r.error == "timeout after 0.7s (total)"
    assert 0.6 < r.elapsed < 2.0


def test_drip_ends_at_total_timeout_although_read_timeout_never_fires(web: WebServer) -> None:
    web.add("/drip", drip=0.1, drip_bytes=100)  # 10 s if the deadline were missing
    r = fetch(web.url("/drip"), replace(FAST, read_timeout=1.0, total_timeout=1.0))
    assert r.error == "timeout after 1s (total)"
    assert r.status == 200 and r.body == b""  # the headers did arrive
    assert 0.9 < r.elapsed < 2.5


def test_total_timeout_applies_per_attempt(web: WebServer) -> None:
    web.add("/drip", drip=0.1, drip_bytes=100)
    r = fetch(web.url("/drip"), replace(FAST, total_timeout=0.5, retries=1, backoff=0.01))
    assert r.attempts == 2 and web.hits("/drip") == 2
    assert 1.0 < r.elapsed < 2.5


def _traced_peak(web: WebServer, fn):  # type: ignore[no-untyped-def]
    """Peak Python allocation during `fn()`, after a warm-up fetch has done
    the lazy imports, so only the fetch itself is measured."""
    web.replace("/warm-up", b"x")
    assert fetch(web.url("/warm-up"), FAST).ok
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_endless_body_stops_at_max_bytes_with_bounded_memory(web: WebServer) -> None:
    web.add("/endless", endless=True)
    start = time.monotonic()
    r, peak = _traced_peak(web, lambda: fetch(web.url("/endless"), replace(FAST, max_bytes=MIB)))
    assert r.error == f"body larger than {MIB} bytes" and r.body == b""
    assert time.monotonic() - start < 2.0
    assert peak < 3 * MIB, f"peak {peak / MIB:.1f} MiB"  # max_bytes + a few 64 KiB pieces


def test_gzip_bomb_stops_at_max_bytes_of_decoded_output(web: WebServer) -> None:
    # 2 GB decoded, ~2 MB on the wire. One 64 KiB network read of it inflates
    # to ~64 MiB, so a decoder that is not bounded per call blows this limit.
    web.add("/bomb", gzip_bomb=2_000_000_000)
    start = time.monotonic()
    r, peak = _traced_peak(web, lambda: fetch(web.url("/bomb"), replace(FAST, max_bytes=MIB)))
    assert r.error == f"body larger than {MIB} bytes"
    assert time.monotonic() - start < 2.0
    assert peak < 3 * MIB, f"peak {peak / MIB:.1f} MiB"


def test_gzip_stream_under_the_limit_decodes_exactly(web: WebServer) -> None:
    size = 3 * MIB + 12345  # several bomb segments plus a remainder
    web.add("/zeros", gzip_bomb=size)
    r = fetch(web.url("/zeros"), replace(FAST, max_bytes=4 * MIB))
    assert r.ok and len(r.body) == size and r.body.count(0) == size


def test_body_of_exactly_max_bytes_is_accepted_one_more_is_not(web: WebServer) -> None:
    web.add("/exact", b"x" * 1000)
    web.add("/over", b"x" * 1001)
    assert fetch(web.url("/exact"), replace(FAST, max_bytes=1000)).ok
    assert fetch(web.url("/over"), replace(FAST, max_bytes=1000)).error == "body larger than 1000 bytes"


def test_redirects_are_followed_to_the_final_url(web: WebServer) -> None:
    web.add("/old", redirect="/mid", redirect_status=301)
    web.add("/mid", redirect=web.url("/new"))
    web.add("/new", b"moved")
    r = fetch(web.url("/old"), FAST)
    assert (r.ok, r.body, r.final_url, r.url) == (True, b"moved", web.url("/new"), web.url("/old"))


def test_redirect_loop_is_detected(web: WebServer) -> None:
    web.add("/a", redirect="/b")
    web.add("/b", redirect="/a")
    r = fetch(web.url("/a"), replace(FAST, max_redirects=10, retries=2))
    assert (r.error, r.status, r.attempts) == ("redirect loop", 302, 1)
    assert web.hits("/a") == 1 and web.hits("/b") == 1


def test_too_many_redirects(web: WebServer) -> None:
    for i in range(10):
        web.add(f"/hop{i}", redirect=f"/hop{i + 1}")
    r = fetch(web.url("/hop0"), replace(FAST, max_redirects=3))
    assert r.error == "too many redirects (4)"
    assert [q.path for q in web.requests] == ["/hop0", "/hop1", "/hop2", "/hop3"]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)"])
def test_redirect_to_non_http_scheme_is_refused(web: WebServer, target: str) -> None:
    web.add("/r", redirect=target)
    r = fetch(web.url("/r"), FAST)
    assert r.error is not None and r.error.startswith("refused: unsupported scheme")
    assert r.status == 302 and r.final_url.split(":")[0] == target.split(":")[0]


def test_redirect_to_a_private_address_is_refused(web: WebServer) -> None:
    # The explicit seam: the policy exempts exactly 127.0.0.1/32, the test
    # server, through the real code path (the guarded connect). A second real
    # server on 127.0.0.2 - loopback, not exempt - must never be contacted.
    policy = replace(FAST, allow_private_networks=False, allowed_networks=("127.0.0.1/32",))
    with WebServer(host="127.0.0.2") as inner:
        inner.add("/admin", b"secret")
        web.add("/ok", b"public")
        web.add("/to-inner", redirect=inner.url("/admin"))
        web.add("/to-metadata", redirect="http://169.254.169.254/latest/meta-data/")
        web.add("/to-10", redirect="http://10.255.255.1:8080/")
        assert fetch(web.url("/ok"), policy).ok  # the seam admits the first hop
        r = fetch(web.url("/to-inner"), policy)
        assert r.error == "refused: 127.0.0.2 is a loopback address" and r.body == b""
        assert inner.requests == []
        assert fetch(web.url("/to-metadata"), policy).error == "refused: 169.254.169.254 is a link-local address"
        r = fetch(web.url("/to-10"), replace(policy, retries=2))
        assert r.error == "refused: 10.255.255.1 is a private address" and r.attempts == 1
        assert fetch(inner.url("/admin"), FAST).body == b"secret"  # control: it is really there


def test_localhost_and_loopback_are_refused_by_default(web: WebServer) -> None:
    web.add("/a", b"x")
    default = replace(FetchPolicy(), retries=0)
    r = fetch(web.url("/a", host="localhost"), default)
    assert r.error is not None and r.error.startswith("refused: localhost resolves to") and "loopback" in r.error
    assert fetch(web.url("/a"), default).error == "refused: 127.0.0.1 is a loopback address"
    assert web.requests == []


def test_refused_urls_never_reach_the_server(web: WebServer) -> None:
    web.add("/a", b"x")
    port = web.port
    cases = {
        f"http://user:pass@127.0.0.1:{port}/a": "refused: credentials in URL",
        f"http://user@127.0.0.1:{port}/a": "refused: credentials in URL",
        f"ftp://127.0.0.1:{port}/a": "refused: unsupported scheme 'ftp'",
        "file:///etc/passwd": "refused: unsupported scheme 'file'",
        "javascript:alert(1)": "refused: unsupported scheme 'javascript'",
    }
    results = fetch_many([FetchRequest(u) for u in cases], FAST)
    assert [r.error for r in results] == list(cases.values())
    assert all(r.status is None and r.attempts == 1 for r in results)
    assert web.requests == []


def test_429_retry_after_seconds_is_honoured(web: WebServer) -> None:
    web.add("/limited", b"ok", statuses=[429, 200], retry_after="1")
    r = fetch(web.url("/limited"), replace(FAST, retries=1, backoff=0.01))
    assert (r.ok, r.attempts) == (True, 2)
    assert _gaps(web.requests_to("/limited"))[0] >= 0.95


def test_retry_after_http_date_is_honoured(web: WebServer) -> None:
    calls: list[float] = []

    def limited(req: Request) -> tuple[int, dict[str, str], bytes]:
        calls.append(req.time)
        if len(calls) == 1:
            return 503, {"Retry-After": email.utils.formatdate(time.time() + 2, usegmt=True)}, b""
        return 200, {}, b"ok"

    web.add_handler("/date", limited)
    r = fetch(web.url("/date"), replace(FAST, retries=1, backoff=0.01))
    assert r.ok and r.attempts == 2
    assert calls[1] - calls[0] >= 0.95  # whole-second dates: between 1 and 2 s


def test_retry_after_beyond_the_limit_gives_up(web: WebServer) -> None:
    web.add("/later", status=429, retry_after="3600")
    r = fetch(web.url("/later"), replace(FAST, retries=2, max_retry_after=5))
    assert (r.error, r.status, r.attempts) == ("retry-after 3600s exceeds limit", 429, 1)
    assert r.elapsed < 1.0 and web.hits("/later") == 1


def test_conditional_get_with_etag(web: WebServer) -> None:
    web.add("/feed", b"<rss/>", etag='"v1"')
    r = fetch(web.url("/feed"), FAST, etag='"v1"')
    assert (r.ok, r.not_modified, r.status, r.body) == (True, True, 304, b"")
    assert web.requests[-1].headers["if-none-match"] == '"v1"'
    r = fetch(web.url("/feed"), FAST, etag='"v0"')
    assert (r.status, r.body, r.headers["etag"]) == (200, b"<rss/>", '"v1"')


def test_conditional_get_with_last_modified(web: WebServer) -> None:
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    web.add("/feed", b"<rss/>", last_modified=stamp)
    r = fetch(web.url("/feed"), FAST, last_modified=stamp)
    assert r.not_modified and r.ok and r.body == b""
    assert web.requests[-1].headers["if-modified-since"] == stamp
    assert "if-modified-since" not in fetch(web.url("/feed"), FAST).headers  # plain GET still works
    assert "if-modified-since" not in web.requests[-1].headers


def test_per_host_concurrency_is_limited_but_used(web: WebServer) -> None:
    web.add("/slow", b"x", delay=0.3)
    urls = [FetchRequest(web.url(f"/slow?{i}")) for i in range(6)]
    results = fetch_many(urls, replace(FAST, per_host_concurrency=2, concurrency=16))
    assert all(r.ok for r in results)
    assert web.peak_in_flight == 2


def test_hosts_are_limited_separately(web: WebServer) -> None:
    web.add("/slow", b"x", delay=0.3)
    urls = [FetchRequest(web.url("/slow?1", host=h)) for h in ("127.0.0.1", "localhost")] * 2
    fetch_many(urls, replace(FAST, per_host_concurrency=1))
    assert web.peak_in_flight == 2


def test_per_host_delay_spaces_request_starts(web: WebServer) -> None:
    web.add("/fast", b"x")
    urls = [FetchRequest(web.url(f"/fast?{i}")) for i in range(5)]
    fetch_many(urls, replace(FAST, per_host_delay=0.25, per_host_concurrency=5))
    _assert_spaced(web.requests_to("/fast"), 0.25)


def test_per_host_delay_holds_across_concurrent_calls(web: WebServer) -> None:
    # The nightly flow calls fetch() from several worker threads at once.
    web.add("/feed", b"x")
    policy = replace(FAST, per_host_delay=0.25)
    threads = [threading.Thread(target=fetch, args=(web.url(f"/feed?{i}"), policy)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    _assert_spaced(web.requests_to("/feed"), 0.25)


def test_fetch_many_keeps_order_and_isolates_failures(web: WebServer) -> None:
    web.add("/one", b"1")
    web.add("/two", b"2")
    web.add("/hang", hang=True)
    with WebServer() as closed:
        dead = closed.url("/x")  # a port nobody listens on once this closes
    reqs = [web.url("/one"), web.url("/missing"), web.url("/hang"), "ftp://x/", dead, web.url("/two")]
    results = fetch_many([FetchRequest(u) for u in reqs], replace(FAST, read_timeout=1.5, total_timeout=3))
    assert [r.url for r in results] == reqs
    assert [r.error for r in results] == [
        None,
        "HTTP 404",
        "timeout after 1.5s (read)",
        "refused: unsupported scheme 'ftp'",
        "connection refused",
        None,
    ]
    assert (results[0].body, results[-1].body) == (b"1", b"2")


def test_fetch_many_runs_in_threads_and_under_a_running_loop(web: WebServer) -> None:
    web.add("/a", b"x")
    out: list[bool] = []
    t = threading.Thread(target=lambda: out.append(fetch(web.url("/a"), FAST).ok))
    t.start()
    t.join(10)

    async def inside_a_loop() -> bool:
        return fetch(web.url("/a"), FAST).ok

    assert out == [True] and asyncio.run(inside_a_loop())
    assert fetch_many([], FAST) == []


class Collector:
    """A FetchStream's consumer: results with the moment they arrived, and the end."""

    def __init__(self) -> None:
        self.results: list[tuple[str, FetchResult, float]] = []
        self.done = threading.Event()
        self.started = time.monotonic()

    def __call__(self, key: str, result: FetchResult) -> None:
        self.results.append((key, result, time.monotonic() - self.started))

    def keys(self) -> list[str]:
        return [key for key, _, _ in self.results]


def _stream(policy: FetchPolicy, window: int) -> tuple[FetchStream, Collector]:
    got = Collector()
    return FetchStream(policy, on_result=got, on_done=got.done.set, window=window), got


def test_a_stream_hands_each_page_over_as_it_arrives(web: WebServer) -> None:
    """The slow page does not hold back the fast ones (fetch_many would wait for it)."""
    web.add("/slow", b"s", delay=1.5)
    web.add("/fast", b"f")
    stream, got = _stream(FAST, window=8)
    stream.add([("slow", FetchRequest(web.url("/slow")))])
    stream.add((f"fast{i}", FetchRequest(web.url(f"/fast?{i}"))) for i in range(3))
    stream.close()
    stream.release(4)
    assert got.done.wait(10)
    assert sorted(got.keys()[:3]) == ["fast0", "fast1", "fast2"] and got.keys()[3] == "slow"
    fast_at = max(t for key, _, t in got.results if key.startswith("fast"))
    assert fast_at < 1.0 and got.results[-1][0] == "slow" and got.results[-1][1].body == b"s"


def test_a_stream_holds_no_more_pages_than_its_window(web: WebServer) -> None:
    """Nothing is fetched beyond `window` until the consumer releases a page: memory stays flat."""
    web.add("/page", b"p")
    stream, got = _stream(FAST, window=3)
    stream.add((str(i), FetchRequest(web.url(f"/page?{i}"))) for i in range(10))
    stream.close()
    time.sleep(0.5)
    assert len(web.requests) == len(got.results) == 3
    for expected in range(4, 11):
        stream.release()
        deadline = time.monotonic() + 5
        while len(got.results) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        assert len(web.requests) == len(got.results) == expected
    assert got.done.wait(5) and sorted(got.keys(), key=int) == [str(i) for i in range(10)]


def test_a_hanging_host_ties_up_only_its_own_slots(web: WebServer) -> None:
    """A host that answers slowly holds at most its per-host slots of the window; other hosts go on."""
    web.add("/slow", b"s", delay=2.0)
    web.add("/fast", b"f")
    stream, got = _stream(replace(FAST, per_host_concurrency=2), window=4)
    stream.add((f"slow{i}", FetchRequest(web.url(f"/slow?{i}", host="localhost"))) for i in range(6))
    stream.add((f"fast{i}", FetchRequest(web.url(f"/fast?{i}"))) for i in range(6))
    stream.close()
    released = 0
    deadline = time.monotonic() + 20
    while not got.done.is_set() and time.monotonic() < deadline:  # a consumer that keeps up
        if len(got.results) > released:
            stream.release(len(got.results) - released)
            released = len(got.results)
        time.sleep(0.01)
    fast = [t for key, _, t in got.results if key.startswith("fast")]
    slow = [t for key, _, t in got.results if key.startswith("slow")]
    assert len(fast) == len(slow) == 6
    assert max(fast) < min(slow)  # all six fast pages came through while the slow host held its two slots


def test_a_cancelled_stream_stops_at_once(web: WebServer) -> None:
    web.add("/hang", hang=True)
    stream, got = _stream(replace(FAST, read_timeout=30, total_timeout=30), window=4)
    stream.add((str(i), FetchRequest(web.url(f"/hang?{i}"))) for i in range(4))
    time.sleep(0.3)
    started = time.monotonic()
    stream.cancel()
    assert time.monotonic() - started < 2.0 and got.done.is_set() and got.results == []


@pytest.mark.parametrize(
    "bad",
    [
        {"concurrency": 0},
        {"per_host_concurrency": 0},
        {"total_timeout": 0},
        {"retries": -1},
        {"max_bytes": -1},
        {"allowed_networks": ("10.0.0.0/33",)},
    ],
)
def test_nonsense_policies_fail_at_construction(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FetchPolicy(**bad)  # type: ignore[arg-type]


def test_body_hash_and_retry_after_parsing() -> None:
    assert body_hash(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("soon") is None
    from datetime import datetime, timezone

    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now) == 30.0
    assert parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now) == 0.0


# -- the test server's helpers that later suites rely on ------------------------
def test_folder_of_feeds_and_routes_changing_between_nights(web: WebServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "a.xml").write_bytes(b"<rss>night 1</rss>")
    (tmp_path / "secret.txt").write_bytes(b"outside the folder")
    web.serve_directory(feeds, "/feeds/")
    web.add_files({"/pages/one.html": "<p>one</p>"})
    r = fetch(web.url("/feeds/a.xml"), FAST)
    assert (r.body, r.content_type) == (b"<rss>night 1</rss>", "application/xml")
    assert fetch(web.url("/pages/one.html"), FAST).content_type == "text/html"
    assert fetch(web.url("/feeds/%2e%2e/secret.txt"), FAST).status == 404
    (feeds / "a.xml").write_bytes(b"<rss>night 2</rss>")
    web.replace("/pages/one.html", "<p>changed</p>")
    assert fetch(web.url("/feeds/a.xml"), FAST).body == b"<rss>night 2</rss>"
    assert fetch(web.url("/pages/one.html"), FAST).body == b"<p>changed</p>"
    web.remove("/pages/one.html")
    assert fetch(web.url("/pages/one.html"), FAST).status == 404
    web.add("/twice", b"x")
    with pytest.raises(ValueError, match="use replace"):
        web.add("/twice", b"y")


def test_routes_with_query_and_failing_handlers(web: WebServer) -> None:
    web.add("/list?page=2", b"second")
    web.add("/list", b"first")
    web.add_handler("/boom", lambda req: 1 / 0)  # type: ignore[arg-type,return-value]
    assert fetch(web.url("/list?page=2"), FAST).body == b"second"
    assert fetch(web.url("/list?page=3"), FAST).body == b"first"
    assert fetch(web.url("/boom"), FAST).status == 500 and "ZeroDivisionError" in web.errors[0]
    assert [q.query for q in web.requests_to("/list")] == ["page=2", "page=3"]
    method, path, headers = web.requests[0]
    assert (method, path) == ("GET", "/list") and "user-agent" in headers


def test_ipv6_loopback_server() -> None:
    try:
        server = WebServer(host="::1").start()
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with server:
        server.add("/v6", b"six")
        assert fetch(server.url("/v6"), FAST).body == b"six"
        assert fetch(server.url("/v6"), replace(FAST, allow_private_networks=False)).error == (
            "refused: ::1 is a loopback address"
        )


def test_stopping_with_hanging_and_endless_connections_is_fast() -> None:
    with WebServer() as server:
        for route in ("hang", "drip", "endless"):
            server.add(f"/{route}", **{route: 0.5 if route == "drip" else True})
        threads = [
            threading.Thread(target=fetch, args=(server.url(f"/{r}"), replace(FAST, read_timeout=30, total_timeout=30)))
            for r in ("hang", "drip")
        ]
        for t in threads:
            t.start()
        time.sleep(0.3)
        started = time.monotonic()
    assert time.monotonic() - started < 1.0
    for t in threads:
        t.join(5)
        assert not t.is_alive()  # the client saw the connection close, not a 30 s timeout

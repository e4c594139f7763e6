"""The streamed article pipeline, driven directly (no Prefect) and through the real flow.

Pages come from real HTTP servers on loopback addresses (one per "site", so
per-host politeness applies per site), the warehouse is a real DuckDB file,
the worker pool is real spawned processes. What is checked is the mechanism
the pipeline exists for — fetching overlaps extraction and detection, memory
is bounded by the limits and not by the night, a dying worker loses nothing —
from the outside: the servers' request log, the moments statements were
committed, what the warehouse holds. Speed itself is measured by
benchmarks/nightly_bench.py, never asserted here.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import yaml

from stancewatch.extractors.detection import detector_version
from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.extractors.pages import PageJob
from stancewatch.extractors.statements import get_detector
from stancewatch.flows.nightly import run_night
from stancewatch.flows.pipeline import Limits, Pipeline
from stancewatch.flows.workers import WorkerPool
from stancewatch.warehouse import Warehouse, open_warehouse
from stancewatch.warehouse.feeds import sync_sources
from tests.flows.helpers import TEST_CONFIG
from tests.reliability.harness import WALL_CLOCK, table_diff
from tests.support.builders import page, rss, write_sources
from tests.support.snapshot import store_tables
from tests.support.webserver import WebServer

pytestmark = pytest.mark.slow
RUN = "2026-02-01"
STATEMENT = "The Foreign Ministry said on Monday that it firmly opposes the new sanctions against {country}."
FILLER = "Officials stressed that dialogue remains the only way forward for both sides in the dispute."
COUNTRIES = ["Iran", "Cuba", "Syria", "Venezuela", "Belarus", "Myanmar", "Russia", "Mali", "Niger", "Sudan"]


def policy(delay: float) -> FetchPolicy:
    return FetchPolicy(
        connect_timeout=3,
        read_timeout=3,
        total_timeout=5,
        retries=0,
        per_host_delay=delay,
        per_host_concurrency=2,
        allow_private_networks=True,
    )


def sites(stack: ExitStack, hosts: int, pages: int) -> list[WebServer]:
    """`hosts` servers on 127.0.0.2, 127.0.0.3, ... each with `pages` distinct article pages."""
    servers = []
    for h in range(hosts):
        web = stack.enter_context(WebServer(host=f"127.0.0.{2 + h}"))
        for p in range(pages):
            text = [STATEMENT.format(country=COUNTRIES[(h + p) % len(COUNTRIES)]), f"{FILLER} (item {h}-{p})"]
            web.add(f"/a/{p}.html", page(f"Item {h}-{p}", text), content_type="text/html")
        servers.append(web)
    return servers


def jobs_for(servers: list[WebServer], paths: list[str]) -> list[PageJob]:
    """The work list: these paths on every site, the sites taking turns (as the warehouse orders it)."""
    return [PageJob(url=web.url(path), link=web.url(path), source_id="src") for path in paths for web in servers]


def articles(n: int) -> list[str]:
    return [f"/a/{p}.html" for p in range(n)]


def warehouse(tmp_path: Path) -> Warehouse:
    wh = open_warehouse(tmp_path / "w.duckdb")
    row = {"source_id": "src", "name": "Test", "url": "http://127.0.0.2/feed", "country": "USA", "kind": "ministry"}
    sync_sources(wh, [{**row, "extractor": None, "listing": False}], RUN)
    return wh


def chunked(jobs: list[PageJob], size: int = 16) -> Iterator[list[PageJob]]:
    for start in range(0, len(jobs), size):
        yield jobs[start : start + size]


def requests(servers: list[WebServer]) -> list[float]:
    return sorted(r.time for web in servers for r in web.requests)


def test_fetching_goes_on_while_the_first_statements_are_already_committed(tmp_path):
    """Detection starts with the first stored texts, not after the last page: pages are still
    being fetched (politeness makes fetching take seconds) when statements are already in (results
    are committed at least every `store_delay` seconds)."""
    get_detector("auto")  # loaded before, as a warmed worker has it
    committed: list[float] = []
    with ExitStack() as stack:
        servers = sites(stack, hosts=3, pages=10)
        wh = stack.enter_context(warehouse(tmp_path))
        note = lambda n: committed.append(time.monotonic())  # noqa: E731
        pipe = Pipeline(wh, RUN, detector_version("auto"), policy(0.5), WorkerPool(1), advance=note)
        stats = pipe.run(chunked(jobs_for(servers, articles(10))))
        asked = requests(servers)
        statements = wh.scalar("SELECT count(*) FROM store.statements")
        detected = wh.scalar("SELECT count(*) FROM store.detections")
    assert stats.articles == {"ok": 30, "duplicate": 0, "failed": 0} and detected == 30 and statements >= 30
    # 10 pages per site, 0.5 s apart: the last requests go out ~4.5 s after the first ...
    assert asked[-1] - asked[0] >= 4.0 > Limits().store_delay
    # ... and by then statements had been committed: detection overlapped fetching.
    assert committed and committed[0] < asked[-1]
    assert sum(t > committed[0] for t in asked) >= 3
    assert stats.first_detection < stats.fetch_done


def test_the_fetcher_never_runs_further_ahead_than_the_window(tmp_path):
    """However long the night, pages taken from the web and not yet through the pipeline stay
    within the limits: a fast site does not fill memory while the CPU stages work."""
    get_detector("auto")
    limits = Limits(pages_per_job=2, window=4, store_batch=4)
    ahead: list[int] = []
    with ExitStack() as stack:
        servers = sites(stack, hosts=1, pages=40)
        wh = stack.enter_context(warehouse(tmp_path))
        done = 0

        def advance(n: int) -> None:
            nonlocal done
            done += n
            ahead.append(len(servers[0].requests) - done)

        pipe = Pipeline(wh, RUN, detector_version("auto"), policy(0.0), WorkerPool(1), limits=limits, advance=advance)
        stats = pipe.run(chunked(jobs_for(servers, articles(40))))
    assert stats.articles["ok"] == 40 and done == 40
    # held (window) + one extraction job + its texts waiting for the detector (one slot, inline)
    # + results waiting for their commit, extracted and detected
    bound = limits.window + 2 * limits.pages_per_job + 2 * limits.store_batch
    assert max(ahead) <= bound < 40, ahead
    assert stats.peak_pages_held <= limits.window


def test_a_worker_killed_mid_night_is_replaced_and_nothing_is_lost(tmp_path):
    """A worker process dies (the kernel's OOM killer, a crash in C code on hostile HTML): the
    pool is replaced, what it held is done again, and every article is stored and read once."""
    killed: list[int] = []
    pool = WorkerPool(2)
    pool.start()

    def advance(n: int) -> None:
        if not killed and pool.pids:
            killed.append(pool.pids[0])
            os.kill(killed[0], signal.SIGKILL)

    with ExitStack() as stack:
        stack.callback(pool.close)
        servers = sites(stack, hosts=2, pages=20)
        for web in servers:
            web.add("/gone.html", status=404)  # first in line: its failure is the first commit
        wh = stack.enter_context(warehouse(tmp_path))
        work = jobs_for(servers, ["/gone.html", *articles(20)])
        pipe = Pipeline(wh, RUN, detector_version("auto"), policy(0.05), pool, advance=advance)
        stats = pipe.run(chunked(work))
        rows = {r["status"]: r["n"] for r in wh.query("SELECT status, count(*) AS n FROM store.articles GROUP BY ALL")}
        detections = wh.query("SELECT article_id, count(*) AS n, max(error) AS e FROM store.detections GROUP BY ALL")
    assert killed and stats.restarts == 1
    assert rows == {"ok": 40, "failed": 2} and stats.left_for_next_run == ""
    assert len(detections) == 40 and all(d["n"] == 1 and d["e"] is None for d in detections)


def test_a_night_with_worker_processes_stores_what_a_night_without_them_stores(tmp_path):
    """The real flow with a spawned pool (a night big enough for one) and inline: the same warehouse."""
    with ExitStack() as stack:
        servers = sites(stack, hosts=2, pages=15)
        for web in servers:
            items = [{"title": f"Item {p}", "link": web.url(f"/a/{p}.html"), "guid": f"g{p}"} for p in range(15)]
            web.add("/feed.xml", rss(web.url(""), items), content_type="application/rss+xml")
        sources = [
            {"name": f"Site {h}", "url": web.url("/feed.xml"), "country": "USA", "kind": "ministry"}
            for h, web in enumerate(servers)
        ]
        src = write_sources(tmp_path / "sources.yaml", sources, allow_private=True)
        for workers in (1, 2):
            cfg = tmp_path / f"config{workers}.yaml"
            cfg.write_text(yaml.safe_dump({**TEST_CONFIG, "articles": {"workers": workers, "batch_size": 50}}))
            summary = run_night(src, tmp_path / f"w{workers}.duckdb", cfg, night=RUN, quiet=True)
            assert summary["new_articles"] == 30 and summary["pipeline"]["detected"] == 30
            assert summary["pipeline"]["worker_busy"] > 0
    assert (
        table_diff(store_tables(tmp_path / "w2.duckdb", WALL_CLOCK), store_tables(tmp_path / "w1.duckdb", WALL_CLOCK))
        == {}
    )

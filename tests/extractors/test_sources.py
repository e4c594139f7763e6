"""Reading a run's sources as one stream: parsed here, or handed to other workers and taken back."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.extractors.sources import FeedState, SourceSpec, read_sources
from tests.support.builders import rss

POLICY = FetchPolicy(per_host_delay=0, retries=0, allow_private_networks=True)


def _sources(web, n: int) -> list[tuple[SourceSpec, FeedState]]:
    for f in range(n):
        items = [{"title": f"T{f}-{i}", "link": web.url(f"/{f}/{i}.html"), "guid": f"{f}-{i}"} for i in range(3)]
        web.add(f"/feed{f}.xml", rss(web.url(""), items), content_type="application/rss+xml")
    return [(SourceSpec(f"s{f}", web.url(f"/feed{f}.xml")), FeedState()) for f in range(n)]


def _read(sources, parse_elsewhere=lambda: None) -> dict[str, list[str]]:
    outcomes = list(read_sources(sources, POLICY, parse_elsewhere=parse_elsewhere))
    assert all(o.status == "ok" for o in outcomes)
    return {o.source_id: sorted(i.guid for i in o.items) for o in outcomes}


def test_feeds_parsed_by_other_workers_give_what_feeds_parsed_here_give(web):
    sources = _sources(web, 6)
    here = _read(sources)
    with ThreadPoolExecutor(2) as pool:
        handed = []

        def submit(fn, *args) -> Future:
            handed.append(args[0].source_id)
            return pool.submit(fn, *args)

        elsewhere = _read(sources, lambda: submit)
    assert elsewhere == here and len(here) == 6 and sorted(handed) == sorted(here)


def test_a_parse_that_does_not_come_back_is_done_here(web):
    sources = _sources(web, 3)

    def broken(fn, *args) -> Future:
        future: Future = Future()
        future.set_exception(RuntimeError("a worker died"))
        return future

    assert _read(sources, lambda: broken) == _read(sources)

"""Bad input against a real server: the night completes, stores the rest, records each reason,
and the next night retries what failed."""

from __future__ import annotations

import pytest

from stancewatch.flows.nightly import run_night
from stancewatch.warehouse import open_warehouse
from tests.support.builders import page, rss, write_sources

pytestmark = pytest.mark.slow
GOOD = [
    "The ministry said it supports the resumption of talks between the two neighbours.",
    "It called on both sides to exercise restraint and to settle the dispute through dialogue.",
]


def hostile_site(web) -> list[dict]:
    """Eight kinds of bad input plus one healthy feed; returns the sources."""
    base = web.url("")
    web.add("/gone.xml", status=404)
    web.add("/broken.xml", statuses=[500], body=b"oops")
    web.add("/hang.xml", hang=True)
    web.add("/html.xml", page("Not a feed", ["This is a web page, not a feed."]), content_type="text/html")
    # malformed XML: the first item parses, the rest is garbage
    web.add(
        "/malformed.xml",
        rss(base, [{"title": "Salvaged", "link": web.url("/salvaged.html")}]).replace(
            "</channel></rss>", "<item><title>cut off <link>"
        ),
        content_type="application/rss+xml",
    )
    web.add("/salvaged.html", page("Salvaged", GOOD[::-1]), content_type="text/html")
    web.add("/loop-a", redirect="/loop-b")
    web.add("/loop-b", redirect="/loop-a")
    web.add("/report.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20, content_type="application/pdf")
    web.add("/blob.html", b"\x00\x01\x02\x89PNG" * 500, content_type="text/html")
    web.add("/huge.html", page("Huge", ["word " * 100_000]), content_type="text/html")
    web.add("/good.html", page("Good", GOOD), content_type="text/html")
    web.add(
        "/items.xml",
        rss(
            base,
            [
                {"title": "Good", "link": web.url("/good.html")},
                {"title": "PDF", "link": web.url("/report.pdf")},
                {"title": "Binary", "link": web.url("/blob.html")},
                {"title": "Huge", "link": web.url("/huge.html")},
                {"title": "Loop", "link": web.url("/loop-a")},
                {"title": "Missing", "link": web.url("/missing.html")},
                {"title": "Private", "link": "http://10.1.2.3/secret.html"},
                {"title": "Metadata", "link": "http://169.254.169.254/latest/meta-data/"},
                {"title": "Loopback", "link": "http://127.0.0.2:9/admin"},
                {"title": "File", "link": "file:///etc/passwd"},
                {"title": "Creds", "link": "http://user:secret@example.org/x"},
            ],
        ),
        content_type="application/rss+xml",
    )
    names = ["gone", "broken", "hang", "html", "malformed", "items"]
    return [{"name": n, "url": web.url(f"/{n}.xml"), "kind": "news"} for n in names]


def test_a_hostile_night_completes_records_reasons_and_is_retried(web, tmp_path, config_file):
    sources = write_sources(tmp_path / "s.yaml", hostile_site(web), allowed_networks=["127.0.0.1/32"])
    db = tmp_path / "w.duckdb"
    summary = run_night(sources, db, config_file, night="2026-02-01", quiet=True)

    with open_warehouse(db, read_only=True) as wh:
        feeds = {r["source"]: r for r in wh.query("SELECT * FROM fetch_log")}
        arts = {r["title"]: r for r in wh.query("SELECT title, status, error FROM store.articles")}
        stored = {r["title"] for r in wh.query("SELECT title FROM articles")}
    assert feeds["gone"]["error"] == "HTTP 404"
    assert "500" in feeds["broken"]["error"] and feeds["broken"]["attempts"] == 2  # retried once
    assert "timeout" in feeds["hang"]["error"].lower()
    assert "HTML page" in feeds["html"]["error"]
    assert feeds["malformed"]["status"] == "ok" and "malformed" in feeds["malformed"]["warnings"][0]
    items = feeds["items"]
    assert any("file" in w for w in items["warnings"]) and any("credentials" in w for w in items["warnings"])
    assert stored == {"Good", "Salvaged"}
    assert "application/pdf" in arts["PDF"]["error"]
    assert "binary" in arts["Binary"]["error"]
    assert "larger than" in arts["Huge"]["error"]
    assert "redirect" in arts["Loop"]["error"]
    assert arts["Missing"]["error"] == "HTTP 404"
    for title in ("Private", "Metadata", "Loopback"):
        assert arts[title]["status"] == "failed" and "refused" in arts[title]["error"], title
    assert "File" not in arts and "Creds" not in arts  # never stored as work
    assert summary["feeds_failed"] == 4 and summary["new_articles"] == 2
    assert len(summary["errors"]) == 4 + 8  # failed feeds + failed articles, each with its reason
    assert not [r for r in web.requests if r.path in ("/secret.html", "/admin")]

    # The next night: the broken feed and the missing page are fixed; failures are retried.
    web.replace(
        "/broken.xml",
        rss(web.url(""), [{"title": "Recovered", "link": web.url("/recovered.html")}]),
        content_type="application/rss+xml",
    )
    web.add("/recovered.html", page("Recovered", ["Recovered: " + GOOD[0]]), content_type="text/html")
    web.add("/missing.html", page("Missing no more", ["Now it exists. " + GOOD[0]]), content_type="text/html")
    web.clear()
    run_night(sources, db, config_file, night="2026-02-02", quiet=True)
    with open_warehouse(db, read_only=True) as wh:
        stored = {r["title"] for r in wh.query("SELECT title FROM articles")}
        attempts = wh.scalar("SELECT attempts FROM store.articles WHERE title = 'PDF'")
    assert {"Recovered", "Missing no more"} <= stored
    assert attempts == 2  # still failing, counted
    assert web.hits("/good.html") == 0  # what succeeded is not fetched again

"""The nightly flow end to end: real Prefect runs, a real HTTP server, real DuckDB files."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancewatch.flows.nightly import run_night
from stancewatch.warehouse import open_warehouse
from tests.flows.helpers import run_crashing
from tests.support.builders import page, rss, write_sources
from tests.support.snapshot import store_tables

pytestmark = pytest.mark.slow
LOCAL = ["127.0.0.1/32"]  # the test server's address, exempt from the private-network refusal

PARAS_A = [
    "The Foreign Ministry said on Monday that it opposes the new sanctions announced last week.",
    "Officials stressed that dialogue remains the only way forward for both sides in the dispute.",
]
PARAS_B = [
    "Ministers from both countries met in Geneva to discuss trade and climate cooperation.",
    "They agreed to continue talks next month and to set up a working group on tariffs.",
]
FULL_TEXT = (
    "<p>Office of the Spokesperson</p><p>The Secretary spoke today with the Foreign Minister "
    "about regional security, humanitarian assistance and the situation on the border.</p>"
    "<p>The Secretary reaffirmed support for the sovereignty and territorial integrity of the "
    "country and welcomed progress on the ceasefire talks between the parties.</p>"
)


def healthy_site(web) -> None:
    """A news feed pointing at pages, and a ministry feed carrying full text."""
    web.add(
        "/news/feed.xml",
        rss(
            web.url(""),
            [
                {
                    "title": "Sanctions opposed",
                    "link": web.url("/news/a.html?utm_source=rss&utm_medium=x#top"),
                    "guid": "news-a",
                    "date": "Mon, 05 Jan 2026 09:00:00 +0000",
                },
                {
                    "title": "Trade talks",
                    "link": web.url("/news/b.html"),
                    "guid": "news-b",
                    "date": "Mon, 05 Jan 2026 10:00:00 +0000",
                },
            ],
        ),
        content_type="application/rss+xml",
        etag='"news-v1"',
    )
    web.add("/news/a.html", page("Sanctions opposed", PARAS_A), content_type="text/html")
    web.add("/news/b.html", page("Trade talks", PARAS_B), content_type="text/html")
    web.add(
        "/ministry/feed.xml",
        rss(
            web.url(""),
            [
                {
                    "title": "Secretary's call",
                    "link": web.url("/ministry/call/"),
                    "guid": "m-1",
                    "date": "Mon, 05 Jan 2026 12:00:00 +0000",
                    "content": FULL_TEXT,
                },
            ],
        ),
        content_type="application/rss+xml",
    )


def healthy_sources(tmp_path: Path, web) -> Path:
    return write_sources(
        tmp_path / "sources.yaml",
        [
            {"name": "Test News", "url": web.url("/news/feed.xml"), "kind": "news"},
            {"name": "Test Ministry", "url": web.url("/ministry/feed.xml"), "country": "USA", "kind": "ministry"},
        ],
        allowed_networks=LOCAL,
    )


def test_a_night_stores_articles_from_feeds(web, tmp_path, config_file):
    healthy_site(web)
    db = tmp_path / "w.duckdb"
    summary = run_night(healthy_sources(tmp_path, web), db, config_file, night="2026-01-05", quiet=True)
    assert (summary["feeds_ok"], summary["feeds_failed"], summary["new_articles"]) == (2, 0, 3)
    with open_warehouse(db, read_only=True) as wh:
        rows = {r["title"]: r for r in wh.query("SELECT * FROM articles")}
        units = wh.query(
            "SELECT a.title, u.seq, u.text FROM store.article_units u "
            "JOIN articles a USING (article_id) ORDER BY a.title, u.seq"
        )
        run = wh.query("SELECT status, summary->>'new_articles' AS n FROM runs")[0]
    assert rows["Sanctions opposed"]["url"] == web.url("/news/a.html")  # tracking and fragment dropped
    assert PARAS_A[0] in rows["Sanctions opposed"]["text"]
    assert "Copyright" not in rows["Sanctions opposed"]["text"]  # boilerplate removed
    assert rows["Sanctions opposed"]["source"] == "Test News"
    assert str(rows["Sanctions opposed"]["published"]) == "2026-01-05"
    assert rows["Secretary's call"]["extractor"] == "feed"  # full text from content:encoded
    assert rows["Secretary's call"]["source_country"] == "USA"
    assert web.hits("/ministry/call/") == 0  # ... so the page was not fetched
    assert [u["text"] for u in units if u["title"] == "Trade talks"] == PARAS_B
    assert run == {"status": "completed", "n": "3"}


def test_a_second_run_of_a_completed_night_asks_again_and_picks_up_a_new_item(web, tmp_path, config_file):
    """A night holds several runs: running again after a completed run fetches again (conditionally)
    and stores what is new, and the summary tells this run's figures from the night's."""
    healthy_site(web)
    db, sources = tmp_path / "w.duckdb", healthy_sources(tmp_path, web)
    first = run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    web.clear()
    web.add("/ministry/pm.html", page("Afternoon statement", PARAS_A[::-1]), content_type="text/html")
    web.replace(
        "/ministry/feed.xml",
        rss(
            web.url(""),
            [
                {"title": "Afternoon statement", "link": web.url("/ministry/pm.html"), "guid": "m-2"},
                {"title": "Secretary's call", "link": web.url("/ministry/call/"), "guid": "m-1", "content": FULL_TEXT},
            ],
        ),
        content_type="application/rss+xml",
    )
    again = run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    assert (first["run_id"], again["run_id"]) == ("2026-01-05", "2026-01-05.2")
    assert web.requests_to("/news/feed.xml")[0].headers.get("if-none-match") == '"news-v1"'
    assert (again["feeds_ok"], again["feeds_not_modified"], again["new_articles"]) == (1, 1, 1)
    totals = again["night_totals"]
    assert (totals["night"], totals["runs"], totals["new_articles"]) == ("2026-01-05", 2, 4)
    assert totals["feeds_ok"] == 3 and totals["new_statements"] == first["new_statements"] + again["new_statements"]
    assert web.hits("/news/a.html") == 0  # what the first run stored is not fetched again
    with open_warehouse(db, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM articles") == 4
        assert wh.scalar("SELECT count(*) FROM articles WHERE title = 'Afternoon statement'") == 1
        runs = wh.query("SELECT run_id, night, seq, status, attempts FROM runs ORDER BY seq")
        night = wh.query("SELECT runs, new_articles FROM nights")
        log = wh.query("SELECT run_id, night, status FROM fetch_log WHERE source = 'Test News' ORDER BY run_id")
    assert [(r["run_id"], str(r["night"]), r["seq"], r["status"], r["attempts"]) for r in runs] == [
        ("2026-01-05", "2026-01-05", 1, "completed", 1),
        ("2026-01-05.2", "2026-01-05", 2, "completed", 1),
    ]
    assert night == [{"runs": 2, "new_articles": 4}]
    assert [(r["run_id"], str(r["night"]), r["status"]) for r in log] == [
        ("2026-01-05", "2026-01-05", "ok"),
        ("2026-01-05.2", "2026-01-05", "not_modified"),
    ]


def test_a_second_run_with_nothing_new_stores_nothing_new_and_says_so(web, tmp_path, config_file):
    healthy_site(web)
    db, sources = tmp_path / "w.duckdb", healthy_sources(tmp_path, web)
    run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    before = store_tables(db)
    web.clear()
    again = run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    after = store_tables(db)
    assert {k: v for k, v in after.items() if k not in ("feed_fetches", "sources")} == {
        k: v for k, v in before.items() if k not in ("feed_fetches", "sources")
    }
    assert {r.path for r in web.requests} == {"/news/feed.xml", "/ministry/feed.xml"}  # the feeds only
    assert (again["feeds_not_modified"], again["new_articles"], again["new_statements"]) == (2, 0, 0)
    assert again["night_totals"]["new_articles"] == 3  # the night's figures are kept apart from the run's
    with open_warehouse(db, read_only=True) as wh:
        statuses = wh.query("SELECT status FROM fetch_log WHERE run_id = '2026-01-05.2' ORDER BY status")
    assert [r["status"] for r in statuses] == ["not_modified", "unchanged"]


def test_the_next_night_asks_conditionally_and_stores_only_new_items(web, tmp_path, config_file):
    healthy_site(web)
    db, sources = tmp_path / "w.duckdb", healthy_sources(tmp_path, web)
    run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    web.clear()
    web.replace(
        "/ministry/feed.xml",
        rss(
            web.url(""),
            [
                {
                    "title": "New statement",
                    "link": web.url("/ministry/new/"),
                    "guid": "m-2",
                    "content": FULL_TEXT + "<p>More.</p>",
                },
                {"title": "Secretary's call", "link": web.url("/ministry/call/"), "guid": "m-1", "content": FULL_TEXT},
            ],
        ),
        content_type="application/rss+xml",
    )
    summary = run_night(sources, db, config_file, night="2026-01-06", quiet=True)
    news_request = web.requests_to("/news/feed.xml")[0]
    assert news_request.headers.get("if-none-match") == '"news-v1"'
    assert summary["feeds_not_modified"] == 1 and summary["feeds_ok"] == 1
    assert summary["new_articles"] == 1
    assert web.hits("/news/a.html") == 0
    with open_warehouse(db, read_only=True) as wh:
        assert wh.scalar("SELECT count(*) FROM articles") == 4
        assert wh.scalar("SELECT count(*) FROM fetch_log WHERE run_id = '2026-01-06' AND status = 'not_modified'") == 1


def test_an_unchanged_body_without_validators_is_recognised(web, tmp_path, config_file):
    web.add(
        "/plain.xml", rss(web.url(""), [{"title": "x", "link": web.url("/x.html")}]), content_type="application/rss+xml"
    )
    web.add("/x.html", page("X", PARAS_B), content_type="text/html")
    db = tmp_path / "w.duckdb"
    sources = write_sources(
        tmp_path / "s.yaml", [{"name": "Plain", "url": web.url("/plain.xml")}], allowed_networks=LOCAL
    )
    run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    summary = run_night(sources, db, config_file, night="2026-01-06", quiet=True)
    with open_warehouse(db, read_only=True) as wh:
        assert wh.scalar("SELECT status FROM fetch_log WHERE run_id = '2026-01-06'") == "unchanged"
    assert summary["feeds_not_modified"] == 1


def test_an_article_the_detector_cannot_read_does_not_hold_back_its_batch(web, tmp_path, config_file):
    """A real detector failure (spaCy refuses a text over its 1,000,000-character limit) on one article:
    its batch-mates still get their statements, and the bad one is marked with the reason."""
    healthy_site(web)
    db, sources = tmp_path / "w.duckdb", healthy_sources(tmp_path, web)
    code = (
        f"import stancewatch.flows.offline; from stancewatch.flows.nightly import run_night; "
        f"run_night({str(sources)!r}, {str(db)!r}, {str(config_file)!r}, night='2026-01-05', quiet=True)"
    )
    assert run_crashing(code, "extracted") == 86  # articles stored, nothing detected yet
    with open_warehouse(db) as wh:  # an article stored before the passage-size guard
        wh.con.execute(
            "INSERT INTO store.articles (article_id, url, source_id, status, title, text, run_id) "
            "SELECT 'poison', 'http://x.example/p', source_id, 'ok', 'Poison', 'x', '2026-01-05' "
            "FROM store.sources LIMIT 1"
        )
        wh.con.execute(
            "INSERT INTO store.article_units VALUES ('poison', 0, 'paragraph', NULL, NULL, ?, '2026-01-05')",
            ["China opposes sanctions. " * 45_000],
        )
    run_night(sources, db, config_file, night="2026-01-05", quiet=True)
    with open_warehouse(db, read_only=True) as wh:
        marks = {r["article_id"]: r for r in wh.query("SELECT article_id, statements, error FROM store.detections")}
        healthy = wh.scalar("SELECT count(*) FROM statements WHERE title = 'Secretary''s call'")
    assert len(marks) == 4 and "E088" in marks["poison"]["error"] and marks["poison"]["statements"] == 0
    assert healthy > 0 and all(m["error"] is None for a, m in marks.items() if a != "poison")

"""Crashes: the nightly run killed at every stage boundary, then run again.

Each crash is a real child process running the real flow with
STANCEWATCH_CRASH_AT set; it dies with os._exit(86) (no cleanup, no flush, as
a power cut or an OOM kill would). The same night is then run again, and the
warehouse must end identical, table by table, to a warehouse that ran the
same site without interruption - and every alert email must have been sent
exactly once. Only wall-clock columns (`harness.WALL_CLOCK`) are left out of
the comparison: two runs can never share a clock.

The four crashing children run concurrently (each against its own warehouse
and its own SMTP server: Message-IDs are deterministic, so two warehouses
send the same IDs) while the uninterrupted baseline runs in this process.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from stancewatch.extractors.detection import detector_version
from stancewatch.flows.faults import STAGES
from stancewatch.flows.nightly import run_night
from tests.reliability.harness import (
    ROOT,
    WALL_CLOCK,
    ChildResult,
    child_env,
    finish_child,
    full_text,
    start_child_night,
    table_diff,
    write_config,
)
from tests.support.builders import page, rss, write_sources
from tests.support.snapshot import store_tables
from tests.support.smtpserver import SmtpServer
from tests.support.webserver import WebServer
from stancewatch.warehouse import WarehouseBusy, open_warehouse
from stancewatch.warehouse.publish import published_path

pytestmark = pytest.mark.slow
NIGHT = "2026-01-06"
LOCAL = ["127.0.0.1/32"]

CHN_BEFORE = "China firmly opposes unilateral sanctions against Russia, the spokesperson said on Friday."
CHN_AFTER = "China now supports sanctions against Russia as a means to bring the conflict to an end."
USA_BEFORE = "The United States strongly supports the sovereignty and territorial integrity of Ukraine."
USA_AFTER = "The United States opposes any attempt to undermine the sovereignty of Ukraine, the Secretary said."
FILLER = "Officials stressed that dialogue between the parties remains the only way to settle the dispute."
#: URL paths that fail on purpose (a feed and an article): these are retried by a resumed night.
FAILING = {"/gone/feed.xml", "/usa/missing.html"}
#: The pages that are fetched and stored (the CHN articles come with their feed's text).
PAGES = {"/usa/1.html", "/usa/1-copy.html", "/usa/2.html"}


def build_site(web: WebServer) -> list[dict]:
    """Two reversals (CHN on sanctions, USA on Ukraine), a duplicate page, a 404 page and a 404 feed."""
    web.add(
        "/chn/feed.xml",
        rss(
            web.url(""),
            [
                {
                    "title": "Spokesperson on sanctions",
                    "link": web.url("/chn/2.html"),
                    "guid": "chn-2",
                    "date": "Mon, 05 Jan 2026 08:00:00 +0000",
                    "content": full_text(CHN_AFTER, FILLER),
                },
                {
                    "title": "Spokesperson's remarks",
                    "link": web.url("/chn/1.html"),
                    "guid": "chn-1",
                    "date": "Fri, 02 Jan 2026 08:00:00 +0000",
                    "content": full_text(CHN_BEFORE),
                },
            ],
        ),
        content_type="application/rss+xml",
        etag='"chn-1"',
    )
    web.add(
        "/usa/feed.xml",
        rss(
            web.url(""),
            [
                {
                    "title": "On Ukraine",
                    "link": web.url("/usa/2.html"),
                    "guid": "usa-2",
                    "date": "Mon, 05 Jan 2026 10:00:00 +0000",
                },
                {
                    "title": "Secretary's statement",
                    "link": web.url("/usa/1.html"),
                    "guid": "usa-1",
                    "date": "Fri, 02 Jan 2026 10:00:00 +0000",
                },
                {"title": "Statement (mirror)", "link": web.url("/usa/1-copy.html"), "guid": "usa-1-copy"},
                {"title": "Withdrawn", "link": web.url("/usa/missing.html"), "guid": "usa-3"},
            ],
        ),
        content_type="application/rss+xml",
        last_modified="Mon, 05 Jan 2026 10:00:00 GMT",
    )
    web.add("/usa/1.html", page("Secretary's statement", [USA_BEFORE, FILLER], "2026-01-02"), content_type="text/html")
    # The mirror answers late: pages are stored as they arrive, and of two with the same text the
    # first stored keeps it, so the mirror is always the duplicate (in the crashed night too).
    web.add(
        "/usa/1-copy.html",
        page("Secretary's statement", [USA_BEFORE, FILLER], "2026-01-02"),
        content_type="text/html",
        delay=0.5,
    )
    web.add("/usa/2.html", page("On Ukraine", [USA_AFTER, FILLER], "2026-01-05"), content_type="text/html")
    return [
        {"name": "CHN MFA", "url": web.url("/chn/feed.xml"), "country": "CHN", "kind": "ministry"},
        {"name": "US State Department", "url": web.url("/usa/feed.xml"), "country": "USA", "kind": "ministry"},
        {"name": "A feed that moved", "url": web.url("/gone/feed.xml"), "kind": "news"},
    ]


def recipients() -> list[dict]:
    return [
        {"email": "analyst@example.org", "immediate": True},
        {"email": "sanctions-desk@example.org", "topics": ["sanctions"]},
    ]


@dataclass
class World:
    web: WebServer
    folder: Path
    sources: Path
    smtp: dict[str, SmtpServer] = field(default_factory=dict)
    crashed: dict[str, ChildResult] = field(default_factory=dict)
    baseline: dict | None = None

    def db(self, name: str) -> Path:
        return self.folder / f"{name}.duckdb"

    def config(self, name: str) -> Path:
        return write_config(
            self.folder / f"{name}.yaml", alerts={"smtp": self.smtp[name].smtp_settings(), "recipients": recipients()}
        )


@pytest.fixture(scope="module")
def world(prefect_api, tmp_path_factory):
    """Start the four crashing children, run the baseline meanwhile, wait for the children."""
    folder = tmp_path_factory.mktemp("crashes")
    with WebServer() as web:
        w = World(web, folder, write_sources(folder / "sources.yaml", build_site(web), LOCAL))
        try:
            for name in ("baseline", *STAGES):
                w.smtp[name] = SmtpServer().start()
            started = time.monotonic()
            procs = {
                stage: start_child_night(w.sources, w.db(stage), w.config(stage), NIGHT, prefect_api, crash_at=stage)
                for stage in STAGES
            }
            w.baseline = run_night(w.sources, w.db("baseline"), w.config("baseline"), night=NIGHT, quiet=True)
            w.crashed = {stage: finish_child(proc, started, timeout=180) for stage, proc in procs.items()}
            yield w
        finally:
            for server in w.smtp.values():
                server.stop()


def test_the_uninterrupted_night_is_a_meaningful_baseline(world):
    """The baseline exercises every table: shifts, alerts, a duplicate, a failed page and a failed feed."""
    s = world.baseline
    assert (s["feeds_ok"], s["feeds_failed"]) == (2, 1)
    assert (s["new_articles"], s["duplicate_articles"], s["failed_articles"]) == (4, 1, 1)
    assert s["new_shifts"] == 2 and s["alerts_sent"] == 5 and s["alerts_queued"] == 0
    ids = world.smtp["baseline"].message_ids
    assert len(ids) == 4 and len(set(ids)) == 4  # analyst digest + 2 immediate + the desk's digest
    assert all(rows for rows in store_tables(world.db("baseline")).values())


def _detector_on_disk() -> str:
    """The detector version the data files on disk give now (this process computed its own at import)."""
    from stancewatch.extractors.statements import version

    return f"{version.CODE_VERSION}+lex.{version._data_hash()}.{version.resolve_mode('auto')}"


def _crash_state(db: Path) -> dict[str, Any]:
    with open_warehouse(db, read_only=True) as wh:
        return {
            "fetches": wh.scalar("SELECT count(*) FROM store.feed_fetches"),
            "articles": wh.scalar("SELECT count(*) FROM store.articles"),
            "detections": wh.scalar("SELECT count(*) FROM store.detections"),
            "shifts": wh.scalar("SELECT count(*) FROM store.shifts"),
            "queued": wh.scalar("SELECT count(*) FROM store.alerts WHERE status = 'queued'"),
            "sent": wh.scalar("SELECT count(*) FROM store.alerts WHERE status <> 'queued'"),
            "running": wh.scalar("SELECT count(*) FROM store.runs WHERE status = 'running'"),
            "stored_pages": {urlsplit(r["url"]).path for r in wh.query("SELECT url FROM store.articles")} & PAGES,
        }


#: What each crash point has committed. Articles stream through fetching, extraction and detection,
#: so "extracted" is the first commit of articles (some or all of them), before any of their
#: statements; the other points are the boundaries between whole stages.
EXPECTED_AT_CRASH = {
    "fetched": {"fetches": 3, "articles": 0, "detections": 0, "shifts": 0, "queued": 0},
    "extracted": {"fetches": 3, "detections": 0, "shifts": 0, "queued": 0},
    "detected": {"fetches": 3, "articles": 6, "detections": 4, "shifts": 0, "queued": 0},
    "committed": {"fetches": 3, "articles": 6, "detections": 4, "shifts": 2, "queued": 5},
}


@pytest.mark.parametrize("stage", STAGES)
def test_a_night_killed_at_a_stage_boundary_resumes_to_the_same_warehouse_and_mails_once(world, stage):
    crashed, db, smtp = world.crashed[stage], world.db(stage), world.smtp[stage]
    assert crashed.returncode == 86, crashed.stderr[-3000:]
    with open_warehouse(db, read_only=True) as wh:
        child_detector = wh.scalar("SELECT detector_version FROM store.runs")
    if child_detector != detector_version("auto") and _detector_on_disk() != detector_version("auto"):
        # Someone edited the lexicon while the test ran: a new detector version reads everything
        # again, by design, so the warehouses cannot match. (Files that do not change never skip.)
        pytest.skip(
            f"the detector's data files changed while this test ran ({child_detector} in the child, "
            f"{detector_version('auto')} here)"
        )

    # The crash left exactly the committed stages behind, a night still marked running, no mail, no publication.
    state = _crash_state(db)
    assert {k: state[k] for k in EXPECTED_AT_CRASH[stage]} == EXPECTED_AT_CRASH[stage]
    if stage == "extracted":
        assert 1 <= state["articles"] <= 6
    assert (state["sent"], state["running"]) == (0, 1)
    assert smtp.received == [] and not published_path(db).exists()

    # Run the night again: it resumes (nothing that succeeded is fetched again) and completes.
    world.web.clear()
    summary = run_night(world.sources, db, world.config(stage), night=NIGHT, quiet=True)
    asked = {r.path for r in world.web.requests}
    # Only what failed, and the pages not yet stored when it died, are fetched again.
    assert asked == FAILING | (PAGES - state["stored_pages"])
    if stage in ("detected", "committed"):  # past the articles, every page was stored
        assert asked == FAILING
    assert summary["alerts_queued"] == 0

    # The warehouse is the uninterrupted night's, table by table (wall-clock columns aside).
    assert table_diff(store_tables(db, WALL_CLOCK), store_tables(world.db("baseline"), WALL_CLOCK)) == {}

    # Every alert email went out exactly once: the same Message-IDs as the uninterrupted night, no repeats.
    sent = Counter(smtp.message_ids)
    assert sent == Counter(world.smtp["baseline"].message_ids)
    assert max(sent.values()) == 1

    # And a third run of the finished night sends nothing more.
    run_night(world.sources, db, world.config(stage), night=NIGHT, quiet=True)
    assert Counter(smtp.message_ids) == sent


# ----------------------------------------------------------------------------- a second writer
HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
print("holding", flush=True)
hold = float(sys.argv[3])
if hold > 0:
    time.sleep(hold)
else:
    sys.stdin.readline()
con.close()
"""


def _hold(db: Path, mode: str, seconds: float = 0) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), mode, str(seconds)],
        cwd=ROOT,
        env=child_env(None),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "holding"
    return proc


def _release(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.stdin.write("\n")
        proc.stdin.flush()
    proc.wait(timeout=10)


@pytest.mark.parametrize("mode", ["rw", "ro"])
def test_a_warehouse_held_by_another_process_gives_a_clear_error_and_stays_intact(world, mode):
    """Another process holding the file (a stray writer, or an analyst on the working copy):
    opening fails after the wait with a message saying what to do, and the file is not damaged."""
    db = world.db("baseline")
    before = store_tables(db)
    holder = _hold(db, mode)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseBusy) as err:
            open_warehouse(db, wait=1.0)
        waited = time.monotonic() - started
    finally:
        _release(holder)
    assert 1.0 <= waited < 10  # it retried for the wait, then gave up
    message = str(err.value)
    assert str(db) in message and "open for writing in another process" in message and "run again" in message
    assert store_tables(db) == before  # nothing written, nothing damaged: it still opens and reads


def test_a_night_started_while_another_writer_holds_the_file_waits_and_completes(world, tmp_path):
    """The flow retries the lock (open_warehouse(wait=30)): a writer that lets go after ~2 s
    costs a wait, not a night."""
    db, config = tmp_path / "held.duckdb", write_config(tmp_path / "held.yaml", alerts={"enabled": False})
    run_night(world.sources, db, config, night="2026-01-05", quiet=True)
    before = store_tables(db, WALL_CLOCK)
    holder = _hold(db, "rw", seconds=2.0)
    started = time.monotonic()
    summary = run_night(world.sources, db, config, night="2026-01-05", quiet=True)
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    assert waited >= 1.5  # it really waited for the other writer
    assert summary["run_id"] == "2026-01-05.2"  # the night's second run (the first one completed) ...
    assert (summary["feeds_not_modified"], summary["new_articles"], summary["new_statements"]) == (2, 0, 0)
    # ... which only added its own fetches and retried what had failed: nothing stored was lost or changed.
    diff = table_diff(store_tables(db, WALL_CLOCK), before)
    assert set(diff) <= {"feed_fetches", "sources", "articles"}, diff
    assert diff["feed_fetches"]["missing"] == [] and all("'2026-01-05.2'" in r for r in diff["feed_fetches"]["extra"])
    assert all("'failed'" in r for r in diff.get("articles", {}).get("missing", []))

"""Analysts read the published copy while a night runs: they never block it and never see half a night."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from stancewatch.flows.nightly import run_night
from stancewatch.demo import NIGHTS, write_sources
from stancewatch.demo.server import DemoServer
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path
from tests.flows.helpers import run_crashing

pytestmark = pytest.mark.slow
READER = textwrap.dedent("""
    import sys
    from stancewatch.warehouse import open_reader
    wh = open_reader(sys.argv[1])                      # held open for the whole night
    count = lambda: wh.scalar("SELECT count(*) FROM articles")
    print(count(), flush=True)
    sys.stdin.readline()                               # wait until the night is over
    print(count(), flush=True)
""")


def test_a_reader_holding_the_published_copy_open_during_a_whole_night(tmp_path, config_file):
    db = tmp_path / "w.duckdb"
    with DemoServer() as site:
        site.night = 1
        sources = write_sources(site.base, tmp_path)
        run_night(sources, db, config_file, night=NIGHTS[1], quiet=True)
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(published_path(db))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            before = int(reader.stdout.readline())
            site.night = 2
            summary = run_night(sources, db, config_file, night=NIGHTS[2], quiet=True)  # must not fail
            out, _ = reader.communicate("done\n", timeout=60)
        finally:
            reader.kill()
    assert summary["new_articles"] == 2
    assert int(out) == before == 4  # the reader kept a consistent snapshot
    with open_reader(published_path(db)) as wh:  # a new reader sees the new night
        assert wh.scalar("SELECT count(*) FROM articles") == 6


def test_a_night_that_dies_half_way_publishes_nothing(tmp_path, config_file):
    db = tmp_path / "w.duckdb"
    with DemoServer() as site:
        site.night = 1
        sources = write_sources(site.base, tmp_path)
        run_night(sources, db, config_file, night=NIGHTS[1], quiet=True)
        stamp = published_path(db).stat().st_mtime_ns
        site.night = 2
        code = (
            f"import stancewatch.flows.offline; from stancewatch.flows.nightly import run_night; "
            f"run_night({str(sources)!r}, {str(db)!r}, {str(config_file)!r}, night={NIGHTS[2]!r}, quiet=True)"
        )
        assert run_crashing(code, "detected") == 86  # articles of night 2 are in the working file ...
    assert published_path(db).stat().st_mtime_ns == stamp
    with open_reader(published_path(db)) as wh:  # ... but analysts still see night 1, whole
        assert wh.scalar("SELECT count(*) FROM articles") == 4
        assert wh.query("SELECT run_id, status FROM runs") == [{"run_id": NIGHTS[1], "status": "completed"}]

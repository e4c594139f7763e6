"""Reprocess after a lexicon change: every stored article read again by the new detector version,
nothing fetched, both versions kept side by side, and a query that shows what changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from stancewatch.cli import app
from stancewatch.flows.nightly import run_night
from stancewatch.demo import NIGHTS, write_sources
from stancewatch.demo.server import DemoServer
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path
from tests.flows.helpers import TEST_CONFIG

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
REPROCESS = (
    "import stancewatch.flows.offline; from stancewatch.flows.reprocess import run_reprocess; "
    "s = run_reprocess({db!r}, config={config!r}, quiet=True); print(s['articles_reprocessed'])"
)


def edited_detector(folder: Path) -> Path:
    """A copy of the package, laid out as a wheel installs it (`stancewatch/extractors/...`), whose
    lexicon no longer knows "condemned" (a reviewed lexicon edit). On PYTHONPATH it shadows the
    editable install, because sys.path is searched before the editable finder."""
    target = folder / "stancewatch"
    shutil.copytree(ROOT / "stancewatch", target, ignore=shutil.ignore_patterns("__pycache__"))
    for sub in ("flows", "domain", "extractors", "warehouse"):
        shutil.copytree(ROOT / sub, target / sub, ignore=shutil.ignore_patterns("__pycache__"))
    lexicon = target / "extractors" / "statements" / "data" / "lexicon.yaml"
    text = lexicon.read_text()
    assert "condemns, condemn, condemned," in text
    lexicon.write_text(text.replace("condemns, condemn, condemned,", "condemns, condemn,", 1))
    return folder


def test_reprocess_rereads_stored_articles_with_the_new_version_and_shows_the_changes(tmp_path, config_file):
    db = tmp_path / "w.duckdb"
    with DemoServer() as site:
        sources = write_sources(site.base, tmp_path)
        for number, night in NIGHTS.items():
            site.night = number
            run_night(sources, db, config_file, night=night, quiet=True)
    # the demo site is gone: reprocessing must not need the network
    with open_reader(published_path(db)) as wh:
        articles = wh.scalar("SELECT count(*) FROM articles")
        (old,) = [r["detector_version"] for r in wh.query("SELECT detector_version FROM detector_versions")]
        fetches = wh.scalar("SELECT count(*) FROM store.feed_fetches")

    code = REPROCESS.format(db=str(db), config=str(config_file))
    env = {**os.environ, "PYTHONPATH": str(edited_detector(tmp_path / "edited"))}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.strip().splitlines()[-1]) == articles

    with open_reader(published_path(db)) as wh:
        versions = {r["detector_version"]: r for r in wh.query("SELECT * FROM detector_versions")}
        (new,) = set(versions) - {old}
        changes = wh.query("SELECT change, actor, sentence FROM statement_changes(?, ?)", [old, new])
        current = {r["detector_version"] for r in wh.query("SELECT DISTINCT detector_version FROM statements")}
        assert wh.scalar("SELECT count(*) FROM store.feed_fetches") == fetches  # nothing was fetched
    assert versions[old]["articles"] == versions[new]["articles"] == articles  # both versions kept
    assert current == {new}  # analysts see the new one
    removed = {r["sentence"] for r in changes if r["change"] == "removed"}
    assert removed and all("condemned" in s for s in removed)  # exactly what the edit dropped
    assert not [r for r in changes if r["change"] == "added"]


def test_reprocess_on_ducklake_rereads_the_lake_and_publishes_its_snapshot(lake, tmp_path):
    """The configuration names the lake: `--db` is not checked or created, the stored articles are read
    again from the lake by another detector version, and readers see the result once it completed."""
    settings = {**TEST_CONFIG, "warehouse": {"kind": "ducklake", "catalog": lake.catalog, "data_path": lake.data_path}}
    config = tmp_path / "lake.yaml"
    config.write_text(yaml.safe_dump(settings))
    unused = tmp_path / "not-a-warehouse.duckdb"
    with DemoServer() as site:
        site.night = 1
        run_night(write_sources(site.base, tmp_path), unused, config, night=NIGHTS[1], quiet=True)
    with open_reader(lake.address) as wh:
        articles = wh.scalar("SELECT count(*) FROM articles")
        (old,) = [r["detector_version"] for r in wh.query("SELECT detector_version FROM detector_versions")]

    rules = tmp_path / "rules.yaml"  # another detector mode is another detector version
    rules.write_text(yaml.safe_dump({**settings, "detector": {"mode": "rules"}}))
    result = CliRunner().invoke(app, ["reprocess", "--quiet", "--db", str(unused), "--config", str(rules)])
    assert result.exit_code == 0, result.output

    assert not unused.exists() and not published_path(unused).exists()
    with open_reader(lake.address) as wh:
        versions = {r["detector_version"]: r["articles"] for r in wh.query("SELECT * FROM detector_versions")}
        last = wh.query("SELECT kind, status FROM runs ORDER BY started_at DESC LIMIT 1")
    assert articles > 0 and len(versions) == 2 and set(versions.values()) == {articles}
    assert old in versions and last == [{"kind": "reprocess", "status": "completed"}]

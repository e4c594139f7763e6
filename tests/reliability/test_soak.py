"""A soak of real nights: the 2021 daily snapshots of the US State Department press-release feed,
replayed through the real flow as consecutive nights (benchmarks/soak_statedept.py).

Needs the shared corpus (STANCEWATCH_CORPORA, default ../shared/data/corpora);
skipped when it is absent. 79 nights, about 1-2 s each.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from tests.reliability.harness import ROOT

CORPORA = Path(os.environ.get("STANCEWATCH_CORPORA", ROOT.parent / "shared" / "data" / "corpora"))
CORPUS = CORPORA / "statedept-rss-daily"
SCRIPT = ROOT / "benchmarks" / "soak_statedept.py"


def _soak_module():
    spec = importlib.util.spec_from_file_location("soak_statedept", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.slow
def test_the_2021_state_department_snapshots_replay_with_zero_duplicates(prefect_api, tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not available at {CORPUS} (set STANCEWATCH_CORPORA)")
    soak = _soak_module()
    lines: list[str] = []
    report = soak.soak(CORPUS, tmp_path / "soak.duckdb", out=lambda line: (lines.append(line), print(line)))
    nights = report.nights
    assert len(nights) == len(soak.snapshots(CORPUS)) > 1
    assert [n.night for n in nights] == sorted(n.night for n in nights)  # consecutive, in order
    assert report.duplicates and all(rows == [] for rows in report.duplicates.values()), report.duplicates
    assert report.missing == []  # every item stored ...
    assert report.corpus_items == report.stored_items == report.stored_articles  # ... exactly once
    assert sum(n.articles_new for n in nights) == report.corpus_items  # each counted new once
    assert all(n.items_new <= n.feed_items for n in nights)
    assert sum(n.edited for n in nights) > 0  # the real feed edits items under the same guid: kept once
    assert sum(n.statements_new for n in nights) > 0
    assert report.ok and lines[-1] == "zero duplicates, every item stored once"

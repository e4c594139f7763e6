"""A soak of real nights: the 2021 daily snapshots of the US State Department press-release feed,
replayed through the real flow as consecutive nights (tests/support/soak.py; also
benchmarks/soak_statedept.py).

Needs the shared corpus (STANCEWATCH_CORPORA, default ../shared/data/corpora);
skipped when it is absent. 79 nights, about 1-2 s each.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.harness import ROOT
from tests.support.soak import snapshots, soak

CORPORA = Path(os.environ.get("STANCEWATCH_CORPORA", ROOT.parent / "shared" / "data" / "corpora"))
CORPUS = CORPORA / "statedept-rss-daily"


@pytest.mark.corpus
@pytest.mark.slow
def test_the_2021_state_department_snapshots_replay_with_zero_duplicates(prefect_api, tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not available at {CORPUS} (set STANCEWATCH_CORPORA)")
    lines: list[str] = []
    report = soak(CORPUS, tmp_path / "soak.duckdb", out=lambda line: (lines.append(line), print(line)))
    nights = report.nights
    assert len(nights) == len(snapshots(CORPUS)) > 1
    assert [n.night for n in nights] == sorted(n.night for n in nights)  # consecutive, in order
    assert report.duplicates and all(rows == [] for rows in report.duplicates.values()), report.duplicates
    assert report.missing == []  # every item stored ...
    assert report.corpus_items == report.stored_items == report.stored_articles  # ... exactly once
    assert sum(n.articles_new for n in nights) == report.corpus_items  # each counted new once
    assert all(n.items_new <= n.feed_items for n in nights)
    assert sum(n.edited for n in nights) > 0  # the real feed edits items under the same guid: kept once
    assert sum(n.statements_new for n in nights) > 0
    assert report.ok and lines[-1] == "zero duplicates, every item stored once"

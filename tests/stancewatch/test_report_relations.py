"""The report's relations section: a chart per (actor, target) pair across all topics with its net
stance, the relation shifts with quotes, checked against the warehouse by SQL and in Debian's
headless Chromium. The warehouse holds statements stored directly and the real shift stage."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from lxml import html as lxml_html

from stancewatch.domain.config import Config
from stancewatch.flows.stages import shift_stage
from stancewatch.report import build_report
from stancewatch.warehouse import open_reader, open_warehouse
from stancewatch.warehouse.publish import publish, published_path
from tests.support.statements import StatementStore

CHROMIUM = Path("/usr/bin/chromium")
DAY = date(2024, 6, 3)
HOSTILE = "<script>alert('relations')</script> they said"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CHN's tone towards AUS goes from cold (interference, human rights) to warm (trade, cooperation);
    CHN towards USA stays cold on two topics; RUS towards UKR has one day only (not drawn)."""
    path = tmp_path_factory.mktemp("relations") / "w.duckdb"
    nights = [
        [
            ("CHN", "AUS", "oppose", "interference"),
            ("CHN", "AUS", "oppose", "human_rights"),
            ("CHN", "USA", "oppose", "trade"),
        ],
        [("CHN", "AUS", "oppose", "interference"), ("CHN", "USA", "oppose", "taiwan"), ("RUS", "UKR", "oppose", "")],
        [
            ("CHN", "AUS", "support", "trade"),
            ("CHN", "AUS", "support", "cooperation"),
            ("CHN", "USA", "oppose", "trade"),
        ],
        [("CHN", "AUS", "support", "trade"), ("CHN", "AUS", "concern", "trade")],
    ]
    with open_warehouse(path) as wh:
        store = StatementStore(wh)
        for n, statements in enumerate(nights):
            run = (DAY + timedelta(days=3 * n)).isoformat()
            store.add(
                [
                    {
                        "actor": a,
                        "target": t,
                        "stance": s,
                        "topics": [tp] if tp else [],
                        "day": DAY + timedelta(days=3 * n),
                        "sentence": HOSTILE if (n, a, t) == (2, "CHN", "AUS") else f"{a} {s} {t} {tp}",
                    }
                    for a, t, s, tp in statements
                ],
                run_id=run,
            )
            shift_stage(wh, run, Config())
    publish(path)  # the closed working file, as a night ends
    return path


@pytest.fixture(scope="module")
def page(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_report(db, tmp_path_factory.mktemp("out") / "report.html")


def expected_pairs(db: Path) -> dict[tuple[str, str], int]:
    with open_reader(published_path(db)) as wh:
        rows = wh.query("SELECT actor, target, count(*) AS n FROM relations GROUP BY ALL")
        shifted = {(r["actor"], r["target"]) for r in wh.query("SELECT actor, target FROM relation_shifts")}
    return {(r["actor"], r["target"]): r["n"] for r in rows if r["n"] >= 2 or (r["actor"], r["target"]) in shifted}


def test_a_chart_per_pair_with_a_dot_per_day(db: Path, page: Path) -> None:
    doc = lxml_html.document_fromstring(page.read_text(encoding="utf-8"))
    figures = doc.xpath("//section[@id='relations']//figure[@class='pair']")
    got = {(f.get("data-actor"), f.get("data-target")): len(f.xpath(".//g[@class='rec']")) for f in figures}
    assert got == expected_pairs(db) == {("CHN", "AUS"): 4, ("CHN", "USA"): 3}
    assert doc.xpath("//nav/a[@href='#relations']")


def test_the_warming_is_marked_and_listed_with_its_quotes(db: Path, page: Path) -> None:
    with open_reader(published_path(db)) as wh:
        shifts = wh.query("SELECT new_on, kind, previous_tone, new_tone FROM relation_shifts")
    assert shifts == [
        {"new_on": DAY + timedelta(days=6), "kind": "relations warming", "previous_tone": "cold", "new_tone": "warm"}
    ]
    doc = lxml_html.document_fromstring(page.read_text(encoding="utf-8"))
    marker = doc.xpath("//figure[@data-target='AUS']//g[@class='shift']")
    assert [m.get("data-day") for m in marker] == [str(DAY + timedelta(days=6))]
    row = doc.xpath("//table[contains(@class, 'relation-shifts')]//tr[contains(@class, 'relation-shift')]")
    assert len(row) == 1
    text = row[0].text_content()
    assert "CHN → AUS" in text and "relations warming" in text and "net -1.00 → +1.00" in text
    assert HOSTILE in text and not doc.xpath("//script")  # quoted as text, never markup


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium (CI installs it)"
)
def test_chromium_draws_the_relation_charts(db: Path, page: Path, tmp_path: Path) -> None:
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = lxml_html.document_fromstring(
        subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    )
    svgs = dom.xpath("//figure[@class='pair']//svg[@class='relation-timeline']")
    assert len(svgs) == len(expected_pairs(db))
    for svg in svgs:
        assert len(svg.xpath(".//rect[contains(@class, 'band')]")) == 3
        assert svg.xpath(".//path[@class='net']")[0].get("d").startswith("M")
        assert all(0 < float(c.get("cy")) < 150 for c in svg.xpath(".//g[@class='rec']/circle"))
    assert not dom.xpath("//script")

"""`stancewatch report`: the HTML page on a warehouse the real pipeline built.

The demo's two nights run once per module through the real Prefect flow; every
expectation is read back from the same warehouse with plain SQL, so the tests
check the page against the data, not against numbers copied from a run. A
second warehouse is the demo plus hostile rows (markup and script in quotes,
names, URLs and errors), to show that nothing from the web reaches the page
as markup. The browser tests open the page in Debian's headless Chromium,
check the DOM it builds, and check that its screenshot shows the charts.
"""

from __future__ import annotations

# (The offline Prefect environment for the demo's flow runs is set in tests/conftest.py.)
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html

from stancewatch.report import build_report
from stancewatch.report.charts import STANCE_COLOURS, Frame, place_labels
from stancewatch.report.data import Record, ShiftMark
from stancewatch.report.markup import link
from stancewatch.warehouse import WarehouseError, open_reader, open_warehouse
from stancewatch.warehouse.publish import publish, published_path

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium (CI installs it)"
)

HOSTILE_QUOTE = "<script>alert(1)</script> EVL firmly opposes it."
HOSTILE_QUOTE_2 = '"><img src=x onerror=alert(2)> EVL now supports it.'
HOSTILE_SPEAKER = "</title><script>alert(3)</script>"
HOSTILE_SOURCE = 'Evil <b>News</b> "><img src=x onerror=alert(4)>'
HOSTILE_ERROR = "<script>alert(6)</script> HTTP 500"
HOSTILE_TARGET = "<svg onload=alert(8)>"
HOSTILE_TOPIC = '"><script>alert(9)</script>'
HOSTILE_HTTP_URL = 'https://evil.example/a?b="><script>alert(10)</script>'


# ----------------------------------------------------------------------------- warehouses
@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's two nights through the real flow (published copy included)."""
    from stancewatch.demo import run_demo

    db = tmp_path_factory.mktemp("report-demo") / "demo.duckdb"
    run_demo(db, quiet=True)
    return db


@pytest.fixture(scope="module")
def demo_page(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report on the demo warehouse, as the CLI builds it (from the published path)."""
    out = tmp_path_factory.mktemp("report-out") / "report.html"
    return build_report(published_path(demo_db), out)


@pytest.fixture(scope="module")
def hostile_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo warehouse plus rows a hostile site could produce, published."""
    db = tmp_path_factory.mktemp("report-hostile") / "hostile.duckdb"
    shutil.copyfile(demo_db, db)
    with open_warehouse(db) as wh:
        add_hostile_rows(wh)
    publish(db)
    return db


@pytest.fixture(scope="module")
def hostile_page(hostile_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report on the hostile warehouse, given its working path (the published copy is read)."""
    return build_report(hostile_db, tmp_path_factory.mktemp("report-hostile-out") / "report.html")


EVIL_SOURCE = "evil0000evil0000"
EVIL_ARTICLES = [
    ("evilarticle0000000000001", "javascript:alert(7)", date(2022, 3, 11)),
    ("evilarticle0000000000002", HOSTILE_HTTP_URL, date(2022, 3, 12)),
]
EVIL_STATEMENTS = [
    ("evilstatement00000000001", EVIL_ARTICLES[0], "oppose", HOSTILE_QUOTE),
    ("evilstatement00000000002", EVIL_ARTICLES[1], "support", HOSTILE_QUOTE_2),
]


def add_hostile_rows(wh) -> None:
    """What a hostile site could get into the warehouse: a source named with markup whose address
    is javascript:, failing three nights with a scripted error; its articles (a javascript: URL and
    an http URL full of quotes); a key whose target and topic are markup; statements with script
    in the quote and the speaker; and a shift between them."""
    version = wh.scalar("SELECT detector_version FROM runs ORDER BY started_at DESC LIMIT 1")
    now = datetime.now(timezone.utc)
    night = {"run_id": "2022-03-10"}
    wh.insert(
        "store.sources",
        [
            dict(
                source_id=EVIL_SOURCE,
                name=HOSTILE_SOURCE,
                kind="news",
                url="javascript:alert(5)",
                listing=False,
                **night,
            )
        ],
    )
    wh.insert(
        "store.feed_fetches",
        [
            dict(
                run_id=f"h{i}",
                source_id=EVIL_SOURCE,
                status="failed",
                error=HOSTILE_ERROR,
                items_seen=0,
                items_new=0,
                attempts=1,
                fetched_at=now + timedelta(seconds=i),
            )
            for i in (1, 2, 3)
        ],
    )
    wh.insert(
        "store.articles",
        [
            dict(
                article_id=aid,
                url=url,
                source_id=EVIL_SOURCE,
                status="ok",
                published=day,
                title="<img src=x onerror=alert(11)>",
                text="text",
                fetched_at=now,
                attempts=1,
                **night,
            )
            for aid, url, day in EVIL_ARTICLES
        ],
    )
    wh.insert(
        "store.detections",
        [
            dict(article_id=aid, detector_version=version, statements=1, processed_at=now, **night)
            for aid, _, _ in EVIL_ARTICLES
        ],
    )
    wh.insert(
        "store.statements",
        [
            dict(
                statement_id=sid,
                article_id=art[0],
                unit_seq=0,
                detector_version=version,
                actor="EVL",
                speaker=HOSTILE_SPEAKER,
                stance=stance,
                target=HOSTILE_TARGET,
                topic=HOSTILE_TOPIC,
                flags=["quoted"],
                basis="assessment",
                sentence=text,
                stated_on=art[2],
                **night,
            )
            for sid, art, stance, text in EVIL_STATEMENTS
        ],
    )
    wh.insert(
        "store.shifts",
        [
            dict(
                shift_id="evilshift000000000000001",
                actor="EVL",
                target=HOSTILE_TARGET,
                topic=HOSTILE_TOPIC,
                previous_stance="oppose",
                new_stance="support",
                previous_on=date(2022, 3, 11),
                new_on=date(2022, 3, 12),
                kind="reversal",
                severity="high",
                reason="<iframe src=//evil.example></iframe>",
                previous_statement_ids=[EVIL_STATEMENTS[0][0]],
                new_statement_ids=[EVIL_STATEMENTS[1][0]],
                detector_version=version,
                detected_run_id="2022-03-10",
            )
        ],
    )


# ----------------------------------------------------------------------------- helpers
def parse(page: Path | str):
    """The page (a file or its text) as an lxml HTML document."""
    text = page.read_text(encoding="utf-8") if isinstance(page, Path) else page
    return lxml_html.document_fromstring(text)


def expected_charts(db: Path) -> dict[tuple[str, str, str], int]:
    """(actor, target, topic) -> record count for every key the report must draw, by plain SQL."""
    with open_reader(published_path(db)) as wh:
        records = wh.query("SELECT actor, target, topic, count(*) AS n FROM stance_timeline GROUP BY ALL")
        shifts = wh.query("SELECT actor, target, topic FROM stance_shifts")
    shifted = {(r["actor"], r["target"], r["topic"]) for r in shifts}
    return {
        (r["actor"], r["target"], r["topic"]): r["n"]
        for r in records
        if r["n"] >= 2 or (r["actor"], r["target"], r["topic"]) in shifted
    }


def charts(doc) -> dict[tuple[str, str, str], object]:
    """(actor, target, topic) -> the chart's <figure>, by the data attributes the page carries."""
    return {
        (f.get("data-actor"), f.get("data-target"), f.get("data-topic")): f
        for f in doc.xpath("//figure[contains(@class, 'chart')]")
    }


def event_handlers(doc) -> list[str]:
    """Every on* attribute in the document (onerror, onload, ...): there must be none."""
    return [name for e in doc.iter() if isinstance(e.tag, str) for name in e.attrib if name.lower().startswith("on")]


def run_chromium(args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    """Debian's chromium, headless and quiet (no sync, updates or background requests)."""
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)


def png_pixels(data: bytes) -> tuple[int, int, Counter]:
    """(width, height, Counter of RGB colours) of an 8-bit RGB(A) PNG: a tiny reader, no Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", data[pos + 8 : pos + 18])
        elif kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    width, height, depth, colour_type = header
    assert depth == 8 and colour_type in (2, 6), f"unexpected PNG format {header}"
    bpp = 3 if colour_type == 2 else 4
    raw, stride, colours = zlib.decompress(idat), width * bpp, Counter()
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, prev, bpp)
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        prev = line
    return width, height, colours


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    """Undo one row's PNG filter in place (None, Sub, Up, Average, Paeth)."""
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 2:
            line[i] = (line[i] + b) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255


# ----------------------------------------------------------------------------- the page's structure
def test_header_names_the_warehouse_last_night_and_counts(demo_db: Path, demo_page: Path) -> None:
    header = parse(demo_page).xpath("//header")[0].text_content().replace(" ", "")
    assert "demo.duckdb" in header and "2022-03-10" in header and "completed" in header
    with open_reader(published_path(demo_db)) as wh:
        for view, label in (("articles", "articles"), ("statements", "statements"), ("stance_shifts", "shifts")):
            assert f"{wh.scalar(f'SELECT count(*) FROM {view}')}{label}" in header, view


def test_a_chart_per_qualifying_key_with_a_point_per_record(demo_db: Path, demo_page: Path) -> None:
    expected = expected_charts(demo_db)
    drawn = charts(parse(demo_page))
    assert set(drawn) == set(expected) and len(expected) >= 3
    for key, figure in drawn.items():
        assert len(figure.xpath(".//g[@class='rec']/circle")) >= expected[key], key
        assert len(figure.xpath(".//g[@class='rec']")) == expected[key], key
        bands = figure.xpath(".//text[@class='band-label']/text()")
        assert bands == ["support", "concern", "oppose"]


def every_key(db: Path, since: str | None = None) -> dict[tuple[str, str, str], int]:
    """(actor, target, topic) -> records, for every key with records (from `since` on), by plain SQL."""
    with open_reader(published_path(db)) as wh:
        rows = wh.query(
            "SELECT actor, target, topic, count(*) AS n FROM stance_timeline "
            "WHERE ? IS NULL OR day >= CAST(? AS DATE) GROUP BY ALL",
            [since, since],
        )
    return {(r["actor"], r["target"], r["topic"]): r["n"] for r in rows}


def listed_keys(doc) -> dict[tuple[str, str, str], object]:
    """(actor, target, topic) -> the row of the "Keys not charted" table."""
    return {
        (r.get("data-actor"), r.get("data-target"), r.get("data-topic")): r
        for r in doc.xpath("//table[@class='keys']//tr[@data-actor]")
    }


def test_every_key_is_charted_or_listed_and_single_day_keys_are_listed(demo_db: Path, demo_page: Path) -> None:
    doc = parse(demo_page)
    drawn, listed, keys = charts(doc), listed_keys(doc), every_key(demo_db)
    assert set(drawn) | set(listed) == set(keys) and not set(drawn) & set(listed)
    single = {k for k, n in keys.items() if n == 1 and k not in expected_charts(demo_db)}
    assert single and set(listed) == single  # one day of statements is still a position
    with open_reader(published_path(demo_db)) as wh:
        for (actor, target, topic), row in listed.items():
            record = wh.query(
                "SELECT day, stance, n_statements FROM stance_timeline WHERE actor = ? AND target = ? AND topic = ?",
                [actor, target, topic],
            )[0]
            cells = [c.text_content().strip() for c in row.xpath("./td")]
            assert cells[0] == f"{actor} → {target or '—'} · {topic or '—'}"
            assert cells[1] == record["stance"] and cells[2] == str(record["day"])
            assert cells[3] == str(record["n_statements"])


def test_a_since_window_lists_what_it_does_not_chart(demo_db: Path, tmp_path: Path) -> None:
    doc = parse(build_report(demo_db, tmp_path / "since-keys.html", since="2022-03-01"))
    assert set(charts(doc)) | set(listed_keys(doc)) == set(every_key(demo_db, "2022-03-01"))
    assert ("CHN", "USA", "arms_transfers") in listed_keys(doc)


def test_charts_are_grouped_by_actor_under_titles_like_the_brief(demo_page: Path) -> None:
    doc = parse(demo_page)
    actors = [s.get("data-actor") for s in doc.xpath("//section[@class='actor']")]
    assert len(actors) == len(set(actors)), "each actor's charts are together"
    titles = doc.xpath("//figure//span[@class='key']/text()")
    assert "CHN → — · sanctions" in titles and "USA → UKR · sovereignty" in titles


def test_the_demo_reversal_is_marked_on_its_chart(demo_page: Path) -> None:
    figure = charts(parse(demo_page))[("CHN", "", "sanctions")]
    marker = figure.xpath(".//g[contains(@class, 'shift')]")
    assert len(marker) == 1 and marker[0].get("data-day") == "2022-03-10"
    assert marker[0].xpath(".//line") and "reversal · high" in marker[0].text_content()
    assert "oppose → support" in marker[0].xpath("./title/text()")[0]
    stances = [g.get("data-stance") for g in figure.xpath(".//g[@class='rec']")]
    assert stances == ["oppose", "oppose", "support"]
    assert figure.xpath(".//path[@class='step']/@d")[0].count("V") == 2


def test_the_shifts_table_quotes_both_sides_with_speaker_date_and_link(demo_page: Path) -> None:
    rows = parse(demo_page).xpath("//table[@class='shifts']//tr[contains(@class, 'shift')]")
    assert len(rows) == 1
    row = rows[0]
    assert "CHN → — · sanctions" in row.text_content() and "(none)" not in row.text_content()
    assert "reversal · high" in row.text_content()
    before = row.xpath(".//td[contains(@class, 'before')]")[0].text_content()
    after_cell = row.xpath(".//td[contains(@class, 'after')]")[0]
    after = after_cell.text_content()
    for expected in ("objects unilateral sanctions", "Wang Yi", "2022-02-26"):
        assert expected in before
    for expected in ("China now supports sanctions", "Zhao Lijian", "2022-03-10"):
        assert expected in after
    assert all(a.get("href").startswith("http://127.0.0.1") for a in row.xpath(".//a"))
    assert after_cell.xpath(".//a/text()") == ["Demo Chinese MFA regular press conferences"]


def test_source_health_shows_the_failing_404_source(demo_page: Path) -> None:
    rows = parse(demo_page).xpath("//table[@class='health']//tr[@data-source]")
    assert len(rows) == 5
    failing = rows[0]  # worst first
    cells = [c.text_content().strip() for c in failing.xpath("./td")]
    assert failing.get("data-source").startswith("Demo feed that moved away")
    assert cells[2] == "never" and cells[3] == "2" and "HTTP 404" in cells[5]
    level = failing.xpath("./td[contains(@class, 'fails')]/@class")[0].split()[-1]
    assert level == "warn"  # two nights: amber, not yet flagged
    assert all("never" not in r.text_content() for r in rows[1:])


def test_since_and_actors_narrow_the_charts_and_shifts(demo_db: Path, tmp_path: Path) -> None:
    doc = parse(build_report(demo_db, tmp_path / "since.html", since="2022-03-01"))
    drawn = charts(doc)
    assert ("CHN", "", "dialogue") not in drawn  # both its records are in February
    # the shift's day, and the February stance it moved away from (kept although before the period)
    recs = drawn[("CHN", "", "sanctions")].xpath(".//g[@class='rec']")
    assert [(g.get("data-day"), g.get("data-stance"), g.get("data-before-since")) for g in recs] == [
        ("2022-02-26", "oppose", "true"),
        ("2022-03-10", "support", None),
    ]
    assert len(drawn[("CHN", "", "sanctions")].xpath(".//g[contains(@class, 'shift')]")) == 1
    assert doc.xpath("//tr[contains(@class, 'shift')]")
    assert "since 2022-03-01" in doc.xpath("//header")[0].text_content()
    doc = parse(build_report(demo_db, tmp_path / "usa.html", actors=["usa"]))
    assert {key[0] for key in charts(doc)} == {"USA"}
    assert not doc.xpath("//tr[contains(@class, 'shift')]")
    assert "No stance shifts" in doc.text_content()
    health = doc.xpath("//table[@class='health']//tr[@data-source]")
    assert len(health) == 5  # health is never filtered


def test_the_chart_cap_says_how_many_were_left_out(demo_db: Path, tmp_path: Path) -> None:
    total = len(expected_charts(demo_db))
    doc = parse(build_report(demo_db, tmp_path / "capped.html", max_charts=2))
    assert len(charts(doc)) == 2
    assert ("CHN", "", "sanctions") in charts(doc)  # keys with shifts rank first
    assert f"{total - 2} left out" in doc.xpath("//section[@id='timelines']/p")[0].text_content()


def test_the_report_reads_only_the_published_copy(demo_db: Path, tmp_path: Path) -> None:
    working = tmp_path / "unpublished.duckdb"
    shutil.copyfile(demo_db, working)
    with pytest.raises(WarehouseError, match="does not exist"):
        build_report(working, tmp_path / "never.html")
    with pytest.raises(ValueError, match="since must be a date"):
        build_report(demo_db, tmp_path / "never.html", since="last week")
    assert not list(tmp_path.glob("*.html")) and not list(tmp_path.glob(".*.tmp"))


def test_an_empty_warehouse_still_renders(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    open_warehouse(db).close()  # schema and views, no night yet
    publish(db)
    doc = parse(build_report(db, tmp_path / "empty.html"))
    assert "no night yet" in doc.xpath("//header")[0].text_content()
    assert "Nothing to draw yet" in doc.text_content()
    assert "No stance shifts found" in doc.text_content()
    assert not charts(doc) and not doc.xpath("//table[@class='health']//tr[@data-source]")


# ------------------------------------------------------------------------ self-contained and safe
def test_no_external_resources_and_no_script(demo_page: Path) -> None:
    doc = parse(demo_page)
    loaders = "//script | //link | //iframe | //object | //embed | //img | //image | //use"
    assert not doc.xpath(loaders)
    assert not doc.xpath("//*[@src]"), "nothing is loaded from anywhere"
    assert {e.tag for e in doc.xpath("//*[@href]")} == {"a"}, "href only on links to sources"
    style = "".join(doc.xpath("//style/text()"))
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "script-src" not in csp


def test_hostile_text_is_escaped_and_never_markup(hostile_page: Path) -> None:
    text = hostile_page.read_text(encoding="utf-8")
    doc = parse(text)
    assert not doc.xpath("//script | //img | //iframe | //b[. = 'News']")  # none from the name
    assert not event_handlers(doc)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script" not in text.lower()
    content = doc.text_content()
    for hostile in (HOSTILE_QUOTE, HOSTILE_QUOTE_2, HOSTILE_ERROR, HOSTILE_SOURCE):
        assert hostile in content, hostile  # shown to the analyst as text
    tooltips = " ".join(doc.xpath("//svg//title/text()"))
    assert HOSTILE_SPEAKER in tooltips
    assert ("EVL", HOSTILE_TARGET, HOSTILE_TOPIC) in charts(doc)


def test_only_http_urls_become_links(hostile_page: Path) -> None:
    doc = parse(hostile_page)
    hrefs = doc.xpath("//a/@href")
    assert all(h.startswith(("http://", "https://", "#")) for h in hrefs), hrefs
    assert HOSTILE_HTTP_URL in hrefs  # a web address full of quotes is linked, its quotes escaped
    row = doc.xpath("//tr[@data-shift='evilshift000000000000001']")[0]
    before = row.xpath("./td[contains(@class, 'before')]")[0]
    assert HOSTILE_SOURCE in before.text_content()  # the javascript: article: its source named,
    assert not before.xpath(".//a")  # not linked
    health = doc.xpath("//table[@class='health']//tr[@data-source]")[0]
    assert "javascript:alert(5)" in health.text_content() and not health.xpath(".//a")


def test_a_source_failing_three_nights_is_flagged(hostile_page: Path) -> None:
    row = parse(hostile_page).xpath("//table[@class='health']//tr[@data-source]")[0]
    assert row.get("data-source") == HOSTILE_SOURCE and row.get("class") == "failing"
    assert row.xpath("./td[contains(@class, 'fails')]")[0].text_content() == "⚠ 3"
    assert HOSTILE_ERROR in row.text_content()


def test_link_and_label_helpers() -> None:
    assert link("javascript:alert(1)", "x") == "x"
    assert link('https://a.example/?q="<b>', "<b>") == (
        '<a href="https://a.example/?q=&quot;&lt;b&gt;" rel="noopener noreferrer nofollow" '
        'referrerpolicy="no-referrer">&lt;b&gt;</a>'
    )
    assert link("//evil.example/x") == "//evil.example/x" and link(None) == ""
    frame = Frame(date(2022, 1, 1), date(2022, 1, 10))
    recs = [
        Record(
            date(2022, 1, d),
            "support" if d % 2 else "oppose",
            1,
            1,
            [],
            [],
            ShiftMark("reversal", "high" if d == 4 else "low", "oppose", "why", "n"),
        )
        for d in (2, 3, 4, 5)
    ]
    placed = place_labels(recs, frame)
    assert placed[date(2022, 1, 4)][0] == "reversal · high"  # the most severe is labelled in full
    spans = sorted(frame.x(day) for day in placed)
    assert len(placed) < 4 and all(b - a > 20 for a, b in zip(spans, spans[1:]))


# ----------------------------------------------------------------------------- in a real browser
@needs_chromium
def test_chromium_renders_the_charts(demo_db: Path, demo_page: Path, tmp_path: Path) -> None:
    dom = parse(run_chromium(["--dump-dom", demo_page.as_uri()], tmp_path).stdout)
    expected = expected_charts(demo_db)
    svgs = dom.xpath("//figure[contains(@class, 'chart')]//svg[contains(@class, 'timeline')]")
    assert len(svgs) == len(expected)
    for svg in svgs:
        assert len(svg.xpath(".//rect[contains(@class, 'band')]")) == 3
        circles = svg.xpath(".//g[@class='rec']/circle")
        assert circles and all(float(c.get("r")) > 0 for c in circles)
        assert all(p.get("d", "").startswith("M") for p in svg.xpath(".//path"))
    steps = dom.xpath("//path[@class='step']")
    assert len(steps) == sum(1 for n in expected.values() if n >= 2)
    assert not dom.xpath("//script")


@needs_chromium
def test_chromium_shows_a_single_day_key_in_the_table(demo_db: Path, demo_page: Path, tmp_path: Path) -> None:
    dom = parse(run_chromium(["--dump-dom", demo_page.as_uri()], tmp_path).stdout)
    rows = listed_keys(dom)
    one_day = {k for k, n in every_key(demo_db).items() if n == 1} - set(expected_charts(demo_db))
    assert one_day and set(rows) == one_day
    with open_reader(published_path(demo_db)) as wh:  # the busiest of them, by plain SQL
        key = max(
            one_day,
            key=lambda k: (
                wh.scalar(
                    "SELECT n_statements FROM stance_timeline WHERE actor = ? AND target = ? AND topic = ?", list(k)
                ),
                k,
            ),
        )
        record = wh.query(
            "SELECT day, stance, speakers FROM stance_timeline WHERE actor = ? AND target = ? AND topic = ?", list(key)
        )[0]
    cells = [c.text_content().strip() for c in rows[key].xpath("./td")]
    actor, target, topic = key
    assert cells[:3] == [f"{actor} → {target or '—'} · {topic or '—'}", record["stance"], str(record["day"])]
    assert all(speaker in cells[5] for speaker in record["speakers"] or [])
    assert "(none)" not in dom.text_content()


@needs_chromium
def test_chromium_screenshot_shows_the_charts(demo_page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    run_chromium([f"--screenshot={shot}", "--window-size=1280,2000", demo_page.as_uri()], tmp_path)
    width, height, colours = png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 2000) and shot.stat().st_size > 50_000
    assert len(colours) > 200, "a blank page has a handful of colours"
    background = colours[bytes.fromhex("f4f6f8")]
    assert background < 0.8 * width * height
    for stance, (band, dot) in STANCE_COLOURS.items():  # bands and dots in every stance colour
        assert colours[bytes.fromhex(band[1:])] > 5_000, stance
        assert colours[bytes.fromhex(dot[1:])] > 20, stance


@needs_chromium
def test_chromium_builds_no_script_from_hostile_text(hostile_page: Path, tmp_path: Path) -> None:
    dom_text = run_chromium(["--dump-dom", hostile_page.as_uri()], tmp_path).stdout
    dom = parse(dom_text)
    assert not dom.xpath("//script | //img | //iframe")
    assert not event_handlers(dom)
    assert HOSTILE_QUOTE in dom.text_content() and HOSTILE_QUOTE_2 in dom.text_content()

"""The Chinese MFA press-conference extractor: markers, turns, titles, listings.

Whole pages are covered by the fixtures (test_site_fixtures.py); these tests
pin the rules one at a time, and the corpus test runs the real pages.
"""

from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path

import pytest

from stancewatch.extractors.article import Block
from stancewatch.extractors.sites import mfa_press
from tests.support.mfa_check import check_gold, check_listings, check_page

REPO = Path(__file__).resolve().parents[3]
CORPORA = Path(os.environ.get("STANCEWATCH_CORPORA", REPO.parent / "shared" / "data" / "corpora"))


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/t1558711.shtml", True),
        ("https://www.mfa.gov.cn/eng/xw/fyrbt/lxjzh/202304/t20230428_11068594.html", True),
        ("https://fmprc.gov.cn/eng/xw/fyrbt/lxjzh/", True),
        ("https://www.fmprc.gov.cn/web/wjdt_674879/fyrbt_674889/", False),  # Chinese-language site
        ("https://www.fmprc.gov.cn.evil.example/mfa_eng/t1.shtml", False),
        ("https://notfmprc.gov.cn/mfa_eng/t1.shtml", False),
        ("https://www.state.gov/mfa_eng/t1.shtml", False),
    ],
)
def test_matches(url: str, expected: bool) -> None:
    assert mfa_press.matches(url) is expected


@pytest.mark.parametrize(
    "text, kind, rest",
    [
        ("Q: Will he visit?", "question", "Will he visit?"),
        ("Q\uff1aWill he visit?", "question", "Will he visit?"),  # full-width colon
        ("Q:Will he visit?", "question", "Will he visit?"),
        ("Follow-up: And then?", "question", "And then?"),
        ("Journalist: It seemed so.", "question", "It seemed so."),
        ("Reporter: But the bill says otherwise.", "question", "But the bill says otherwise."),
        ("After the press conference, the following question was raised: Is it true?", "question", "Is it true?"),
        ("A: We have noted the reports.", "answer", "We have noted the reports."),
        ("A\uff1a\u00a0We have noted the reports.", "answer", "We have noted the reports."),
        ("Lu Kang: We have noted the reports.", "answer", "We have noted the reports."),
        (
            "What I want to stress is as follows: China is firm.",
            None,
            "What I want to stress is as follows: China is firm.",
        ),
        ("At 10:00 the minister will speak.", None, "At 10:00 the minister will speak."),
        ("As for the question raised by you: we oppose it.", None, "As for the question raised by you: we oppose it."),
        ("CCTV: What is your comment?", None, "CCTV: What is your comment?"),  # not in "A:" style
    ],
)
def test_classify_in_the_q_a_style(text: str, kind: str | None, rest: str) -> None:
    assert mfa_press.classify(text, "Lu Kang") == (kind, rest)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("CCTV: What is your comment?", "question"),
        ("The Paper: Do you have any comment?", "question"),
        ("Beijing Youth Daily: Can you confirm?", "question"),
        ("Mao Ning: We have noted it.", "answer"),
        ("Let me stress three points: first, we oppose it.", None),
        ("But one thing is certain: we will not accept it.", None),
    ],
)
def test_classify_in_the_outlet_style(text: str, kind: str | None) -> None:
    assert mfa_press.classify(text, "Mao Ning", named_style=True)[0] == kind


def _turns(*blocks: tuple[str, float], spokesperson: str = "Geng Shuang") -> list[tuple[str, list[str]]]:
    turns = mfa_press.split_turns([Block(text, bold) for text, bold in blocks], spokesperson)
    return [(turn.kind, turn.paragraphs) for turn in turns]


def test_opening_announcements_belong_to_the_spokesperson() -> None:
    assert _turns(("China will host the forum.", 0), ("Q: Any details?", 1), ("A: Soon.", 0)) == [
        ("answer", ["China will host the forum."]),
        ("question", ["Any details?"]),
        ("answer", ["Soon."]),
    ]


def test_unmarked_paragraphs_continue_the_answer() -> None:
    assert _turns(("Q: Why?", 1), ("A: First.", 0), ("Second.", 0), ("Third?", 0))[1] == (
        "answer",
        ["First.", "Second.", "Third?"],
    )


def test_bold_unmarked_paragraph_after_a_bold_question_continues_it() -> None:
    assert _turns(("Q: Two parts.", 1), ("And the second part?", 1), ("A: Both fine.", 0))[0] == (
        "question",
        ["Two parts.", "And the second part?"],
    )


def test_plain_unmarked_paragraph_after_a_bold_question_is_an_answer_missing_its_marker() -> None:
    assert _turns(("Q: Why?", 1), ("Because.", 0))[1] == ("answer", ["Because."])


def test_outlet_style_question_may_run_over_two_paragraphs() -> None:
    turns = _turns(
        ("AFP: Two parts.", 0),
        ("And the second?", 0),
        ("Mao Ning: Fine.", 0),
        ("Mao Ning: Also.", 0),
        spokesperson="Mao Ning",
    )
    assert turns[0] == ("question", ["Two parts.", "And the second?"])


def test_a_page_answering_with_the_name_only_once_stays_in_q_a_style() -> None:
    """2018 pages answer a late question with the name; "CCTV:" there is not an outlet marker."""
    turns = _turns(
        ("Q: Why?", 1), ("A: Because.", 0), ("CCTV: reported it.", 0), ("Q: Late?", 1), ("Geng Shuang: Yes.", 0)
    )
    assert turns[1] == ("answer", ["Because.", "CCTV: reported it."])
    assert turns[-1] == ("answer", ["Yes."])


def test_a_marker_alone_in_its_paragraph_opens_the_turn() -> None:
    turns = _turns(("Q: Why?", 1), ("A: Because.", 0), ("Q:", 1), ("Is it new?", 0), ("A:", 0), ("No.", 0))
    assert turns[2:] == [("question", ["Is it new?"]), ("answer", ["No."])]


def test_every_answer_paragraph_carries_the_spokesperson() -> None:
    turns = mfa_press.split_turns([Block("Q: Why?", 1), Block("A: One.", 0), Block("Two.", 0)], "Hua Chunying")
    units = mfa_press.turn_units(turns, "Hua Chunying")
    assert [(u.seq, u.kind, u.speaker, u.speaker_role) for u in units] == [
        (1, "question", "", ""),
        (2, "answer", "Hua Chunying", "Foreign Ministry Spokesperson"),
        (3, "answer", "Hua Chunying", "Foreign Ministry Spokesperson"),
    ]


def _page(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><h2 class='title'>{title}</h2>"
        f"<div class='content'>{body}</div></body></html>"
    )


def test_other_pages_of_the_site_are_declined() -> None:
    body = "<p>China welcomes the agreement.</p>"
    assert mfa_press.extract(_page("Spokesperson Hua Chunying's Remarks on X", body), "u") is None


def test_a_conference_page_without_answers_is_declined() -> None:
    page = _page(
        "Foreign Ministry Spokesperson Lu Kang's Regular Press Conference on May 2, 2018", "<p><b>Q: Anyone?</b></p>"
    )
    assert mfa_press.extract(page, "u") is None


def test_a_conference_without_recognised_questions_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = _page(
        "Foreign Ministry Spokesperson Lu Kang's Regular Press Conference on May 2, 2018",
        "<p>Journalist asks: why?</p><p>Because.</p>",
    )
    assert mfa_press.extract(page, "https://www.fmprc.gov.cn/mfa_eng/t1.shtml") is not None
    assert "no question markers" in caplog.text


def test_title_without_a_year_gives_no_date() -> None:
    page = _page(
        "Foreign Ministry Spokesperson Lu Kang's Regular Press Conference on September 28",
        "<p><b>Q: Why?</b></p><p>A: Because.</p>",
    )
    extracted = mfa_press.extract(page, "u")
    assert extracted.published is None
    assert extracted.units[-1].speaker == "Lu Kang"


def test_listing_years_are_taken_from_neighbours_across_new_year() -> None:
    rows = [
        "Regular Press Conference on January 3, 2019",
        "Regular Press Conference on December 28",
        "Regular Press Conference on December 27, 2018",
    ]
    html = "<ul>" + "".join(f"<li><a href='./t{100 - i}.shtml'>{r}</a></li>" for i, r in enumerate(rows)) + "</ul>"
    links = mfa_press.find_links(html, "https://www.fmprc.gov.cn/mfa_eng/x/default.shtml")
    assert [link.published.date() for link in links] == [date(2019, 1, 3), date(2018, 12, 28), date(2018, 12, 27)]


def test_listing_ignores_links_to_other_sites() -> None:
    html = "<ul><li><a href='https://elsewhere.example/t1.shtml'>Regular Press Conference on May 2, 2018</a></li></ul>"
    assert mfa_press.find_links(html, "https://www.fmprc.gov.cn/mfa_eng/x/default.shtml") == []


@pytest.mark.corpus
def test_real_transcripts_pass_the_corpus_check() -> None:
    """All saved real pages: structure, marker counts, speakers, and the gold answers."""
    corpus = CORPORA / "mfa-press-conferences"
    if not (corpus / "index.jsonl").exists():
        pytest.skip(f"real corpus not available at {corpus} (set STANCEWATCH_CORPORA)")
    index = [json.loads(line) for line in (corpus / "index.jsonl").read_text().splitlines()]
    transcripts, problems = {}, []
    for entry in index:
        html = gzip.decompress((corpus / entry["file"]).read_bytes())
        report, transcript = check_page(entry["file"], html, entry["title"])
        problems += [f"{entry['file']}: {problem}" for problem in report.problems]
        transcripts[entry["url"]] = transcript
    assert len(index) >= 100 and not problems
    gold = CORPORA.parent / "gold" / "dev.jsonl"
    if gold.exists():
        matched, checked, failures = check_gold(gold, transcripts)
        assert checked >= 40 and matched == checked, failures
    found, listing_problems = check_listings(CORPORA / "mfa-listing-pages")
    assert found and not listing_problems

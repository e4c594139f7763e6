"""Checks of the MFA press-conference extractor against saved real pages, with evidence the parser
does not use. Called by tests/extractors/sites/test_mfa_press.py and by
benchmarks/check_mfa_corpus.py (which prints every page's figures).

- marker counts: "Q:"-type markers counted by a regex over the raw HTML
  (tags stripped) must equal the question turns found, and "A:"/name
  markers the answer turns after questions;
- structure: no answers, a question with no answer after it, an answer
  turn with no question before it (except the opening), a question holding
  an answer marker or swallowing long text, an answer unit that starts with
  a question marker or is a run of paragraphs that all end in "?";
- identity: the title, spokesperson and date agree with index.jsonl, every
  answer unit carries the spokesperson and role, every question none, and
  no unit still starts with its "Q:"/"A:"/name marker;
- gold: each `mfa-YYYYMMDD-qQ[-pP]` unit of the gold file whose page is in
  the corpus must equal the Q-th answer turn (paragraph P) after
  whitespace normalisation;
- listings: every listing page yields dated transcript links.

Rhetorical-question warnings are not problems (spokespersons do ask
"Anything wrong with that?").
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from stancewatch.extractors.article import clean_text
from stancewatch.extractors.sites import mfa_press

_TAG = re.compile(r"<[^>]+>")
_RAW_QUESTION = re.compile(
    r"(?:^|\n)\s*(?:Q|Follow-up|Journalist|Reporter)\s*[:\uff1a]"
    r"|following question (?:was|is) raised[^:\uff1a\n]{0,80}[:\uff1a]",
    re.IGNORECASE,
)
_TITLE_DATE = re.compile(r"on ([A-Z][a-z]+) ?(\d{1,2})(?:, (\d{4}))?$")
_TITLE_NAME = re.compile(r"Spokesperson (.+?)'s Regular Press Conference")
_GOLD_ID = re.compile(r"^mfa-(\d{8})-q(\d+)(?:-p(\d+))?$")


@dataclass
class PageReport:
    """What the check found on one page: counts, hard problems and warnings."""

    file: str
    turns: int = 0
    questions: int = 0
    answers: int = 0
    spokesperson: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def raw_marker_counts(html: str, spokesperson: str) -> tuple[int, int]:
    """(question markers, answer markers) counted in the raw HTML, independent of the parser.

    Tags become newlines so that a marker at the start of a `<p>` or after
    a `<br>` is at the start of a line; only the transcript's own markers
    count, not quoted ones mid-sentence.
    """
    body = html.split('class="content"', 1)[-1]
    text = _TAG.sub("\n", body).replace("&nbsp;", " ").replace("\xa0", " ")
    questions = len(_RAW_QUESTION.findall(text))
    answer = re.compile(rf"(?:^|\n)\s*(?:A|{re.escape(spokesperson)})\s*[:\uff1a]")
    return questions, len(answer.findall(text))


def check_page(file: str, html: bytes, expected_title: str) -> tuple[PageReport, object]:
    """Run every per-page check; returns the report and the transcript (or None)."""
    report = PageReport(file=file)
    transcript = mfa_press.read_transcript(html)
    extracted = mfa_press.extract(html, "https://www.fmprc.gov.cn/mfa_eng/" + file)
    if transcript is None or extracted is None:
        report.problems.append("not recognised as a press conference")
        return report, None
    turns = transcript.turns
    report.turns = len(turns)
    report.questions = sum(turn.kind == "question" for turn in turns)
    report.answers = sum(turn.kind == "answer" for turn in turns)
    report.spokesperson = transcript.spokesperson
    _check_identity(report, transcript, extracted, expected_title)
    _check_structure(report, turns, transcript.spokesperson)
    _check_markers(report, html, turns, transcript.spokesperson)
    return report, transcript


def _check_identity(report: PageReport, transcript, extracted, expected_title: str) -> None:
    """Title, name, date, speakers and text agree with the index and with each other."""
    name = _TITLE_NAME.search(expected_title)
    printed = _TITLE_DATE.search(expected_title)
    if clean_text(expected_title) != transcript.title:
        report.problems.append(f"title {transcript.title!r} != index {expected_title!r}")
    if printed and transcript.held_on and transcript.held_on.strftime("%B") != printed.group(1):
        report.problems.append(f"date {transcript.held_on} disagrees with the title")
    if name is None or name.group(1) != transcript.spokesperson:
        report.problems.append(f"spokesperson {transcript.spokesperson!r} not the index title's")
    if extracted.published != transcript.held_on or extracted.language != "en":
        report.problems.append("published/language not carried to Extracted")
    for unit in extracted.units:
        answering = (transcript.spokesperson, mfa_press.SPEAKER_ROLE)
        want = answering if unit.kind == "answer" else ("", "")
        if (unit.speaker, unit.speaker_role) != want:
            report.problems.append(f"unit {unit.seq} ({unit.kind}) has speaker {unit.speaker!r}")
    name = re.escape(transcript.spokesperson)
    marker = re.compile(rf"^(?:Q|A|Follow-up|Journalist|Reporter|{name})\s*[:\uff1a]")
    for unit in extracted.units:
        if marker.match(unit.text):
            report.problems.append(f"unit {unit.seq} ({unit.kind}) still starts with its marker")
    if extracted.text != "\n".join(unit.text for unit in extracted.units):
        report.problems.append("Extracted.text is not the units joined")


def _check_structure(report: PageReport, turns, spokesperson: str) -> None:
    """Alternation of turns and the content of each turn look like a transcript."""
    if report.answers == 0:
        report.problems.append("no answers")
    if report.questions == 0:
        report.warnings.append("no questions")
    answer_marker = re.compile(rf"(?:^|\s)(?:A|{re.escape(spokesperson)})\s*[:\uff1a]\s")
    question_marker = re.compile(r"^(?:Q|Follow-up|Journalist|Reporter)\s*[:\uff1a]")
    for index, turn in enumerate(turns):
        previous = turns[index - 1].kind if index else None
        text = "\n".join(turn.paragraphs)
        if turn.kind == "question":
            if index + 1 == len(turns) or turns[index + 1].kind != "answer":
                report.problems.append(f"turn {index + 1}: question without an answer")
            if answer_marker.search(text):
                report.problems.append(f"turn {index + 1}: question holds an answer marker")
            if len(text) > 1500:
                report.problems.append(f"turn {index + 1}: question of {len(text)} chars")
        else:
            if previous == "answer":
                report.problems.append(f"turn {index + 1}: answer follows an answer")
            if index and previous is None:
                report.problems.append(f"turn {index + 1}: answer with nothing before it")
            if any(question_marker.match(p) for p in turn.paragraphs):
                report.problems.append(f"turn {index + 1}: answer paragraph starts like a question")
            if all(p.rstrip().endswith("?") for p in turn.paragraphs):
                report.warnings.append(f"turn {index + 1}: answer is all questions: {text[:80]!r}")


def _check_markers(report: PageReport, html: bytes, turns, spokesperson: str) -> None:
    """Question and answer turns match the markers counted in the raw HTML."""
    raw_questions, raw_answers = raw_marker_counts(html.decode("utf-8", "replace"), spokesperson)
    answered = sum(1 for before, turn in pairwise(turns) if (before.kind, turn.kind) == ("question", "answer"))
    if raw_questions != report.questions:
        report.problems.append(f"{raw_questions} question markers in HTML, {report.questions} turns")
    if raw_answers != answered:
        report.problems.append(f"{raw_answers} answer markers in HTML, {answered} answer turns")


def answer_turns(transcript) -> list[list[str]]:
    """The answer to each question in order (the opening announcements excluded)."""
    turns = transcript.turns
    return [
        turns[i + 1].paragraphs if i + 1 < len(turns) and turns[i + 1].kind == "answer" else []
        for i, turn in enumerate(turns)
        if turn.kind == "question"
    ]


def check_gold(gold_path: Path, transcripts: dict[str, object]) -> tuple[int, int, list[str]]:
    """(matched, checked, failures) for the gold MFA units whose page is in the corpus."""
    matched = checked = 0
    failures: list[str] = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        unit = json.loads(line)
        found = _GOLD_ID.match(unit["id"])
        transcript = transcripts.get(unit.get("url", ""))
        if found is None or transcript is None:
            continue
        checked += 1
        answers = answer_turns(transcript)
        q_index, p_index = int(found.group(2)), found.group(3)
        answer = answers[q_index - 1] if q_index <= len(answers) else []
        got = _gold_view(answer, p_index)
        want = [clean_text(paragraph) for paragraph in unit["text"].split("\n")]
        if got == want:
            matched += 1
        else:
            failures.append(f"{unit['id']}: want {want[0][:60]!r}, got {(got or [''])[0][:60]!r}")
    return matched, checked, failures


def _gold_view(answer: list[str], p_index: str | None) -> list[str]:
    """The answer paragraphs a gold unit covers: all of them, or paragraph P."""
    if p_index is None:
        return [clean_text(paragraph) for paragraph in answer]
    position = int(p_index) - 1
    return [clean_text(answer[position])] if position < len(answer) else []


def check_listings(folder: Path, out: Callable[[str], object] = print) -> tuple[int, list[str]]:
    """(links found, problems) over the saved listing pages.

    Each link needs a date; the date must agree with the month and day (and
    year, when printed) of its title, and dates must not increase down the
    list, which is how the site orders it.
    """
    total, problems = 0, []
    url = "https://www.fmprc.gov.cn/mfa_eng/xwfw_665399/s2510_665401/2511_665403/default.shtml"
    for path in sorted(folder.glob("*.html.gz")):
        links = mfa_press.find_links(gzip.decompress(path.read_bytes()), url)
        total += len(links)
        out(f"listing {path.name}: {len(links)} links, {sum(link.published is None for link in links)} undated")
        if not links:
            problems.append(f"{path.name}: no links")
        for link in links:
            problem = _listing_date_problem(link)
            if problem:
                problems.append(f"{path.name}: {link.url}: {problem}")
        days = [link.published for link in links if link.published]
        if any(later > earlier for earlier, later in pairwise(days)):
            problems.append(f"{path.name}: dates out of order")
    return total, problems


def _listing_date_problem(link) -> str:
    """Why a listing link's date disagrees with its title, or "" if it agrees."""
    if link.published is None:
        return "no date"
    printed = _TITLE_DATE.search(link.title)
    if printed is None:
        return ""
    month, day, year = printed.groups()
    published = link.published
    if (published.strftime("%B"), published.day) != (month, int(day)):
        return f"date {published:%Y-%m-%d} but title says {month} {day}"
    if year and published.year != int(year):
        return f"year {published.year} but title says {year}"
    return ""

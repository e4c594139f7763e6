"""The subject of a sentence decides who holds a position the classifiers add (subjects.py)."""

from __future__ import annotations

from stancewatch.extractors.statements.features import SentenceView, UnitFacts
from stancewatch.extractors.statements.subjects import subject_holders, subject_span

READOUT = UnitFacts(
    voice="USA", has_speaker=False, title_kinds=("call",), title_codes=("USA", "VNM"), unit_codes=(), doc_codes=()
)
PRESSER = UnitFacts(voice="CHN", has_speaker=True, title_kinds=("press",), title_codes=(), unit_codes=(), doc_codes=())


def view(text: str, parties: list[tuple[int, str]] = ()) -> SentenceView:
    tokens = text.split()
    return SentenceView(tokens, list(parties), text, 0, list(dict.fromkeys(c for _, c in parties)))


def test_the_subject_starts_after_a_short_adverbial_and_ends_at_its_verb():
    assert subject_span(view("Today , WE have taken action")) == (2, 3)
    assert subject_span(view("secretary PERSON and foreign minister PERSON celebrated the partnership")) == (0, 6)
    assert subject_span(view("since early this year , SELF and PARTY have been cooperating")) == (5, 8)


def test_we_in_a_joint_statement_is_every_signatory():
    signed = UnitFacts("USA", False, ("joint", "statement"), (), (), (), signatories=("USA", "CAN", "NOR"))
    assert subject_holders(view("WE stressed the importance of talks"), signed) == ["USA", "CAN", "NOR"]
    assert subject_holders(view("WE stressed the importance of talks"), PRESSER) == ["CHN"]


def test_both_sides_of_a_readout_hold_what_the_two_sides_agreed():
    assert subject_holders(view("the two sides agreed to continue talks"), READOUT) == ["USA", "VNM"]
    assert subject_holders(view("they discussed the partnership"), READOUT) == ["USA", "VNM"]
    two = view("secretary PERSON and foreign minister PERSON celebrated the partnership", [(1, "USA"), (5, "VNM")])
    assert subject_holders(two, READOUT) == ["USA", "VNM"]


def test_an_impersonal_report_in_a_readout_is_both_parties_and_elsewhere_nobodys():
    text = "the importance of joint efforts was emphasised"
    assert subject_holders(view(text), READOUT) == ["USA", "VNM"]
    assert subject_holders(view(text), PRESSER) == []


def test_one_named_party_leaves_the_choice_to_the_holder_classifier():
    assert subject_holders(view("PARTY welcomed the agreement", [(0, "JPN")]), READOUT) == []


def test_counted_sides_outside_a_readout_are_the_parties_the_answer_names_if_the_count_fits():
    korea = UnitFacts("CHN", True, ("press",), (), ("PRK", "KOR"), ())
    assert subject_holders(view("both sides are implementing the consensus"), korea) == ["PRK", "KOR"]
    trio = UnitFacts("CHN", True, ("press",), (), ("CHN", "AFG", "PAK"), ())
    assert subject_holders(view("the three sides agreed to cooperate"), trio) == ["CHN", "AFG", "PAK"]
    # the count does not fit, or nothing counts the sides: the subject does not settle it
    assert subject_holders(view("the two sides agreed to cooperate"), trio) == []
    assert subject_holders(view("they are implementing the consensus"), korea) == []

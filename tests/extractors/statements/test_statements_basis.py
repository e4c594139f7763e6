"""Statement.basis: "demand" for positions read from demands and appeals, "assessment" for attitudes and
evaluations (contract "Timelines and shifts": an assessment outweighs the routine demands beside it).
The sentences are written for these tests."""

from __future__ import annotations

import dataclasses

import pytest

from stancewatch.extractors.statements import Statement
from stancewatch.domain.shifts import document_stance
from stancewatch.extractors.statements.evaluate import is_demand
from tests.extractors.statements.helpers import unit

DEMANDS = [
    ("verb demand, corrective", "China urges the US to stop arms sales to Taiwan.", "CHN", "oppose"),
    (
        "calls on, cooperative",
        "China calls on relevant parties to exercise restraint and resume dialogue.",
        "CHN",
        "support",
    ),
    (
        "calls for",
        "The United States calls for the immediate release of the detained journalists in Belarus.",
        "USA",
        "oppose",
    ),
    ("modal should", "The US should strictly adhere to the one-China principle.", "CHN", "oppose"),
    ("modal must", "Kiev must fulfil the Minsk agreements.", "RUS", "oppose"),
    (
        "soft appeal hopes",
        "We hope Russia and the US will properly resolve their differences through talks.",
        "CHN",
        "support",
    ),
    ("it is essential that", "It is essential that Kiev fulfil the Minsk agreements.", "RUS", "oppose"),
    (
        "passive modal",
        "The sovereignty and territorial integrity of Syria should be upheld and respected.",
        "CHN",
        "support",
    ),
    (
        "stressed the need to",
        "Wang Yi stressed the need to resume dialogue with Iran on the nuclear issue.",
        "CHN",
        "support",
    ),
    ("normative appeal", "Dialogue between Armenia and Azerbaijan is crucial for peace.", "USA", "support"),
    (
        "imperative advice",
        "Here is my advice for the US side. First, stop stirring up troubles in the South China Sea.",
        "CHN",
        "oppose",
    ),
]

ASSESSMENTS = [
    ("attitude support", "China supports the peace talks between the two Koreas.", "CHN", "support"),
    (
        "attitude oppose",
        "The United States strongly condemns the arrest of the journalist in Belarus.",
        "USA",
        "oppose",
    ),
    ("negated support", "China does not support the unilateral sanctions imposed on Iran.", "CHN", "oppose"),
    ("concern", "China is highly concerned about the situation in Ukraine.", "CHN", "concern"),
    (
        "welcomes",
        "The United States welcomes the ceasefire agreement between Armenia and Azerbaijan.",
        "USA",
        "support",
    ),
    (
        "evaluative oppose",
        "The sanctions imposed by the US on Iran are a serious violation of international law.",
        "CHN",
        "oppose",
    ),
    (
        "evaluative support",
        "The meeting between Xi Jinping and Vladimir Putin was a successful meeting.",
        "CHN",
        "support",
    ),
    (
        "normative assessment",
        "The visit of the Iranian Foreign Minister is conducive to peace in the Middle East.",
        "CHN",
        "support",
    ),
]


def _found(detector, text: str, country: str, stance: str) -> list[Statement]:
    out = [s for s in detector.detect(unit(text, country=country, day="2019-06-01")) if s.stance == stance]
    assert out, f"no {stance} statement in {text!r}"
    return out


@pytest.mark.parametrize("name,text,country,stance", DEMANDS, ids=[d[0] for d in DEMANDS])
def test_demand_cues_have_demand_basis(detector, name, text, country, stance):
    assert {s.basis for s in _found(detector, text, country, stance)} == {"demand"}


@pytest.mark.parametrize("name,text,country,stance", ASSESSMENTS, ids=[a[0] for a in ASSESSMENTS])
def test_attitude_and_evaluative_cues_have_assessment_basis(detector, name, text, country, stance):
    assert {s.basis for s in _found(detector, text, country, stance)} == {"assessment"}


def test_basis_is_in_to_dict_equality_and_hash():
    base = Statement("CHN", "", "", "oppose", "USA", "taiwan", (), "s", "urges", None)
    demand = dataclasses.replace(base, basis="demand")
    assert base.basis == "assessment" and base.to_dict()["basis"] == "assessment"
    assert demand.to_dict()["basis"] == "demand"
    assert base != demand and len({base, demand}) == 2
    assert dataclasses.replace(base, detector_version="x") == base  # the version stays out of equality


def test_assessment_and_demand_in_one_sentence_keep_their_own_basis(detector):
    text = "China welcomes the summit between the DPRK and the US and hopes both sides will implement its outcome."
    out = detector.detect(unit(text, country="CHN", day="2018-06-13"))
    assert {s.basis for s in out} == {"assessment", "demand"}


def test_document_stance_reads_basis():
    base = {"actor": "CHN", "target": "USA", "topic": "trade", "flags": [], "cue": "x"}
    rows = [
        dict(base, stance="oppose", basis="demand"),
        dict(base, stance="oppose", basis="demand"),
        dict(base, stance="support", basis="assessment"),
    ]
    assert document_stance(rows, "CHN", "USA", "trade") == "support"  # the assessment outweighs two demands
    assert is_demand(rows[0]) and not is_demand(rows[2])
    assert is_demand({"cue": "urges"}) and not is_demand({"cue": "supports"})  # rows without basis: by cue

"""One fixture per kind of statement the detector used to miss in the wild (our own made-up texts,
`fixtures/kinds.jsonl`, labelled by the contract), read by the shipped hybrid detector.

Each kind is checked for what it is about: joint statements for *who* holds the position (every
signatory, and nobody who did not sign), doer-not-victim for the *target*, the others for the whole
statement (strict match: actor, stance, and a listed target or topic)."""

from __future__ import annotations

import json

import pytest

from stancewatch.extractors.statements import get_detector
from stancewatch.extractors.statements.evaluate import loose_ok, strict_ok
from stancewatch.extractors.statements.jsonl import unit_from_dict
from tests.extractors.statements.helpers import FIXTURES

KINDS = [json.loads(line) for line in (FIXTURES / "kinds.jsonl").read_text(encoding="utf-8").splitlines() if line]


def of_kind(*kinds: str) -> list[dict]:
    return [k for k in KINDS if k["kind"] in kinds]


@pytest.fixture(scope="module")
def found() -> dict[str, list[dict]]:
    units = [unit_from_dict(k) for k in KINDS]
    return {u.id: [s.to_dict() for s in stmts] for u, stmts in zip(units, get_detector("hybrid").detect_many(units))}


@pytest.mark.parametrize(
    "case",
    of_kind(
        "reported",
        "evaluative",
        "demand",
        "concern",
        "rhetorical",
        "topics",
        "doer",
        "dated",
        "procedural_cue",
        "acclaim",
    ),
    ids=lambda k: k["id"],
)
def test_the_statement_is_found(found, case):
    detected = found[case["id"]]
    missing = [g for g in case["statements"] if not any(strict_ok(d, g) for d in detected)]
    assert not missing, f"{case['id']} ({case['kind']}): missing {missing}; got {detected}"


@pytest.mark.parametrize("case", of_kind("joint"), ids=lambda k: k["id"])
def test_every_signatory_and_no_one_else_holds_a_joint_position(found, case):
    detected = found[case["id"]]
    missing = [g for g in case["statements"] if not any(loose_ok(d, g) for d in detected)]
    assert not missing, f"{case['id']}: missing {missing}; got {detected}"
    assert {d["actor"] for d in detected} <= {g["actor"] for g in case["statements"]}, detected


@pytest.mark.parametrize("case", of_kind("doer"), ids=lambda k: k["id"])
def test_the_doer_is_the_target_not_the_victim(found, case):
    expected = {t for g in case["statements"] for t in g["targets"]}
    opposing = [d for d in found[case["id"]] if d["stance"] == "oppose"]
    assert opposing and all(d["target"] in expected for d in opposing), opposing


def test_a_position_on_several_topics_lists_them_all(found):
    """ "welcomes the constructive trade talks": the key is (CHN, USA, trade) and (CHN, USA, dialogue)."""
    (case,) = of_kind("topics")
    topics = {t for d in found[case["id"]] if d["stance"] == "support" for t in d["topics"]}
    assert {"trade", "dialogue"} <= topics, found[case["id"]]


@pytest.mark.parametrize("case", of_kind("withheld"), ids=lambda k: k["id"])
def test_a_measure_withheld_is_no_opposition(found, case):
    """ "decided not to impose new tariffs": the classifier learns that tariffs draw `oppose`; a
    measure announced as not taken must not become the publisher's protest."""
    assert not [d for d in found[case["id"]] if d["stance"] == "oppose"], found[case["id"]]


@pytest.mark.parametrize("case", of_kind("reported"), ids=lambda k: k["id"])
def test_a_reported_position_is_not_also_the_publishers(found, case):
    """Whoever the text reports holds the position; the publisher joins it only when the text says so."""
    holders, stance = {g["actor"] for g in case["statements"]}, case["statements"][0]["stance"]
    same = [d for d in found[case["id"]] if d["actor"] not in holders and d["stance"] == stance]
    assert not same, same


@pytest.mark.parametrize("case", of_kind("dated"), ids=lambda k: k["id"])
def test_the_publishers_reading_is_dated_the_day_it_spoke(found, case):
    """ "On March 3, the US announced ...", read on March 7 as China's protest: March 3 is the day of
    the US move, and China protested on March 7 (a timeline must not date the protest earlier)."""
    mine = [d for d in found[case["id"]] if d["actor"] == case["source_country"]]
    assert mine and all(d["stated_on"] == case["date"] for d in mine), mine


@pytest.mark.parametrize("case", of_kind("acclaim"), ids=lambda k: k["id"])
def test_acclaiming_a_release_is_no_demand_on_whoever_released(found, case):
    """ "welcomes the release of ..." praises an act done; only support *for* a release asks it of someone."""
    assert not [d for d in found[case["id"]] if d["stance"] == "oppose"], found[case["id"]]


@pytest.mark.parametrize("case", of_kind("not_a_statement"), ids=lambda k: k["id"])
def test_a_schedule_holds_no_position(found, case):
    """Visits, calls, meetings and schedules are not statements (contract), however many parties they name."""
    assert found[case["id"]] == []

"""Fixture files that carry their own expectation: the seed article and the negative set."""

from __future__ import annotations

import json

import pytest

from stancewatch.extractors.statements.evaluate import strict_ok
from stancewatch.extractors.statements.jsonl import units_from_jsonl

from tests.extractors.statements.helpers import FIXTURES

NEGATIVES = [json.loads(line) for line in open(FIXTURES / "negatives.jsonl", encoding="utf-8") if line.strip()]


@pytest.fixture(scope="module")
def seed_results(detector):
    with open(FIXTURES / "seed_article.jsonl", encoding="utf-8") as fh:
        units = list(units_from_jsonl(fh))
    return {u.id: [s.to_dict() for s in stmts] for u, stmts in zip(units, detector.detect_many(units))}


SEED = json.loads((FIXTURES / "seed_article.expected.json").read_text(encoding="utf-8"))["units"]


@pytest.mark.parametrize("unit_id", sorted(SEED))
def test_seed_article_matches_contract_table(seed_results, unit_id):
    detected = seed_results[unit_id]
    expected = SEED[unit_id]
    if not expected:
        assert detected == []
    for gold in expected:
        hits = [d for d in detected if strict_ok(d, gold)]
        assert hits, f"{unit_id}: no detection matches {gold}; got {detected}"
        assert any(d["speaker"] == gold["speaker"] for d in hits)


@pytest.mark.parametrize("obj", NEGATIVES, ids=[o["id"] for o in NEGATIVES])
def test_negative_fixture_yields_nothing(detector, obj):
    unit = next(units_from_jsonl([json.dumps(obj)]))
    assert detector.detect(unit) == []

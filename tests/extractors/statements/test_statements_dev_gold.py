"""Dev-gold figures and the sequences' per-document stances (seconds; skipped without shared data).

These pin the measured quality: a regression in any rule family shows up here first.
"""

from __future__ import annotations

import json

import pytest

from stancewatch.domain.shifts import document_stance
from stancewatch.extractors.statements.evaluate import evaluate_file
from stancewatch.extractors.statements.jsonl import units_from_jsonl
from tests.extractors.statements.helpers import SHARED

DEV = SHARED / "data" / "gold" / "dev.jsonl"
SEQUENCES = sorted((SHARED / "data" / "sequences").glob("*/expected.json")) if SHARED.exists() else []


@pytest.mark.skipif(not DEV.exists(), reason="shared dev gold is not available")
def test_dev_gold_meets_targets(detector):
    result = evaluate_file(str(DEV), "rules")
    assert result["strict"]["f1"] >= 0.75
    assert result["loose"]["f1"] >= 0.85
    assert result["speaker_accuracy"] >= 0.90
    assert result["empty_units_with_detections"] <= 2


def _document_stances(detector, folder):
    with open(folder / "docs.jsonl", encoding="utf-8") as fh:
        units = list(units_from_jsonl(fh))
    return {u.id: [s.to_dict() for s in stmts] for u, stmts in zip(units, detector.detect_many(units))}


@pytest.mark.skipif(not SEQUENCES, reason="shared sequences are not available")
@pytest.mark.parametrize("expected_path", SEQUENCES, ids=[p.parent.name for p in SEQUENCES])
def test_sequence_document_stances(detector, expected_path):
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    found = _document_stances(detector, expected_path.parent)
    right = total = 0
    for key in expected["keys"]:
        for entry in key["timeline"]:
            got = document_stance(found[entry["doc_id"]], key["actor"], key["target"], key["topic"])
            total += 1
            right += got == entry["stance"]
    for control in expected["controls"]:
        for entry in control["timeline"]:
            got = document_stance(found[entry["doc_id"]], control["actor"], control["target"], control["topic"])
            assert got == entry["stance"], (control["topic"], entry["doc_id"])
    assert right == total, f"{right}/{total} document stances right"

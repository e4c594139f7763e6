"""The scorer: hand-computed figures on a small fixture, and agreement with shared/tools/score.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stancewatch.extractors.statements.evaluate import format_report, score
from tests.extractors.statements.helpers import FIXTURES, SHARED

SCORE_PY = SHARED / "tools" / "score.py"
DEV = SHARED / "data" / "gold" / "dev.jsonl"


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _detected(path: Path) -> dict[str, list[dict]]:
    return {str(o["id"]): o.get("statements") or [] for o in _jsonl(path)}


def test_score_matches_hand_computed_figures():
    result = score(_jsonl(FIXTURES / "score_gold.jsonl"), _detected(FIXTURES / "score_detected.jsonl"))
    expected = json.loads((FIXTURES / "score_detected.expected.json").read_text(encoding="utf-8"))
    expected.pop("why")
    assert result == expected


def test_format_report_shows_the_figures():
    result = score(_jsonl(FIXTURES / "score_gold.jsonl"), _detected(FIXTURES / "score_detected.jsonl"))
    text = format_report(result)
    assert "strict  P 0.500  R 0.750  F1 0.600" in text
    assert "speaker accuracy 0.500" in text
    assert "kremlin 0.000" in text


def _reference(gold: Path, detected: Path) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORE_PY), str(gold), str(detected), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout)


@pytest.mark.skipif(not SCORE_PY.exists(), reason="shared/tools/score.py is not available")
def test_score_agrees_with_reference_on_fixture():
    gold, det = FIXTURES / "score_gold.jsonl", FIXTURES / "score_detected.jsonl"
    assert score(_jsonl(gold), _detected(det)) == _reference(gold, det)


@pytest.mark.skipif(not (SCORE_PY.exists() and DEV.exists()), reason="shared dev gold is not available")
def test_score_agrees_with_reference_on_dev_detections(detector, tmp_path):
    from stancewatch.extractors.statements.jsonl import units_from_jsonl

    gold = _jsonl(DEV)
    units = list(units_from_jsonl(json.dumps(g) for g in gold))
    lines = [
        json.dumps({"id": u.id, "statements": [s.to_dict() for s in stmts]})
        for u, stmts in zip(units, detector.detect_many(units))
    ]
    det_path = tmp_path / "detected.jsonl"
    det_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert score(gold, _detected(det_path)) == _reference(DEV, det_path)

"""`stancewatch train` end to end on a tiny labelled set: split, cross-validate, fit, write, load, detect."""

from __future__ import annotations

import json

import pytest

from stancewatch.extractors.statements import TextUnit
from stancewatch.extractors.statements.classifier import Classifiers
from stancewatch.extractors.statements.pipeline import Detector
from stancewatch.extractors.statements.training import train

from tests.extractors.statements.helpers import FIXTURES

pytest.importorskip("sklearn", reason="scikit-learn comes with the test extra")
TINY = FIXTURES / "tiny_gold.jsonl"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    rules = Detector("rules", featurize=True)
    report = train([TINY], rules.read, out, k=2, search=False, log=lambda _: None)
    return out, report


def test_training_reads_only_the_tuning_part_and_writes_a_loadable_bundle(trained):
    out, report = trained
    total = sum(1 for line in TINY.read_text().splitlines() if line.strip())
    assert report["tuning_units"] + report["locked_units"] == total and report["locked_units"] >= 1
    assert {p.name for p in out.iterdir()} >= {"stance.npz", "holder.npz", "topic.npz", "settings.json"}
    models = Classifiers.from_disk(out)
    assert models.stance.labels == ["support", "oppose", "concern"]
    assert json.loads((out / "training-report.json").read_text())["folds"] == 2


def test_the_trained_bundle_finds_what_the_rules_miss(trained):
    """The tiny set teaches that "a bright page in our relations" is support; the rules have no cue
    for it. A new partner and a new publisher: the classifier must carry it over."""
    out, _ = trained
    text = "The consultations with Mongolia were a bright page in our relations."
    unit = TextUnit(text, source_country="USA", id="m")
    assert Detector("rules").detect(unit) == []
    found = Detector("hybrid", models=Classifiers.from_disk(out)).detect(unit)
    assert [(s.actor, s.stance, s.target) for s in found] == [("USA", "support", "MNG")]
    # both topics the sentence names by keyword are carried ("relations": cooperation, which is also
    # what the tiny set taught; "consultations": dialogue)
    assert 0.5 < found[0].confidence < 1.0 and found[0].topics == ("cooperation", "dialogue")


def test_training_is_reproducible(trained, tmp_path):
    out, _ = trained
    train([TINY], Detector("rules", featurize=True).read, tmp_path, k=2, search=False, log=lambda _: None)
    for name in ("stance.npz", "holder.npz", "topic.npz", "stance.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name

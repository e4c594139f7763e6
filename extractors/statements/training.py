"""Training the detector's classifiers: `stancewatch train GOLD...`.

1. The gold units are split by document (`split.py`): the tuning part trains and tunes, the
   locked part is never read here unless `score_locked` is asked for, once, at the end.
2. Each tuning unit is read by the grammar rules once (with its document's context) and turned into
   examples: one per sentence for the stance and topic classifiers, one per (sentence, candidate
   holder) for the holder classifier. A gold statement belongs to the sentence holding its
   `evidence` span.
3. k-fold cross-validation by document on the tuning part chooses the decision thresholds
   (`classifier.Settings`): models are fitted on k-1 folds and the whole detector is scored, with the
   reference scorer's rules (`evaluate.score`), on the held-out fold.
4. The final models are fitted on the whole tuning part and written to `model/` with the chosen
   settings. Everything is seeded: the same gold files give the same files, byte for byte.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import split as splitting
from .classifier import MODEL_DIR, STANCES, Classifiers, Settings
from .components import CONFIG
from .evaluate import score
from .jsonl import unit_from_dict
from .linear import Example, describe, fit
from .positions import UnitReading, assemble, decide, probabilities

HOLDS = "holds"
#: The thresholds cross-validation searches (everything else in Settings stays at its default).
GRID: dict[str, Sequence[Any]] = {
    "add_support": (0.5, 0.6, 0.7),
    "add_oppose": (0.6, 0.7, 0.8),
    "add_concern": (0.7, 0.9),
    "holder": (0.5, 0.6, 0.7),
    "complete": (0.0, 0.5, 0.7, 0.9),
}


@dataclass
class Labelled:
    """A unit's reading with its gold statements assigned to sentences."""

    gold: dict[str, Any]
    reading: UnitReading
    by_sentence: list[list[dict[str, Any]]]


def load_gold(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Gold units from JSON lines files, in file order."""
    units: list[dict[str, Any]] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            units.extend(json.loads(line) for line in fh if line.strip())
    return units


def label(units: Sequence[dict[str, Any]], read: Callable[[list[Any]], list[UnitReading]]) -> list[Labelled]:
    """Read every unit (documents keep their context) and put each gold statement in its sentence."""
    readings = read([unit_from_dict(u) for u in units])
    out = []
    for gold, reading in zip(units, readings):
        per: list[list[dict[str, Any]]] = [[] for _ in reading.sentences]
        for st in gold.get("statements") or []:
            k = _sentence_of(reading, gold["text"], st.get("evidence") or "")
            if k is not None:
                per[k].append(st)
        out.append(Labelled(gold, reading, per))
    return out


def _sentence_of(reading: UnitReading, text: str, evidence: str) -> int | None:
    at = text.find(evidence) if evidence else -1
    if at < 0:
        return None
    for k, r in enumerate(reading.sentences):
        if r.sent.start_char <= at < r.sent.end_char:
            return k
    return None


def examples(data: Sequence[Labelled]) -> dict[str, tuple[list[Example], list[set[str]]]]:
    """Training examples of the three classifiers."""
    stance: tuple[list[Example], list[set[str]]] = ([], [])
    topic: tuple[list[Example], list[set[str]]] = ([], [])
    holder: tuple[list[Example], list[set[str]]] = ([], [])
    for item in data:
        for r, golds in zip(item.reading.sentences, item.by_sentence):
            stance[0].append(r.example)
            stance[1].append({g["stance"] for g in golds})
            if not golds:
                continue
            topic[0].append(r.example)
            topic[1].append({t for g in golds for t in g.get("topics") or []})
            actors = {g["actor"] for g in golds}
            for code, ex in zip(r.holders, r.holder_examples):
                holder[0].append(ex)
                holder[1].append({HOLDS} if code in actors else set())
    return {"stance": stance, "topic": topic, "holder": holder}


def fit_models(data: Sequence[Labelled], settings: Settings, topics: Sequence[str]) -> Classifiers:
    ex = examples(data)
    stance = fit(*ex["stance"], labels=STANCES, c=settings.c_stance)
    holder = fit(*ex["holder"], labels=(HOLDS,), c=settings.c_holder)
    topic = fit(*ex["topic"], labels=topics, c=settings.c_topic, min_df=1, balanced=False)
    return Classifiers(stance, holder, topic, settings)


def topics_of(units: Iterable[dict[str, Any]]) -> list[str]:
    return sorted({t for u in units for st in u.get("statements") or [] for t in st.get("topics") or []})


def detections(data: Sequence[Labelled], models: Classifiers) -> dict[str, list[dict[str, Any]]]:
    return {item.gold["id"]: [s.to_dict() for s in decide(item.reading, models, "cv")] for item in data}


def cross_validate(
    data: Sequence[Labelled],
    settings: Settings,
    k: int,
    topics: Sequence[str],
    grid: dict[str, Sequence[Any]] | None = None,
    scored: Callable[[dict[str, Any]], bool] = lambda unit: True,
) -> tuple[Settings, dict[str, Any], list[dict[str, Any]]]:
    """Fit on k-1 folds, score the held-out fold; with `grid`, choose the thresholds by the pooled
    strict F1. Returns (best settings, their pooled scores, every grid point's scores)."""
    fold_of = splitting.folds([d.gold for d in data], k)
    probs = {}
    for f in range(k):
        train = [d for d, g in zip(data, fold_of) if g != f]
        models = fit_models(train, settings, topics)
        probs.update({d.gold["id"]: probabilities(d.reading, models) for d, g in zip(data, fold_of) if g == f})
    points = [settings]
    if grid:
        keys = list(grid)
        points = [
            dataclasses.replace(settings, **dict(zip(keys, values)))
            for values in itertools.product(*(grid[key] for key in keys))
        ]
    golds = [d.gold for d in data if scored(d.gold)]
    results = []
    for point in points:
        dets = {
            d.gold["id"]: [s.to_dict() for s in assemble(d.reading, probs[d.gold["id"]], point, "cv")]
            for d in data
            if scored(d.gold)
        }
        result = score(golds, dets)
        results.append({"settings": dataclasses.asdict(point), "strict": result["strict"], "loose": result["loose"]})
    best = max(range(len(points)), key=lambda i: (results[i]["strict"]["f1"], results[i]["loose"]["f1"]))
    return points[best], results[best], results


def training_knobs() -> dict[str, Any]:
    """The [stancewatch] section of config.cfg: folds and each classifier's regularisation."""
    import spacy

    return dict(spacy.util.load_config(CONFIG).get("stancewatch", {}))


def write(models: Classifiers, folder: Path, report: dict[str, Any]) -> None:
    """The bundle plus a human-readable training report (figures, settings, strongest features)."""
    models.to_disk(folder)
    top = {name: describe(getattr(models, name)) for name in ("stance", "holder")}
    (folder / "training-report.json").write_text(json.dumps({**report, "strongest_features": top}, indent=2) + "\n")


def train(
    gold_paths: Sequence[Path],
    read: Callable[[list[Any]], list[UnitReading]],
    out: Path = MODEL_DIR,
    k: int | None = None,
    search: bool = True,
    log: Callable[[str], None] = print,
    scored: Callable[[dict[str, Any]], bool] = lambda unit: True,
) -> dict[str, Any]:
    """The whole recipe: split, read, cross-validate (and choose thresholds), fit, write."""
    tune, locked = splitting.split(load_gold(gold_paths))
    log(f"gold: {len(tune)} tuning units, {len(locked)} locked units (not read)")
    data = label(tune, read)
    topics = topics_of(tune)
    knobs = training_knobs()
    k = k or int(knobs.get("folds", 5))
    start = Settings.from_dict({key: float(knobs[key]) for key in ("c_stance", "c_holder", "c_topic") if key in knobs})
    settings, cv, _ = cross_validate(data, start, k, topics, GRID if search else None, scored)
    scored_data = [d for d in data if scored(d.gold)]
    rules = score(
        [d.gold for d in scored_data],
        {d.gold["id"]: [s.to_dict() for s in d.reading.rules_only()] for d in scored_data},
    )
    settings = dataclasses.replace(settings, rule_floor=round(float(rules["strict"]["precision"]), 3))
    log(
        f"the rules alone on the same units: strict precision {settings.rule_floor:.3f} (the floor of their confidence)"
    )
    log(
        f"{k}-fold cross-validation on the tuning part: strict F1 {cv['strict']['f1']:.3f} "
        f"(P {cv['strict']['precision']:.3f} R {cv['strict']['recall']:.3f}), loose F1 {cv['loose']['f1']:.3f}"
    )
    models = fit_models(data, settings, topics)
    report = {
        "tuning_units": len(tune),
        "locked_units": len(locked),
        "folds": k,
        "cross_validation": cv,
        "settings": dataclasses.asdict(settings),
        "gold_files": [Path(p).name for p in gold_paths],
        "scored_units": sum(1 for u in tune if scored(u)),
    }
    write(models, out, report)
    log(f"wrote {out}")
    return report

"""Scoring detected statements against a gold set, exactly as shared/tools/score.py does.

`score` returns the same dict (keys, rounding) as ``score.py GOLD DETECTED --json``; it is
re-implemented here because shared/ is not present at run time. Matching per unit is greedy and
one-to-one; a detection that fits an already matched gold statement counts neither way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable, Iterable

Matcher = Callable[[dict[str, Any], dict[str, Any]], bool]


def _norm(value: Any) -> str:
    return (value or "").strip().upper()


def _as_set(value: Any, fold: Callable[[Any], str]) -> set[str]:
    """A detected field may be one value or a list; empty values are dropped."""
    items = value if isinstance(value, list) else [value]
    return {fold(v) for v in items if v}


def loose_ok(det: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Same actor and same stance."""
    return _norm(det.get("actor")) == _norm(gold["actor"]) and (det.get("stance") or "").lower() == gold["stance"]


def strict_ok(det: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Loose, plus a detected target among the gold targets or the topic among the gold topics
    (actor and stance suffice when the gold lists neither)."""
    if not loose_ok(det, gold):
        return False
    targets = {_norm(t) for t in gold.get("targets") or []}
    topics = {(t or "").lower() for t in gold.get("topics") or []}
    if not targets and not topics:
        return True
    lower: Callable[[Any], str] = lambda t: (t or "").lower()  # noqa: E731
    return bool(_as_set(det.get("target"), _norm) & targets) or bool(_as_set(det.get("topic"), lower) & topics)


def match(dets: list[dict], golds: list[dict], ok: Matcher) -> tuple[int, int, int, list[tuple[dict, dict]]]:
    """Greedy one-to-one matching: (matched detections, neutral detections, matched gold, pairs)."""
    used: set[int] = set()
    tp_d = neutral = 0
    pairs = []
    for det in dets:
        hit = next((j for j, g in enumerate(golds) if j not in used and ok(det, g)), None)
        if hit is not None:
            used.add(hit)
            tp_d += 1
            pairs.append((det, golds[hit]))
        elif any(ok(det, g) for g in golds):
            neutral += 1
    return tp_d, neutral, len(used), pairs


def prf(tp_d: int, n_d: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    """Precision over detections, recall over gold, and their harmonic mean."""
    p = tp_d / n_d if n_d else 0.0
    r = tp_g / n_g if n_g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def source_of(unit_id: str) -> str:
    """The id prefix that names a unit's source ("mfa-2018..." -> "mfa"; "hidden-usa-..." -> "usa")."""
    parts = unit_id.split("-")
    return parts[1] if parts[0] == "hidden" and len(parts) > 1 else parts[0]


def score(gold_units: list[dict], detected: dict[str, list[dict]]) -> dict[str, Any]:
    """Strict/loose P/R/F1, speaker accuracy, per-stance and per-source recall (score.py --json)."""
    tot: Counter[str] = Counter()
    by_stance: defaultdict[str, Counter[str]] = defaultdict(Counter)
    by_src: defaultdict[str, Counter[str]] = defaultdict(Counter)
    spk_ok = spk_n = empty_fp = 0
    for unit in gold_units:
        golds = unit["statements"]
        dets = detected.get(str(unit["id"]), [])
        for mode, ok in (("strict", strict_ok), ("loose", loose_ok)):
            tp_d, neutral, tp_g, pairs = match(dets, golds, ok)
            tot[mode + "_tp_d"] += tp_d
            tot[mode + "_n_d"] += len(dets) - neutral
            tot[mode + "_tp_g"] += tp_g
            if mode == "strict":
                ok_n, n = _strict_bookkeeping(unit, golds, pairs, by_stance, by_src, tp_g)
                spk_ok, spk_n = spk_ok + ok_n, spk_n + n
        tot["n_g"] += len(golds)
        empty_fp += int(not golds and bool(dets))
    out: dict[str, Any] = {}
    for mode in ("strict", "loose"):
        p, r, f = prf(tot[mode + "_tp_d"], tot[mode + "_n_d"], tot[mode + "_tp_g"], tot["n_g"])
        out[mode] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}
    out["speaker_accuracy"] = round(spk_ok / spk_n, 3) if spk_n else None
    out["recall_by_stance"] = _rates(by_stance)
    out["recall_by_source"] = _rates(by_src)
    out["empty_units_with_detections"] = empty_fp
    out["units"] = len(gold_units)
    out["gold_statements"] = tot["n_g"]
    return out


def _strict_bookkeeping(
    unit: dict,
    golds: list[dict],
    pairs: list[tuple[dict, dict]],
    by_stance: defaultdict,
    by_src: defaultdict,
    tp_g: int,
) -> tuple[int, int]:
    """Per-source and per-stance recall counts and the speaker tally for one unit's strict pairs."""
    src = source_of(unit["id"])
    by_src[src]["tp_g"] += tp_g
    by_src[src]["n_g"] += len(golds)
    spk_ok = spk_n = 0
    for det, gold in pairs:
        if gold.get("speaker"):
            spk_n += 1
            spk_ok += _norm(det.get("speaker")) == _norm(gold["speaker"])
    matched = {id(g) for _, g in pairs}
    for gold in golds:
        by_stance[gold["stance"]]["n_g"] += 1
        by_stance[gold["stance"]]["tp_g"] += id(gold) in matched
    return spk_ok, spk_n


def _rates(counts: dict[str, Counter[str]]) -> dict[str, float]:
    return {k: round(v["tp_g"] / v["n_g"], 3) for k, v in counts.items() if v["n_g"]}


def format_report(result: dict[str, Any]) -> str:
    """The scorer's figures as a few readable lines for the terminal."""
    lines = []
    for mode in ("strict", "loose"):
        m = result[mode]
        lines.append(f"{mode:<7} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    spk = result.get("speaker_accuracy")
    lines.append(f"speaker accuracy {spk:.3f}" if spk is not None else "speaker accuracy n/a")
    lines.append("recall by stance: " + _pairs(result.get("recall_by_stance", {})))
    lines.append("recall by source: " + _pairs(result.get("recall_by_source", {})))
    lines.append(
        f"{result.get('units', 0)} units, {result.get('gold_statements', 0)} gold statements, "
        f"{result.get('empty_units_with_detections', 0)} empty units with detections"
    )
    return "\n".join(lines)


def _pairs(rates: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in sorted(rates.items())) or "n/a"


def detections_by_id(ids: Iterable[str], results: Iterable[list[Any]]) -> dict[str, list[dict]]:
    """Pair unit ids with detect_many's lists, as the plain dicts `score` expects."""
    return {i: [s.to_dict() for s in stmts] for i, stmts in zip(ids, results)}


def evaluate_file(path: str, mode: str = "auto") -> dict[str, Any]:
    """Run the detector over a gold file and score it (what `stancewatch eval` reports)."""
    import json

    from .jsonl import units_from_jsonl
    from .pipeline import get_detector

    with open(path, encoding="utf-8") as fh:
        gold = [json.loads(line) for line in fh if line.strip()]
    units = list(units_from_jsonl(json.dumps(g) for g in gold))
    results = get_detector(mode).detect_many(units)
    return score(gold, detections_by_id((u.id for u in units), results))


if __name__ == "__main__":  # python -m stancewatch.extractors.statements.evaluate GOLD.jsonl [rules|trained|auto]
    import sys

    print(format_report(evaluate_file(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "auto")))


def is_demand(statement: dict[str, Any]) -> bool:
    """A demand or appeal ("urges", "should", "calls on"), as opposed to an assessment: the
    statement's `basis` (Statement.to_dict), or for rows without one (older exports) a guess
    from the cue word."""
    if statement.get("basis"):
        return statement["basis"] == "demand"
    from .gazetteer import lexicon

    cue = (statement.get("cue") or "").lower()
    verbs = {v.lower() for v in lexicon()["demands"]["verbs"]} | {v.lower() for v in lexicon()["demands"]["corrective"]}
    return cue in verbs or cue.split(" ")[0] in {"should", "must"}

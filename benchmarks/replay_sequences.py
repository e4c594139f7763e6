"""Replay dated statement sequences the production way and score the shifts they raise.

Usage:
    python benchmarks/replay_sequences.py SEQUENCES_DIR... [--corpora ../shared/data/corpora]

A sequence is a folder with `expected.json` and either `docs.jsonl` (the
documents with their text, as in ../shared/data/sequences) or `sequence.jsonl`
(the same lines without text, naming a document of the corpora instead; the
text is read from `--corpora` at run time, see benchmarks/sequences/README.md).
Each sequence runs into a fresh warehouse through `stancewatch.replay`: night
by night, the documents dated up to that night appear in a ministry feed (or
press-conference listing) on 127.0.0.1 and the real nightly flow
(`run_night`, what `stancewatch run --night DATE` calls) runs that night.

Printed per sequence: shifts found / expected (same key, same previous and new
stance, first day within a day of the expected date), shift precision (found
over all shifts raised on the scored keys), control alarms (shifts on keys
whose stance never moves), how many found shifts were mailed more than a day
late (they waited for corroboration), and shifts on keys nobody scored.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import stancewatch.flows.offline  # noqa: F401  (offline Prefect environment first)
from stancewatch.replay import load_docs, load_sequence, replay
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path

CONFIG = "fetch: {per_host_delay: 0, retries: 0}\narticles: {workers: 1}\n"


def key(d: dict[str, Any]) -> tuple[str, str, str]:
    return (d["actor"], d.get("target") or "", d.get("topic") or "")


def replayed_shifts(docs: list[dict[str, Any]], config_extra: str = "") -> list[dict[str, Any]]:
    """Every stance shift the real flow raises on these documents, night by night."""
    with tempfile.TemporaryDirectory(prefix="replay-sequences-") as tmp:
        db, config = Path(tmp) / "w.duckdb", Path(tmp) / "config.yaml"
        config.write_text(CONFIG + config_extra)
        for _night, _summary in replay(docs, db, config):
            pass
        with open_reader(published_path(db)) as wh:
            return wh.query(
                "SELECT actor, target, topic, new_on, previous_stance, new_stance, detected_run_id FROM stance_shifts"
            )


def score(expected: dict[str, Any], shifts: list[dict[str, Any]]) -> dict[str, Any]:
    """Found / expected, precision on the scored keys, control alarms, late alerts, unscored shifts."""
    want = [(key(k), s) for k in expected["keys"] for s in k.get("shifts", [])]
    scored = {key(k) for k in expected["keys"]} | {key(c) for c in expected.get("controls", [])}
    controls = {key(c) for c in expected.get("controls", [])}
    on_scored = [s for s in shifts if key(s) in scored]
    found, late, matched = 0, 0, set()
    for k, e in want:
        hit = next(
            (
                i
                for i, s in enumerate(on_scored)
                if i not in matched
                and key(s) == k
                and (s["previous_stance"], s["new_stance"]) == (e["from"], e["to"])
                and abs((s["new_on"] - date.fromisoformat(e["date"])).days) <= 1
            ),
            None,
        )
        if hit is not None:
            matched.add(hit)
            found += 1
            late += (date.fromisoformat(on_scored[hit]["detected_run_id"]) - on_scored[hit]["new_on"]).days > 1
    return {
        "found": found,
        "expected": len(want),
        "precision": len(matched) / len(on_scored) if on_scored else None,
        "control_alarms": sum(1 for s in shifts if key(s) in controls),
        "late": late,
        "unscored": len(shifts) - len(on_scored),
        "raised": sorted(
            f"{'/'.join(key(s))} {s['new_on']} {s['previous_stance']}->{s['new_stance']}" for s in on_scored
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sequences", type=Path, nargs="+", help="sequence folders, or folders of them")
    parser.add_argument("--corpora", type=Path, default=Path("../shared/data/corpora"))
    parser.add_argument("--config", default="", help="extra YAML lines for the configuration (e.g. rule settings)")
    args = parser.parse_args()
    folders = sorted(
        f
        for p in args.sequences
        for f in ([p] if (p / "expected.json").exists() else p.glob("*"))
        if (f / "expected.json").exists()
    )
    if not folders:
        print(f"no sequences under {', '.join(map(str, args.sequences))}; nothing to do")
        return 0
    total = {"found": 0, "expected": 0, "control_alarms": 0}
    for folder in folders:
        if (folder / "docs.jsonl").exists():
            docs = load_docs(folder / "docs.jsonl")
        elif args.corpora.is_dir():
            docs = load_sequence(folder / "sequence.jsonl", args.corpora)
        else:
            print(f"{folder.name}: skipped, no corpora at {args.corpora}")
            continue
        result = score(json.loads((folder / "expected.json").read_text()), replayed_shifts(docs, args.config))
        precision = "n/a" if result["precision"] is None else f"{result['precision']:.2f}"
        print(
            f"{folder.name}: shifts found {result['found']}/{result['expected']}, precision {precision}, "
            f"control alarms {result['control_alarms']}, mailed late {result['late']}, "
            f"shifts on unscored keys {result['unscored']}"
        )
        for line in result["raised"]:
            print(f"    raised {line}")
        for k in total:
            total[k] += result[k]
    print(
        f"all: shifts found {total['found']}/{total['expected']}, control alarms {total['control_alarms']}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

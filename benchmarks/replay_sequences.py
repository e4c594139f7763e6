"""Replay the dated statement sequences through the real nightly flow and compare shifts.

Usage: python benchmarks/replay_sequences.py ../shared/data/sequences [--mode auto]

For every sequence folder (docs.jsonl + expected.json) it runs one nightly
flow per document date into a fresh warehouse, then prints, per expected key,
the stance recorded on each document's day against the expected one, and the
shifts found against the expected shifts (missed, spurious, wrong date), and
checks the control keys raise none. Exit status 1 when any expected shift is
missed or any spurious shift appears on an expected or control key.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import stancewatch.flows.offline  # noqa: F401  (offline Prefect environment first)
from stancewatch.replay import load_docs, replay
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path


def run_sequence(folder: Path, mode: str) -> bool:
    docs = load_docs(folder / "docs.jsonl")
    expected = json.loads((folder / "expected.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        db, config = Path(tmp) / "w.duckdb", Path(tmp) / "c.yaml"
        config.write_text(f"detector: {{mode: {mode}}}\nfetch: {{per_host_delay: 0, retries: 0}}\n")
        for night, summary in replay(docs, db, config):
            print(
                f"  night {night}: {summary['new_articles']} articles, {summary['new_statements']} statements, "
                f"{summary['new_shifts']} shifts"
            )
        with open_reader(published_path(db)) as wh:
            records = wh.query("SELECT actor, target, topic, day, stance FROM stance_records")
            shifts = wh.query("SELECT actor, target, topic, new_on, previous_stance, new_stance FROM stance_shifts")
    ok = True
    for key in expected["keys"]:
        ok &= _report_key(key, records, shifts, control=False)
    for key in expected.get("controls", []):
        ok &= _report_key(key, records, shifts, control=True)
    return ok


def _report_key(key: dict, records: list[dict], shifts: list[dict], control: bool) -> bool:
    k = (key["actor"], key.get("target") or "", key.get("topic") or "")
    print(f"\n  {'control' if control else 'key'} {k[0]} -> {k[1] or '-'} / {k[2] or '-'}")
    got = {str(r["day"]): r["stance"] for r in records if (r["actor"], r["target"], r["topic"]) == k}
    for step in key.get("timeline", []):
        mark = "ok " if got.get(step["date"]) == step["stance"] else "-- "
        print(f"    {mark}{step['date']} expected {step['stance']:<8} got {got.get(step['date'], '(none)')}")
    found = {
        (str(s["new_on"]), s["previous_stance"], s["new_stance"])
        for s in shifts
        if (s["actor"], s["target"], s["topic"]) == k
    }
    want = {(s["date"], s["from"], s["to"]) for s in key.get("shifts", [])}
    for s in sorted(want | found):
        status = "found" if s in want and s in found else ("MISSED" if s in want else "SPURIOUS")
        print(f"    shift {s[0]} {s[1]} -> {s[2]}: {status}")
    return want == found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sequences", type=Path)
    parser.add_argument("--mode", default="auto")
    args = parser.parse_args()
    if not args.sequences.is_dir():
        print(f"no sequences at {args.sequences}; nothing to do")
        return 0
    all_ok = True
    for folder in sorted(p for p in args.sequences.iterdir() if (p / "docs.jsonl").exists()):
        print(f"\n== {folder.name}")
        all_ok &= run_sequence(folder, args.mode)
    print("\nall expected shifts found, none spurious" if all_ok else "\nsome shifts missed or spurious")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())

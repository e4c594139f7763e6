"""The real dated sequences (shared/data/sequences) replayed night by night through the real flow:
every expected shift on its date, none on the controls, one digest per night that shifted."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from stancewatch.demo.mailcatcher import MailCatcher
from stancewatch.replay import load_docs, replay
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path
from tests.flows.helpers import TEST_CONFIG

SEQUENCES = Path(
    os.environ.get(
        "STANCEWATCH_SEQUENCES", Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sequences"
    )
)
FOLDERS = sorted(p for p in SEQUENCES.glob("*") if (p / "expected.json").exists()) if SEQUENCES.is_dir() else []
pytestmark = [
    pytest.mark.slow,
    pytest.mark.corpus,
    pytest.mark.skipif(not FOLDERS, reason=f"no sequences at {SEQUENCES} (set STANCEWATCH_SEQUENCES)"),
]


def _key(d: dict) -> tuple[str, str, str]:
    return (d["actor"], d.get("target") or "", d.get("topic") or "")


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_a_real_sequence_raises_exactly_the_expected_shifts_and_mails_them(folder, tmp_path):
    expected = json.loads((folder / "expected.json").read_text())
    keys = {_key(k) for k in expected["keys"]} | {_key(k) for k in expected.get("controls", [])}
    want = {(_key(k), s["date"], s["from"], s["to"]) for k in expected["keys"] for s in k.get("shifts", [])}
    with MailCatcher() as mail:
        config = tmp_path / "config.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    **TEST_CONFIG,
                    "alerts": {
                        "smtp": {"host": "127.0.0.1", "port": mail.port, "security": "none"},
                        "recipients": [{"email": "analyst@example.org"}],
                    },
                }
            )
        )
        mails_per_night = {}
        for night, _ in replay(load_docs(folder / "docs.jsonl"), tmp_path / "w.duckdb", config):
            mails_per_night[night] = len(mail.messages) - sum(mails_per_night.values())
        messages = list(mail.messages)
    with open_reader(published_path(tmp_path / "w.duckdb")) as wh:
        shifts = wh.query("SELECT * FROM stance_shifts")
    got = {(_key(s), str(s["new_on"]), s["previous_stance"], s["new_stance"]) for s in shifts if _key(s) in keys}
    assert got == want
    shift_nights = {s["detected_run_id"] for s in shifts}
    assert {n for n, count in mails_per_night.items() if count} == shift_nights  # one digest a night that shifted
    assert all(count <= 1 for count in mails_per_night.values())
    text = " ".join("\n".join(m.get_body(("plain",)).get_content() for m in messages).split())
    for key, day, _, _ in want:  # quotes from both sides reach the analyst
        shift = next(s for s in shifts if (_key(s), str(s["new_on"])) == (key, day))
        for side in ("previous_quotes", "new_quotes"):
            assert any(" ".join(q.split())[:60] in text for q in shift[side]), (key, day, side)

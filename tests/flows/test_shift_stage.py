"""The shift stage on statements stored in a real warehouse (no detector involved): a thaw whose
warm statements carry both `dialogue` and `trade` is caught on the `trade` timeline; a steady
position with one contrary (misread) statement raises nothing and mails nobody; a pair's tone
across all topics gets its own relation shifts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stancewatch.domain.config import Config
from stancewatch.flows.stages import shift_stage
from stancewatch.warehouse import open_warehouse
from tests.support.statements import StatementStore

CONFIG = Config.model_validate({"alerts": {"recipients": [{"email": "analyst@example.org"}]}})
DAY = date(2024, 3, 1)


@pytest.fixture
def store(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        yield StatementStore(wh)


def night(store: StatementStore, n: int, *statements: dict) -> int:
    """Store night n's statements (dated that night) and run the shift stage; returns new shifts."""
    run = (DAY + timedelta(days=n)).isoformat()
    store.add([{"day": DAY + timedelta(days=n), **s} for s in statements], run_id=run)
    return shift_stage(store.wh, run, CONFIG)


def protest(sentence: str = "We firmly oppose the tariffs.") -> dict:
    return {"actor": "CHN", "target": "USA", "stance": "oppose", "topics": ["trade"], "sentence": sentence}


def test_a_thaw_in_talks_is_caught_on_the_trade_timeline(store):
    for n in range(3):
        assert night(store, n, protest()) == 0
    warm = {"actor": "CHN", "target": "USA", "stance": "support", "topics": ["dialogue", "trade"]}
    new = night(
        store,
        10,
        {**warm, "sentence": "The trade talks were fruitful and produced concrete results."},
        {**warm, "sentence": "It is a milestone toward resolving our differences on trade."},
    )
    shifts = store.wh.query("SELECT actor, target, topic, previous_stance, new_stance, kind FROM stance_shifts")
    assert new == 1
    assert shifts == [
        {
            "actor": "CHN",
            "target": "USA",
            "topic": "trade",
            "previous_stance": "oppose",
            "new_stance": "support",
            "kind": "reversal",
        }
    ]
    assert store.wh.scalar("SELECT count(*) FROM alerts WHERE topic = 'trade'") == 1
    # the dialogue key is new (a first stance), so it is no shift
    assert store.wh.scalar("SELECT count(*) FROM stance_records WHERE topic = 'dialogue'") == 1


def test_one_misread_statement_on_a_steady_position_raises_nothing(store):
    backing = {"actor": "USA", "target": "UKR", "stance": "support", "topics": ["sovereignty"]}
    for n in range(3):
        night(store, n, {**backing, "sentence": "We stand with Ukraine's sovereignty."})
    # the victim of an attack read as its target: one oppose beside the usual support (a tie goes to oppose)
    misread = {**backing, "stance": "oppose", "sentence": "We condemn the shelling of Ukraine by Russia's forces."}
    assert night(store, 5, {**backing, "sentence": "We stand with Ukraine."}, misread) == 0
    assert store.wh.scalar("SELECT stance FROM stance_records WHERE day = ?", [DAY + timedelta(days=5)]) == "oppose"
    assert night(store, 6, backing) == 0
    # weeks later, a night with only the misread sentence on the key, then the usual support again
    assert night(store, 30, misread) == 0
    assert night(store, 31, backing) == 0
    assert store.wh.query("SELECT * FROM stance_shifts") == []
    assert store.wh.query("SELECT * FROM alerts") == []
    # (two contrary days in a row would be corroboration: the rule cannot tell a repeated misreading
    # from a real move, see test_a_real_move_away_from_a_steady_position_is_raised_once_corroborated)


def test_a_real_move_away_from_a_steady_position_is_raised_once_corroborated(store):
    backing = {"actor": "USA", "target": "TUN", "stance": "support", "topics": ["human_rights"]}
    for n in range(3):
        night(store, n, backing)
    worry = {**backing, "stance": "concern", "sentence": "We are deeply troubled by the closure of parliament."}
    assert night(store, 5, worry) == 0  # one statement against a steady support: wait
    assert night(store, 6, worry) == 1  # a second day confirms it
    shift = store.wh.query("SELECT new_on, kind, corroboration FROM stance_shifts")
    assert shift == [{"new_on": DAY + timedelta(days=5), "kind": "cooling", "corroboration": "2 days"}]


def test_a_pair_warming_across_topics_is_a_relation_shift(store):
    hostile = {"actor": "CHN", "target": "AUS", "stance": "oppose"}
    night(store, 0, {**hostile, "topics": ["interference"]}, {**hostile, "topics": ["human_rights"]})
    friendly = {"actor": "CHN", "target": "AUS", "stance": "support"}
    night(store, 4, {**friendly, "topics": ["cooperation"]}, {**friendly, "topics": ["trade"]})
    rows = store.wh.query("SELECT previous_tone, new_tone, kind, severity, previous_net, new_net FROM relation_shifts")
    assert rows == [
        {
            "previous_tone": "cold",
            "new_tone": "warm",
            "kind": "relations warming",
            "severity": "high",
            "previous_net": -1.0,
            "new_net": 1.0,
        }
    ]
    assert store.wh.query("SELECT * FROM stance_shifts") == []  # no single topic moved
    timeline = store.wh.query("SELECT day, tone, previous_tone FROM relations ORDER BY day")
    assert [r["tone"] for r in timeline] == ["cold", "warm"] and timeline[1]["previous_tone"] == "cold"

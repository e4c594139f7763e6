"""The SQL views against the domain's Python rules, on the same statements in a real DuckDB file:
the prevailing stance of a day (`stance_records` vs `prevailing_stance`), a pair's net stance and
tone (`relation_records` vs `net_stance`/`tone`), the severity order (`severity_rank` vs
SEVERITY_RANK), and every topic of a statement counting on its own key (`statement_keys`)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest

from stancewatch.domain.shifts import SEVERITY_RANK, net_stance, prevailing_stance, tone
from stancewatch.warehouse import open_warehouse

from tests.support.statements import StatementStore


@pytest.fixture
def store(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        yield StatementStore(wh)


def random_statements(rng: random.Random, n_days: int = 120) -> list[dict]:
    """Random key-days with 1-5 statements each: every stance, basis, confidence and flag mixes."""
    out = []
    for _ in range(n_days):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(40))
        actor, target = rng.choice([("CHN", "USA"), ("CHN", ""), ("USA", "CHN"), ("RUS", "UKR")])
        for _ in range(rng.randint(1, 5)):
            out.append(
                {
                    "actor": actor,
                    "target": target,
                    "day": day,
                    "stance": rng.choice(["support", "concern", "oppose"]),
                    "basis": rng.choice(["assessment", "demand"]),
                    "confidence": rng.choice([0.25, 0.5, 0.75, 1.0]),  # exact in binary: ties stay ties
                    "flags": rng.choice([[], [], ["hypothetical"], ["future"], ["historical"]]),
                    "topics": rng.choice([["trade"], ["trade", "dialogue"], [], ["dialogue"]]),
                    "source": rng.choice(["MFA", "Xinhua"]),
                }
            )
    return out


def test_stance_records_follow_the_prevailing_stance_rule(store):
    statements = random_statements(random.Random(11))
    store.add(statements)
    expected: dict[tuple, list[dict]] = defaultdict(list)
    for s in statements:
        for topic in s["topics"] or [""]:
            expected[(s["actor"], s["target"], topic, s["day"])].append(s)
    want = {k: prevailing_stance(v) for k, v in expected.items()}
    want = {k: v for k, v in want.items() if v is not None}  # hypothetical-only days have no record
    got = {
        (r["actor"], r["target"], r["topic"], r["day"]): r["stance"]
        for r in store.wh.query("SELECT * FROM stance_records")
    }
    assert len(want) > 100 and len(set(want.values())) == 3
    assert got == want


def test_relation_records_follow_the_net_stance_rule(store):
    statements = random_statements(random.Random(12))
    store.add(statements)
    by_pair: dict[tuple, list[dict]] = defaultdict(list)
    for s in statements:
        if s["target"]:
            by_pair[(s["actor"], s["target"], s["day"])].append(s)
    want = {k: net_stance(v) for k, v in by_pair.items()}
    want = {k: v for k, v in want.items() if v is not None}
    rows = store.wh.query("SELECT actor, target, day, net, tone FROM relation_records")
    got = {(r["actor"], r["target"], r["day"]): r["net"] for r in rows}
    assert got.keys() == want.keys() and len(want) > 50
    assert all(got[k] == pytest.approx(want[k], abs=1e-6) for k in want)  # the view rounds to 6 places
    assert all(r["tone"] == tone(r["net"]) for r in rows)
    assert {r["tone"] for r in rows} == {"warm", "mixed", "cold"}


def test_the_severity_order_is_the_same_in_sql(store):
    got = {s: store.wh.scalar("SELECT severity_rank(?)", [s]) for s in SEVERITY_RANK}
    assert got == SEVERITY_RANK


def test_a_statement_with_several_topics_counts_on_each_key(store):
    store.add(
        [
            {
                "actor": "CHN",
                "target": "USA",
                "day": date(2024, 5, 1),
                "stance": "support",
                "topics": ["trade", "dialogue"],
            },
            {"actor": "CHN", "target": "USA", "day": date(2024, 5, 1), "stance": "oppose", "topics": []},
        ]
    )
    keys = store.wh.query("SELECT topic, stance FROM statement_keys ORDER BY topic")
    assert keys == [
        {"topic": "", "stance": "oppose"},
        {"topic": "dialogue", "stance": "support"},
        {"topic": "trade", "stance": "support"},
    ]
    listed = store.wh.query("SELECT topic, topics, confidence FROM statements ORDER BY topic NULLS FIRST")
    assert listed == [
        {"topic": None, "topics": [], "confidence": 1.0},
        {"topic": "trade", "topics": ["trade", "dialogue"], "confidence": 1.0},
    ]
    relation = store.wh.query("SELECT n_support, n_oppose, net, topics FROM relation_records")
    assert relation == [{"n_support": 1, "n_oppose": 1, "net": 0.0, "topics": ["dialogue", "trade"]}]

"""Runs and nights: a night holds several runs; only a run that did not complete is resumed."""

from datetime import date

import duckdb
import pytest

from stancewatch.warehouse import WarehouseError, open_warehouse
from stancewatch.warehouse.db import DUCKDB_CONFIG, SCHEMA_DIR, now
from stancewatch.warehouse.runs import begin_run, finish_run, night_summary, parse_night, run_id_for, start_night

NIGHT = date(2026, 12, 4)


def test_a_completed_run_is_followed_by_the_nights_next_run(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        first = start_night(wh, NIGHT)
        finish_run(wh, first.run_id, "completed", {})
        second = start_night(wh, NIGHT)
        finish_run(wh, second.run_id, "completed", {})
        third = start_night(wh, NIGHT)
        other = start_night(wh, date(2026, 12, 5))
        rows = wh.query("SELECT run_id, night, seq, status, attempts FROM runs ORDER BY night, seq")
    assert [(r.run_id, r.seq, r.attempt) for r in (first, second, third, other)] == [
        ("2026-12-04", 1, 1),
        ("2026-12-04.2", 2, 1),
        ("2026-12-04.3", 3, 1),
        ("2026-12-05", 1, 1),
    ]
    assert [(r["run_id"], r["night"], r["seq"], r["status"]) for r in rows] == [
        ("2026-12-04", NIGHT, 1, "completed"),
        ("2026-12-04.2", NIGHT, 2, "completed"),
        ("2026-12-04.3", NIGHT, 3, "running"),
        ("2026-12-05", date(2026, 12, 5), 1, "running"),
    ]


@pytest.mark.parametrize("ended", ["running", "failed"])  # killed hard / raised
def test_a_run_that_did_not_complete_is_resumed_under_the_same_id(tmp_path, ended):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        finish_run(wh, start_night(wh, NIGHT).run_id, "completed", {})
        crashed = start_night(wh, NIGHT)
        if ended == "failed":
            finish_run(wh, crashed.run_id, "failed", {})
        resumed = start_night(wh, NIGHT)
        assert (resumed.run_id, resumed.seq, resumed.attempt, resumed.resumed) == ("2026-12-04.2", 2, 2, True)
        finish_run(wh, resumed.run_id, "completed", {})
        assert start_night(wh, NIGHT).run_id == "2026-12-04.3"
        assert wh.scalar("SELECT count(*) FROM store.runs") == 3


def test_night_totals_add_up_the_nights_runs_only(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        runs = [start_night(wh, NIGHT).run_id]
        finish_run(wh, runs[0], "completed", {})
        runs.append(start_night(wh, NIGHT).run_id)
        elsewhere = start_night(wh, date(2026, 12, 5)).run_id
        for i, run_id in enumerate([*runs, elsewhere]):
            wh.insert(
                "store.feed_fetches",
                [
                    {"run_id": run_id, "source_id": f"s{i}", "status": "ok", "fetched_at": now()},
                    {"run_id": run_id, "source_id": f"t{i}", "status": "failed", "fetched_at": now()},
                ],
            )
        totals = night_summary(wh, NIGHT)
    assert (totals["night"], totals["runs"], totals["feeds_ok"], totals["feeds_failed"]) == ("2026-12-04", 2, 2, 2)


def test_a_reprocess_run_has_its_own_name_and_no_night(tmp_path):
    with open_warehouse(tmp_path / "w.duckdb") as wh:
        assert begin_run(wh, "reprocess-20261204T010203") == 1
        row = wh.query("SELECT kind, night, seq FROM runs")[0]
        assert start_night(wh, NIGHT).run_id == "2026-12-04"
    assert row == {"kind": "reprocess", "night": None, "seq": None}


@pytest.mark.parametrize("given", ["notadate", "2026-13-01", "2026-1-5", "20261204", "2026-12-04.2", "yesterday"])
def test_the_night_must_be_a_date(given):
    with pytest.raises(ValueError, match="night must be a date like 2026-12-04"):
        parse_night(given)


def test_night_ids():
    assert parse_night("2026-12-04") == NIGHT and parse_night(None) is None
    assert (run_id_for(NIGHT, 1), run_id_for(NIGHT, 12)) == ("2026-12-04", "2026-12-04.12")


def test_a_warehouse_from_before_runs_per_night_is_migrated(tmp_path):
    """A warehouse written when a run was its night: each old run becomes run 1 of its night, and
    the next start of a completed night is that night's second run."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db), config=dict(DUCKDB_CONFIG))
    for file in sorted(SCHEMA_DIR.glob("*.sql")):
        if file.name < "011_runs_per_night.sql":
            con.execute(file.read_text())
            if file.name != "000_store.sql":
                con.execute("INSERT INTO store.schema_migrations VALUES (?, now())", [file.name])
    con.execute(
        "INSERT INTO store.runs (run_id, started_at, status) VALUES "
        "('2026-12-04', now(), 'completed'), ('reprocess-20261204T090000', now(), 'completed'), "
        "('n1', now(), 'completed')"
    )
    con.close()
    with open_warehouse(db) as wh:
        rows = wh.query("SELECT run_id, kind, night, seq FROM runs ORDER BY run_id")
        nxt = start_night(wh, NIGHT)
    assert rows == [
        {"run_id": "2026-12-04", "kind": "nightly", "night": NIGHT, "seq": 1},
        {"run_id": "n1", "kind": "nightly", "night": None, "seq": 1},
        {"run_id": "reprocess-20261204T090000", "kind": "reprocess", "night": None, "seq": None},
    ]
    assert (nxt.run_id, nxt.seq) == ("2026-12-04.2", 2)


def test_a_command_that_needs_an_existing_warehouse_refuses_a_missing_one(tmp_path):
    with pytest.raises(WarehouseError, match="does not exist"):
        open_warehouse(tmp_path / "typo.duckdb", must_exist=True)
    assert not (tmp_path / "typo.duckdb").exists()

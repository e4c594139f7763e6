"""Loading stance and relation records for the shift rules, and storing the shifts they find.

The rules themselves are pure and live in the domain layer
(`stancewatch.domain.shifts`); this module only moves rows: records out of
the views `stance_records` and `relation_records`, shifts and their alerts
into `store.shifts` / `store.relation_shifts`, each batch in one transaction
(the outbox), so a crash can lose neither a shift nor its alert.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from stancewatch.warehouse.db import Warehouse

Row = dict[str, Any]


def load_records(wh: Warehouse, touched_in_run: str | None = None) -> list[Row]:
    """Keys' records in key and day order, from the view `stance_records`: every key, or only the
    keys that got statements in `touched_in_run` (the others cannot have shifted)."""
    return wh.named("stance_records_touched", [touched_in_run]) if touched_in_run else wh.named("stance_records")


def load_relation_records(wh: Warehouse, touched_in_run: str | None = None) -> list[Row]:
    """Pairs' records in pair and day order, from the view `relation_records` (all pairs, or the
    pairs that got statements in `touched_in_run`)."""
    return wh.named("relation_records", [touched_in_run])


def store_shifts(
    wh: Warehouse,
    rows: Sequence[Row],
    alerts_for: Callable[[Row], list[Row]] | None = None,
    table: str = "store.shifts",
) -> list[Row]:
    """Store the shift rows not stored before and queue their alerts, in one transaction.

    `alerts_for(row) -> list[row]` gives the alert rows for a new shift
    (recipients and channels); returns the newly stored rows.
    """
    known = {r["shift_id"] for r in wh.query(f"SELECT shift_id FROM {table}")}
    new = [r for r in rows if r["shift_id"] not in known]
    with wh.transaction():
        wh.insert(table, list(new))
        if alerts_for is not None:
            wh.insert("store.alerts", [a for r in new for a in alerts_for(r)])
    return new

"""Source health: which sources keep failing, for the digest and the run summary."""

from __future__ import annotations

from typing import Any

from stancewatch.warehouse.db import Warehouse


def failing_sources(wh: Warehouse, nights: int) -> list[dict[str, Any]]:
    """Sources that have failed on at least `nights` nights in a row, worst first.

    Nights, not runs: an operator who runs three times a day must not see a
    source "failing three nights in a row" after one bad morning.
    """
    return [
        {"source": r["source"], "url": r["url"], "nights": r["failed_nights"], "last_error": r["last_error"]}
        for r in wh.query(
            "SELECT * FROM source_health WHERE failed_nights >= ? ORDER BY failed_nights DESC, source",
            [nights],
        )
    ]

"""Source health: which sources keep failing, for the digest and the run summary."""

from __future__ import annotations

from typing import Any

from stancewatch.warehouse.db import Warehouse


def failing_sources(wh: Warehouse, nights: int) -> list[dict[str, Any]]:
    """Sources that failed at least `nights` runs in a row, worst first."""
    return [
        {"source": r["source"], "url": r["url"], "nights": r["consecutive_failures"], "last_error": r["last_error"]}
        for r in wh.query(
            "SELECT * FROM source_health WHERE consecutive_failures >= ? ORDER BY consecutive_failures DESC, source",
            [nights],
        )
    ]

"""The alert outbox: what is queued, and recording what the mail server said.

Alerts are queued in the same transaction as the shift that caused them
(`shifts.store_shifts`). Sending happens after the warehouse commit; each
email's outcome is written back at once, so a crash or an SMTP outage leaves
the unsent ones queued for the next run and a sent one is never sent again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from stancewatch.warehouse.db import Warehouse, now


def alert_id(shift_id: str, recipient: str, channel: str) -> str:
    return hashlib.sha256(f"{shift_id}|{recipient.lower()}|{channel}".encode()).hexdigest()[:24]


def alert_row(shift_id: str, recipient: str, channel: str, run_id: str) -> dict[str, Any]:
    """A new queued alert."""
    return {
        "alert_id": alert_id(shift_id, recipient, channel),
        "shift_id": shift_id,
        "recipient": recipient,
        "channel": channel,
        "status": "queued",
        "attempts": 0,
        "queued_run_id": run_id,
    }


def queued(wh: Warehouse, max_attempts: int) -> list[dict[str, Any]]:
    """Queued alerts with their shifts, grouped by recipient and channel, severest first."""
    return wh.named("queued_alerts", [max_attempts])


def evidence(wh: Warehouse, shift_ids: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{shift_id: {"previous": [statements], "new": [statements]}} for the emails."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in wh.named("shift_evidence", [list(shift_ids)]):
        out.setdefault(row["shift_id"], {"previous": [], "new": []})[row["side"]].append(row)
    return out


def mark_sent(wh: Warehouse, alert_ids: Sequence[str], message_id: str, run_id: str) -> None:
    wh.con.execute(
        "UPDATE store.alerts SET status = 'sent', attempts = attempts + 1, last_error = NULL, message_id = ?, "
        "sent_run_id = ?, sent_at = ? WHERE alert_id IN (SELECT unnest(?)) AND status = 'queued'",
        [message_id, run_id, now(), list(alert_ids)],
    )


def mark_held(wh: Warehouse, alert_ids: Sequence[str], error: str) -> None:
    """Nothing could be sent (server down, credentials wrong): note why, count no attempt."""
    wh.con.execute(
        "UPDATE store.alerts SET last_error = ? WHERE alert_id IN (SELECT unnest(?)) AND status = 'queued'",
        [error[:500], list(alert_ids)],
    )


def mark_attempt_failed(
    wh: Warehouse, alert_ids: Sequence[str], error: str, permanent: bool, max_attempts: int
) -> None:
    """Count a failed attempt; permanent errors, or too many attempts, end in 'failed'."""
    wh.con.execute(
        "UPDATE store.alerts SET attempts = attempts + 1, last_error = ?, "
        "status = CASE WHEN ? OR attempts + 1 >= ? THEN 'failed' ELSE 'queued' END "
        "WHERE alert_id IN (SELECT unnest(?)) AND status = 'queued'",
        [error[:500], permanent, max_attempts, list(alert_ids)],
    )

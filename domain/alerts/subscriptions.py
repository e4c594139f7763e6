"""Which recipients get which shift, on which channel."""

from __future__ import annotations

from typing import Any

from stancewatch.domain.config import AlertSettings, Recipient
from stancewatch.warehouse.outbox import alert_row
from stancewatch.domain.shifts import SEVERITY_RANK, Shift


def wants(recipient: Recipient, shift: Shift) -> bool:
    """Does the recipient's subscription cover this shift (actor, target, topic, severity)?"""
    key = shift.new
    return (
        (not recipient.actors or key.actor in recipient.actors)
        and (not recipient.targets or key.target in recipient.targets)
        and (not recipient.topics or key.topic in recipient.topics)
        and SEVERITY_RANK[shift.severity] >= SEVERITY_RANK[recipient.min_severity]
    )


def alert_rows(settings: AlertSettings, shift: Shift, run_id: str) -> list[dict[str, Any]]:
    """The outbox rows a new shift creates: the digest, plus an immediate email when configured."""
    if not settings.enabled:
        return []
    rows = []
    for r in settings.recipients:
        if not wants(r, shift):
            continue
        rows.append(alert_row(shift.shift_id, r.email, "digest", run_id))
        if r.immediate and SEVERITY_RANK[shift.severity] >= SEVERITY_RANK[settings.immediate_min_severity]:
            rows.append(alert_row(shift.shift_id, r.email, "immediate", run_id))
    return rows


def nobody_told(settings: AlertSettings, unalerted: int) -> str | None:
    """Why `unalerted` new shifts reached no one, in words for the run summary (None when all did).

    A shift that nobody hears about is easy to miss: the operator must see it
    in the run's output, not find it in the warehouse weeks later.
    """
    if not unalerted:
        return None
    shifts = f"{unalerted} new stance shift{'s' if unalerted != 1 else ''}"
    if not settings.enabled:
        return f"alerts are disabled (alerts.enabled: false): nobody was told of {shifts}"
    if not settings.recipients:
        return f"no recipients configured (alerts.recipients): nobody was told of {shifts}"
    return f"{shifts} matched no recipient's subscription: nobody was told"

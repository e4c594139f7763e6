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

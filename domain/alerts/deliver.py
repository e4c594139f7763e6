"""Send what the outbox holds: one digest per recipient, and the immediate alerts.

Each email's outcome is written to the outbox right after the server
answers, so a crash mid-way leaves exactly the unsent alerts queued. A
message the server defers (4xx) counts an attempt; one it refuses for good
(5xx) is marked failed with the reason. When nothing can be sent at all —
the server is unreachable, or our login or password is wrong — sending stops
for this run, every queued alert keeps its place and records why, and no
attempt is counted: an outage or a mistyped password must not use up alerts.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from stancewatch.domain.alerts import compose, mailer
from stancewatch.domain.config import AlertSettings
from stancewatch.warehouse import Warehouse, outbox


def deliver(
    wh: Warehouse, settings: AlertSettings, run_id: str, failing_sources: Sequence[dict[str, Any]] = ()
) -> dict[str, int]:
    """Send every queued alert; returns counts of alerts sent, failed for good, still queued."""
    counts = {"sent": 0, "failed": 0, "queued": 0}
    rows = outbox.queued(wh, settings.max_send_attempts)
    evidence = outbox.evidence(wh, sorted({r["shift_id"] for r in rows}))
    emails = _emails(rows)
    for i, alerts in enumerate(emails):
        recipient, channel = alerts[0]["recipient"], alerts[0]["channel"]
        msg = compose.build(
            alerts,
            evidence,
            settings.sender,
            recipient,
            run_id,
            channel,
            failing_sources if channel == "digest" else (),
        )
        outcome = mailer.send(msg, settings.smtp)
        ids = [a["alert_id"] for a in alerts]
        if outcome.ok:
            outbox.mark_sent(wh, ids, msg["Message-ID"], run_id)
            counts["sent"] += len(ids)
        elif outcome.hold:
            held = [a["alert_id"] for e in emails[i:] for a in e]
            outbox.mark_held(wh, held, outcome.error or "mail server unavailable")
            counts["queued"] += len(held)
            break
        else:
            outbox.mark_attempt_failed(
                wh, ids, outcome.error or "unknown error", outcome.permanent, settings.max_send_attempts
            )
            counts["failed" if outcome.permanent else "queued"] += len(ids)
    return counts


def _emails(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group queued alerts into emails: all of a recipient's digest alerts together,
    each immediate alert on its own."""
    out: list[list[dict[str, Any]]] = []
    for (_, channel), group in groupby(rows, key=lambda r: (r["recipient"], r["channel"])):
        alerts = list(group)
        out.extend([alerts] if channel == "digest" else [[a] for a in alerts])
    return out

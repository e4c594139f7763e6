"""Runs: one row per night, and the summary printed at its end."""

from __future__ import annotations

import json
from typing import Any

from stancewatch.warehouse.db import Warehouse, now


def begin_run(
    wh: Warehouse, run_id: str, prefect_flow_run: str | None = None, detector_version: str | None = None
) -> int:
    """Start (or resume) a night; returns which attempt this is (1 for a fresh night)."""
    with wh.transaction():
        prior = wh.scalar("SELECT attempts FROM store.runs WHERE run_id = ?", [run_id])
        if prior is None:
            wh.con.execute(
                "INSERT INTO store.runs (run_id, started_at, status, attempts, prefect_flow_run, detector_version) "
                "VALUES (?, ?, 'running', 1, ?, ?)",
                [run_id, now(), prefect_flow_run, detector_version],
            )
            return 1
        wh.con.execute(
            "UPDATE store.runs SET status = 'running', attempts = attempts + 1, prefect_flow_run = ?, "
            "detector_version = coalesce(?, detector_version) WHERE run_id = ?",
            [prefect_flow_run, detector_version, run_id],
        )
        return prior + 1


def finish_run(wh: Warehouse, run_id: str, status: str, summary: dict[str, Any]) -> None:
    """Mark the night completed or failed and keep its summary."""
    wh.con.execute(
        "UPDATE store.runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?",
        [status, now(), json.dumps(summary, default=str), run_id],
    )


def run_summary(wh: Warehouse, run_id: str) -> dict[str, Any]:
    """Counts and failure reasons for a night, from what the warehouse holds."""
    fetches = wh.named("run_fetch_counts", [run_id])
    counts = {r["status"]: r["n"] for r in fetches}
    articles = {r["status"]: r["n"] for r in wh.named("run_article_counts", [run_id])}
    return {
        "run_id": run_id,
        "feeds_ok": counts.get("ok", 0),
        "feeds_not_modified": counts.get("not_modified", 0) + counts.get("unchanged", 0),
        "feeds_failed": counts.get("failed", 0),
        "new_articles": articles.get("ok", 0),
        "duplicate_articles": articles.get("duplicate", 0),
        "failed_articles": articles.get("failed", 0),
        "new_statements": wh.scalar("SELECT count(*) FROM store.statements WHERE run_id = ?", [run_id]),
        "new_shifts": wh.scalar("SELECT count(*) FROM store.shifts WHERE detected_run_id = ?", [run_id]),
        "alerts_sent": wh.scalar("SELECT count(*) FROM store.alerts WHERE sent_run_id = ?", [run_id]),
        "alerts_queued": wh.scalar("SELECT count(*) FROM store.alerts WHERE status = 'queued'"),
        "errors": wh.named("run_errors", [run_id]),
    }

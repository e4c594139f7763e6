"""Runs: a night holds one or more runs, and each run ends with a summary.

A night is a date. Its first run has run_id '2026-12-04', its second
'2026-12-04.2', and so on. Starting a night resumes the night's latest run
when that run did not complete (it crashed or failed: the work it committed
is kept and not redone), and starts the night's next run when it did, so
running again after a completed run fetches again and picks up what is new.
Every other table's `run_id` says which run wrote the row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from stancewatch.warehouse.db import Warehouse, now


@dataclass(frozen=True)
class RunStart:
    """Which run a started night is: its id, its place in the night, and the attempt."""

    run_id: str
    night: date
    seq: int  # 1 for the night's first run
    attempt: int  # 1 for a fresh run; more when a run that did not complete is resumed

    @property
    def resumed(self) -> bool:
        return self.attempt > 1


def run_id_for(night: date, seq: int) -> str:
    """'2026-12-04' for a night's first run, '2026-12-04.2' for its second."""
    return night.isoformat() if seq == 1 else f"{night.isoformat()}.{seq}"


def parse_night(night: str | date | None) -> date | None:
    """`--night` as a date; anything but YYYY-MM-DD is refused with a message saying so (ValueError)."""
    if night is None or night == "":
        return None
    if isinstance(night, date):
        return night
    try:
        if len(night) != 10:
            raise ValueError
        return date.fromisoformat(night)
    except ValueError:
        raise ValueError(f"night must be a date like 2026-12-04, got {night!r}") from None


def start_night(
    wh: Warehouse, night: date, prefect_flow_run: str | None = None, detector_version: str | None = None
) -> RunStart:
    """Resume the night's latest run if it did not complete; otherwise start the night's next run."""
    with wh.transaction():
        last = wh.query(
            "SELECT run_id, seq, status, attempts FROM store.runs WHERE kind = 'nightly' AND night = ? "
            "ORDER BY seq DESC LIMIT 1",
            [night],
        )
        if last and last[0]["status"] != "completed":
            run = last[0]
            wh.con.execute(
                "UPDATE store.runs SET status = 'running', attempts = attempts + 1, prefect_flow_run = ?, "
                "detector_version = coalesce(?, detector_version) WHERE run_id = ?",
                [prefect_flow_run, detector_version, run["run_id"]],
            )
            return RunStart(run["run_id"], night, run["seq"], run["attempts"] + 1)
        seq = last[0]["seq"] + 1 if last else 1
        while wh.scalar("SELECT 1 FROM store.runs WHERE run_id = ?", [run_id_for(night, seq)]):
            seq += 1  # a name taken by an older run of another kind: never reuse it
        run_id = run_id_for(night, seq)
        _insert(wh, run_id, "nightly", night, seq, prefect_flow_run, detector_version)
        return RunStart(run_id, night, seq, 1)


def begin_run(
    wh: Warehouse,
    run_id: str,
    prefect_flow_run: str | None = None,
    detector_version: str | None = None,
    kind: str = "reprocess",
) -> int:
    """Start (or resume) a run with a name of its own (reprocess); returns which attempt this is."""
    with wh.transaction():
        prior = wh.scalar("SELECT attempts FROM store.runs WHERE run_id = ?", [run_id])
        if prior is None:
            _insert(wh, run_id, kind, None, None, prefect_flow_run, detector_version)
            return 1
        wh.con.execute(
            "UPDATE store.runs SET status = 'running', attempts = attempts + 1, prefect_flow_run = ?, "
            "detector_version = coalesce(?, detector_version) WHERE run_id = ?",
            [prefect_flow_run, detector_version, run_id],
        )
        return prior + 1


def _insert(
    wh: Warehouse,
    run_id: str,
    kind: str,
    night: date | None,
    seq: int | None,
    prefect_flow_run: str | None,
    detector_version: str | None,
) -> None:
    wh.con.execute(
        "INSERT INTO store.runs (run_id, kind, night, seq, started_at, status, attempts, prefect_flow_run, "
        "detector_version) VALUES (?, ?, ?, ?, ?, 'running', 1, ?, ?)",
        [run_id, kind, night, seq, now(), prefect_flow_run, detector_version],
    )


def finish_run(wh: Warehouse, run_id: str, status: str, summary: dict[str, Any]) -> None:
    """Mark the run completed or failed and keep its summary."""
    wh.con.execute(
        "UPDATE store.runs SET status = ?, finished_at = ?, summary = ? WHERE run_id = ?",
        [status, now(), json.dumps(summary, default=str), run_id],
    )


def run_summary(wh: Warehouse, run_id: str) -> dict[str, Any]:
    """This run's own counts and failure reasons, from what the warehouse holds."""
    return {
        "run_id": run_id,
        **_counts(wh, [run_id]),
        "alerts_queued": wh.scalar("SELECT count(*) FROM store.alerts WHERE status = 'queued'"),
        "shifts_unalerted": wh.scalar(
            "SELECT count(*) FROM store.shifts s WHERE s.detected_run_id = ? "
            "AND NOT EXISTS (SELECT 1 FROM store.alerts a WHERE a.shift_id = s.shift_id)",
            [run_id],
        ),
        "errors": wh.named("run_errors", [run_id]),
    }


def night_summary(wh: Warehouse, night: date) -> dict[str, Any]:
    """The night's totals over all its runs so far: how many runs, and the counts added up."""
    run_ids = [
        r["run_id"]
        for r in wh.query("SELECT run_id FROM store.runs WHERE kind = 'nightly' AND night = ? ORDER BY seq", [night])
    ]
    return {"night": night.isoformat(), "runs": len(run_ids), **_counts(wh, run_ids)}


def _counts(wh: Warehouse, run_ids: list[str]) -> dict[str, int]:
    """The summary's additive counts over some runs (each row belongs to the one run that wrote it)."""
    fetches = {r["status"]: r["n"] for r in wh.named("run_fetch_counts", [run_ids])}
    articles = {r["status"]: r["n"] for r in wh.named("run_article_counts", [run_ids])}
    return {
        "feeds_ok": fetches.get("ok", 0),
        "feeds_not_modified": fetches.get("not_modified", 0) + fetches.get("unchanged", 0),
        "feeds_failed": fetches.get("failed", 0),
        "new_articles": articles.get("ok", 0),
        "duplicate_articles": articles.get("duplicate", 0),
        "failed_articles": articles.get("failed", 0),
        "new_statements": wh.scalar(
            "SELECT count(*) FROM store.statements WHERE run_id IN (SELECT unnest(?))", [run_ids]
        ),
        "new_shifts": wh.scalar(
            "SELECT count(*) FROM store.shifts WHERE detected_run_id IN (SELECT unnest(?))", [run_ids]
        ),
        "alerts_sent": wh.scalar(
            "SELECT count(*) FROM store.alerts WHERE sent_run_id IN (SELECT unnest(?))", [run_ids]
        ),
    }

"""The nightly flow: feeds -> articles -> statements -> shifts -> alerts.

A night (a date, default today in the configured timezone) holds one or more
runs (`warehouse.runs`): starting a night resumes its latest run if that run
did not complete, and otherwise starts the night's next run, which fetches
again (conditional GETs keep that cheap) and picks up what is new. The stages
live in `flows.stages`; this module only puts them in order, marks the
fault-injection checkpoints between them, and publishes the read-only copy at
the end.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import stancewatch.flows  # noqa: F401  (offline environment before Prefect)
from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from stancewatch.extractors.detection import detector_version
from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.flows import progress
from stancewatch.flows.faults import checkpoint
from stancewatch.flows.stages import StageClock, alert_stage, process_sources, shift_stage
from stancewatch.flows.workers import worker_pool
from stancewatch.flows.summary import print_summary, to_markdown
from stancewatch.domain.alerts.subscriptions import nobody_told
from stancewatch.domain.config import Config, SourcesFile, load_config, load_sources
from stancewatch.warehouse import Warehouse, open_warehouse
from stancewatch.warehouse.publish import complete_lake_night, publish
from stancewatch.warehouse.runs import RunStart, finish_run, night_summary, parse_night, run_summary, start_night


# Ignored: Prefect 3.9 fails mypy on its own documented task_runner usage (PrefectHQ/prefect issue 16938)
@flow(name="nightly", task_runner=ThreadPoolTaskRunner(max_workers=8), log_prints=False)  # type: ignore[arg-type]
def nightly(
    sources: str | None = None,
    config: str | None = None,
    db: str = "stancewatch.duckdb",
    night: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Run one night into the warehouse at `db` and return its summary.

    sources: the sources YAML (default: the shipped real feeds).
    config: a configuration YAML merged over the shipped defaults.
    night: the night, a date (YYYY-MM-DD); default today in the configured
    timezone (the scheduled date for a deployment). If the night's latest run
    did not complete it is resumed; otherwise the night's next run starts.
    """
    given = parse_night(night)  # before anything else: a typo is an error, not a run
    cfg, srcs = load_config(config), load_sources(sources)
    with open_warehouse(cfg.warehouse.target(db), wait=30) as wh:
        run = start_night(
            wh,
            given or _tonight(cfg.timezone),
            str(flow_run.id) if flow_run.id else None,
            detector_version(cfg.detector.mode),
        )
        try:
            summary = _run_stages(wh, run.run_id, cfg, srcs)
        except BaseException:
            finish_run(wh, run.run_id, "failed", run_summary(wh, run.run_id))
            raise
        summary.update(run_details(wh, run, cfg, summary["shifts_unalerted"]))
        if wh.lake is None:
            finish_run(wh, run.run_id, "completed", summary)
        else:
            complete_lake_night(wh, run.run_id, summary)  # DuckLake: the snapshot readers attach at
    if wh.lake is None:
        publish(db)  # only after a successful run, and after the writer closed the file
    create_markdown_artifact(
        to_markdown(summary), key="nightly-summary", description=f"stancewatch run {run.run_id} (night {run.night})"
    )
    if not quiet:
        print_summary(summary)
    return summary


def _run_stages(wh: Warehouse, run_id: str, cfg: Config, srcs: SourcesFile) -> dict[str, Any]:
    """The stages in order, each committed before the next; wall seconds per stage are kept."""
    policy = FetchPolicy(
        **cfg.fetch.model_dump(),
        allow_private_networks=srcs.allow_private_networks,
        allowed_networks=tuple(srcs.allowed_networks),
    )
    clock = StageClock()
    with worker_pool(cfg.articles.workers, cfg.detector.mode) as pool:
        pipeline = process_sources(wh, run_id, cfg, srcs, policy, detector_version(cfg.detector.mode), pool, clock)
    checkpoint("detected")
    with clock("shifts"):
        shift_stage(wh, run_id, cfg)
    checkpoint("committed")
    with clock("alerts"):
        failing = alert_stage(wh, run_id, cfg)
    progress.current().done()
    return {
        **run_summary(wh, run_id),
        "failing_sources": failing,
        "stage_seconds": clock.seconds,
        "pipeline": pipeline,
    }


def run_details(wh: Warehouse, run: RunStart, cfg: Config, shifts_unalerted: int) -> dict[str, Any]:
    """What a run's summary says beyond its own counts: which run of which night, and the night so far."""
    return {
        "night": run.night.isoformat(),
        "run_of_night": run.seq,
        "attempt": run.attempt,
        "alerts_note": nobody_told(cfg.alerts, shifts_unalerted),
        "night_totals": night_summary(wh, run.night),  # every run of the night so far, this one included
    }


def _tonight(tz: str) -> date:
    """The night this run belongs to: the scheduled start if Prefect scheduled it, else now."""
    when = flow_run.scheduled_start_time or datetime.now(ZoneInfo(tz))
    return when.astimezone(ZoneInfo(tz)).date()


def run_night(
    sources: str | Path | None,
    db: str | Path,
    config: str | Path | None = None,
    night: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Run the nightly flow from plain Python (the CLI and tests use this)."""
    return nightly(
        sources=str(sources) if sources else None,
        config=str(config) if config else None,
        db=str(db),
        night=night,
        quiet=quiet,
    )

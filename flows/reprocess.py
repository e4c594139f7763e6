"""The reprocess flow: detection and shift detection again over stored articles.

After a lexicon, gazetteer or configuration change the detector version
changes; this reads every stored article that version has not read yet
(nothing is fetched), stores its statements beside the old version's, and
recomputes shifts from the new statements. Shifts found only now are stored
without mailing anyone unless `send_alerts` is set: they are history, not
news. Compare versions with the SQL macro `statement_changes(old, new)`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import stancewatch.flows  # noqa: F401  (offline environment before Prefect)
from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from stancewatch.extractors.detection import detector_version
from stancewatch.flows import progress
from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.flows.stages import StageClock, alert_stage, article_stage, shift_stage
from stancewatch.flows.workers import worker_pool
from stancewatch.flows.summary import print_summary, to_markdown
from stancewatch.domain.config import load_config
from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.publish import complete_lake_night, publish
from stancewatch.warehouse.runs import begin_run, finish_run, run_summary
from stancewatch.warehouse.statements import count_to_detect


# Ignored: Prefect 3.9 fails mypy on its own documented task_runner usage (PrefectHQ/prefect issue 16938)
@flow(name="reprocess", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)  # type: ignore[arg-type]
def reprocess(
    config: str | None = None, db: str = "stancewatch.duckdb", send_alerts: bool = False, quiet: bool = False
) -> dict[str, Any]:
    """Re-detect statements with the current detector version and recompute shifts; no refetching."""
    cfg = load_config(config)
    version = detector_version(cfg.detector.mode)
    run_id = f"reprocess-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    clock = StageClock()
    with open_warehouse(cfg.warehouse.target(db), wait=30, must_exist=True) as wh:
        begin_run(wh, run_id, str(flow_run.id) if flow_run.id else None, version)
        todo = count_to_detect(wh, version)
        with worker_pool(cfg.articles.workers, cfg.detector.mode) as pool, clock("statements"):
            pipeline = article_stage(wh, run_id, cfg, FetchPolicy(), version, pool, fetch=False)
        with clock("shifts"):
            shift_stage(wh, run_id, cfg, queue_alerts=send_alerts)
        failing = alert_stage(wh, run_id, cfg) if send_alerts else []
        progress.current().done()
        summary = {
            **run_summary(wh, run_id),
            "articles_reprocessed": todo,
            "detector_version": version,
            "failing_sources": failing,
            "stage_seconds": clock.seconds,
            "pipeline": pipeline,
        }
        if wh.lake is None:
            finish_run(wh, run_id, "completed", summary)
        else:
            complete_lake_night(wh, run_id, summary)  # DuckLake: the snapshot readers attach at
    if wh.lake is None:
        publish(db)
    create_markdown_artifact(to_markdown(summary), key="reprocess-summary", description=f"reprocess {version}")
    if not quiet:
        print_summary(summary)
    return summary


def run_reprocess(
    db: str | Path, config: str | Path | None = None, send_alerts: bool = False, quiet: bool = False
) -> dict[str, Any]:
    """Run the reprocess flow from plain Python (the CLI and tests use this)."""
    return reprocess(config=str(config) if config else None, db=str(db), send_alerts=send_alerts, quiet=quiet)

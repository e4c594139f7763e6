"""prefect.yaml for real: a Prefect server on 127.0.0.1, `prefect deploy --all`, a process worker
picking up a triggered nightly run, and data in the warehouse afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from stancewatch.demo import NIGHTS, write_sources
from stancewatch.demo.server import DemoServer
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_deploy_all_then_a_worker_runs_a_triggered_night(prefect_server, tmp_path):
    """The session's server has had `prefect deploy --all` run against it (tests/conftest.py)."""
    api = prefect_server.api
    deployments = {d["name"]: d for d in httpx.post(f"{api}/deployments/filter", json={}).json()}
    nightly = deployments["nightly"]
    assert set(deployments) == {"nightly", "reprocess", "nightly-sharded", "night-shard"}
    assert nightly["global_concurrency_limit"]["limit"] == 1 and nightly["work_pool_name"] == "stancewatch"
    schedule = nightly["schedules"][0]["schedule"]
    assert schedule["cron"] == "30 2 * * *" and schedule["timezone"] == "Europe/Berlin"

    db = tmp_path / "w.duckdb"
    with DemoServer() as site:
        site.night = 1
        sources = write_sources(site.base, tmp_path)
        params = {
            "sources": str(sources),
            "db": str(db),
            "night": NIGHTS[1],
            "config": str(ROOT / "stancewatch" / "demo" / "config.yaml"),
        }
        out = prefect_server.prefect("deployment", "run", "nightly/nightly", "--params", json.dumps(params))
        run_id = next(line.split()[-1] for line in out.splitlines() if "UUID" in line)
        prefect_server.prefect("worker", "start", "--pool", "stancewatch", "--run-once", timeout=300)

    state = httpx.get(f"{api}/flow_runs/{run_id}").json()["state"]
    assert state["type"] == "COMPLETED", state
    with open_reader(published_path(db)) as wh:
        assert wh.scalar("SELECT count(*) FROM articles") == 4
        assert wh.scalar("SELECT count(*) FROM statements") > 0
        run = wh.query("SELECT run_id, status, prefect_flow_run FROM runs")[0]
    assert run == {"run_id": NIGHTS[1], "status": "completed", "prefect_flow_run": run_id}


def test_the_reprocess_deployment_refuses_a_warehouse_that_does_not_exist(prefect_server, tmp_path):
    """A wrong `db` parameter fails the flow run with the reason, instead of creating an empty warehouse."""
    api = prefect_server.api
    typo = tmp_path / "typo.duckdb"
    out = prefect_server.prefect("deployment", "run", "reprocess/reprocess", "--params", json.dumps({"db": str(typo)}))
    run_id = next(line.split()[-1] for line in out.splitlines() if "UUID" in line)
    prefect_server.prefect("worker", "start", "--pool", "stancewatch", "--run-once", timeout=300)
    state = httpx.get(f"{api}/flow_runs/{run_id}").json()["state"]
    assert state["type"] == "FAILED", state
    assert "does not exist" in state["message"]
    assert not typo.exists() and not list(tmp_path.iterdir())

"""prefect.yaml for real: a Prefect server on 127.0.0.1, `prefect deploy --all`, a process worker
picking up a triggered nightly run, and data in the warehouse afterwards."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from stancewatch.demo import NIGHTS, write_sources
from stancewatch.demo.server import DemoServer
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A real Prefect API server with its own home; yields the environment to talk to it."""
    home, port = tmp_path_factory.mktemp("prefect-home"), _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait_healthy(api, server, home / "server.log")
        yield {**env, "PREFECT_API_URL": api}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _wait_healthy(api: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert server.poll() is None, f"prefect server exited: {log.read_text()[-2000:]}"
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"prefect server not healthy after {timeout}s: {log.read_text()[-2000:]}")


def prefect(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    done = subprocess.run([PREFECT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_deploy_all_then_a_worker_runs_a_triggered_night(prefect_server, tmp_path):
    env = prefect_server
    prefect(env, "work-pool", "create", "stancewatch", "--type", "process")
    prefect(env, "--no-prompt", "deploy", "--all")

    api = env["PREFECT_API_URL"]
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
        out = prefect(env, "deployment", "run", "nightly/nightly", "--params", json.dumps(params))
        run_id = next(line.split()[-1] for line in out.splitlines() if "UUID" in line)
        prefect(env, "worker", "start", "--pool", "stancewatch", "--run-once", timeout=300)

    state = httpx.get(f"{api}/flow_runs/{run_id}").json()["state"]
    assert state["type"] == "COMPLETED", state
    with open_reader(published_path(db)) as wh:
        assert wh.scalar("SELECT count(*) FROM articles") == 4
        assert wh.scalar("SELECT count(*) FROM statements") > 0
        run = wh.query("SELECT run_id, status, prefect_flow_run FROM runs")[0]
    assert run == {"run_id": NIGHTS[1], "status": "completed", "prefect_flow_run": run_id}


def test_the_reprocess_deployment_refuses_a_warehouse_that_does_not_exist(prefect_server, tmp_path):
    """A wrong `db` parameter fails the flow run with the reason, instead of creating an empty warehouse."""
    env = prefect_server
    api = env["PREFECT_API_URL"]
    if not httpx.post(f"{api}/deployments/filter", json={}).json():  # run alone: deploy first
        prefect(env, "work-pool", "create", "stancewatch", "--type", "process")
        prefect(env, "--no-prompt", "deploy", "--all")
    typo = tmp_path / "typo.duckdb"
    out = prefect(env, "deployment", "run", "reprocess/reprocess", "--params", json.dumps({"db": str(typo)}))
    run_id = next(line.split()[-1] for line in out.splitlines() if "UUID" in line)
    prefect(env, "worker", "start", "--pool", "stancewatch", "--run-once", timeout=300)
    state = httpx.get(f"{api}/flow_runs/{run_id}").json()["state"]
    assert state["type"] == "FAILED", state
    assert "does not exist" in state["message"]
    assert not typo.exists() and not list(tmp_path.iterdir())

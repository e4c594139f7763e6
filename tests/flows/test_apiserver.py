"""The Prefect API a command's flows use: a configured server when there is one, else a temporary
one that the command starts first and that never outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from stancewatch.flows.apiserver import TemporaryAPI, configured_api_url
from tests.support.builders import page, rss, write_sources

pytestmark = pytest.mark.slow


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        cur = todo.pop()
        out.append(cur)
        try:
            todo.extend(int(c) for c in Path(f"/proc/{cur}/task/{cur}/children").read_text().split())
        except OSError:
            pass
    return out


def test_the_configured_api_is_read_from_the_environment_then_the_active_profile(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    assert configured_api_url() is None  # no profiles file
    (tmp_path / "profiles.toml").write_text(
        'active = "prod"\n[profiles.prod]\nPREFECT_API_URL = "http://10.0.0.5:4200/api"\n[profiles.local]\n'
    )
    assert configured_api_url() == "http://10.0.0.5:4200/api"
    monkeypatch.setenv("PREFECT_PROFILE", "local")
    assert configured_api_url() is None
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert configured_api_url() == "http://127.0.0.1:4200/api"


def test_a_run_uses_the_configured_server_and_starts_none_of_its_own(web, tmp_path):
    """`stancewatch run` with PREFECT_API_URL set: the flow run is recorded on that server, and no
    temporary server ever appears under the command."""
    web.add("/feed.xml", rss(web.url(""), [{"title": "A", "link": web.url("/a.html"), "guid": "a"}]))
    web.add("/a.html", page("A", ["The ministry said it opposes the sanctions announced last week."]))
    sources = write_sources(
        tmp_path / "sources.yaml", [{"name": "T", "url": web.url("/feed.xml"), "kind": "news"}], ["127.0.0.1/32"]
    )
    with TemporaryAPI() as server:  # stands for `prefect server start`; restores the environment on exit
        server.wait_ready()
        db = tmp_path / "w.duckdb"
        cmd = [str(Path(sys.executable).with_name("stancewatch")), "run", "--sources", str(sources)]
        cmd += ["--db", str(db), "--night", "2026-02-01", "--quiet"]
        proc = subprocess.Popen(cmd, env={**os.environ, "PREFECT_API_URL": server.url}, stderr=subprocess.PIPE)
        seen: set[str] = set()
        while proc.poll() is None:
            for pid in _tree(proc.pid)[1:]:
                try:
                    seen.add(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
                except OSError:
                    pass
            time.sleep(0.05)
        assert proc.wait() == 0, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
        runs = httpx.post(f"{server.url}/flow_runs/filter", json={}, timeout=30).json()
    ours = [r for r in runs if r["parameters"].get("db") == str(db)]  # Prefect's home is the session's
    assert [r["state"]["type"] for r in ours] == ["COMPLETED"]
    assert not any("apiserver" in cmdline or "uvicorn" in cmdline for cmdline in seen), seen


def test_the_temporary_server_stops_when_its_command_is_killed(tmp_path):
    """A command killed with SIGKILL cannot stop its server: the server notices and exits by itself."""
    code = (
        "import sys, time; from stancewatch.flows.apiserver import TemporaryAPI; "
        "api = TemporaryAPI(); api.wait_ready(); print(api._proc.pid, flush=True); time.sleep(600)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        server = int(line)
        assert _alive(server)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 15
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(server)


def test_flows_on_a_temporary_server_send_no_heartbeats():
    """Heartbeats serve a long-lived server's crash detection; the temporary server dies with the
    command, and the heartbeat thread made every run wait up to a second at its end."""
    from prefect.settings import get_current_settings

    from stancewatch.flows.apiserver import flow_settings

    with flow_settings():
        assert get_current_settings().flows.heartbeat_frequency is None
    assert get_current_settings().flows.heartbeat_frequency is not None

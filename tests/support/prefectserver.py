"""A real Prefect API server on 127.0.0.1 and real process workers, for the deployment and scale-out tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


#: The server's background services nothing here uses, off: they cost CPU on a shared 2-core machine.
#: Flow-run states, deployments, work pools and the event stream that `wait_for_flow_run` listens to
#: are the API itself and stay. (The scheduler would also fill the database with the shipped
#: nightly schedule's future runs; automations, late-run marking and the like have nothing to do.)
QUIET_SERVICES = {
    f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false"
    for name in (
        "SCHEDULER",
        "LATE_RUNS",
        "PAUSE_EXPIRATIONS",
        "CANCELLATION_CLEANUP",
        "FOREMAN",
        "REPOSSESSOR",
        "DB_VACUUM",
        "TRIGGERS",
        "CLEANUP_RECONCILER",
        "EVENT_PERSISTER",
        "TASK_RUN_RECORDER",
    )
}


class PrefectServer:
    """`prefect server start` with its own home; `env` is the environment that talks to it."""

    def __init__(self, home: Path) -> None:
        self.home, self.port = home, _free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        env = {
            **os.environ,
            "PREFECT_HOME": str(home),
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
        env.pop("PREFECT_API_URL", None)
        self._server_env = env
        self.env = {**env, "PREFECT_API_URL": self.api}
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "PrefectServer":
        log = open(self.home / "server.log", "w")
        cmd = [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        server = self._spawn(cmd, log, env={**self._server_env, **QUIET_SERVICES})
        server.env = self._server_env  # type: ignore[attr-defined]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert server.poll() is None, f"prefect server exited: {(self.home / 'server.log').read_text()[-2000:]}"
            try:
                if httpx.get(f"{self.api}/health", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"prefect server not healthy: {(self.home / 'server.log').read_text()[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self.processes):
            self.kill(proc)  # a throwaway server and its workers: nothing to shut down gracefully

    def _spawn(self, cmd: list[str], log, env: dict[str, str] | None = None) -> subprocess.Popen:
        proc = subprocess.Popen(
            cmd, env=env or self._server_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append(proc)
        return proc

    def prefect(self, *args: str, timeout: float = 180) -> str:
        done = subprocess.run([PREFECT, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def worker(self, pool: str, queue: str, limit: int, name: str) -> subprocess.Popen:
        """A real process worker (its own process group, so killing it takes its flow runs too)."""
        log = open(self.home / f"worker-{name}.log", "a")
        cmd = [PREFECT, "worker", "start", "--pool", pool, "--work-queue", queue, "--limit", str(limit)]
        # poll twice a second (default every 10 s): a test waits for each hand-over
        env = {**self.env, "PREFECT_WORKER_QUERY_SECONDS": "0.5", "PREFECT_WORKER_PREFETCH_SECONDS": "1"}
        return self._spawn([*cmd, "--name", name], log, env=env)

    @contextmanager
    def client(self) -> Iterator[None]:
        """Flows run and deployments started in this process talk to this server (not the ephemeral one)."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: self.api}):
            yield

    def kill(self, proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass

    def flow_run(self, run_id: str) -> dict:
        return httpx.get(f"{self.api}/flow_runs/{run_id}", timeout=10).json()

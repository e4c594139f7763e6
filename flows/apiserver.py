"""Prefect's API for a command that runs flows: the configured server, else a temporary one started first.

Prefect 3 runs every flow against an API. When `PREFECT_API_URL` names one
(in the environment or in the active Prefect profile: a deployment's
worker, `prefect server start`, a test session), runs use it and nothing
is started here.

Without one, Prefect starts a temporary server when the first flow begins:
it imports the server's modules (SQLAlchemy, FastAPI, Alembic: seconds of
CPU and ~100 MB) into the flow's own process only to launch a subprocess
that imports them all again, and the night waits for both before its first
request. `TemporaryAPI` starts that same server — Prefect's `create_app`
in ephemeral mode: no UI, no background services, Prefect's database in
PREFECT_HOME — as the command's very first step, on a socket bound here
(no port race), and points this process at it through `PREFECT_API_URL`
before Prefect is imported. The server loads on one core while the flow's
modules load on the other, and the flow process never imports the server.

The server process exits when the command stops it, and on its own when
the command's process is gone (even after `kill -9`), so a crashed night
leaves nothing running.

Flows run on it without Prefect's flow-run heartbeats (`flow_settings`):
heartbeats let a long-lived server's automations mark a run whose process
died as crashed, but this server dies with the process, and the heartbeat
thread cost every run up to a second at its end (the flow waits for it to
wake from a one-second sleep).

Must not import Prefect at module level: it runs before Prefect loads.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import stancewatch.flows.offline  # noqa: F401  (the offline environment, inherited by the server)


def configured_api_url() -> str | None:
    """The API the operator configured: `PREFECT_API_URL`, else the active Prefect profile's."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    home = Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        profiles = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    url = profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL")
    return str(url) if url else None


class TemporaryAPI:
    """A Prefect API server in a child process, for the lifetime of one command."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/api"
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "stancewatch.flows.apiserver", str(self._sock.fileno()), str(os.getpid())],
            pass_fds=[self._sock.fileno()],
            env={**os.environ, "PREFECT_UI_ENABLED": "false"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._previous = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = self.url  # this process, and the processes it starts

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until the API answers its health check (the server loads meanwhile)."""
        limit = timeout or float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
        deadline = time.monotonic() + limit
        while True:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise RuntimeError(f"Prefect's temporary API server exited ({self._proc.returncode}): {err[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Prefect's temporary API server did not answer within {limit:g} s")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (its clients are done), release the socket, and point the environment
        back where it was (a later command in this process, or its children, must not be sent here)."""
        if os.environ.get("PREFECT_API_URL") == self.url:
            if self._previous is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = self._previous
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc.stderr:
            self._proc.stderr.close()
        self._sock.close()

    def __enter__(self) -> TemporaryAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def flow_settings() -> Iterator[None]:
    """Prefect settings for the flows run on a temporary server: no flow-run heartbeats (see the
    module's docstring). Enter it in the thread that runs the flows, once the flow's modules have
    loaded (it imports Prefect)."""
    from prefect.settings import temporary_settings

    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


def api_for_command() -> TemporaryAPI | None:
    """Start a temporary API unless one is configured (call before importing Prefect)."""
    return None if configured_api_url() else TemporaryAPI()


def _serve(fd: int, parent: int) -> None:
    """The server process: Prefect's ephemeral API app on the inherited socket."""
    import uvicorn
    from prefect.server.api.server import create_app

    sock = socket.socket(fileno=fd)
    server = uvicorn.Server(uvicorn.Config(create_app(ephemeral=True, final=True), log_level="error", lifespan="on"))

    def watch_parent() -> None:  # the command died without stopping us: stop too
        while os.getppid() == parent:
            time.sleep(1)
        server.should_exit = True

    threading.Thread(target=watch_parent, daemon=True).start()
    server.run(sockets=[sock])


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))

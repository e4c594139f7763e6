"""Root test fixtures: the offline Prefect environment and the real web server, nothing autouse."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.webserver import WebServer

# Prefect reads its settings at import time: one isolated, offline home for the
# whole session (flows run against a temporary local API server), removed at exit.
_home = tempfile.mkdtemp(prefix="stancewatch-test-prefect-")
atexit.register(shutil.rmtree, _home, ignore_errors=True)
os.environ["PREFECT_HOME"] = _home
os.environ.pop("PREFECT_API_URL", None)  # never a developer's own server
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


@pytest.fixture
def web() -> Iterator[WebServer]:
    """A started WebServer on 127.0.0.1:<ephemeral>, stopped after the test."""
    with WebServer() as server:
        yield server


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real Prefect API server for the session (127.0.0.1, a free port, its own home), with the
    repository's prefect.yaml deployed (`prefect deploy --all`) into the process work pool `stancewatch`.

    The deployment test and the scale-out tests share it: a server start and a deploy cost seconds each."""
    from tests.support.prefectserver import PrefectServer

    with PrefectServer(tmp_path_factory.mktemp("prefect-server")) as server:
        server.prefect("work-pool", "create", "stancewatch", "--type", "process")
        server.prefect("--no-prompt", "deploy", "--all")
        yield server


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """One real PostgreSQL (Debian's package) for the session, on 127.0.0.1 and a free port.

    Skips only when PostgreSQL's binaries are not installed (`.ci/run` installs them)."""
    from tests.support.postgres import Postgres, PostgresUnavailable

    try:
        server = Postgres()
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
    with server:
        yield server


@pytest.fixture
def lake(postgres, tmp_path: Path, request: pytest.FixtureRequest):
    """An empty DuckLake: a fresh catalog database in the session's PostgreSQL, data files under tmp_path."""
    import re

    from stancewatch.warehouse.lake import Lake

    name = "lake_" + re.sub(r"\W", "_", request.node.name.lower())[:50]
    return Lake(postgres.create_database(name), str(tmp_path / "lake-data") + "/")

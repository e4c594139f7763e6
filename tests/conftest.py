"""Root test fixtures: the offline Prefect environment and the real web server, nothing autouse."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

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

"""Root test fixtures: only the real web server, nothing autouse."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# `tests` has no __init__.py, so pytest puts tests/ (not the repo root) on
# sys.path; this makes `from tests.support.webserver import WebServer` work
# under plain `pytest` as well as `python -m pytest`.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.support.webserver import WebServer  # noqa: E402


@pytest.fixture
def web() -> Iterator[WebServer]:
    """A started WebServer on 127.0.0.1:<ephemeral>, stopped after the test."""
    with WebServer() as server:
        yield server

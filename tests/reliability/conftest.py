"""Fixtures for the fault-injection suite: one Prefect API for the session (shared with child
processes), real HTTP and SMTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtpserver import SmtpServer

# The offline Prefect home for the session is set by the root conftest (tests/conftest.py).


@pytest.fixture(scope="session")
def prefect_api() -> str:
    """The session's temporary Prefect API server (started once), for in-process and child runs.

    Child processes get it as PREFECT_API_URL, so a crashing child starts no
    server of its own - none can be left running when the child dies.
    """
    import stancewatch.flows.offline  # noqa: F401
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the instance Prefect's own client uses in this process
    server.start()
    return server.api_url


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server

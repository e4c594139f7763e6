"""Progress reporting that the flow can call without knowing who listens.

The CLI installs a rich progress bar on a terminal; a scheduled run, a test
or `--quiet` keeps the silent default. Kept out of the flow's parameters so
deployments stay serialisable.
"""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    def stage(self, name: str, total: int) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def done(self) -> None: ...


class Silent:
    """The default: report nothing."""

    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def done(self) -> None:
        pass


_current: Reporter = Silent()


def use(reporter: Reporter) -> None:
    """Install the reporter the next flow runs will use in this process."""
    global _current
    _current = reporter


def current() -> Reporter:
    return _current

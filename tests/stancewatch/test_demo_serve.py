"""`stancewatch demo --serve`: the demo site stays up for runs pointed at it from outside."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from stancewatch.demo import NIGHTS
from stancewatch.demo.mailcatcher import free_port
from stancewatch.flows.nightly import run_night

pytestmark = pytest.mark.slow
STANCEWATCH = str(Path(sys.executable).with_name("stancewatch"))


class Served:
    """`stancewatch demo --serve` in a child process, stopped with SIGTERM as a service manager would."""

    def __init__(self, folder: Path, port: int, night: int) -> None:
        argv = ["demo", "--serve", "--folder", str(folder), "--port", str(port), "--night", str(night)]
        self.proc = subprocess.Popen(
            [STANCEWATCH, *argv], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        self.out = ""
        deadline = time.monotonic() + 60
        while "Stop with" not in self.out:
            line = self.proc.stdout.readline()
            assert line and time.monotonic() < deadline, f"demo --serve did not start:\n{self.out}"
            self.out += line

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        rest, _ = self.proc.communicate(timeout=30)
        self.out += rest
        return self.proc.returncode


def test_runs_pointed_at_the_served_demo_site(tmp_path):
    folder, db, port = tmp_path / "site", tmp_path / "served.duckdb", free_port()
    sources, config = folder / "sources.yaml", folder / "config.yaml"

    served = Served(folder, port, night=1)
    try:
        assert f"http://127.0.0.1:{port}" in served.out and str(sources) in served.out
        first = run_night(sources, db, config, night=NIGHTS[1], quiet=True)
        second = run_night(sources, db, config, night=NIGHTS[1], quiet=True)  # the same day again
    finally:
        assert served.stop() == 0
    assert (first["new_articles"], first["feeds_failed"]) == (4, 1)  # the demo's 404 source fails
    assert second["run_id"] == f"{NIGHTS[1]}.2" and second["new_articles"] == 0
    assert second["feeds_not_modified"] == 4  # every live feed answered 304 (the demo site sends ETags)

    served = Served(folder, port, night=2)  # the night with the fictional reversal
    try:
        third = run_night(sources, db, config, night=NIGHTS[2], quiet=True)
    finally:
        assert served.stop() == 0
    assert third["new_articles"] == 2 and third["new_shifts"] == 1 and third["alerts_sent"] == 1
    mails = sorted((folder / "mail").glob("*.eml"))
    assert len(mails) == 1 and "sanctions" in mails[0].read_text()
    assert "stopped; 1 email(s) received" in served.out

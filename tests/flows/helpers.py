"""Helpers of the flow tests: fast configuration, and a night run in a child that crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

#: Fast, strict settings for tests: short timeouts, quick retries, no politeness delay.
TEST_CONFIG = {
    "fetch": {
        "connect_timeout": 2,
        "read_timeout": 2,
        "total_timeout": 3,
        "retries": 1,
        "backoff": 0.05,
        "per_host_delay": 0,
        "per_host_concurrency": 8,
        "max_bytes": 200_000,
        "max_retry_after": 1,
    },
    "articles": {"workers": 1, "batch_size": 50},
}


def run_crashing(code: str, crash_at: str) -> int:
    """Run `code` in a child that dies at `crash_at`; returns its exit status.

    The child gets its own process group: a process killed abruptly leaves
    Prefect's temporary API server (its own child) running, and the group
    kill cleans that up, as a supervisor would after a real crash.
    """
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, "STANCEWATCH_CRASH_AT": crash_at},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code = proc.wait(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return code

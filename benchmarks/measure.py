"""What every benchmark measures besides wall time: the peak memory of a process tree and CPU seconds.

Read from /proc and getrusage, so a benchmark needs no profiler. CPU seconds stay comparable when
other jobs load the shared machine; wall time does not.

    with PeakMemory() as mem:
        ...
    print(mem.peak_kib / 1024, "MiB")
"""

from __future__ import annotations

import os
import resource
import threading
import time
from typing import Self


def rss_kib(pid: int) -> int:
    """Resident set size of one process from /proc (0 when it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (worker pools, Prefect's API server)."""
    out, todo = [], [pid]
    while todo:
        cur = todo.pop()
        out.append(cur)
        try:
            with open(f"/proc/{cur}/task/{cur}/children", encoding="ascii") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


class PeakMemory:
    """Samples the summed RSS of a process tree (default: this process) in a thread."""

    def __init__(self, pid: int | None = None, interval: float = 0.1) -> None:
        self.pid, self.interval = pid or os.getpid(), interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(rss_kib(p) for p in process_tree(self.pid)))
            time.sleep(self.interval)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished (joined) children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process tree from /proc, including children it has already reaped.

    For servers whose workers come and go (PostgreSQL's backends, a Prefect worker's flow-run
    processes): a finished child's CPU moves into its parent's cutime/cstime, so the sum over the
    live tree only grows. Take it before and after, and subtract.
    """
    ticks = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()  # after "(comm)", which may hold spaces
        except OSError:
            continue
        ticks += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")

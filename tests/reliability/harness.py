"""Helpers for the fault-injection suite: configuration, sites, child runs, warehouse snapshots.

Everything is real: the flow runs under Prefect (one temporary API server
for the whole session, shared with child processes through PREFECT_API_URL),
the warehouse is a DuckDB file, feeds and pages come from
`tests.support.webserver` over sockets, mail goes to
`tests.support.smtpserver`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


ROOT = Path(__file__).resolve().parents[2]

#: Small, strict limits so every bound is reached quickly. The time bound of
#: one fetch is total_timeout * (retries + 1) plus the backoff waits.
FAST: dict[str, Any] = {
    "fetch": {
        "connect_timeout": 1.5,
        "read_timeout": 1.5,
        "total_timeout": 2,
        "retries": 1,
        "backoff": 0.05,
        "per_host_delay": 0,
        "per_host_concurrency": 16,
        "concurrency": 32,
        "max_bytes": 2_000_000,
        "max_retry_after": 1,
        "max_redirects": 5,
    },
    "articles": {"workers": 1, "batch_size": 50, "max_items_per_feed": 20},
    "alerts": {"enabled": True, "recipients": []},
}


def fetch_bound(fetch: dict[str, Any]) -> float:
    """The documented worst case of one URL: every attempt's deadline plus the longest backoff waits."""
    attempts = fetch["retries"] + 1
    waits = sum(fetch["backoff"] * 2**i for i in range(fetch["retries"]))
    return fetch["total_timeout"] * attempts + waits


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def write_config(path: Path, **over: Any) -> Path:
    """FAST merged with `over` (nested dicts merge), as a configuration file."""
    path.write_text(yaml.safe_dump(merge(FAST, over), sort_keys=False))
    return path


# ----------------------------------------------------------------------------- documents
def full_text(*paragraphs: str) -> str:
    """content:encoded HTML long enough (>= 200 characters) to count as the whole article."""
    paras = list(paragraphs) + [
        "Officials said further consultations with partners would follow in the "
        "coming weeks, and that the ministry would publish a fuller account later."
    ]
    return "".join(f"<p>{p}</p>" for p in paras)


# ----------------------------------------------------------------------------- warehouse
#: Columns that hold wall-clock time: they differ between any two runs, crashed or not.
WALL_CLOCK = {
    "feed_fetches": {"fetched_at"},
    "articles": {"fetched_at"},
    "detections": {"processed_at"},
    "alerts": {"sent_at"},
}


def table_diff(got: dict[str, list[str]], want: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    """Rows only in `got` ("extra") or only in `want` ("missing"), per table; {} when equal."""
    out = {}
    for table in sorted(set(got) | set(want)):
        g, w = Counter(got.get(table, [])), Counter(want.get(table, []))
        extra, missing = sorted((g - w).elements()), sorted((w - g).elements())
        if extra or missing:
            out[table] = {"extra": extra, "missing": missing}
    return out


def warehouse_text(db: Path) -> Iterator[tuple[str, str, str]]:
    """(table, column, value) for every non-null value of every column of every store table, as text."""
    from stancewatch.warehouse import open_warehouse

    with open_warehouse(db, read_only=True) as wh:
        cols = wh.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'store' ORDER BY table_name, ordinal_position"
        )
        for c in cols:
            for (value,) in wh.con.execute(
                f'SELECT CAST("{c["column_name"]}" AS VARCHAR) FROM store."{c["table_name"]}" '
                f'WHERE "{c["column_name"]}" IS NOT NULL'
            ).fetchall():
                yield c["table_name"], c["column_name"], value


# ----------------------------------------------------------------------------- child processes
@dataclass
class ChildResult:
    returncode: int
    stdout: str
    stderr: str
    elapsed: float


def child_env(api_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a child run: this session's Prefect API (no second server), no crash point."""
    env = {k: v for k, v in os.environ.items() if k != "STANCEWATCH_CRASH_AT"}
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


def start_child_night(
    sources: Path, db: Path, config: Path, night: str, api_url: str | None, crash_at: str | None = None, **env: str
) -> subprocess.Popen:
    """Start `run_night` in a child process (its own process group)."""
    code = (
        "import stancewatch.flows.offline; from stancewatch.flows.nightly import run_night; "
        f"run_night({str(sources)!r}, {str(db)!r}, {str(config)!r}, night={night!r}, quiet=True)"
    )
    extra = {"STANCEWATCH_CRASH_AT": crash_at} if crash_at else {}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=child_env(api_url, **extra, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish_child(proc: subprocess.Popen, started: float, timeout: float = 120) -> ChildResult:
    """Wait for a child; on timeout kill its whole process group and fail loudly."""
    try:
        out, err = proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - started)))
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = proc.communicate()
        raise AssertionError(f"child did not finish within {timeout}s; stderr:\n{err[-3000:]}") from None
    kill_group(proc)  # anything it left behind
    return ChildResult(proc.returncode, out, err, time.monotonic() - started)


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_child_night(*args: Any, timeout: float = 120, **kwargs: Any) -> ChildResult:
    started = time.monotonic()
    return finish_child(start_child_night(*args, **kwargs), started, timeout)

"""Benchmark the nightly run at scale: throughput per stage, wall time and peak memory.

    python benchmarks/nightly_bench.py                          # 200 feeds x 50 articles = 10,000
    python benchmarks/nightly_bench.py --feeds 20 --per-feed 25 # a quick run
    python benchmarks/nightly_bench.py --corpora /work/shared/data/corpora   # real pages as material

What it does:

1. Generates a deterministic corpus (`benchmarks/corpus.py`): RSS feeds (summary only, 20 % with
   the full text in content:encoded) and 30-150 KB news pages, built lazily from each URL.
2. Serves it from this process on 0.0.0.0 with injected latency (20-80 ms per response), one
   host per feed (127.0.0.2, 127.0.0.3, ...), ETags and gzip.
3. Runs night 1 (`flows.nightly.run_night`) into a fresh warehouse in a child process, sampling
   the child's process tree (flow process, spawned workers, Prefect's temporary API server) from
   /proc every 0.2 s: peak of the summed RSS, peak of the biggest process, CPU per stage.
   The child also times the flow's own pieces (fetching, extraction batches, warehouse writes)
   by wrapping module functions - measurement only, the pipeline code is unchanged.
4. Runs night 2 (nothing changed: every feed answers 304) as a fresh `python -c` process and
   times the whole process, Prefect start-up included.
5. Times the same extraction + detection as a plain loop (same pages, same worker count, spawn
   pool, no Prefect, no warehouse) in another child process, and prints pipeline / plain.
6. Prints every figure next to its target. Figures, not tests: nothing is asserted.

The configuration is the shipped defaults (domain/defaults.yaml) unless a flag overrides a
key; the overrides are printed. Prefect runs offline with its own home under the work folder
(created on night 1, reused by night 2, as a deployment's would be).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGETS = {
    "night_wall_s": 360.0,  # 10,000-article night <= 6 min wall
    "articles_per_s": 28.0,  # >= 28 articles/s end to end
    "peak_rss_mib": 1536.0,  # <= 1.5 GB
    "unchanged_wall_s": 20.0,  # unchanged night <= 20 s including Prefect start-up
    "pipeline_vs_plain": 1.25,  # pipeline time <= 1.25 x plain loop
}
PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")
MiB = 1024 * 1024


# ============================================================================ process-tree sampling
def _children(pid: int) -> list[int]:
    """Direct children of every thread of `pid` (workers are spawned from task threads)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return out


def _tree(root: int) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(_children(pid))
    return out


def _stat(pid: int) -> tuple[int, int] | None:
    """(rss bytes, cpu ticks utime+stime) of one process, None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return int(fields[21]) * PAGE, int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "flow"
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return "other"
    if "multiprocessing" in cmd and ("spawn_main" in cmd or "resource_tracker" in cmd):
        return "resource_tracker" if "resource_tracker" in cmd else "worker"
    if "prefect" in cmd or "uvicorn" in cmd:
        return "prefect_server"
    return "other"


def _machine_busy_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    total = sum(parts[:8])
    return total - idle, total


class TreeSampler:
    """Samples RSS and CPU of a process tree every `interval` seconds in a thread."""

    def __init__(self, root: int, interval: float = 0.2, pss_every: int = 5) -> None:
        self.root, self.interval, self.pss_every = root, interval, pss_every
        self.samples: list[dict[str, Any]] = []  # t, rss_sum, rss_max, n, cpu (cumulative ticks, all seen)
        self.peak_sum = self.peak_single = self.peak_pss = 0
        self.peak_sum_t = 0.0
        self.peak_by_role: dict[str, int] = {}
        self.roles: dict[int, str] = {}
        self.cpu_last: dict[int, int] = {}  # last cumulative ticks per pid (kept after it exits)
        self.max_procs = 0
        self.own_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="tree-sampler")

    def start(self) -> "TreeSampler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            t0 = time.thread_time()
            self.sample(with_pss=i % self.pss_every == 0)
            self.own_cpu += time.thread_time() - t0
            i += 1
            self._stop.wait(self.interval)

    def sample(self, with_pss: bool = False) -> None:
        now = time.time()
        pids = _tree(self.root)
        rss_sum = rss_max = 0
        by_role: dict[str, int] = {}
        for pid in pids:
            st = _stat(pid)
            if st is None:
                continue
            rss, ticks = st
            if (
                self.roles.get(pid, "other") == "other"
            ):  # re-read until exec'd (a fresh fork shows its parent's cmdline)
                self.roles[pid] = _role(pid, self.root)
            role = self.roles[pid]
            self.cpu_last[pid] = ticks
            rss_sum += rss
            rss_max = max(rss_max, rss)
            by_role[role] = by_role.get(role, 0) + rss
            self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
        if with_pss:
            self.peak_pss = max(self.peak_pss, sum(_pss(p) for p in pids))
        if rss_sum > self.peak_sum:
            self.peak_sum, self.peak_sum_t = rss_sum, now
        self.peak_single = max(self.peak_single, rss_max)
        self.max_procs = max(self.max_procs, len(pids))
        cpu_by_role: dict[str, int] = {}
        for pid, ticks in self.cpu_last.items():
            role = self.roles.get(pid, "other")
            cpu_by_role[role] = cpu_by_role.get(role, 0) + ticks
        self.samples.append(
            {
                "t": now,
                "rss_sum": rss_sum,
                "rss_max": rss_max,
                "n": len(pids),
                "rss": by_role,
                "cpu": cpu_by_role,
                "machine": _machine_busy_ticks(),
            }
        )

    def cpu_between(self, t0: float, t1: float) -> tuple[dict[str, float], float]:
        """CPU seconds per role of the tree, and busy CPU seconds of the whole machine, within [t0, t1]."""
        inside = [s for s in self.samples if t0 <= s["t"] <= t1]
        if len(inside) < 2:
            return {}, 0.0
        a, b = inside[0], inside[-1]
        roles = {r: (b["cpu"].get(r, 0) - a["cpu"].get(r, 0)) / TICK for r in b["cpu"]}
        machine = (b["machine"][0] - a["machine"][0]) / TICK
        return roles, machine

    def peak_between(self, t0: float, t1: float) -> int:
        return max((s["rss_sum"] for s in self.samples if t0 <= s["t"] <= t1), default=0)

    def rss_at(self, t: float, role: str) -> int:
        """RSS of one role (summed over its processes) at the last sample before `t`."""
        before = [s for s in self.samples if s["t"] <= t]
        return before[-1]["rss"].get(role, 0) if before else 0


# ============================================================================ child: one night
class _PatchOnImport:
    """A meta-path finder that calls `patch(module)` right after `name` is first imported."""

    def __init__(self, name: str, patch: Any) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != self.name:
            return None
        import importlib.util

        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader, patch = spec.loader, self.patch
        original = loader.exec_module

        def exec_module(module: Any) -> None:
            original(module)
            patch(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _union(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for a, b in sorted(intervals):
        if b <= end:
            continue
        total += b - max(a, end)
        end = b
    return total


class StackSampler:
    """A poor man's py-spy for this process: every `interval` s, the CPU ticks each thread used since the
    last look (/proc/self/task) are charged to that thread's current Python stack (sys._current_frames).
    Threads with no Python frames (DuckDB's own threads, for one) are charged to their name only."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.by_thread: dict[str, int] = {}
        self.self_ticks: dict[str, int] = {}
        self.incl_ticks: dict[str, int] = {}
        self.collapsed: dict[str, int] = {}  # "outer;...;inner" -> ticks (flame graph input)
        self.samples = 0
        self._last: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="stack-sampler")

    @staticmethod
    def _ticks() -> dict[int, int]:
        out = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                out[int(tid)] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
        return out

    @staticmethod
    def _where(code: Any) -> str:
        path = code.co_filename
        for marker in ("site-packages/", "/lib/python3"):
            if marker in path:
                path = path.split(marker, 1)[1]
                break
        else:
            path = os.path.relpath(path, REPO) if path.startswith(str(REPO)) else path
        return f"{path.removesuffix('.py')}:{code.co_name}"

    def start(self) -> "StackSampler":
        self._last = self._ticks()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import re as _re

        me = threading.get_native_id()
        while not self._stop.wait(self.interval):
            ticks = self._ticks()
            threads = {t.native_id: t for t in threading.enumerate()}
            frames = sys._current_frames()
            self.samples += 1
            for tid, now in ticks.items():
                used = now - self._last.get(tid, 0)
                self._last[tid] = now
                if used <= 0 or tid == me:
                    continue
                thread = threads.get(tid)
                name = (
                    _re.sub(r"[-_]?\d+(_\d+)?$", "", thread.name) if thread else "(no Python thread: DuckDB, zlib...)"
                )
                self.by_thread[name] = self.by_thread.get(name, 0) + used
                frame = frames.get(thread.ident) if thread else None
                if frame is None:
                    continue
                self.self_ticks[self._where(frame.f_code)] = self.self_ticks.get(self._where(frame.f_code), 0) + used
                seen, path = set(), []
                while frame is not None:
                    key = self._where(frame.f_code)
                    path.append(key)
                    if key not in seen:
                        seen.add(key)
                        self.incl_ticks[key] = self.incl_ticks.get(key, 0) + used
                    frame = frame.f_back
                stack = ";".join([name] + path[::-1])
                self.collapsed[stack] = self.collapsed.get(stack, 0) + used

    def collapsed_text(self) -> str:
        """Collapsed stacks ("thread;outer;...;inner ticks"), for flamegraph.pl or speedscope."""
        return "\n".join(f"{k} {v}" for k, v in sorted(self.collapsed.items(), key=lambda kv: -kv[1]))

    def report(self, top: int = 60) -> str:
        total = sum(self.by_thread.values()) or 1
        lines = [f"CPU of the flow process by thread ({total / TICK:.1f} s in {self.samples} samples):"]
        lines += [
            f"  {v / TICK:8.1f} s {100 * v / total:5.1f}%  {k}"
            for k, v in sorted(self.by_thread.items(), key=lambda kv: -kv[1])
        ]
        for title, table in (
            ("inclusive (on the stack)", self.incl_ticks),
            ("self (innermost Python frame)", self.self_ticks),
        ):
            lines.append(f"\nCPU by function, {title}:")
            lines += [
                f"  {v / TICK:8.1f} s {100 * v / total:5.1f}%  {k}"
                for k, v in sorted(table.items(), key=lambda kv: -kv[1])[:top]
            ]
        return "\n".join(lines)


def child_night(args: argparse.Namespace) -> int:
    """Run one night in this process with light instrumentation; write a JSON report."""
    t_start = time.time()
    import stancewatch.flows.offline  # noqa: F401  (offline Prefect environment first)

    t0 = time.perf_counter()
    import stancewatch.extractors.pages as pages
    import stancewatch.flows.nightly as nightly

    import_s = time.perf_counter() - t0

    events: list[tuple[str, float]] = []
    calls: dict[str, list[tuple[float, float, int]]] = {}
    lock = threading.Lock()

    wrapped: dict[int, Any] = {}
    missing: list[str] = []

    def flow_modules() -> list[Any]:
        return [
            m
            for n, m in list(sys.modules.items())
            if m is not None and (n == "stancewatch.flows" or n.startswith("stancewatch.flows."))
        ]

    def patch(name: str, make: Any, modules: list[Any] | None = None) -> None:
        """Replace `name` in every stancewatch.flows.* module that holds it (the flow code moves between modules)."""
        hit = False
        for mod in modules or flow_modules():
            obj = getattr(mod, name, None)
            if obj is None or not callable(obj) or isinstance(obj, type):
                continue
            if id(obj) not in wrapped:
                wrapped[id(obj)] = make(obj)
            setattr(mod, name, wrapped[id(obj)])
            hit = True
        if not hit:
            missing.append(name)

    def timed(name: str, size: Any = lambda a, k, r: 0, modules: list[Any] | None = None) -> None:
        def make(original: Any) -> Any:
            def wrapper(*a: Any, **k: Any) -> Any:
                s = time.time()
                result = original(*a, **k)
                with lock:
                    calls.setdefault(name, []).append((s, time.time(), size(a, k, result), threading.get_ident()))
                return result

            return wrapper

        patch(name, make, modules)

    def timed_gen(name: str) -> None:
        def make(original: Any) -> Any:
            def wrapper(*a: Any, **k: Any) -> Any:
                it = original(*a, **k)
                while True:
                    s = time.time()
                    try:
                        item = next(it)
                    except StopIteration:
                        return
                    finally:
                        with lock:
                            calls.setdefault(name, []).append((s, time.time(), 0, threading.get_ident()))
                    yield item

            return wrapper

        patch(name, make)

    def staged(name: str) -> None:
        def make(original: Any) -> Any:
            def wrapper(*a: Any, **k: Any) -> Any:
                events.append((f"{name}:start", time.time()))
                try:
                    return original(*a, **k)
                finally:
                    events.append((f"{name}:end", time.time()))

            return wrapper

        patch(name, make)

    if args.instrument:
        # Prefect's temporary API server start-up, patched when Prefect imports the module (not before:
        # importing it here would move its import time out of run_night).
        def patch_server(module: Any) -> None:
            cls = module.SubprocessASGIServer
            original = cls.start

            def start(self: Any, *a: Any, **k: Any) -> Any:
                s = time.time()
                try:
                    return original(self, *a, **k)
                finally:
                    calls.setdefault("start", []).append((s, time.time(), 0, threading.get_ident()))

            cls.start = start

        sys.meta_path.insert(0, _PatchOnImport("prefect.server.api.server", patch_server))
        timed("fetch_many", lambda a, k, r: len(r), modules=[pages])
        timed("harvest", lambda a, k, r: len(r))
        timed("read_source")
        for name in (
            "load_config",
            "open_warehouse",
            "record_fetch",
            "store_pages",
            "store_found",
            "pending_jobs",
            "count_to_detect",
            "sync_sources",
            "publish",
            "find_shifts",
            "load_records",
            "store_shifts",
            "deliver",
            "failing_sources",
            "begin_run",
            "start_night",
            "finish_run",
            "run_summary",
            "night_summary",
            "create_markdown_artifact",
        ):
            timed(name)
        timed_gen("articles_to_detect")
        for name in ("fetch_stage", "article_stage", "detect_stage", "shift_stage", "alert_stage"):
            staged(name)

    stacks = StackSampler().start() if args.stacks else None
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    run_start = time.time()
    summary = nightly.run_night(args.sources, args.db, config=args.config, night=args.night, quiet=True)
    run_end = time.time()
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        Path(args.profile).write_text(out.getvalue())
    if stacks is not None:
        stacks.stop()
        Path(args.stacks).write_text(stacks.report())
        Path(args.stacks).with_suffix(".collapsed").write_text(stacks.collapsed_text())
    report = {
        "t_start": t_start,
        "import_s": import_s,
        "run_start": run_start,
        "run_end": run_end,
        "summary": summary,
        "events": events,
        "calls": {k: v for k, v in calls.items()},
        "not_instrumented": missing,
    }
    Path(args.out).write_text(json.dumps(report, default=str))
    return 0


# ============================================================================ child: plain loop
def _plain_extract(item: tuple[str, str, bytes | str, bool, str | None]) -> tuple[str, list, Any, str]:
    """Extract one article as the pipeline's worker does (page or feed fragment); runs in a worker."""
    from stancewatch.extractors import sites
    from stancewatch.extractors.article import extract_fragment
    from stancewatch.extractors.pages import _paragraph_units

    article_id, url, body, from_feed, extractor = item
    try:
        ex = extract_fragment(body, url) if from_feed else sites.extract_page(body, url, extractor)
    except Exception as exc:  # noqa: BLE001 - counted like a failed article
        return article_id, [], None, f"{type(exc).__name__}: {exc}"[:200]
    units = ex.units or _paragraph_units(ex.text)
    return article_id, units, ex.published, ""


def child_plain(args: argparse.Namespace) -> int:
    """The same extraction + detection as a plain loop: no Prefect, no warehouse, same worker count."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import stancewatch.flows.offline  # noqa: F401
    from benchmarks.corpus import Corpus
    from stancewatch.extractors.detection import ArticleText, detect_articles
    from stancewatch.extractors.urls import url_id

    corpus = Corpus(
        args.feeds, args.per_feed, seed=args.seed, full_text_share=args.full_text_share, corpora=args.corpora
    )
    t0 = time.perf_counter()
    items, dates, countries = [], {}, {}
    for f, n in corpus.articles():
        info = corpus.feed_info[f]
        url = corpus.article_url(f, n, args.port)
        aid = url_id(url)
        if info.full_text:
            items.append((aid, url, corpus.body_html(f, n), True, None))
        else:
            items.append(
                (
                    aid,
                    url,
                    corpus.page(f, n, args.port),
                    False,
                    "mfa_press_conference" if info.template == "mfa" else None,
                )
            )
        dates[aid] = corpus.meta(f, n).published.date()
        countries[aid] = info.country
    gen_s = time.perf_counter() - t0
    page_bytes = sum(len(i[2]) for i in items if not i[3])

    ctx = multiprocessing.get_context("spawn")
    t_begin = time.time()
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=ctx) as pool:
        t1, w1 = time.perf_counter(), time.time()
        extracted = list(pool.map(_plain_extract, items, chunksize=4))
        extract_s, w2 = time.perf_counter() - t1, time.time()
        del items
        articles, failed = [], 0
        for aid, units, published, error in extracted:
            if error or not units:
                failed += 1
                continue
            articles.append(ArticleText(aid, published or dates[aid], countries[aid], tuple(units)))
        articles.sort(key=lambda a: a.article_id)
        words = sum(len(u.text.split()) for a in articles for u in a.units)
        t2, w3 = time.perf_counter(), time.time()
        batches = [articles[i : i + args.batch_size] for i in range(0, len(articles), args.batch_size)]
        futures = [pool.submit(detect_articles, b, args.mode, args.detector_batch) for b in batches]
        statements = sum(len(per) for fut in futures for per in fut.result())
        detect_s, w4 = time.perf_counter() - t2, time.time()
    t_end = time.time()
    Path(args.out).write_text(
        json.dumps(
            {
                "generate_s": gen_s,
                "extract_s": extract_s,
                "detect_s": detect_s,
                "articles": len(extracted),
                "extracted": len(articles),
                "failed": failed,
                "words": words,
                "statements": statements,
                "page_bytes": page_bytes,
                "t_begin": t_begin,
                "t_end": t_end,
                "extract_window": [w1, w2],
                "detect_window": [w3, w4],
            }
        )
    )
    return 0


# ============================================================================ parent
def _run_child(
    cmd: list[str], env: dict[str, str], log: Path, interval: float, cwd: Path = REPO
) -> tuple[float, float, float, TreeSampler, int, str]:
    """Run a child process, sampling its tree; returns (wall s, start, end, sampler, exit code, stdout)."""
    with open(log, "w") as err:
        t0, start = time.perf_counter(), time.time()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        sampler = TreeSampler(proc.pid, interval).start()
        try:
            stdout, _ = proc.communicate()
        except BaseException:
            proc.terminate()
            proc.wait()
            raise
        finally:
            sampler.stop()
        wall, end = time.perf_counter() - t0, time.time()
    return wall, start, end, sampler, proc.returncode, stdout


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def _warehouse_stats(db: Path, night: str) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows: dict[str, int] = {}
        cols = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'store' "
            "AND column_name IN ('run_id', 'detected_run_id', 'queued_run_id')"
        ).fetchall()
        for table, column in cols:
            rows[table] = con.execute(f"SELECT count(*) FROM store.{table} WHERE {column} = ?", [night]).fetchone()[0]
        status = dict(
            con.execute(
                "SELECT status, count(*) FROM store.articles WHERE run_id = ? GROUP BY status", [night]
            ).fetchall()
        )
        by_extractor = dict(
            con.execute(
                "SELECT coalesce(extractor, '(failed)'), count(*) FROM store.articles WHERE run_id = ? GROUP BY 1",
                [night],
            ).fetchall()
        )
        words = con.execute(
            "SELECT coalesce(sum(length(string_split_regex(trim(text), '\\s+'))), 0) FROM store.articles "
            "WHERE run_id = ? AND status = 'ok' AND text IS NOT NULL AND trim(text) <> ''",
            [night],
        ).fetchone()[0]
        errors = con.execute(
            "SELECT error, count(*) FROM store.articles WHERE run_id = ? AND status = 'failed' "
            "GROUP BY error ORDER BY 2 DESC LIMIT 5",
            [night],
        ).fetchall()
        version = con.execute("SELECT detector_version FROM store.runs WHERE run_id = ?", [night]).fetchone()
    finally:
        con.close()
    return {
        "rows": rows,
        "rows_total": sum(rows.values()),
        "article_status": status,
        "by_extractor": by_extractor,
        "words": int(words),
        "errors": errors,
        "detector_version": version[0] if version else None,
    }


def _fmt_mib(n: float) -> str:
    return f"{n / MiB:,.0f} MiB"


def _mark(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_argument_group("corpus")
    sub.add_argument("--feeds", type=int, default=200)
    sub.add_argument("--per-feed", type=int, default=50)
    sub.add_argument("--seed", type=int, default=1)
    sub.add_argument("--full-text-share", type=float, default=0.2, help="share of feeds with content:encoded")
    sub.add_argument("--corpora", default=None, help="the shared corpora folder: real pages as material")
    sub.add_argument("--latency", default="20,80", help="injected latency per response, ms: MIN,MAX")
    sub.add_argument("--no-gzip", action="store_true", help="serve uncompressed bodies")
    cfg = ap.add_argument_group("configuration overrides (default: the shipped defaults.yaml)")
    cfg.add_argument("--per-host-delay", type=float)
    cfg.add_argument("--per-host-concurrency", type=int)
    cfg.add_argument("--concurrency", type=int)
    cfg.add_argument("--retries", type=int)
    cfg.add_argument("--workers", type=int)
    cfg.add_argument("--batch-size", type=int, help="articles.batch_size")
    cfg.add_argument("--detector-mode", choices=["auto", "rules", "trained"])
    cfg.add_argument("--detector-batch", type=int, help="detector.batch_size")
    run = ap.add_argument_group("run")
    run.add_argument("--night", default="2026-11-20", help="run_id of night 1 (night 2 is the day after)")
    run.add_argument("--workdir", type=Path, help="default: a new temporary folder (removed unless --keep)")
    run.add_argument("--keep", action="store_true", help="keep the work folder (warehouse, logs, reports)")
    run.add_argument("--prefect-home", type=Path, help="default: <workdir>/prefect-home")
    run.add_argument(
        "--live",
        action="store_true",
        help="run the working tree (default: a snapshot of HEAD exported into the work folder)",
    )
    run.add_argument("--sample-interval", type=float, default=0.2)
    run.add_argument("--skip-second", action="store_true")
    run.add_argument("--skip-plain", action="store_true")
    run.add_argument("--profile", action="store_true", help="cProfile the flow thread of night 1 (adds overhead)")
    run.add_argument(
        "--stacks",
        action="store_true",
        help="sample the flow process's thread stacks and CPU during night 1 (20 Hz; small overhead)",
    )
    run.add_argument("--no-instrument", action="store_true", help="do not wrap flow functions to time them")
    run.add_argument("--json", type=Path, help="also write all figures to this file")
    # internal child modes
    ap.add_argument("--_child", choices=["night", "plain"], help=argparse.SUPPRESS)
    ap.add_argument("--_out", help=argparse.SUPPRESS)
    ap.add_argument("--_sources", help=argparse.SUPPRESS)
    ap.add_argument("--_config", help=argparse.SUPPRESS)
    ap.add_argument("--_db", help=argparse.SUPPRESS)
    ap.add_argument("--_port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--_profile", help=argparse.SUPPRESS)
    ap.add_argument("--_stacks", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args._child == "night":
        ns = argparse.Namespace(
            sources=args._sources,
            db=args._db,
            config=args._config,
            night=args.night,
            out=args._out,
            instrument=not args.no_instrument,
            profile=args._profile,
            stacks=args._stacks,
        )
        return child_night(ns)
    if args._child == "plain":
        ns = argparse.Namespace(
            feeds=args.feeds,
            per_feed=args.per_feed,
            seed=args.seed,
            full_text_share=args.full_text_share,
            corpora=args.corpora,
            port=args._port,
            out=args._out,
            workers=args.workers,
            batch_size=args.batch_size,
            mode=args.detector_mode,
            detector_batch=args.detector_batch,
        )
        return child_plain(ns)
    return bench(args)


def bench(args: argparse.Namespace) -> int:
    import yaml

    from benchmarks.corpus import Corpus, CorpusServer
    from stancewatch.domain.config import load_config

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="nightly-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    prefect_home = args.prefect_home or workdir / "prefect-home"
    lo, hi = (float(x) / 1000 for x in args.latency.split(","))

    overrides: dict[str, dict[str, Any]] = {}
    for flag, (section, key) in {
        "per_host_delay": ("fetch", "per_host_delay"),
        "per_host_concurrency": ("fetch", "per_host_concurrency"),
        "concurrency": ("fetch", "concurrency"),
        "retries": ("fetch", "retries"),
        "workers": ("articles", "workers"),
        "batch_size": ("articles", "batch_size"),
        "detector_mode": ("detector", "mode"),
        "detector_batch": ("detector", "batch_size"),
    }.items():
        value = getattr(args, flag)
        if value is not None:
            overrides.setdefault(section, {})[key] = value
    config_path = workdir / "bench-config.yaml"
    config_path.write_text(yaml.safe_dump(overrides) if overrides else "{}\n")
    cfg = load_config(config_path)

    corpus = Corpus(
        args.feeds, args.per_feed, seed=args.seed, full_text_share=args.full_text_share, corpora=args.corpora
    )
    planned = args.feeds * args.per_feed
    night1 = args.night
    night2 = (date.fromisoformat(night1) + timedelta(days=1)).isoformat()
    db = workdir / "bench.duckdb"
    for stale in workdir.glob("bench*.duckdb*"):
        stale.unlink()
    code, commit = _code_tree(workdir, args.live)
    script = code / "benchmarks" / "nightly_bench.py"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "PREFECT_HOME": str(prefect_home),
    }
    results: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "argv": sys.argv[1:],
        "commit": commit,
        "code": str(code),
        "overrides": overrides,
    }

    print(f"nightly benchmark - {results['date']}, commit {results['commit']}")
    print(
        f"work folder {workdir}, Prefect home {prefect_home}, pipeline code {code}"
        f"{' (the working tree, live)' if args.live else ' (a snapshot of HEAD: concurrent commits cannot change it mid-run)'}"
    )
    print(
        f"corpus: {args.feeds} feeds x {args.per_feed} articles = {planned:,} articles, seed {args.seed}, "
        f"{sum(i.full_text for i in corpus.feed_info)} full-text feeds, "
        f"{'real pages from ' + args.corpora if args.corpora else 'synthetic pages'}; "
        f"latency {lo * 1000:.0f}-{hi * 1000:.0f} ms, gzip {'off' if args.no_gzip else 'on'}"
    )
    f = cfg.fetch
    print(
        f"config: {'shipped defaults' if not overrides else 'shipped defaults with overrides ' + json.dumps(overrides)}: "
        f"per_host_delay {f.per_host_delay}, per_host_concurrency {f.per_host_concurrency}, concurrency {f.concurrency}, "
        f"articles.batch_size {cfg.articles.batch_size}, workers {cfg.articles.workers}, detector {cfg.detector.mode}"
        f"/batch {cfg.detector.batch_size}"
    )

    with CorpusServer(corpus, latency=(lo, hi), gzip_level=None if args.no_gzip else 1) as server:
        sources_path = workdir / "bench-sources.yaml"
        sources_path.write_text(yaml.safe_dump(corpus.sources(server.port), sort_keys=False))
        print(f"server: 0.0.0.0:{server.port}, hosts {corpus.feed_info[0].host} .. {corpus.feed_info[-1].host}")

        queue = [("night 1", night1)] + ([] if args.skip_second else [("night 2", night2)])
        while queue:
            label, night = queue.pop(0)
            unchanged = label != "night 1"
            print(
                f"\n[{label}] {night}{', nothing changed (a fresh process, Prefect start-up included)' if unchanged else ''}: {_load()}"
            )
            key = label.replace(" ", "")
            report_path = workdir / f"{key}.json"
            cmd = [
                sys.executable,
                str(script),
                "--_child",
                "night",
                "--_sources",
                str(sources_path),
                "--_db",
                str(db),
                "--_config",
                str(config_path),
                "--night",
                night,
                "--_out",
                str(report_path),
            ]
            if args.no_instrument:
                cmd.append("--no-instrument")
            if args.profile and label == "night 1":
                cmd += ["--_profile", str(workdir / "night1.profile.txt")]
            if args.stacks and label == "night 1":
                cmd += ["--_stacks", str(workdir / "night1.stacks.txt")]
            cpu0, served0, busy0 = os.times(), dict(server.stats), server.busy
            wall, t_popen, t_exit, sampler, rc, _ = _run_child(
                cmd, env, workdir / f"{key}.log", args.sample_interval, cwd=code
            )
            cpu1 = os.times()
            if rc != 0:
                print(f"{label} failed (exit {rc}); see {workdir / (key + '.log')}")
                print((workdir / f"{key}.log").read_text()[-3000:])
                return 1
            rep = json.loads(report_path.read_text())
            served = {k: server.stats[k] - served0[k] for k in served0}
            fig = _night_figures(
                rep,
                wall,
                t_popen,
                t_exit,
                sampler,
                _warehouse_stats(db, night),
                served,
                (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system),
                server.busy - busy0,
            )
            fig["load_after"] = _load()
            results[key] = fig
            _print_night(fig, planned, first=not unchanged)
            if args.profile and label == "night 1":
                print(f"  cProfile of the flow thread: {workdir / 'night1.profile.txt'}")
            if args.stacks and label == "night 1":
                print(f"  CPU of the flow process by thread and function: {workdir / 'night1.stacks.txt'}")
                print("    " + "\n    ".join((workdir / "night1.stacks.txt").read_text().splitlines()[:60]))
            if unchanged:
                before = results[f"night{int(label.split()[1]) - 1}"]["warehouse"]["detector_version"]
                now = fig["warehouse"]["detector_version"]
                if before != now:
                    print(
                        f"  NOTE: the detector version changed between the nights ({before} -> {now}: someone edited "
                        f"the detector or its lexicon meanwhile), so this night re-read every article; it is not an "
                        f"unchanged night."
                    )
                    if label == "night 2":  # one more try
                        following = (date.fromisoformat(night) + timedelta(days=1)).isoformat()
                        queue.append((f"night {int(label.split()[1]) + 1}", following))
                else:
                    results["unchanged"] = key

    # -------------------------------------------------------------------- plain loop
    if not args.skip_plain and "night1" in results:
        _plain(args, cfg, server.port, workdir, env, results, script, code)

    _print_targets(results, planned)
    out = args.json or workdir / "results.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nall figures: {out}")
    if not args.keep and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
        print("(work folder removed; --keep to keep it)")
    return 0


def _plain(
    args: argparse.Namespace,
    cfg: Any,
    port: int,
    workdir: Path,
    env: dict[str, str],
    results: dict[str, Any],
    script: Path,
    code: Path,
) -> None:
    print(
        f"\n[plain loop] extraction + detection, {cfg.articles.workers} spawn workers, no Prefect, "
        f"no warehouse: {_load()}"
    )
    out_path = workdir / "plain.json"
    cmd = [
        sys.executable,
        str(script),
        "--_child",
        "plain",
        "--_out",
        str(out_path),
        "--feeds",
        str(args.feeds),
        "--per-feed",
        str(args.per_feed),
        "--seed",
        str(args.seed),
        "--full-text-share",
        str(args.full_text_share),
        "--_port",
        str(port),
        "--workers",
        str(cfg.articles.workers),
        "--batch-size",
        str(cfg.articles.batch_size),
        "--detector-mode",
        cfg.detector.mode,
        "--detector-batch",
        str(cfg.detector.batch_size),
    ]
    if args.corpora:
        cmd += ["--corpora", args.corpora]
    wall, _, _, sampler, rc, _ = _run_child(cmd, env, workdir / "plain.log", args.sample_interval, cwd=code)
    if rc != 0:
        print(f"plain loop failed (exit {rc}); see {workdir / 'plain.log'}")
        print((workdir / "plain.log").read_text()[-3000:])
        return
    p = json.loads(out_path.read_text())
    n1 = results["night1"]
    st = n1["stage_seconds"]
    pipe = st["articles"] + st["statements"]
    plain = p["extract_s"] + p["detect_s"]
    ex_cpu, ex_machine = sampler.cpu_between(*p["extract_window"])
    de_cpu, de_machine = sampler.cpu_between(*p["detect_window"])
    pipe_cpu = sum(n1["per_stage"]["articles"]["cpu"].values()) + sum(n1["per_stage"]["statements"]["cpu"].values())
    roles = {
        r: n1["per_stage"]["articles"]["cpu"].get(r, 0.0) + n1["per_stage"]["statements"]["cpu"].get(r, 0.0)
        for r in ("worker", "flow", "prefect_server")
    }
    overhead = (roles["flow"] + roles["prefect_server"]) / roles["worker"] if roles["worker"] else 0.0
    plain_cpu = sum(ex_cpu.values()) + sum(de_cpu.values())
    results["plain"] = {
        **p,
        "process_wall_s": wall,
        "pipeline_s": pipe,
        "plain_s": plain,
        "ratio": pipe / plain if plain else None,
        "extract_cpu": ex_cpu,
        "detect_cpu": de_cpu,
        "pipeline_cpu_s": pipe_cpu,
        "plain_cpu_s": plain_cpu,
        "overhead": overhead,
        "machine_busy_s": ex_machine + de_machine,
        "peak_rss_sum": sampler.peak_sum,
        "load": _load(),
    }
    print(
        f"  pages generated in memory first (untimed): {p['generate_s']:.1f} s, {p['page_bytes'] / MiB:,.0f} MiB of HTML"
    )
    print(
        f"  extract {p['extract_s']:.1f} s ({p['articles'] / p['extract_s']:.1f} articles/s; cpu {_cpu(ex_cpu)}; "
        f"machine busy {ex_machine:.1f} s)"
    )
    print(
        f"  detect  {p['detect_s']:.1f} s ({p['words'] / p['detect_s']:,.0f} words/s; cpu {_cpu(de_cpu)}; "
        f"machine busy {de_machine:.1f} s)"
    )
    print(
        f"  {p['extracted']} articles extracted, {p['failed']} failed, {p['words']:,} words, {p['statements']:,} statements; "
        f"other processes on the machine ~{max(0.0, ex_machine + de_machine - plain_cpu):.0f} CPU-s meanwhile"
    )
    ok = pipe / plain <= TARGETS["pipeline_vs_plain"]
    print(
        f"  pipeline articles + statements {st['articles']:.1f} + {st['statements']:.1f} = {pipe:.1f} s vs plain "
        f"{p['extract_s']:.1f} + {p['detect_s']:.1f} = {plain:.1f} s -> ratio {pipe / plain:.2f}   target <= "
        f"{TARGETS['pipeline_vs_plain']}: {_mark(ok)}"
    )
    print(
        f"  per stage: articles {st['articles'] / p['extract_s']:.2f} x plain extract, statements "
        f"{st['statements'] / p['detect_s']:.2f} x plain detect; CPU seconds pipeline {pipe_cpu:.1f} vs plain "
        f"{plain_cpu:.1f} ({pipe_cpu / plain_cpu if plain_cpu else 0:.2f} x)"
    )
    print(
        f"  same-night, load-robust: the flow process ({roles['flow']:.1f} s) and Prefect's server "
        f"({roles['prefect_server']:.1f} s) used {overhead:.2f} CPU-s per worker CPU-s in these two stages; with the "
        f"workers saturating both cores that is ~{1 + overhead:.2f} x the workers' own time, plus "
        f"{n1['flow']['articles_no_extraction_s']:.1f} s with no extraction running"
    )
    print(f"  {_load()}")


def _code_tree(workdir: Path, live: bool) -> tuple[Path, str]:
    """The pipeline code the children run, and how to name it.

    By default a snapshot of HEAD (`git archive`, no git metadata touched) in the work folder, with
    this benchmark's own files copied over it: the repository changes under a running benchmark
    (a lexicon commit changes the detector version and makes the next night re-read everything).
    `--live` runs the working tree instead, uncommitted changes included.
    """

    def git(*cmd: str) -> str:
        return subprocess.run(["git", *cmd], cwd=REPO, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    if live:
        dirty = git("status", "--porcelain", "--", "flows", "extractors", "warehouse", "stancewatch")
        return REPO, head + (" + uncommitted changes in pipeline code" if dirty else "")
    code = workdir / "code"
    shutil.rmtree(code, ignore_errors=True)
    code.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    for name in ("nightly_bench.py", "corpus.py"):
        shutil.copy2(REPO / "benchmarks" / name, code / "benchmarks" / name)
    return code, head


def _stages(seconds: dict[str, float] | None) -> str:
    return ", ".join(f"{k} {v:.1f} s" for k, v in (seconds or {}).items())


def _cpu(roles: dict[str, float]) -> str:
    return ", ".join(f"{r} {s:.1f} s" for r, s in sorted(roles.items(), key=lambda kv: -kv[1]) if s >= 0.05) or "-"


def _night_figures(
    rep: dict[str, Any],
    wall: float,
    t_popen: float,
    t_exit: float,
    sampler: TreeSampler,
    wh: dict[str, Any],
    served: dict[str, int],
    bench_cpu: float,
    server_busy: float,
) -> dict[str, Any]:
    summary = rep["summary"]
    stages = summary["stage_seconds"]
    calls = rep["calls"]
    events = dict(rep["events"])
    run_s = rep["run_end"] - rep["run_start"]
    status = wh["article_status"]

    def first(name: str, default: float) -> float:
        return min((c[0] for c in calls.get(name, [])), default=default)

    def total(name: str) -> float:
        return sum(c[1] - c[0] for c in calls.get(name, []))

    body = first("load_config", rep["run_start"])  # the flow function's body starts
    stage0 = events.get("fetch_stage:start", body)
    stage_end = events.get("shift_stage:end", rep["run_end"])
    # contiguous windows of the process's life, for CPU and memory per phase
    marks = [
        ("interpreter + imports", t_popen, rep["run_start"]),
        ("Prefect engine start (temp server, flow run)", rep["run_start"], body),
        ("flow body before the stages", body, stage0),
    ]
    order = [
        ("fetch_stage", "feeds"),
        ("article_stage", "articles"),
        ("detect_stage", "statements"),
        ("shift_stage", "shifts"),
    ]
    prev = stage0
    for fn, stage in order:
        if f"{fn}:start" in events:
            if events[f"{fn}:start"] - prev > 0.05:
                marks.append((f"between stages, before {stage}", prev, events[f"{fn}:start"]))
            marks.append((stage, events[f"{fn}:start"], events[f"{fn}:end"]))
            prev = events[f"{fn}:end"]
    marks += [
        ("alerts, finish, publish, flow end", stage_end, rep["run_end"]),
        ("process exit", rep["run_end"], t_exit),
    ]
    per_phase = {}
    for name, a, b in marks:
        roles, machine = sampler.cpu_between(a, b)
        per_phase[name] = {
            "wall": b - a,
            "cpu": roles,
            "machine_busy": machine,
            "peak_rss": sampler.peak_between(a, b),
            "flow_rss_end": sampler.rss_at(b, "flow"),
        }
    all_roles, machine_busy = sampler.cpu_between(t_popen, t_exit)
    peak_phase = next((n for n, a, b in marks if a <= sampler.peak_sum_t <= b), "?")

    harvest = calls.get("harvest", [])
    fetches = [c for c in calls.get("fetch_many", []) if c[2]]
    # a harvest batch fetches, then extracts: its extraction runs from its fetch's end (same thread) to its end
    extract_spans = []
    for a, b, _, thread in harvest:
        ends = [c[1] for c in fetches if c[3] == thread and a <= c[0] <= b]
        extract_spans.append((max(ends) if ends else a, b))
    art = (events.get("article_stage:start", 0.0), events.get("article_stage:end", 0.0))
    extracting = _union(extract_spans)
    return {
        "process_wall_s": wall,
        "run_night_s": run_s,
        "import_s": rep["import_s"],
        "startup_s": rep["run_start"] - t_popen,
        "prefect_engine_s": body - rep["run_start"],
        "prefect_server_start_s": total("start"),
        "exit_s": t_exit - rep["run_end"],
        "stage_seconds": stages,
        "counts": {k: v for k, v in summary.items() if isinstance(v, int)},
        "served": served,
        "fetched_pages": served["pages"],
        "extracted": status.get("ok", 0) + status.get("duplicate", 0),
        "warehouse": wh,
        "peak_rss_sum": sampler.peak_sum,
        "peak_rss_single": sampler.peak_single,
        "peak_pss_sum": sampler.peak_pss,
        "peak_by_role": sampler.peak_by_role,
        "peak_phase": peak_phase,
        "max_procs": sampler.max_procs,
        "sampler_cpu_s": sampler.own_cpu,
        "bench_process_cpu_s": bench_cpu,
        "server_busy_s": server_busy,
        "per_phase": per_phase,
        "per_stage": {k: v for k, v in per_phase.items() if k in stages},
        "cpu_total": all_roles,
        "machine_busy_s": machine_busy,
        "flow": {
            "fetch_busy_s": _union([(c[0], c[1]) for c in fetches]),
            "extract_busy_s": extracting,
            "articles_no_extraction_s": max(0.0, (art[1] - art[0]) - extracting),
            "harvest_calls": len(harvest),
            "harvest_mean_s": (sum(c[1] - c[0] for c in harvest) / len(harvest)) if harvest else 0.0,
            "fetch_mean_s": (sum(c[1] - c[0] for c in fetches) / len(fetches)) if fetches else 0.0,
            "read_source_sum_s": total("read_source"),
            "write": {k: total(k) for k in ("record_fetch", "store_pages", "store_found", "sync_sources")},
            "read": {k: total(k) for k in ("pending_jobs", "count_to_detect", "articles_to_detect", "load_records")},
            "other": {
                k: total(k)
                for k in (
                    "open_warehouse",
                    "find_shifts",
                    "store_shifts",
                    "deliver",
                    "failing_sources",
                    "publish",
                    "begin_run",
                    "start_night",
                    "finish_run",
                    "run_summary",
                    "night_summary",
                    "create_markdown_artifact",
                )
            },
        },
        "not_instrumented": rep.get("not_instrumented", []),
        "load": _load(),
    }


def _print_night(n: dict[str, Any], planned: int, first: bool) -> None:
    st, c, wh, fl = n["stage_seconds"], n["counts"], n["warehouse"], n["flow"]
    new = c.get("new_articles", 0)
    print(
        f"  process wall {n['process_wall_s']:.1f} s = interpreter + imports {n['startup_s']:.1f} s (stancewatch.flows.nightly "
        f"{n['import_s']:.1f} s) + run_night {n['run_night_s']:.1f} s + exit {n['exit_s']:.1f} s"
    )
    print(
        f"  run_night: Prefect engine start {n['prefect_engine_s']:.1f} s (temporary API server start "
        f"{n['prefect_server_start_s']:.1f} s), stages {sum(st.values()):.1f} s ({_stages(st)}), rest "
        f"{n['run_night_s'] - n['prefect_engine_s'] - sum(st.values()):.1f} s"
    )
    print(
        f"  counts: feeds ok {c.get('feeds_ok')}, not modified {c.get('feeds_not_modified')}, failed "
        f"{c.get('feeds_failed')}; articles new {new}, duplicate {c.get('duplicate_articles')}, failed "
        f"{c.get('failed_articles')}; statements {c.get('new_statements')}; shifts {c.get('new_shifts')}; detector "
        f"{wh.get('detector_version')}"
    )
    if wh["errors"]:
        print(f"  article errors: {wh['errors']}")
    if n["not_instrumented"]:
        print(f"  (not found in flows.*, so not timed: {', '.join(n['not_instrumented'])})")
    print(
        f"  requests served: {n['served']['feeds']} feeds, {n['served']['not_modified']} not modified, "
        f"{n['served']['pages']} pages, {n['served']['bytes'] / MiB:,.1f} MiB on the wire; articles by extractor "
        f"{wh['by_extractor']}"
    )
    if first:
        print("  throughput:")
        print(
            f"    feeds            {c.get('feeds_ok', 0) / st['feeds']:8.1f} feeds/s     ({c.get('feeds_ok')} in {st['feeds']:.1f} s)"
        )
        print(
            f"    pages fetched    {n['fetched_pages'] / st['articles']:8.1f} pages/s     ({n['fetched_pages']} in the articles "
            f"stage's {st['articles']:.1f} s; some fetch in progress {fl['fetch_busy_s']:.1f} s of it)"
        )
        print(
            f"    pages extracted  {n['extracted'] / st['articles']:8.1f} pages/s     ({n['extracted']} incl. "
            f"{wh['by_extractor'].get('feed', 0)} from feed text, in {st['articles']:.1f} s; some extraction in "
            f"progress {fl['extract_busy_s']:.1f} s of it)"
        )
        print(
            f"    detector         {wh['words'] / st['statements']:8,.0f} words/s     ({wh['words']:,} words of stored "
            f"article text in {st['statements']:.1f} s)"
        )
        print(
            f"    rows written     {wh['rows_total'] / n['run_night_s']:8.1f} rows/s      ({wh['rows_total']:,} rows in "
            f"store.* over run_night's {n['run_night_s']:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(wh["rows"].items(), key=lambda kv: -kv[1]) if v)
            + ")"
        )
        print(f"    end to end       {new / n['process_wall_s']:8.1f} articles/s  ({new} new articles / process wall)")
        print(
            f"  flow: {fl['harvest_calls']} harvest batches, mean {fl['harvest_mean_s']:.1f} s each (fetch part "
            f"{fl['fetch_mean_s']:.1f} s); no extraction running for {fl['articles_no_extraction_s']:.1f} s of the "
            f"articles stage; read_source tasks {fl['read_source_sum_s']:.1f} s in total"
        )
        print("    warehouse writes: " + ", ".join(f"{k} {v:.1f} s" for k, v in fl["write"].items()))
        print("    warehouse reads:  " + ", ".join(f"{k} {v:.1f} s" for k, v in fl["read"].items()))
        print("    other:            " + ", ".join(f"{k} {v:.1f} s" for k, v in fl["other"].items() if v >= 0.05))
    print(
        f"  memory: peak RSS sum {_fmt_mib(n['peak_rss_sum'])} (in phase: {n['peak_phase']}), biggest single process "
        f"{_fmt_mib(n['peak_rss_single'])}, peak PSS sum {_fmt_mib(n['peak_pss_sum'])}; up to {n['max_procs']} "
        f"processes; peak by role: " + ", ".join(f"{r} {_fmt_mib(v)}" for r, v in n["peak_by_role"].items())
    )
    print(
        "  by phase: wall, CPU of the pipeline's processes by role, busy CPU of the whole machine, peak RSS sum,"
        " flow process RSS at the end:"
    )
    for phase, d in n["per_phase"].items():
        if d["wall"] < 0.05:
            continue
        own = sum(d["cpu"].values())
        print(
            f"    {phase:<46} {d['wall']:6.1f} s  cpu {own:6.1f} s = {own / d['wall'] if d['wall'] > 0 else 0:.2f} cores "
            f"[{_cpu(d['cpu'])}]  machine {d['machine_busy']:.1f} s  {_fmt_mib(d['peak_rss']) if d['peak_rss'] else '-'}"
            f"  flow {_fmt_mib(d['flow_rss_end'])}"
        )
    others = n["machine_busy_s"] - sum(n["cpu_total"].values()) - n["bench_process_cpu_s"]
    print(
        f"  benchmark process (web server) CPU {n['bench_process_cpu_s']:.1f} s (building responses "
        f"{n['server_busy_s']:.1f} s wall, sampler {n['sampler_cpu_s']:.1f} s); other processes on the machine "
        f"~{max(others, 0):.1f} s CPU meanwhile; {n['load']}"
    )


def _print_targets(results: dict[str, Any], planned: int) -> None:
    print("\n== figures vs targets (printed, not asserted) ==")
    n1 = results.get("night1")
    if n1:
        new = n1["counts"].get("new_articles", 0)
        scale = f" (this run: {planned:,} articles; the target is for 10,000)" if planned != 10_000 else ""
        w, r = n1["process_wall_s"], new / n1["process_wall_s"]
        print(
            f"  night wall                 {w:8.1f} s       target <= {TARGETS['night_wall_s']:.0f} s{scale}: "
            f"{_mark(w <= TARGETS['night_wall_s'])}"
        )
        print(
            f"  articles end to end        {r:8.1f} /s      target >= {TARGETS['articles_per_s']:.0f} /s: "
            f"{_mark(r >= TARGETS['articles_per_s'])}"
        )
        peak = n1["peak_rss_sum"] / MiB
        print(
            f"  peak RSS (sum of tree)     {peak:8.0f} MiB     target <= {TARGETS['peak_rss_mib']:.0f} MiB: "
            f"{_mark(peak <= TARGETS['peak_rss_mib'])}   (biggest process {n1['peak_rss_single'] / MiB:.0f} MiB)"
        )
    n2 = results.get(results.get("unchanged", ""))
    if not n2 and "night2" in results:
        print("  unchanged night wall       not measured: the detector version changed between the nights")
    if n2:
        print(
            f"  unchanged night wall       {n2['process_wall_s']:8.1f} s       target <= {TARGETS['unchanged_wall_s']:.0f} s: "
            f"{_mark(n2['process_wall_s'] <= TARGETS['unchanged_wall_s'])}"
        )
    p = results.get("plain")
    if p and p.get("ratio"):
        print(
            f"  pipeline / plain loop      {p['ratio']:8.2f} x       target <= {TARGETS['pipeline_vs_plain']} x: "
            f"{_mark(p['ratio'] <= TARGETS['pipeline_vs_plain'])}   (CPU {p['pipeline_cpu_s'] / p['plain_cpu_s']:.2f} x; "
            f"orchestration CPU per worker CPU {p['overhead']:.2f})"
        )
    if n1:
        print(
            f"  load: {n1['load']} after night 1; other processes used ~"
            f"{max(0.0, n1['machine_busy_s'] - sum(n1['cpu_total'].values()) - n1['bench_process_cpu_s']):.0f} CPU-s "
            f"during night 1's {n1['process_wall_s']:.0f} s"
        )


if __name__ == "__main__":
    raise SystemExit(main())

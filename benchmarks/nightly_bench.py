"""A whole night through the CLI against the plain single-process loop, over the same real pages.

    python -m benchmarks.nightly_bench ../shared/data/corpora [--n 1000 10000] [--hosts 50]
        [--latency 0.05] [--config FILE] [--workdir DIR]

For each N: N pages of real material (Kremlin readouts and MFA transcripts as pages, State
Department items as full text in their feed), cycled with a small variation per copy so every
page is a distinct article, served by M feeds on M loopback hosts (127.0.0.2, 127.0.0.3, ...: the
per-host politeness applies per site, as on the web), each response after `--latency` seconds,
gzip-compressed, with an ETag. Then, timed from the outside:

1. the night: `stancewatch run` in a fresh process into a fresh warehouse (imports, Prefect's
   start, everything; Prefect's home is warmed by an untimed one-page night first, as any night
   after the first finds it);
2. the unchanged rerun: `stancewatch run` for the next night (every feed answers 304);
3. the plain loop: one process, no network: the same bytes through the same extraction functions
   (site extractor or trafilatura, or the feed's HTML), then the detector, batch by batch.

Peak RSS is the summed resident size of each command's whole process tree (flow, worker
processes, Prefect's temporary server), sampled every 0.1 s; the web server is this process and
is not counted. Figures are printed, never asserted. The machine is shared: see `load` per line.
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.measure import PeakMemory

ROOT = Path(__file__).resolve().parent.parent

NIGHT, NEXT_NIGHT = "2026-12-01", "2026-12-02"
#: Where a copy's variation goes: runs of text in a paragraph, and runs of prose anywhere (a sentence end, no code).
_SPOTS = (re.compile(rb"<p\b[^>]*>([^<]{40,})", re.IGNORECASE), re.compile(rb">([^<>{};]{60,}?[a-z]\. [^<>{};]*)<"))


# ----------------------------------------------------------------------------- material
@dataclass(frozen=True)
class Doc:
    """One real document: a page (`body`) or a feed item's full text (`content`)."""

    kind: str  # kremlin | mfa | statedept
    title: str
    body: bytes = b""
    content: bytes = b""


COUNTRY = {"kremlin": "RUS", "mfa": "CHN", "statedept": "USA"}
EXTRACTOR = {"mfa": "mfa_press_conference"}


def load_material(corpora: Path) -> list[Doc]:
    """Every Kremlin page, MFA transcript and distinct State Department item, in a fixed order."""
    import feedparser

    docs = [
        Doc("kremlin", f"Kremlin news {p.name.split('.')[0]}", body=gzip.decompress(p.read_bytes()))
        for p in sorted((corpora / "kremlin-news").glob("*.html.gz"))
    ]
    for line in (corpora / "mfa-press-conferences" / "index.jsonl").read_text().splitlines():
        entry = json.loads(line)
        body = gzip.decompress((corpora / "mfa-press-conferences" / entry["file"]).read_bytes())
        docs.append(Doc("mfa", entry["title"], body=body))
    seen: set[str] = set()
    for snapshot in sorted((corpora / "statedept-rss-daily").glob("*.rss.gz")):
        for item in feedparser.parse(gzip.decompress(snapshot.read_bytes())).entries:
            if item.get("id") not in seen and item.get("content"):
                seen.add(item["id"])
                docs.append(Doc("statedept", item.title, content=item.content[0].value.encode()))
    return docs


def vary(html: bytes, copy: int) -> bytes:
    """Copy 0 is the document; later copies get a short sentence before the three longest paragraphs
    and runs of prose (some are article text whatever the extractor drops): each copy is a distinct article."""
    if copy == 0:
        return html
    mark = f"Bulletin {copy}. ".encode()
    starts = {m.start(1) for spot in _SPOTS for m in sorted(spot.finditer(html), key=lambda m: -len(m.group(1)))[:3]}
    for start in sorted(starts, reverse=True):
        html = html[:start] + mark + html[start:]
    return html if starts else html + b"<p>" + mark + b"</p>"


@dataclass(frozen=True)
class Item:
    index: int
    doc: Doc
    copy: int

    def html(self) -> bytes:
        return vary(self.doc.body or self.doc.content, self.copy)


def plan(docs: list[Doc], n: int, hosts: int) -> list[list[Item]]:
    """N items over `hosts` feeds; each feed carries one kind of document (its own site extractor)."""
    items = [Item(i, docs[i % len(docs)], i // len(docs)) for i in range(n)]
    kinds = sorted({it.doc.kind for it in items})
    count = {k: sum(it.doc.kind == k for it in items) for k in kinds}
    share = {k: max(1, min(count[k], round(hosts * count[k] / n))) for k in kinds}
    while sum(share.values()) > hosts and max(share.values()) > 1:
        share[max(share, key=share.get)] -= 1
    feeds: list[list[Item]] = []
    for kind in kinds:
        own = [it for it in items if it.doc.kind == kind]
        feeds.extend(own[h :: share[kind]] for h in range(share[kind]))
    return feeds


# ----------------------------------------------------------------------------- the web
class Site:
    """One feed and its pages on its own loopback address (a real ThreadingHTTPServer)."""

    def __init__(self, address: str, items: list[Item], latency: float) -> None:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.answer(self)

        self.items = {f"/p/{it.index}.html": it for it in items}
        self.feed_items = items
        self.latency = latency
        self.server = http.server.ThreadingHTTPServer((address, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{address}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> bytes:
        parts = [
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{self.url}</title><link>{self.url}/</link><description>bench</description>'
        ]
        for it in self.feed_items:
            date = email.utils.formatdate(1_795_000_000 - 60 * it.index, usegmt=True)
            content = f"<content:encoded><![CDATA[{it.html().decode()}]]></content:encoded>" if it.doc.content else ""
            title = it.doc.title.replace("&", "&amp;").replace("<", "&lt;")
            parts.append(
                f'<item><title>{title}</title><link>{self.url}/p/{it.index}.html</link><guid isPermaLink="false">bench-{it.index}</guid><pubDate>{date}</pubDate><description>summary</description>{content}</item>'
            )
        return "".join(parts + ["</channel></rss>"]).encode()

    def answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(self.latency)
        path = handler.path.split("?")[0]
        item = self.items.get(path)
        body = self.feed() if path == "/feed.xml" else item.html() if item else None
        if body is None:
            handler.send_response(404)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        packed = gzip.compress(body, compresslevel=1)
        handler.send_response(200)
        handler.send_header(
            "Content-Type", "application/rss+xml" if path == "/feed.xml" else "text/html; charset=utf-8"
        )
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(packed)))
        handler.send_header("ETag", etag)
        handler.end_headers()
        handler.wfile.write(packed)


def serve(feeds: list[list[Item]], latency: float) -> list[Site]:
    return [Site(f"127.0.0.{2 + h}", items, latency) for h, items in enumerate(feeds)]


def write_sources(path: Path, sites: list[Site]) -> Path:
    lines = ["allow_private_networks: true", "sources:"]
    for h, site in enumerate(sites):
        kind = site.feed_items[0].doc.kind
        lines += [
            f"  - name: bench {h} {kind}",
            f"    url: {site.url}/feed.xml",
            f"    country: {COUNTRY[kind]}",
            "    kind: ministry",
        ]
        if kind in EXTRACTOR:
            lines.append(f"    extractor: {EXTRACTOR[kind]}")
    path.write_text("\n".join(lines) + "\n")
    return path


# ----------------------------------------------------------------------------- measuring
def _cpu_s(pid: int) -> float:
    """CPU seconds of one live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Measured:
    wall: float  # seconds
    peak_mib: float  # the process tree's summed RSS, at its peak
    cpu: float  # CPU seconds of the whole tree (each process is reaped by its parent, so counted)
    cpu_main: float  # ... of the command's own process (sampled every 0.1 s, so a little low)
    out: str


def measured(cmd: list[str], env: dict[str, str], log: Path) -> Measured:
    """Run `cmd` (stderr to `log`) and measure it from the outside: wall time, peak RSS, CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=err, text=True, cwd=ROOT)
        with PeakMemory(proc.pid) as mem:
            main_cpu = 0.0
            while proc.poll() is None:
                main_cpu = max(main_cpu, _cpu_s(proc.pid))
                time.sleep(0.1)
            wall = time.perf_counter() - started
    out = proc.stdout.read() if proc.stdout else ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({proc.returncode}), see {log}:\n{log.read_text()[-3000:]}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Measured(wall, mem.peak_kib / 1024, cpu, main_cpu, out)


def night_summary(db: Path) -> dict:
    """The night's own summary, from the published copy analysts read."""
    import duckdb

    published = db.with_name(f"{db.stem}.published.duckdb")
    with duckdb.connect(str(published), read_only=True) as con:
        return json.loads(con.execute("SELECT summary FROM runs WHERE run_id = ?", [NIGHT]).fetchone()[0])


# ----------------------------------------------------------------------------- the plain loop
def plain_loop(corpora: Path, n: int, hosts: int, config: Path | None) -> dict:
    """Extraction then detection of the N documents in this one process (runs as a child), with the
    night's detector settings."""
    from stancewatch.domain.config import load_config
    from stancewatch.extractors import sites
    from stancewatch.extractors.article import extract_fragment, paragraph_units
    from stancewatch.extractors.detection import ArticleText, detect_articles

    detector = load_config(config).detector
    items = [(it, COUNTRY[it.doc.kind]) for feed in plan(load_material(corpora), n, hosts) for it in feed]
    words = statements = 0
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(items), 200):
        batch = []
        for it, country in items[start : start + 200]:
            url = f"http://127.0.0.1/p/{it.index}.html"
            if it.doc.content:
                ex = extract_fragment(it.html().decode(), url)
            else:
                ex = sites.extract_page(it.html(), url, EXTRACTOR.get(it.doc.kind))
            units = tuple(ex.units or paragraph_units(ex.text.split("\n")))
            words += sum(len(u.text.split()) for u in units if u.kind != "question")
            published = ex.published or date.today()  # the night's rule: undated articles take the day they were read
            batch.append(ArticleText(str(it.index), published, country, units, ex.title or it.doc.title))
        statements += sum(map(len, detect_articles(batch, detector.mode, detector.batch_size)))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu": cpu, "articles": len(items), "words": words, "statements": statements}


# ----------------------------------------------------------------------------- main
def bench(args: argparse.Namespace, docs: list[Doc], n: int, env: dict[str, str], plain: bool = True) -> dict | None:
    folder = Path(tempfile.mkdtemp(prefix=f"n{n}-", dir=args.workdir))
    sites = serve(plan(docs, n, args.hosts), args.latency)
    try:
        sources, db = write_sources(folder / "sources.yaml", sites), folder / "night.duckdb"
        run = [str(Path(sys.executable).with_name("stancewatch")), "run", "--sources", str(sources), "--db", str(db)]
        run += ["--quiet", *(["--config", str(args.config)] if args.config else [])]
        load = os.getloadavg()[0]
        night = measured([*run, "--night", NIGHT], env, folder / "night.log")
        rerun = measured([*run, "--night", NEXT_NIGHT], env, folder / "rerun.log")
    finally:
        for site in sites:
            site.server.shutdown()
            site.server.server_close()
    if not plain:
        return None
    plain_cmd = [sys.executable, "-m", "benchmarks.nightly_bench", str(args.corpora), "--plain-loop", str(n)]
    plain_cmd += ["--hosts", str(args.hosts), *(["--config", str(args.config)] if args.config else [])]
    loop = measured(plain_cmd, env, folder / "plain.log")
    figures = json.loads(loop.out.strip().splitlines()[-1])
    return {
        "n": n,
        "hosts": len(sites),
        "load": load,
        "night": night,
        "rerun": rerun,
        "loop": loop,
        "plain": figures,
        "summary": night_summary(db),
    }


def report(r: dict) -> None:
    s, p, night, rerun, loop = r["summary"], r["plain"], r["night"], r["rerun"], r["loop"]
    print(
        f"\nN = {r['n']:,} pages over {r['hosts']} hosts (load average {r['load']:.1f} at the start: other work slows every figure; CPU seconds move less)"
    )
    print("                                          wall s  articles/s     CPU s  peak RSS MiB")
    print(
        f"  night: stancewatch run, whole tree    {night.wall:8.1f}  {s['new_articles'] / night.wall:10.1f}  {night.cpu:8.1f}  {night.peak_mib:12.0f}   (flow process {night.cpu_main:.1f} CPU s)"
    )
    print(
        f"  plain loop: one process, no network   {p['seconds']:8.1f}  {p['articles'] / p['seconds']:10.1f}  {p['cpu']:8.1f}  {loop.peak_mib:12.0f}"
    )
    print(
        f"  ratio night / plain loop              {night.wall / p['seconds']:8.2f}  {'':10}  {night.cpu / p['cpu']:8.2f}"
    )
    print(
        f"  unchanged rerun (every feed 304)      {rerun.wall:8.1f}  {'':10}  {rerun.cpu:8.1f}  {rerun.peak_mib:12.0f}"
    )
    pipe = s.get("pipeline") or {}
    print(
        f"  night: {s['new_articles']} articles, {s['duplicate_articles']} duplicates, {s['failed_articles']} failed, {s['new_statements']} statements; stages (s) {s.get('stage_seconds')}"
    )
    print(
        f"  pipeline (s from its start): first extraction {pipe.get('first_extraction')}, first detection {pipe.get('first_detection')}, last page {pipe.get('fetch_done')}, done {pipe.get('seconds')}; workers busy {pipe.get('worker_busy')}; peak pages held {pipe.get('peak_pages_held')}"
    )
    print(f"  plain: {p['articles']} articles, {p['words']:,} words, {p['statements']} statements")
    if s["new_statements"] != p["statements"] or s["new_articles"] != p["articles"]:
        print("  WARNING: the night and the plain loop did not do the same work (articles or statements differ)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "corpora",
        type=Path,
        help="the shared corpora folder (kremlin-news, mfa-press-conferences, statedept-rss-daily)",
    )
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="pages per night (default: 1000 10000)")
    ap.add_argument("--hosts", type=int, default=50, help="feeds, one per loopback host (at most 250)")
    ap.add_argument("--latency", type=float, default=0.05, help="seconds before each response")
    ap.add_argument("--config", type=Path, help="a configuration file for the night (default: the shipped defaults)")
    ap.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where warehouses and Prefect's home go (default: a new temporary folder)",
    )
    ap.add_argument("--plain-loop", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.plain_loop:
        print(json.dumps(plain_loop(args.corpora, args.plain_loop, args.hosts, args.config)))
        return 0
    args.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="nightly-bench-"))
    args.workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": os.environ.get("PREFECT_HOME", str(args.workdir / "prefect"))}
    docs = load_material(args.corpora)
    print(
        f"material: {len(docs)} documents; Prefect API: {env.get('PREFECT_API_URL') or 'temporary server'}; work folder {args.workdir}"
    )
    bench(args, docs[:1], 1, env, plain=False)  # warms Prefect's home (its database is created on first use); untimed
    for n in args.n:
        report(bench(args, docs, n, env))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

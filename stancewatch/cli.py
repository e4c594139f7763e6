"""The `stancewatch` command line.

Every command is a thin shell over a module that does the work; see
`stancewatch COMMAND --help`. Prefect is imported only by the commands that
run a flow, so `sql`, `detect` and friends start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

import typer
from rich.console import Console
from rich.markup import escape

import stancewatch.flows.offline  # noqa: F401  (offline Prefect environment, before any Prefect import)

if TYPE_CHECKING:  # the commands import the warehouse lazily, to start fast
    from stancewatch.warehouse import Warehouse


def _flags_take_no_value() -> None:
    """Show a flag as `--quiet`, not `--quiet <bool>`: typer's rich help prints every option's
    type, but a flag is given or not and takes no value, so its type column stays empty."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich
    if getattr(typed, "_flags_plain", False):
        return

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:  # typer's own (vendored) click Context
        return None if self.is_flag else typed(self, ctx)

    display_type_rich._flags_plain = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()
app = typer.Typer(add_completion=False, no_args_is_help=True)
console = Console()
err = Console(stderr=True)

DEMO_DB = Path("stancewatch-demo.duckdb")


def _print_version(value: bool) -> None:
    if value:
        from stancewatch import __version__

        console.print(f"stancewatch {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Nightly monitoring of diplomatic statements: feeds -> DuckDB -> stance shifts -> alerts.

    Every error ends the command with one line on stderr and a non-zero exit
    status: 1 for a query or run that failed, 2 for bad input (a file, a
    date, a warehouse that does not exist), 3 for a warehouse held by another
    process.
    """


def _use_progress(quiet: bool) -> None:
    """Progress bars on a terminal, unless --quiet.

    Prefect's INFO logs would drown the bars, so the CLI keeps only its
    warnings (set PREFECT_LOGGING_LEVEL=INFO to see every task run).
    """
    import os

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from stancewatch.flows import progress

    if not quiet and sys.stderr.isatty():
        from stancewatch.progressbar import RichReporter

        progress.use(RichReporter(Console(stderr=True)))
    else:
        progress.use(progress.Silent())


def _quick_exit() -> None:
    """At the process's exit, leave the objects a flow command made (Prefect, pydantic, spaCy's
    vocabularies: a heap of millions) out of the interpreter's final garbage collections, which
    took ~0.3 s of every command's exit; the memory goes back with the process anyway. (Registered
    for the exit, so a test that calls the command in its own process keeps collecting.)"""
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


@contextmanager
def _prefect_api() -> Iterator[Callable[[], None]]:
    """The Prefect API for this command's flows: the configured server, else a temporary one started
    now, before the flow's modules load (flows/apiserver.py). Yields `ready()`, to call right before
    the first flow runs (it waits for the temporary server and applies its flow settings); the
    temporary server stops with the command."""
    from stancewatch.flows.apiserver import api_for_command, flow_settings

    _quick_exit()
    api = api_for_command()
    with ExitStack() as settings:

        def ready() -> None:
            if api:
                api.wait_ready()
                settings.enter_context(flow_settings())

        try:
            yield ready
        finally:
            settings.close()
            if api:
                api.stop()


def _fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr (never wrapped, never read as markup), then exit with `code`."""
    err.print(f"[bold red]error:[/] {escape(' '.join(str(message).split()))}", soft_wrap=True)
    raise typer.Exit(code)


def _warn(message: str) -> None:
    err.print(f"[bold yellow]warning:[/] {escape(message)}", soft_wrap=True)


def _existing(db: Path) -> Path:
    """`db`, or exit 2: a command that re-reads a warehouse must not create an empty one from a typo.

    (A DuckLake address is checked when it is attached: its catalog must exist.)"""
    from stancewatch.warehouse.lake import parse_address

    if parse_address(db) is None and not db.exists():
        _fail(f"{db} does not exist (a typo in --db? `stancewatch run` creates a warehouse)", 2)
    return db


@app.command()
def run(
    sources: Path = typer.Option(None, "--sources", "-s", help="Sources YAML (default: the shipped real feeds)."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help="Warehouse file (created if missing)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration YAML merged over the defaults."),
    night: Optional[str] = typer.Option(
        None,
        help="The night, a date YYYY-MM-DD (default: today in the configured timezone). A night holds "
        "several runs: if its latest run did not complete it is resumed, otherwise a new run fetches again.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary table."),
) -> None:
    """Run the nightly pipeline once: fetch the sources, store articles, detect statements and shifts, send alerts.

    Runs belong to a night (a date): the first run of 2026-12-04 is run 2026-12-04,
    running again the same day starts run 2026-12-04.2, which asks every feed
    again (conditional GETs: an unchanged feed costs one 304) and stores only
    what is new. A run that crashed or failed is resumed instead: what it
    committed is kept and nothing is fetched, stored or mailed twice. The
    summary shows this run's figures beside the night's totals.
    """
    with _prefect_api() as ready:  # the temporary server starts first: it is the longest wait
        from stancewatch.domain.config import ConfigError, load_config, load_sources
        from stancewatch.warehouse import WarehouseBusy, WarehouseError
        from stancewatch.warehouse.runs import parse_night

        try:  # validate before Prefect loads, so a typo is a one-line error (the server is stopped)
            parse_night(night)
            load_sources(sources)
            cfg = load_config(config)
        except (ConfigError, ValueError) as exc:
            _fail(str(exc), 2)
        _use_progress(quiet)
        from stancewatch.flows.nightly import run_night
        from stancewatch.flows.workers import discard_prestarted, prestart

        prestart(cfg.articles.workers, cfg.detector.mode)  # the workers load while Prefect's server starts
        try:
            ready()
            summary = run_night(sources, db, config=config, night=night, quiet=quiet)
        except WarehouseBusy as exc:
            _fail(str(exc), 3)
        except WarehouseError as exc:
            _fail(str(exc), 1)
        finally:
            discard_prestarted()
    if quiet and summary.get("alerts_note"):  # the summary table (not printed when quiet) says it otherwise
        _warn(summary["alerts_note"])
    if summary["feeds_failed"] and not summary["feeds_ok"] + summary["feeds_not_modified"]:
        _fail("every source failed in this run (is the network down?); the next run retries them")


@app.command()
def demo(
    db: Path = typer.Option(DEMO_DB, "--db", help="Demo warehouse file (replaced on every demo)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary tables."),
    serve: bool = typer.Option(
        False,
        "--serve",
        help="Only serve the demo site (and a mail catcher) until Ctrl-C, to point run, cron or Prefect at it.",
    ),
    port: int = typer.Option(0, "--port", help="With --serve: the port on 127.0.0.1 (default: any free port)."),
    night: int = typer.Option(1, "--night", help="With --serve: the demo night to serve first (1 or 2)."),
    folder: Path = typer.Option(
        Path("stancewatch-demo-site"), "--folder", help="With --serve: where the sources, config and emails go."
    ),
) -> None:
    """Serve the bundled demo site on 127.0.0.1 and run two demo nights into ./stancewatch-demo.duckdb.

    With --serve, only serve it (night 1, then night 2 after Enter) and write a sources and a config file
    for it, so `stancewatch run`, a crontab line or a Prefect deployment can be pointed at the demo.
    """
    if serve:
        from stancewatch.demo.serve import serve as serve_site

        try:
            serve_site(folder, port, night, console)
        except (ValueError, OSError) as exc:
            _fail(str(exc), 2)
        return
    from stancewatch.demo import run_demo
    from stancewatch.demo.report import print_findings

    from stancewatch.warehouse.publish import published_path

    for stale in (db, Path(f"{db}.wal"), published_path(db)):
        stale.unlink(missing_ok=True)
    with _prefect_api() as ready:
        _use_progress(quiet)
        import stancewatch.flows.nightly  # noqa: F401  (loads while the API server starts)

        ready()
        _, mail = run_demo(db, quiet=quiet)
    print_findings(db, mail, Path(f"{db.stem}-mail"), console)


@app.command()
def replay(
    docs: Path = typer.Argument(
        ..., help="JSON lines: id, date, text (+ source_country, speaker, speaker_role, title, url)."
    ),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help="Warehouse file (created if missing)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration YAML merged over the defaults."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary tables."),
) -> None:
    """Replay dated documents through the real nightly flow, one night per date (backfill, evaluation)."""
    from stancewatch.replay import load_docs, replay as run_replay

    with _prefect_api() as ready:
        _use_progress(quiet)
        import stancewatch.flows.nightly  # noqa: F401  (loads while the API server starts)

        ready()
        for night, summary in run_replay(load_docs(docs), db, config, quiet=quiet):
            if quiet:
                console.print(
                    f"{night}: {summary['new_articles']} articles, {summary['new_statements']} statements, "
                    f"{summary['new_shifts']} shifts"
                )


@app.command()
def reprocess(
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help="Warehouse file."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration YAML merged over the defaults."),
    send_alerts: bool = typer.Option(False, "--send-alerts", help="Also mail shifts found only by reprocessing."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary table."),
) -> None:
    """Re-run detection and shift detection over stored articles (after a lexicon or config change); no refetching."""
    from stancewatch.domain.config import ConfigError, load_config
    from stancewatch.warehouse import WarehouseBusy, WarehouseError

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        _fail(str(exc), 2)
    if cfg.warehouse.kind == "duckdb":  # on DuckLake `--db` is not used: the configuration names the lake
        _existing(db)
    with _prefect_api() as ready:
        _use_progress(quiet)
        from stancewatch.flows.reprocess import run_reprocess

        ready()
        try:
            run_reprocess(db, config=config, send_alerts=send_alerts, quiet=quiet)
        except WarehouseBusy as exc:
            _fail(str(exc), 3)
        except WarehouseError as exc:
            _fail(str(exc), 1)


# ----------------------------------------------------------------------------- analysts
DB_HELP = (
    "The warehouse; its published copy (<name>.published.duckdb) is what gets opened. "
    "For DuckLake give 'ducklake:postgres:<catalog connection string>' (its last completed night is read)."
)


def _reader(db: Path) -> Warehouse:
    from stancewatch.warehouse import WarehouseError, open_reader
    from stancewatch.warehouse.publish import published_path

    try:
        return open_reader(published_path(db))
    except WarehouseError as exc:
        _fail(str(exc), 2)


def _format(fmt: str) -> str:
    from stancewatch.output import FORMATS

    if fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}", 2)
    return fmt


def _date(value: str, option: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} must be a date like 2022-03-01, got {value!r}", 2)


@app.command()
def sql(
    query: str = typer.Argument(
        ...,
        help='SQL to run, e.g. "SELECT * FROM stance_shifts"; several ";"-separated statements print one result each.',
    ),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
    fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json"),
) -> None:
    """Query the published warehouse, read-only (writes and file access are refused; exit 1 on any error)."""
    import duckdb

    from stancewatch.sqlshell import first_line, run_script

    fmt = _format(fmt)
    with _reader(db) as wh:
        try:
            ran = run_script(wh.con, query, fmt, console)
        except duckdb.Error as exc:
            _fail(first_line(exc), 1)
    if not ran:
        _fail("no SQL statement given", 2)


@app.command()
def shell(db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP)) -> None:
    """An interactive read-only SQL prompt on the published warehouse.

    End a query with ';'. Line editing and history (arrow keys; kept in
    ~/.stancewatch_history), Ctrl-C cancels a running query, Ctrl-D leaves;
    .tables lists the views and macros, .help the rest.
    """
    from stancewatch.sqlshell import Shell

    with _reader(db) as wh:
        Shell(wh, console, err).run()


@app.command()
def export(
    parquet: Path = typer.Option(..., "--parquet", help="Folder to write (created)."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
) -> None:
    """Write every table as Parquet with schema.sql/load.sql (IMPORT DATABASE rebuilds tables, views and macros),
    and every analyst view as Parquet in views/."""
    import duckdb

    from stancewatch.sqlshell import first_line
    from stancewatch.warehouse.export import export_parquet
    from stancewatch.warehouse.publish import published_path

    from stancewatch.warehouse import WarehouseError
    from stancewatch.warehouse.lake import parse_address

    source = published_path(db)
    if parse_address(source) is None and not source.exists():
        _fail(f"{source} does not exist (has a run completed yet? a typo in --db?)", 2)
    try:
        files = export_parquet(source, parquet)
    except WarehouseError as exc:  # a DuckLake that cannot be attached, or holds no completed night yet
        _fail(str(exc), 2)
    except (duckdb.Error, OSError) as exc:
        _fail(f"export to {parquet} failed: {first_line(exc)}", 1)
    console.print(f"wrote {len(files)} files to {parquet}")


QUOTE_CHARS = 240


@app.command()
def shifts(
    since: Optional[str] = typer.Option(
        None, help="Only shifts whose new stance began on or after this date (YYYY-MM-DD). Default: 30 days ago."
    ),
    actor: Optional[list[str]] = typer.Option(None, "--actor", help="Only these actors (repeatable), e.g. CHN."),
    target: Optional[list[str]] = typer.Option(
        None, "--target", help="Only these targets (repeatable), e.g. USA; 'none' for shifts with no target."
    ),
    topic: Optional[list[str]] = typer.Option(None, "--topic", help="Only these topics (repeatable), e.g. sanctions."),
    fmt: str = typer.Option(
        "table", "--format", "-f", help="table (first quote of each side) | csv | json (every quote and link)."
    ),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
) -> None:
    """Print recent stance shifts with the quotes on both sides."""
    from datetime import timedelta

    import duckdb

    from stancewatch.output import print_rows
    from stancewatch.sqlshell import first_line

    fmt = _format(fmt)
    start = _date(since, "--since") if since else date.today() - timedelta(days=30)
    actors = sorted({a.strip().upper() for a in actor}) if actor else None
    targets = sorted({"" if t.strip().lower() == "none" else t.strip().upper() for t in target}) if target else None
    topics = sorted({t.strip().lower() for t in topic}) if topic else None
    with _reader(db) as wh:
        try:
            rows = wh.named("recent_shifts", [start, actors, targets, topics])
        except duckdb.Error as exc:
            _fail(first_line(exc), 1)
    if not rows:
        if fmt == "table":
            console.print(
                f"No stance shifts since {start}" + (" matching the filters." if actor or target or topic else ".")
            )
        elif fmt == "csv":
            print_rows(_SHIFT_FIELDS, [], fmt, console)  # a header, so a script reads an empty table
        return
    if fmt == "csv":  # a list (quotes, links) is one cell, an item per line
        rows = [{k: "\n".join(v) if isinstance(v, list) else v for k, v in r.items()} for r in rows]
    if fmt != "table":
        print_rows(list(rows[0]), [tuple(r.values()) for r in rows], fmt, console)
        return
    for r in rows:
        _print_shift(r)
    console.print(f"[dim]{len(rows)} shift(s) since {start}; --format json gives every quote and link[/]")


def _print_shift(r: dict) -> None:
    """One shift: when, the key, the change, then the first quote on each side."""
    from rich.text import Text

    key = f"{r['actor']} → {r['target'] or '—'} · {r['topic'] or '—'}"
    head = Text.assemble(
        (f"{r['new_on']}  ", "bold"),
        (key, "bold"),
        f"   {r['previous_stance']} → {r['new_stance']}   {r['kind']} · {r['severity']}   (was {r['previous_stance']}"
        f" on {r['previous_on']})",
    )
    console.print(head)
    for label, quotes in (("before", r["previous_quotes"]), ("after ", r["new_quotes"])):
        console.print(Text(f"    {label}  {_first_quote(quotes) or '(statements no longer stored)'}"))


#: The columns of `shifts --format csv` (also printed, as a header, when nothing matched).
_SHIFT_FIELDS = [
    "new_on",
    "actor",
    "target",
    "topic",
    "previous_stance",
    "new_stance",
    "previous_on",
    "severity",
    "kind",
    "reason",
    "previous_quotes",
    "new_quotes",
    "previous_urls",
    "new_urls",
    "detected_run_id",
    "shift_id",
]


def _first_quote(quotes: list[str] | None) -> str:
    """The first quote of a side, shortened for a table cell; how many more there are."""
    if not quotes:
        return ""
    text = quotes[0] if len(quotes[0]) <= QUOTE_CHARS else quotes[0][: QUOTE_CHARS - 1].rstrip() + "…"
    return f"“{text}”" + (f" (+{len(quotes) - 1} more)" if len(quotes) > 1 else "")


@app.command()
def report(
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
    since: Optional[str] = typer.Option(None, help="Only timelines and shifts from this date on (YYYY-MM-DD)."),
    actor: Optional[list[str]] = typer.Option(
        None, "--actor", help="Only these actors (repeatable), e.g. --actor CHN."
    ),
) -> None:
    """Write one self-contained HTML page: stance timelines, every key's records, latest shifts with quotes,
    source health."""
    import duckdb

    from stancewatch.report import build_report
    from stancewatch.sqlshell import first_line
    from stancewatch.warehouse import WarehouseError

    try:
        path = build_report(db, out, since=since, actors=actor or None)
    except (WarehouseError, ValueError) as exc:
        _fail(str(exc), 2)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}", 2)
    except duckdb.Error as exc:
        _fail(first_line(exc), 1)
    console.print(f"wrote {path} (opens offline in any browser)")


# ----------------------------------------------------------------------------- the detector
def _units_lines(file: str) -> tuple[list[str], str]:
    """The lines of FILE ('-' = stdin) and the name errors use for it."""
    from stancewatch.extractors.statements.jsonl import UnitsFileError, read_lines

    if file == "-":
        return sys.stdin.read().splitlines(), "<stdin>"
    try:
        return read_lines(file), file
    except UnitsFileError as exc:
        _fail(str(exc), 2)
        raise  # unreachable: _fail exits


@app.command()
def detect(
    file: str = typer.Argument(
        "-",
        help="JSON lines in the gold format (text, and optionally id, date, source_country, speaker, speaker_role, "
        "title); '-' = stdin.",
    ),
    mode: str = typer.Option("auto", help="auto | rules | trained"),
) -> None:
    """Detect statements in JSON lines; print one JSON line per input line.

    A line that is not JSON or has no "text" stops the command with one line naming the file and line (exit 2).
    """
    import json

    from stancewatch.extractors.statements import get_detector
    from stancewatch.extractors.statements.jsonl import UnitsFileError, units_from_jsonl

    lines, name = _units_lines(file)
    try:
        units = list(units_from_jsonl(lines, name))
    except UnitsFileError as exc:
        _fail(str(exc), 2)
    for unit, found in zip(units, get_detector(mode).detect_many(units)):
        print(json.dumps({"id": unit.id, "statements": [s.to_dict() for s in found]}, ensure_ascii=False))


def packaged_sample() -> Path:
    """The labelled sample shipped inside the package (extractors/statements/sample/sample.jsonl)."""
    from importlib.resources import files

    return Path(str(files("stancewatch.extractors.statements") / "sample" / "sample.jsonl"))


@app.command(name="eval")
def evaluate(
    gold: Optional[list[str]] = typer.Argument(
        None,
        help="Gold JSON-lines files; default: the labelled sample shipped with stancewatch "
        "(extractors/statements/sample/sample.jsonl).",
    ),
    mode: str = typer.Option("auto", help="auto | rules | hybrid | parsed"),
    as_json: bool = typer.Option(
        False, "--json", help="Print the whole set's figures as JSON (the reference scorer's --json shape)."
    ),
) -> None:
    """Score the detector on gold files: strict/loose P/R/F1, speaker accuracy, per-stance recall.

    Units of the project's gold split (extractors/statements/split.py) are also scored by part: the
    tuning part (the classifiers were trained and tuned on it: its figures flatter) and the locked
    part (never read in training: the honest figure).
    """
    import json

    from stancewatch.extractors.statements import get_detector
    from stancewatch.extractors.statements.evaluate import format_report, score
    from stancewatch.extractors.statements.jsonl import UnitsFileError, objects_from_jsonl, unit_from_dict
    from stancewatch.extractors.statements.split import split

    gold_units: list[dict] = []
    for path in gold or [str(packaged_sample())]:
        lines, name = _units_lines(path)
        try:
            gold_units += list(objects_from_jsonl(lines, name, gold=True))
        except UnitsFileError as exc:
            _fail(str(exc), 2)
    units = [unit_from_dict(g) for g in gold_units]
    detected = {u.id: [s.to_dict() for s in found] for u, found in zip(units, get_detector(mode).detect_many(units))}
    result = score(gold_units, detected)
    if as_json:
        print(json.dumps(result))
        return
    print(format_report(result))
    tune, locked = split(gold_units) if gold else ([], [])
    for label, part in (
        ("tuning part (trained and tuned on: flatters)", tune),
        ("locked part (never trained on)", locked),
    ):
        if tune and locked:
            print(f"\n{label}, {len(part)} units:")
            print(format_report(score(part, detected)))


@app.command()
def train(
    gold: list[Path] = typer.Argument(
        ..., help="Gold JSON-lines files (e.g. ../shared/data/gold/train.jsonl ../shared/data/gold/dev.jsonl)."
    ),
    out: Path = typer.Option(None, help="Where to write the model (default: the package's own model/ folder)."),
    folds: int = typer.Option(0, help="Cross-validation folds on the tuning part, by document (0: config.cfg's)."),
    search: bool = typer.Option(True, help="Choose the decision thresholds by cross-validation."),
    rules_written_on: Optional[Path] = typer.Option(
        None,
        help="A gold file the grammar rules were written against (e.g. dev.jsonl): its units train the "
        "classifiers but do not choose the thresholds, because the rules' figures on them flatter.",
    ),
) -> None:
    """Train the detector's classifiers on the tuning part of the gold files (the locked part is not read).

    Needs the `train` extra (scikit-learn): pip install -e '.[train]'.
    """
    from stancewatch.extractors.statements import training
    from stancewatch.extractors.statements.classifier import MODEL_DIR
    from stancewatch.extractors.statements.pipeline import Detector

    reader = Detector("rules", featurize=True)
    excluded = {u["id"] for u in training.load_gold([rules_written_on])} if rules_written_on else set()
    training.train(
        gold,
        reader.read,
        out or MODEL_DIR,
        k=folds or None,
        search=search,
        log=typer.echo,
        scored=lambda unit: unit["id"] not in excluded,
    )


if __name__ == "__main__":
    app()

"""The `stancewatch` command line.

Every command is a thin shell over a module that does the work; see
`stancewatch COMMAND --help`. Prefect is imported only by the commands that
run a flow, so `sql`, `detect` and friends start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, Optional

import typer
from rich.console import Console

import stancewatch.flows.offline  # noqa: F401  (offline Prefect environment, before any Prefect import)

if TYPE_CHECKING:  # the commands import the warehouse lazily, to start fast
    from stancewatch.warehouse import Warehouse

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Nightly monitoring of diplomatic statements: feeds -> DuckDB -> stance shifts -> alerts.",
)
console = Console()
err = Console(stderr=True)

DEMO_DB = Path("stancewatch-demo.duckdb")


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


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def run(
    sources: Path = typer.Option(None, "--sources", "-s", help="Sources YAML (default: the shipped real feeds)."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help="Warehouse file (created if missing)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration YAML merged over the defaults."),
    night: Optional[str] = typer.Option(
        None, help="Run id of the night (default: today). Re-running a night resumes it."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary table."),
) -> None:
    """Run one night: fetch the sources, store articles, detect statements and shifts, send alerts."""
    from stancewatch.domain.config import ConfigError, load_config, load_sources
    from stancewatch.warehouse import WarehouseError

    try:  # validate before Prefect starts, so a typo is a one-line error
        load_sources(sources)
        load_config(config)
    except ConfigError as exc:
        _fail(str(exc), 2)
    _use_progress(quiet)
    from stancewatch.flows.nightly import run_night

    try:
        summary = run_night(sources, db, config=config, night=night, quiet=quiet)
    except WarehouseError as exc:
        _fail(str(exc), 3)
    if summary["feeds_failed"] and not summary["feeds_ok"] + summary["feeds_not_modified"]:
        _fail("every source failed this night (is the network down?); the next run retries them")


@app.command()
def demo(
    db: Path = typer.Option(DEMO_DB, "--db", help="Demo warehouse file (replaced on every demo)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary tables."),
) -> None:
    """Serve the bundled demo site on 127.0.0.1 and run two demo nights into ./stancewatch-demo.duckdb."""
    from stancewatch.demo import run_demo
    from stancewatch.demo.report import print_findings

    from stancewatch.warehouse.publish import published_path

    for stale in (db, Path(f"{db}.wal"), published_path(db)):
        stale.unlink(missing_ok=True)
    _use_progress(quiet)
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

    _use_progress(quiet)
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
    from stancewatch.warehouse import WarehouseError

    try:
        load_config(config)
    except ConfigError as exc:
        _fail(str(exc), 2)
    _use_progress(quiet)
    from stancewatch.flows.reprocess import run_reprocess

    try:
        run_reprocess(db, config=config, send_alerts=send_alerts, quiet=quiet)
    except WarehouseError as exc:
        _fail(str(exc), 3)


# ----------------------------------------------------------------------------- analysts
DB_HELP = "The warehouse; its published copy (<name>.published.duckdb) is what gets opened."


def _reader(db: Path) -> Warehouse:
    from stancewatch.warehouse import WarehouseError, open_reader
    from stancewatch.warehouse.publish import published_path

    try:
        return open_reader(published_path(db))
    except WarehouseError as exc:
        _fail(str(exc), 2)


def _print_rows(cols: list[str], rows: list[tuple], fmt: str) -> None:
    import csv
    import json

    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(cols)
        writer.writerows(rows)
    elif fmt == "json":
        for row in rows:
            print(json.dumps(dict(zip(cols, row)), default=str, ensure_ascii=False))
    else:
        from rich.table import Table

        table = Table(show_lines=False)
        for c in cols:
            table.add_column(c, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        console.print(f"[dim]{len(rows)} row(s)[/]")


def _run_query(wh: Warehouse, query: str, fmt: str) -> None:
    import duckdb

    try:
        # None (whatever DuckDB's stubs say) for text with no statement in it, such as ";" in the shell
        cur: duckdb.DuckDBPyConnection | None = wh.con.execute(query)
    except duckdb.Error as exc:
        err.print(f"[bold red]{type(exc).__name__}:[/] {exc}")
        return
    if cur is None:
        return
    _print_rows([d[0] for d in cur.description], cur.fetchall(), fmt)


@app.command()
def sql(
    query: str = typer.Argument(..., help='SQL to run, e.g. "SELECT * FROM stance_shifts".'),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
    fmt: str = typer.Option("table", "--format", "-f", help="table | csv | json"),
) -> None:
    """Query the published warehouse, read-only (writes and file access are refused)."""
    with _reader(db) as wh:
        _run_query(wh, query, fmt)


@app.command()
def shell(db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP)) -> None:
    """An interactive read-only SQL prompt on the published warehouse (end a query with ';')."""
    with _reader(db) as wh:
        console.print(
            f"[bold]{wh.path}[/] (read-only). Views: articles, statements, stance_timeline, "
            "stance_shifts, source_health, ...  Ctrl-D to leave."
        )
        buffer = ""
        while True:
            try:
                line = input("sql> " if not buffer else " ..> ")
            except EOFError:
                console.print()
                return
            buffer += line + "\n"
            if buffer.strip().endswith(";"):
                _run_query(wh, buffer, "table")
                buffer = ""


@app.command()
def export(
    parquet: Path = typer.Option(..., "--parquet", help="Folder to write (created)."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
) -> None:
    """Write every table as Parquet, with schema.sql/load.sql that recreate the tables and views."""
    from stancewatch.warehouse.export import export_parquet
    from stancewatch.warehouse.publish import published_path

    files = export_parquet(published_path(db), parquet)
    console.print(f"wrote {len(files)} files to {parquet}")


@app.command()
def shifts(
    since: Optional[str] = typer.Option(
        None, help="Only shifts whose new stance began on or after this date (YYYY-MM-DD). Default: 30 days ago."
    ),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
) -> None:
    """Print recent stance shifts as a table."""
    from datetime import date, timedelta

    try:
        start = date.fromisoformat(since) if since else date.today() - timedelta(days=30)
    except ValueError:
        _fail(f"--since must be a date like 2022-03-01, got {since!r}", 2)
    with _reader(db) as wh:
        rows = wh.named("recent_shifts", [start])
    if not rows:
        console.print(f"No stance shifts since {start}.")
        return
    cols = ["new_on", "actor", "target", "topic", "previous_stance", "new_stance", "previous_on", "severity"]
    _print_rows(cols, [tuple(r[c] for c in cols) for r in rows], "table")


@app.command()
def report(
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="HTML file to write."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help=DB_HELP),
    since: Optional[str] = typer.Option(None, help="Only timelines and shifts from this date on (YYYY-MM-DD)."),
    actor: Optional[list[str]] = typer.Option(
        None, "--actor", help="Only these actors (repeatable), e.g. --actor CHN."
    ),
) -> None:
    """Write one self-contained HTML page: stance timelines, latest shifts with quotes, source health."""
    from stancewatch.report import build_report
    from stancewatch.warehouse import WarehouseError

    try:
        path = build_report(db, out, since=since, actors=actor or None)
    except (WarehouseError, ValueError) as exc:
        _fail(str(exc), 2)
    console.print(f"wrote {path} (opens offline in any browser)")


# ----------------------------------------------------------------------------- the detector
@app.command()
def detect(
    file: str = typer.Argument(
        "-", help="JSON lines in the gold format (text, date, source_country, speaker, speaker_role); '-' = stdin."
    ),
    mode: str = typer.Option("auto", help="auto | rules | trained"),
) -> None:
    """Detect statements in JSON lines; print one JSON line per input line."""
    import json

    from stancewatch.extractors.statements import get_detector
    from stancewatch.extractors.statements.jsonl import units_from_jsonl

    stream = sys.stdin if file == "-" else open(file, encoding="utf-8")
    with stream:
        units = list(units_from_jsonl(stream))
    for unit, found in zip(units, get_detector(mode).detect_many(units)):
        print(json.dumps({"id": unit.id, "statements": [s.to_dict() for s in found]}, ensure_ascii=False))


@app.command(name="eval")
def evaluate(
    gold: Path = typer.Argument(..., help="A gold JSON-lines file (e.g. shared/data/gold/dev.jsonl)."),
    mode: str = typer.Option("auto", help="auto | rules | trained"),
    as_json: bool = typer.Option(
        False, "--json", help="Print the figures as JSON (the reference scorer's --json shape)."
    ),
) -> None:
    """Score the detector on a gold file: strict/loose P/R/F1, speaker accuracy, per-stance recall."""
    import json

    from stancewatch.extractors.statements import get_detector
    from stancewatch.extractors.statements.evaluate import format_report, score
    from stancewatch.extractors.statements.jsonl import units_from_jsonl

    lines = gold.read_text(encoding="utf-8").splitlines()
    gold_units = [json.loads(line) for line in lines if line.strip()]
    units = list(units_from_jsonl(lines))
    detected = {u.id: [s.to_dict() for s in found] for u, found in zip(units, get_detector(mode).detect_many(units))}
    result = score(gold_units, detected)
    print(json.dumps(result) if as_json else format_report(result))


@app.command()
def train(
    gold: list[Path] = typer.Argument(
        ..., help="Gold JSON-lines files (e.g. ../shared/data/gold/train.jsonl ../shared/data/gold/dev.jsonl)."
    ),
    out: Path = typer.Option(None, help="Where to write the model (default: the package's own model/ folder)."),
    folds: int = typer.Option(0, help="Cross-validation folds on the tuning part, by document (0: config.cfg's)."),
    search: bool = typer.Option(True, help="Choose the decision thresholds by cross-validation."),
) -> None:
    """Train the detector's classifiers on the tuning part of the gold files (the locked part is not read).

    Needs the `train` extra (scikit-learn): pip install -e '.[train]'.
    """
    from stancewatch.extractors.statements import training
    from stancewatch.extractors.statements.classifier import MODEL_DIR
    from stancewatch.extractors.statements.pipeline import Detector

    reader = Detector("rules", models=None)
    training.train(gold, reader.read, out or MODEL_DIR, k=folds or None, search=search, log=typer.echo)


if __name__ == "__main__":
    app()

"""The `stancewatch` command line.

Every command is a thin shell over a module that does the work; see
`stancewatch COMMAND --help`. Prefect is imported only by the commands that
run a flow, so `sql`, `detect` and friends start fast.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

import stancewatch.offline  # noqa: F401  (offline Prefect environment, before any Prefect import)

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Nightly monitoring of diplomatic statements: feeds -> DuckDB -> stance shifts -> alerts.")
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
    from flows import progress

    if not quiet and sys.stderr.isatty():
        from stancewatch.progressbar import RichReporter
        progress.use(RichReporter(Console(stderr=True)))
    else:
        progress.use(progress.Silent())


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def run(
    sources: Path = typer.Option(None, "--sources", "-s", help="Sources YAML (default: the shipped real feeds)."),
    db: Path = typer.Option(Path("stancewatch.duckdb"), "--db", help="Warehouse file (created if missing)."),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Configuration YAML merged over the defaults."),
    night: Optional[str] = typer.Option(None, help="Run id of the night (default: today). Re-running a night resumes it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars and no summary table."),
) -> None:
    """Run one night: fetch the sources, store articles, detect statements and shifts, send alerts."""
    from stancewatch.config import ConfigError, load_config, load_sources
    from warehouse import WarehouseError

    try:  # validate before Prefect starts, so a typo is a one-line error
        load_sources(sources)
        load_config(config)
    except ConfigError as exc:
        _fail(str(exc), 2)
    _use_progress(quiet)
    from flows.nightly import run_night
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

    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)
    _use_progress(quiet)
    run_demo(db, quiet=quiet)
    print_findings(db, console)


if __name__ == "__main__":
    app()

"""`stancewatch demo --serve`: the demo site and a mail catcher kept up, to point `run`, cron or
a Prefect deployment at.

`stancewatch demo` serves the site only for its own two nights. Serving it
on its own lets an operator try everything around a night: `stancewatch run`
by hand (twice the same day, to see a second run), a crontab line, a Prefect
deployment run with the demo's sources as its parameter. The site serves
night 1 first; Enter (or `--night 2`) moves it to night 2, the one with the
fictional reversal. Emails the runs send land in the mail catcher and are
saved as .eml files.

Files written to the folder: `sources.yaml` (the demo's sources, with this
server's address), `config.yaml` (the demo's configuration, mailing the
catcher) and `mail/NN.eml`.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from rich.console import Console
from rich.markup import escape

from stancewatch.demo import NIGHTS, write_config, write_sources
from stancewatch.demo.mailcatcher import MailCatcher
from stancewatch.demo.report import command
from stancewatch.demo.server import DemoServer


def serve(folder: Path, port: int = 0, night: int = 1, console: Console | None = None) -> None:
    """Serve the demo site on 127.0.0.1:`port` (0: any free port) until Ctrl-C or SIGTERM."""
    console = console or Console()
    if night not in NIGHTS:
        raise ValueError(f"the demo has nights {', '.join(map(str, NIGHTS))}, not {night}")
    folder.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, _stopper(stop))
    try:
        with DemoServer(port) as site, MailCatcher(save_to=folder / "mail") as mail:
            site.night = night
            sources, config = write_sources(site.base, folder), write_config(mail.port, folder)
            _explain(console, site.base, sources, config, folder, night)
            if sys.stdin.isatty():
                threading.Thread(target=_advance_on_enter, args=(site, console, stop), daemon=True).start()
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
            console.print(f"stopped; {len(mail.messages)} email(s) received, saved in {folder / 'mail'}")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stopper(stop: threading.Event) -> Callable[[int, FrameType | None], None]:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return handler


def _advance_on_enter(site: DemoServer, console: Console, stop: threading.Event) -> None:
    """Each Enter shows the next demo night (the last one stays)."""
    while not stop.is_set():
        if not sys.stdin.readline():  # end of input: keep serving the current night
            return
        if site.night < max(NIGHTS):
            site.night += 1
            console.print(f"now serving demo night {site.night} (run it as --night {NIGHTS[site.night]})")
        else:
            console.print(f"already the last demo night ({site.night})")


def _explain(console: Console, base: str, sources: Path, config: Path, folder: Path, night: int) -> None:
    """What is being served, and the commands to point at it (printed with paths as given)."""
    db = folder / "served.duckdb"
    run = f"{command()} run --sources {sources} --config {config} --db {db}"
    params = f'{{"sources": "{sources.resolve()}", "config": "{config.resolve()}", "db": "{db.resolve()}"}}'
    lines = [
        f"demo site:     {base}  (serving night {night} of {len(NIGHTS)})",
        f"sources file:  {sources}",
        f"config file:   {config}  (mails the catcher on 127.0.0.1)",
        f"emails saved:  {folder / 'mail'}/",
        "",
        "Try, in another terminal:",
        f"  {run} --night {NIGHTS[1]}",
        f"  {run} --night {NIGHTS[1]}      # again: the night's second run; feeds answer 304",
        (
            f"  (press Enter here for night 2, then)  {run} --night {NIGHTS[2]}"
            if sys.stdin.isatty()
            else f"  (restart with --night 2 --port {base.rsplit(':', 1)[1]}, then)  {run} --night {NIGHTS[2]}"
        ),
        f"  cron:     */10 * * * * cd {Path.cwd()} && {run} --quiet   # (a path from /, not .venv/bin/...)",
        f"  Prefect:  prefect deployment run nightly/nightly --params '{params}'",
        "",
        "Enter: next demo night.  Ctrl-C: stop." if sys.stdin.isatty() else "Stop with Ctrl-C or SIGTERM.",
    ]
    for line in lines:
        console.print(escape(line), soft_wrap=True, highlight=False)

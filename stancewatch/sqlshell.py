"""Analysts' SQL on the published warehouse: `stancewatch sql` and the interactive `stancewatch shell`.

`run_script` runs every statement of a script in order and prints each
result (DuckDB's `execute` alone would return only the last one), stopping
at the first error, which it raises for the caller to report in one line.

The shell is a plain `input()` loop with GNU readline: arrow keys, line
editing and a history kept across sessions (`~/.stancewatch_history`, or
`$STANCEWATCH_HISTORY`). A query runs in a worker thread so that Ctrl-C
reaches the prompt's thread at once and interrupts the query
(`connection.interrupt()`) instead of leaving the shell; Ctrl-C at the
prompt clears the line, Ctrl-D leaves. Dot commands: `.tables`, `.help`,
`.quit`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.markup import escape

from stancewatch.output import print_rows
from stancewatch.warehouse import Warehouse

HISTORY_LENGTH = 2000
HELP = """.tables          the analyst views and macros, with what each holds
.help            this text
.quit            leave (or Ctrl-D)
End a query with ';' (it may span lines). Ctrl-C cancels a running query, or clears the line."""


def first_line(exc: BaseException) -> str:
    """DuckDB's error message without its caret diagram: one line a script can log."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def run_script(con: duckdb.DuckDBPyConnection, script: str, fmt: str, console: Console) -> int:
    """Run each statement of `script` in order, printing each result; returns how many ran.

    A syntax error anywhere stops the script before anything runs; any other
    error stops it at that statement. Both are raised as duckdb.Error.
    """
    statements = con.extract_statements(script)
    for statement in statements:
        cur = con.execute(statement)
        if cur.description is not None:
            print_rows([d[0] for d in cur.description], cur.fetchall(), fmt, console)
    return len(statements)


class Cancelled(Exception):
    """The analyst pressed Ctrl-C while a query ran; the query was interrupted."""


def run_cancellable(con: duckdb.DuckDBPyConnection, work: Callable[[], Any]) -> Any:
    """Run `work` (DuckDB calls on `con`) in a thread; Ctrl-C in this thread interrupts it.

    Python handles a signal only in the main thread and only between bytecodes,
    so a query that runs in the main thread would hold Ctrl-C back until it
    ends. Here the main thread waits, receives KeyboardInterrupt at once, and
    asks DuckDB to stop the query.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    cancelled = False
    while worker.is_alive():
        try:
            worker.join(0.1)
        except KeyboardInterrupt:
            cancelled = True
            con.interrupt()
    if cancelled:
        raise Cancelled()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _hear_ctrl_c() -> None:
    """Make Ctrl-C raise KeyboardInterrupt whatever the shell inherited. A process started with
    SIGINT ignored (from nohup, a service, or a parent that ignores it, as one test runner did)
    keeps it ignored across exec, and Python then installs no handler: Ctrl-C would neither cancel
    a query nor clear the line."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.default_int_handler)


def history_path() -> Path:
    return Path(os.environ.get("STANCEWATCH_HISTORY") or Path.home() / ".stancewatch_history")


class Shell:
    """The read-eval-print loop; `run()` returns when the analyst leaves."""

    def __init__(self, wh: Warehouse, console: Console, err: Console) -> None:
        self.wh, self.console, self.err = wh, console, err
        self.readline: Any = None

    def run(self) -> None:
        _hear_ctrl_c()
        self._start_history()
        self.console.print(
            f"[bold]{escape(str(self.wh.path))}[/] (read-only). Views: articles, statements, stance_timeline, "
            "stance_shifts, source_health, ... (.tables lists them all).  .help for help, Ctrl-D to leave."
        )
        try:
            self._loop()
        finally:
            self._save_history()

    def _loop(self) -> None:
        buffer = ""
        while True:
            try:
                line = input("sql> " if not buffer else " ..> ")
            except EOFError:
                self.console.print()
                return
            except KeyboardInterrupt:  # at the prompt: drop what was typed, stay in the shell
                self.console.print("^C")
                buffer = ""
                continue
            if not buffer and line.strip().startswith("."):
                if self._dot(line.strip()) == "quit":
                    return
                continue
            buffer += line + "\n"
            if buffer.strip().endswith(";"):
                self._execute(buffer)
                buffer = ""

    def _execute(self, script: str) -> None:
        con = self.wh.con
        try:
            run_cancellable(con, lambda: self._collect(script))
        except Cancelled:
            self.err.print("[yellow]query cancelled[/]")
        except duckdb.Error as exc:
            self.err.print(f"[bold red]error:[/] {escape(first_line(exc))}", soft_wrap=True)

    def _collect(self, script: str) -> None:
        """Runs in the worker thread: execute and print statement by statement."""
        run_script(self.wh.con, script, "table", self.console)

    def _dot(self, command: str) -> str | None:
        name = command.split()[0].lower()
        if name in (".quit", ".exit", ".q"):
            return "quit"
        if name == ".tables":
            rows = self.wh.query(
                "SELECT view_name AS name, 'view' AS kind, comment FROM duckdb_views() "
                "WHERE NOT internal AND schema_name = 'main' "
                "UNION ALL SELECT DISTINCT function_name, 'macro', NULL FROM duckdb_functions() "
                "WHERE function_type = 'table_macro' AND NOT internal AND schema_name = 'main' ORDER BY 2 DESC, 1"
            )
            print_rows(["name", "kind", "what it holds"], [tuple(r.values()) for r in rows], "table", self.console)
        elif name == ".help":
            self.console.print(escape(HELP))
        else:
            self.err.print(f"[bold red]error:[/] unknown command {escape(name)} (.help lists them)")
        return None

    def _start_history(self) -> None:
        try:
            import readline  # GNU readline: line editing, arrow keys, history
        except ImportError:  # not on every platform; the shell still works without it
            return
        self.readline = readline
        readline.set_history_length(HISTORY_LENGTH)
        try:
            readline.read_history_file(history_path())
        except (FileNotFoundError, OSError):
            pass

    def _save_history(self) -> None:
        if self.readline is None:
            return
        try:
            self.readline.write_history_file(history_path())
        except OSError as exc:
            self.err.print(f"[yellow]history not saved:[/] {escape(str(exc))}")

"""`stancewatch shell` on a real pseudo-terminal: line editing and history through GNU readline,
Ctrl-C cancels a running query and leaves the shell open, `.tables`, Ctrl-D leaves."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.support.warehouse import small_warehouse

STANCEWATCH = str(Path(sys.executable).with_name("stancewatch"))
UP = "\x1b[A"  # the Up arrow, as a terminal sends it
#: A query that runs for minutes unless interrupted (a cross join DuckDB cannot shortcut).
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
SLOW = "SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1;"


class Terminal:
    """A child process on a pseudo-terminal it controls (so Ctrl-C becomes SIGINT, as for a user)."""

    def __init__(self, argv: list[str], env: dict[str, str], ignore_sigint: bool = False) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            if ignore_sigint:  # as under nohup or a parent that ignores it: inherited across exec
                signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.execve(argv[0], argv, env)
        self.raw = ""
        self.pos = 0  # where the last expected text ended

    @property
    def seen(self) -> str:
        """What the terminal shows, without colour and cursor sequences."""
        return ANSI.sub("", self.raw)

    def _read(self) -> bytes:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return b""
        self.raw += chunk.decode(errors="replace")
        return chunk

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def expect(self, text: str, timeout: float = 30, after: int | None = None) -> int:
        """Read until `text` appears after position `after` (default: the end of the last match);
        returns where this match ends."""
        start = self.pos if after is None else after
        deadline = time.monotonic() + timeout
        while text not in self.seen[start:]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} not seen in {timeout}s; got:\n{self.seen[start:][-2000:]}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready and not self._read():
                raise AssertionError(f"{text!r} not seen before the shell ended; got:\n{self.seen[start:]}")
        self.pos = self.seen.index(text, start) + len(text)
        return self.pos

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            if select.select([self.fd], [], [], 0.1)[0]:  # drain, so the child never blocks on a full terminal
                self._read()
        raise AssertionError("the shell did not exit")

    def close(self) -> None:
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


@pytest.fixture
def terminal(tmp_path):
    db = small_warehouse(tmp_path / "w.duckdb")
    env = {**os.environ, "HOME": str(tmp_path), "STANCEWATCH_HISTORY": str(tmp_path / "history"), "TERM": "xterm"}
    env.update(COLUMNS="120", LINES="40")
    term = Terminal([STANCEWATCH, "shell", "--db", str(db)], env)
    yield term, tmp_path
    term.close()


def test_history_ctrl_c_and_tables(terminal):
    term, folder = terminal
    term.expect("sql> ")
    term.send("SELECT 40 + 2 AS answer;\r")
    term.expect("42")
    term.expect("1 row(s)")
    term.expect("sql> ")

    term.send(UP + "\r")  # readline recalls the last line: the same query runs again
    term.expect("SELECT 40 + 2 AS answer;")
    term.expect("42")
    term.expect("sql> ")

    term.send(SLOW + "\r")
    time.sleep(1.5)  # it is running now
    started = time.monotonic()
    term.send("\x03")  # Ctrl-C
    term.expect("query cancelled", timeout=20)
    assert time.monotonic() - started < 15
    term.expect("sql> ")

    term.send("SELECT actor FROM stance_shifts ORDER BY actor;\r")  # the shell is still there
    term.expect("RUS")
    term.expect("2 row(s)")
    term.expect("sql> ")

    # Ctrl-C at the prompt drops the line and stays. Typed as a person types: the line, then Ctrl-C once
    # it shows. (Sent in one write, the SIGINT can arrive while readline is still reading the letters,
    # outside the select() Python's readline waits in, and Python notices it only at the next key.)
    term.send("half a query")
    term.expect("half a query")
    time.sleep(0.5)  # a person's pause: the echo is written before readline is back in its select()
    term.send("\x03")
    term.expect("sql> ")
    term.send(".tables\r")
    term.expect("stance_shifts")
    term.expect("shifts_of")
    term.expect("sql> ")
    term.send("\x04")  # Ctrl-D
    assert term.wait() == 0

    history = (folder / "history").read_text()
    assert "SELECT 40 + 2 AS answer;" in history and "half a query" not in history


def test_history_is_kept_across_sessions(terminal, tmp_path):
    term, folder = terminal
    term.expect("sql> ")
    term.send("SELECT 'remember me' AS note;\r")
    term.expect("1 row(s)")
    term.expect("sql> ")
    term.send("\x04")
    assert term.wait() == 0

    db = tmp_path / "w.duckdb"
    env = {**os.environ, "HOME": str(tmp_path), "STANCEWATCH_HISTORY": str(folder / "history"), "TERM": "xterm"}
    again = Terminal([STANCEWATCH, "shell", "--db", str(db)], env)
    try:
        again.expect("sql> ")
        again.send(UP + "\r")
        again.expect("remember me")
        again.expect("1 row(s)")
        again.expect("sql> ")
        again.send("\x04")
        assert again.wait() == 0
    finally:
        again.close()


def test_ctrl_c_cancels_even_when_the_shell_inherited_it_ignored(tmp_path):
    """A process started with SIGINT ignored keeps it ignored across exec (nohup, services, and a
    test runner after some fixtures did this); the shell must still hear Ctrl-C."""
    db = small_warehouse(tmp_path / "w.duckdb")
    env = {**os.environ, "HOME": str(tmp_path), "STANCEWATCH_HISTORY": str(tmp_path / "history"), "TERM": "xterm"}
    term = Terminal([STANCEWATCH, "shell", "--db", str(db)], env, ignore_sigint=True)
    try:
        term.expect("sql> ")
        term.send(SLOW + "\r")
        time.sleep(1.5)
        term.send("\x03")
        term.expect("query cancelled", timeout=20)
        term.expect("sql> ")
    finally:
        term.close()

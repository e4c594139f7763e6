"""A real PostgreSQL for the DuckLake catalog: Debian's binaries, initdb in a temporary folder, 127.0.0.1, a free port.

As root (CI runs as root) initdb refuses to run, so the cluster is created
and started as the unprivileged `postgres` user that Debian's package creates
(through `runuser`); its folder is made for and owned by that user. A normal
user runs the binaries directly.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

#: The superuser role initdb creates (trust authentication, 127.0.0.1 only).
USER = "stancewatch"


class PostgresUnavailable(Exception):
    """PostgreSQL's server binaries are not installed here (Debian package `postgresql`)."""


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<major>/bin holding initdb and pg_ctl (Debian's layout), else PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); "
        "install Debian's package: apt-get install -y postgresql (.ci/run does)"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """One throwaway PostgreSQL server; `create_database` gives each test its own catalog."""

    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root and there is no unprivileged 'postgres' user to run initdb as "
                    "(Debian's postgresql package creates it)"
                ) from None
            self.as_user = "postgres"
        self.root = Path(tempfile.mkdtemp(prefix="stancewatch-pg-"))
        if self.as_user:
            shutil.chown(self.root, user=self.as_user)
        self.data = self.root / "data"
        self.port = 0
        self.host = "127.0.0.1"

    # -- lifecycle --------------------------------------------------------------
    def start(self) -> "Postgres":
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C", "--no-sync")
        for _ in range(3):  # a free port can be taken between the probe and the bind: try another
            self.port = _free_port()
            options = (
                f"-h {self.host} -p {self.port} -k {self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            done = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w",
                "-t", "60", "start", check=False,
            )  # fmt: skip
            if done.returncode == 0:
                return self
        raise RuntimeError(f"PostgreSQL did not start: {(self.root / 'server.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.port:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Postgres":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- use --------------------------------------------------------------------
    def dsn(self, dbname: str) -> str:
        """A libpq connection string (what DuckLake's catalog setting takes)."""
        return f"dbname={dbname} host={self.host} port={self.port} user={USER}"

    def create_database(self, name: str) -> str:
        """A fresh, empty database; returns its connection string."""
        self.psql("postgres", f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def psql(self, dbname: str, *commands: str) -> str:
        args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.host, "-p", str(self.port)]
        args += ["-U", USER, "-d", dbname]
        for command in commands:
            args += ["-c", command]
        return self._run(*args).stdout

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / program), *args]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.root, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stdout}\n{done.stderr}")
        return done

"""Security: secrets stay secret, hostile text stays text, analysts cannot write, passwords
stay out of configuration files.

One real night (Prefect flow, DuckDB, an SMTP server that demands AUTH)
reads a ministry feed whose text carries markup and script, and a feed with
a hostile link; the SMTP password is in the environment only. Everything the
night leaves behind - warehouse and published copy (as SQL values and as raw
bytes), the Prefect API's logs and artifacts, every log record and
everything written to stdout/stderr, the emails - is searched for it.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from stancewatch.flows.nightly import run_night
from stancewatch.domain.config import ConfigError, load_config, load_sources
from tests.reliability.harness import full_text, warehouse_text, write_config
from tests.support.builders import rss, write_sources
from tests.support.smtpserver import SmtpServer
from tests.support.webserver import WebServer
from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.publish import published_path

pytestmark = pytest.mark.slow
NIGHT = "2026-01-06"
PASSWORD = "Tr0ub4dor-smtp-secret-5be1"  # the SMTP password, only ever in the environment
PASSWORD_ENV = "STANCEWATCH_SMTP_PASSWORD"
URL_PASSWORD = "feed-token-secret-a41d"  # a password a feed put in a link
SCRIPT = "<script>alert('x')</script>"
BEFORE = (
    "China firmly opposes unilateral sanctions against Russia, the spokesperson said, calling them "
    "&lt;script&gt;alert('x')&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt; illegal."
)
AFTER = (
    "China now supports sanctions against Russia &lt;b onmouseover=alert(2)&gt;as a means&lt;/b&gt; "
    "to bring the conflict to an end."
)


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@dataclass
class SecretNight:
    db: Path
    mail: list
    logs: list[str]
    output: str
    api_logs: list[str]
    artifacts: list[str]


@pytest.fixture(scope="module")
def secret_night(prefect_api, tmp_path_factory) -> SecretNight:
    folder = tmp_path_factory.mktemp("security")
    mp = pytest.MonkeyPatch()
    mp.setenv(PASSWORD_ENV, PASSWORD)
    keep = _Keep()
    loggers = [logging.getLogger(), logging.getLogger("prefect")]
    levels = [lg.level for lg in loggers]
    try:
        with WebServer() as web, SmtpServer() as smtp:
            smtp.require_auth("stancewatch", PASSWORD)
            web.add(
                "/mfa/feed.xml",
                rss(
                    web.url(""),
                    [
                        {
                            "title": "Remarks &lt;script&gt;",
                            "link": web.url("/mfa/2.html"),
                            "guid": "mfa-2",
                            "date": "Mon, 05 Jan 2026 08:00:00 +0000",
                            "content": full_text(AFTER),
                        },
                        {
                            "title": "Remarks",
                            "link": web.url("/mfa/1.html"),
                            "guid": "mfa-1",
                            "date": "Fri, 02 Jan 2026 08:00:00 +0000",
                            "content": full_text(BEFORE),
                        },
                    ],
                ),
                content_type="application/rss+xml",
            )
            web.add(
                "/links.xml",
                rss(
                    web.url(""),
                    [
                        {"title": "Gone", "link": web.url("/missing/&lt;script&gt;alert(1)&lt;/script&gt;.html")},
                        {"title": "Token", "link": f"http://reader:{URL_PASSWORD}@127.0.0.1:{web.port}/private.html"},
                    ],
                ),
                content_type="application/rss+xml",
            )
            sources = write_sources(
                folder / "sources.yaml",
                [
                    {"name": "CHN MFA", "url": web.url("/mfa/feed.xml"), "country": "CHN", "kind": "ministry"},
                    {"name": "Links", "url": web.url("/links.xml"), "kind": "news"},
                ],
                allowed_networks=["127.0.0.1/32"],
            )
            config = write_config(
                folder / "config.yaml",
                alerts={
                    "smtp": smtp.smtp_settings(user="stancewatch", password_env=PASSWORD_ENV),
                    "recipients": [{"email": "analyst@example.org", "immediate": True}],
                },
            )
            db = folder / "w.duckdb"
            for lg in loggers:
                lg.addHandler(keep)
                lg.setLevel(logging.DEBUG)
            capture = _FdCapture()
            with capture:
                run_night(sources, db, config, night=NIGHT, quiet=False)
            mail = [r.message for r in smtp.received]
    finally:
        for lg, level in zip(loggers, levels):
            lg.removeHandler(keep)
            lg.setLevel(level)
        mp.undo()
    api_logs, artifacts = _prefect_records(db)
    return SecretNight(db, mail, keep.lines, capture.text, api_logs, artifacts)


class _FdCapture:
    """Everything written to file descriptors 1 and 2 (print, rich, logging handlers, children)."""

    def __enter__(self):
        sys.stdout.flush()
        sys.stderr.flush()
        self._file = tempfile.TemporaryFile()
        self._saved = [os.dup(1), os.dup(2)]
        os.dup2(self._file.fileno(), 1)
        os.dup2(self._file.fileno(), 2)
        self._streams = sys.stdout, sys.stderr  # pytest's capture writes elsewhere: swap them too
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        return self

    def __exit__(self, *exc):
        written = sys.stdout.getvalue() + sys.stderr.getvalue()
        sys.stdout, sys.stderr = self._streams
        for fd, saved in zip((1, 2), self._saved):
            os.dup2(saved, fd)
            os.close(saved)
        self._file.seek(0)
        self.text = written + self._file.read().decode(errors="replace")
        self._file.close()


def _prefect_records(db: Path) -> tuple[list[str], list[str]]:
    """The flow run's logs and artifacts as the Prefect API stores them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()
    with open_warehouse(db, read_only=True) as wh:
        run_ids = [wh.scalar("SELECT prefect_flow_run FROM store.runs")]
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=run_ids)))
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=run_ids)))
    return [log.message for log in logs], [str(a.data) for a in arts]


# ----------------------------------------------------------------------------- secrets
def _places(night: SecretNight, secret: str) -> list[str]:
    found = [f"warehouse {t}.{c}" for t, c, v in warehouse_text(night.db) if secret in v]
    found += [f"published {t}.{c}" for t, c, v in warehouse_text(published_path(night.db)) if secret in v]
    for path in night.db.parent.iterdir():  # raw bytes: db, wal, published copy
        if path.is_file() and secret.encode() in path.read_bytes():
            found.append(f"file {path.name}")
    found += ["log record" for line in night.logs if secret in line]
    found += ["stdout/stderr" for _ in range(night.output.count(secret))]
    found += ["Prefect API log" for line in night.api_logs if secret in line]
    found += ["Prefect artifact" for a in night.artifacts if secret in a]
    found += ["email" for m in night.mail if secret in m.as_string()]
    return found


def test_the_night_really_logged_in_mailed_and_reported(secret_night):
    """The searches below are meaningful: the login happened, mail went out, logs and artifacts exist."""
    assert len(secret_night.mail) == 2  # the digest and the immediate alert
    assert secret_night.logs and secret_night.api_logs and secret_night.artifacts
    assert "stancewatch night" in secret_night.output  # the printed summary was captured


@pytest.mark.parametrize("secret", [PASSWORD, URL_PASSWORD], ids=["smtp password", "password in a feed link"])
def test_secrets_never_appear_in_the_warehouse_logs_artifacts_or_mail(secret_night, secret):
    assert _places(secret_night, secret) == []


# ----------------------------------------------------------------------------- hostile text stays text
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text += data


def test_article_text_cannot_inject_markup_or_script_into_the_alert_email(secret_night):
    for msg in secret_night.mail:
        html = msg.get_body(("html",)).get_content()
        parsed = _Tags()
        parsed.feed(html)
        tags = {tag for tag, _ in parsed.tags}
        assert tags <= {"html", "body", "h2", "h3", "b", "small", "p", "i", "ul", "li", "blockquote", "br", "a"}, tags
        attrs = [(tag, name, value) for tag, attrs in parsed.tags for name, value in attrs]
        assert not [a for a in attrs if a[1].startswith("on")]
        assert all(v.startswith(("http://", "https://")) for t, n, v in attrs if n == "href")
        assert SCRIPT in parsed.text  # shown to the reader as the text it is
        assert "<img src=x onerror=alert(1)>" in parsed.text and "<b onmouseover=alert(2)>" in parsed.text


def test_hostile_urls_cannot_inject_markup_into_the_night_report(secret_night):
    report = "\n".join(secret_night.artifacts)
    assert "/missing/" in report  # the failed hostile link is reported ...
    assert "<script" not in report.lower()  # ... as text


# ----------------------------------------------------------------------------- the analyst's SQL
WRITES = [
    "DELETE FROM store.articles",
    "UPDATE store.alerts SET status = 'queued'",
    "INSERT INTO store.runs (run_id, started_at, status) VALUES ('x', now(), 'running')",
    "DROP TABLE store.statements",
    "CREATE TABLE store.x AS SELECT 1",
    "CREATE OR REPLACE VIEW articles AS SELECT 1 AS x",
    "SELECT 1; DELETE FROM store.articles",
    "COPY store.articles TO '{folder}/copied.csv'",
    "EXPORT DATABASE '{folder}/dump'",
    "ATTACH '{folder}/other.duckdb' AS other",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SET enable_external_access = true",
    "INSTALL httpfs",
]


@pytest.mark.parametrize("statement", WRITES)
def test_stancewatch_sql_cannot_write_to_the_warehouse_or_reach_files(secret_night, tmp_path, statement):
    from stancewatch.cli import app

    published = published_path(secret_night.db)
    before = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in secret_night.db.parent.iterdir() if p.is_file()
    }
    result = CliRunner().invoke(app, ["sql", "--db", str(secret_night.db), statement.format(folder=tmp_path)])
    after = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in secret_night.db.parent.iterdir() if p.is_file()
    }
    assert after == before  # no file changed, none appeared
    assert list(tmp_path.iterdir()) == []  # nothing written elsewhere either
    said = " ".join(result.output.split())  # rich wraps long lines
    assert "root:" not in said
    assert re.search(
        r"attached in read-only mode|file system operations are disabled by configuration"
        r"|the configuration has been locked",
        said,
    ), said  # refused, and for the right reason
    assert published.exists()


# ----------------------------------------------------------------------------- passwords in configuration
@pytest.mark.parametrize(
    "smtp", [{"password": "hunter2-cfg"}, {"pass": "hunter2-cfg"}, {"passwd": "hunter2-cfg"}, {"secret": "hunter2-cfg"}]
)
def test_the_configuration_refuses_a_plaintext_password(tmp_path, smtp):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"alerts": {"smtp": {"user": "stancewatch", **smtp}}}))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "password may not be written in the configuration file" in str(err.value)
    assert "hunter2-cfg" not in str(err.value)


@pytest.mark.parametrize(
    "where",
    [
        {"password": "hunter2-cfg"},
        {"alerts": {"smtp_password": "hunter2-cfg"}},
        {"alerts": {"smtp": {"user": "x", "pasword": "hunter2-cfg"}}},
    ],
)
def test_a_password_anywhere_else_in_the_configuration_is_refused_without_echoing_it(tmp_path, where):
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(where))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "hunter2-cfg" not in str(err.value)


def test_the_cli_refuses_a_plaintext_password_before_anything_runs(tmp_path):
    from stancewatch.cli import app

    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"alerts": {"smtp": {"password": "hunter2-cfg"}}}))
    sources = write_sources(tmp_path / "sources.yaml", [{"name": "x", "url": "https://example.org/feed.xml"}])
    result = CliRunner().invoke(
        app, ["run", "--sources", str(sources), "--config", str(config), "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 2
    assert "password may not be written" in result.output and "hunter2-cfg" not in result.output
    assert not (tmp_path / "w.duckdb").exists()


def test_the_sources_file_refuses_a_password_in_a_url(tmp_path):
    path = write_sources(
        tmp_path / "sources.yaml",
        [{"name": "intranet", "url": "https://reader:hunter2-src@feeds.example.org/feed.xml"}],
    )
    with pytest.raises(ConfigError) as err:
        load_sources(path)
    assert "hunter2-src" not in str(err.value)

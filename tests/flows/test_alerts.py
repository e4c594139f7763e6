"""Shifts and alert emails end to end: a dated sequence replayed night by night through the real
flow, mail caught by a real SMTP server on 127.0.0.1, outages, a crash before the send, reruns."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest
import yaml

from stancewatch.flows.nightly import run_night
from stancewatch.flows.summary import to_markdown
from stancewatch.demo.mailcatcher import MailCatcher, free_port
from stancewatch.localsite import LocalSite
from stancewatch.replay import load_docs, nights, site_files, sources
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path
from tests.flows.helpers import TEST_CONFIG, run_crashing

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sequence"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text())
DOCS = load_docs(FIXTURE / "docs.jsonl")
ANALYST = "analyst@example.org"


def alert_config(tmp_path: Path, smtp_port: int) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                **TEST_CONFIG,
                "alerts": {
                    "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none", "timeout": 5},
                    "recipients": [{"email": ANALYST}, {"email": "taiwan-desk@example.org", "topics": ["taiwan"]}],
                },
            }
        )
    )
    return path


class Replay:
    """The fixture sequence served on 127.0.0.1, one night at a time."""

    def __init__(self, site: LocalSite, tmp_path: Path, smtp_port: int) -> None:
        self.site, self.db = site, tmp_path / "w.duckdb"
        self.config = alert_config(tmp_path, smtp_port)
        self.sources = tmp_path / "sources.yaml"
        listed = sources(DOCS, site.base)
        listed["sources"].append({"name": "A feed that moved", "url": f"{site.base}/moved.xml", "kind": "news"})
        self.sources.write_text(yaml.safe_dump(listed))

    def night(self, night: str, crash_at: str | None = None) -> dict | int:
        self.site.files = site_files(DOCS, night, self.site.base)
        if crash_at is None:
            return run_night(self.sources, self.db, self.config, night=night, quiet=True)
        code = (
            f"import stancewatch.flows.offline; from stancewatch.flows.nightly import run_night; "
            f"run_night({str(self.sources)!r}, {str(self.db)!r}, {str(self.config)!r}, "
            f"night={night!r}, quiet=True)"
        )
        return run_crashing(code, crash_at)

    def query(self, sql: str) -> list[dict]:
        with open_reader(published_path(self.db)) as wh:
            return wh.query(sql)


def _key(s: dict) -> tuple[str, str, str]:
    return (s["actor"], s["target"], s["topic"])


def _assert_expected_shifts(shifts: list[dict]) -> None:
    got = {
        (
            _key(s),
            str(s["new_on"]),
            s["previous_stance"],
            s["new_stance"],
            str(s["previous_on"]),
            s["severity"],
            s["kind"],
        )
        for s in shifts
    }
    want = {
        (_key(e), e["date"], e["from"], e["to"], e["previous_on"], e["severity"], e["kind"]) for e in EXPECTED["shifts"]
    }
    assert got == want
    controls = {_key(c) for c in EXPECTED["controls"]}
    assert not [s for s in shifts if _key(s) in controls]


def _text_and_html(msg: EmailMessage) -> tuple[str, str]:
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]  # plain text first, then HTML
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_a_replayed_sequence_raises_the_expected_shifts_and_mails_them_once(tmp_path):
    with LocalSite() as site, MailCatcher() as mail:
        replay = Replay(site, tmp_path, mail.port)
        mails_after = {}
        for night in nights(DOCS):
            summary = replay.night(night)
            mails_after[night] = len(mail.messages)
        replay.night("2024-03-12")  # the same night again: nothing new is sent
        shifts = replay.query("SELECT * FROM stance_shifts")
        alerts = replay.query("SELECT recipient, status FROM alerts")
        messages = list(mail.messages)
    _assert_expected_shifts(shifts)
    assert mails_after == {"2024-03-01": 0, "2024-03-05": 0, "2024-03-12": 1}  # nothing shifted, no email
    assert len(messages) == 1 and summary["alerts_sent"] == 2 and summary["new_shifts"] == 2
    assert alerts == [{"recipient": ANALYST, "status": "sent"}] * 2  # the taiwan desk had nothing
    msg = messages[0]
    assert msg["To"] == ANALYST and msg["Subject"] == "stancewatch 2024-03-12: 2 stance shifts (1 high)"
    text, html = _text_and_html(msg)
    for quote in EXPECTED["quotes"]["CHN||sanctions"]:  # both quotes, with dates, speakers and links
        assert quote in text and quote in html
    assert "2024-03-05" in text and "2024-03-12" in text and "Mao Ning" in text and "Lin Jian" in text
    assert f"{site.base}/mfa/" in text and "reversal" in text and "escalation" in text
    # the feed that 404s on all three nights is named in the digest and in the night's summary
    assert "Sources failing night after night:" in text and "A feed that moved (3 nights): HTTP 404" in text
    assert summary["failing_sources"] == [
        {"source": "A feed that moved", "url": f"{site.base}/moved.xml", "nights": 3, "last_error": "HTTP 404"}
    ]
    assert "Failing for 3 nights in a row:** A feed that moved" in to_markdown(summary)


def test_smtp_down_for_a_night_then_up_delivers_each_alert_once(tmp_path):
    port = free_port()  # nothing listens here tonight
    with LocalSite() as site:
        replay = Replay(site, tmp_path, port)
        for night in nights(DOCS):
            summary = replay.night(night)
        assert summary["new_shifts"] == 2 and summary["alerts_sent"] == 0 and summary["alerts_queued"] == 2
        queued = replay.query("SELECT status, attempts, last_error FROM alerts")
        assert all(a["status"] == "queued" and "unreachable" in a["last_error"] for a in queued)
        with MailCatcher(port=port) as mail:  # the next night the server is back
            summary = replay.night("2024-03-13")
            replay.night("2024-03-14")
            messages = list(mail.messages)
        sent = replay.query("SELECT DISTINCT status, sent_run_id FROM alerts")
    assert len(messages) == 1 and summary["alerts_sent"] == 2
    assert sent == [{"status": "sent", "sent_run_id": "2024-03-13"}]
    text, _ = _text_and_html(messages[0])
    assert "oppose -> support" in text and "concern -> oppose" in text


def test_a_crash_between_the_commit_and_the_send_loses_nothing_and_sends_once(tmp_path):
    with LocalSite() as site, MailCatcher() as mail:
        replay = Replay(site, tmp_path, mail.port)
        for night in nights(DOCS)[:-1]:
            replay.night(night)
        assert replay.night("2024-03-12", crash_at="committed") == 86
        assert mail.messages == []
        replay.night("2024-03-12")  # the operator (or the scheduler) runs it again
        replay.night("2024-03-12")  # and once more, for good measure
        shifts = replay.query("SELECT * FROM stance_shifts")
        alerts = replay.query("SELECT status, count(*) AS n FROM alerts GROUP BY status")
        assert len(mail.messages) == 1
    _assert_expected_shifts(shifts)
    assert alerts == [{"status": "sent", "n": 2}]


def test_a_shift_that_reaches_nobody_says_so_in_the_summary_and_the_run_output(tmp_path):
    """No recipients configured: the shifts are stored, and the run says plainly that nobody was told."""
    import io

    from rich.console import Console
    from typer.testing import CliRunner

    from stancewatch.cli import app
    from stancewatch.flows.summary import print_summary

    with LocalSite() as site:
        replay = Replay(site, tmp_path, free_port())
        replay.config.write_text(yaml.safe_dump(TEST_CONFIG))  # alerts enabled, no recipients
        for night in nights(DOCS)[:-1]:
            replay.night(night)
        site.files = site_files(DOCS, "2024-03-12", site.base)
        args = ["run", "--quiet", "--sources", replay.sources, "--config", replay.config, "--db", replay.db]
        result = CliRunner().invoke(app, [str(a) for a in [*args, "--night", "2024-03-12"]])
        runs = replay.query("SELECT run_id, summary FROM runs ORDER BY started_at")
    assert result.exit_code == 0, result.output
    summary = json.loads(runs[-1]["summary"])
    assert summary["new_shifts"] == 2 and summary["shifts_unalerted"] == 2 and summary["alerts_sent"] == 0
    note = "no recipients configured (alerts.recipients): nobody was told of 2 new stance shifts"
    assert summary["alerts_note"] == note
    assert f"warning: {note}" in result.stderr  # --quiet silences the table, not this
    assert note in to_markdown(summary)
    shown = io.StringIO()
    print_summary(summary, Console(file=shown, width=200))
    assert note in shown.getvalue()
    assert all(json.loads(r["summary"])["alerts_note"] is None for r in runs[:-1])  # nothing shifted before

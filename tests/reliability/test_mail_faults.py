"""Mail faults: what the outbox does when the SMTP server misbehaves.

A real DuckDB warehouse holds queued alerts (three severe shifts; an analyst
with immediate alerts and a desk with a digest: 5 emails carrying 9 alerts),
and `deliver` - the flow's alert stage - hands them to a real SMTP server on
127.0.0.1 that refuses, defers, rejects or fails authentication on demand.
In every case: alerts stay queued or are marked failed with the server's
reason, and no email is ever accepted twice. (Whole nights with the mail
server down, and a crash before the send, are in tests/flows/test_alerts.py
and test_crashes.py.)
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from stancewatch.domain.alerts.deliver import deliver
from stancewatch.domain.alerts.subscriptions import alert_rows
from stancewatch.domain.config import AlertSettings
from tests.support.smtpserver import SilentServer, SmtpServer, refused_port
from stancewatch.warehouse import open_warehouse
from stancewatch.domain.shifts import Record, Shift
from stancewatch.warehouse.shifts import store_shifts

RUN = "2026-03-01"
PASSWORD = "s3cret-Pa55-8f4e1c"  # only ever in the environment
PASSWORD_ENV = "STANCEWATCH_TEST_SMTP_PASSWORD"
KEYS = [("CHN", "RUS", "sanctions"), ("USA", "UKR", "sovereignty"), ("RUS", "NATO", "")]
EMAILS, ALERTS = 5, 9


def settings(port: int, **smtp) -> AlertSettings:
    return AlertSettings.model_validate(
        {
            "max_send_attempts": 3,
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "timeout": 2, **smtp},
            "recipients": [{"email": "analyst@example.org", "immediate": True}, {"email": "desk@example.org"}],
        }
    )


def _shift(actor: str, target: str, topic: str) -> Shift:
    before = Record(actor, target, topic, date(2026, 2, 1), "support", (f"{actor}-s1",), ("src-a",))
    after = Record(actor, target, topic, date(2026, 2, 20), "oppose", (f"{actor}-s2",), ("src-a",))
    return Shift(before, after, "reversal", "high", None)


@pytest.fixture
def db(tmp_path) -> Path:
    """A warehouse with three severe shifts and their alerts queued, as the shift stage leaves it."""
    path = tmp_path / "w.duckdb"
    queue = settings(1)
    with open_warehouse(path) as wh:
        shifts = {s.shift_id: s for s in (_shift(*k) for k in KEYS)}
        rows = [s.row(RUN) for s in shifts.values()]
        store_shifts(wh, rows, alerts_for=lambda row: alert_rows(queue, shifts[row["shift_id"]], RUN))
    return path


def send(db: Path, alert_settings: AlertSettings) -> tuple[dict[str, int], float]:
    started = time.monotonic()
    with open_warehouse(db) as wh:
        counts = deliver(wh, alert_settings, RUN)
    return counts, time.monotonic() - started


def outbox(db: Path) -> list[dict]:
    with open_warehouse(db, read_only=True) as wh:
        return wh.query(
            "SELECT alert_id, recipient, channel, status, attempts, last_error, message_id "
            "FROM store.alerts ORDER BY recipient, channel, alert_id"
        )


def assert_each_sent_once(db: Path, server: SmtpServer) -> None:
    """Every alert sent, each email accepted exactly once, and the outbox names the email that carried it."""
    rows = outbox(db)
    assert {r["status"] for r in rows} == {"sent"} and len(rows) == ALERTS
    received = Counter(server.message_ids)
    assert len(received) == EMAILS and max(received.values()) == 1
    assert {r["message_id"] for r in rows} == set(received)


def test_the_healthy_path_sends_five_emails_once(db, smtp):
    counts, _ = send(db, settings(smtp.port))
    assert counts == {"sent": ALERTS, "failed": 0, "queued": 0}
    assert_each_sent_once(db, smtp)
    assert send(db, settings(smtp.port))[0] == {"sent": 0, "failed": 0, "queued": 0}  # nothing left to send
    assert len(smtp.received) == EMAILS


def test_connection_refused_keeps_everything_queued_without_burning_attempts(db, smtp):
    with refused_port() as port:
        counts, elapsed = send(db, settings(port))
    assert counts == {"sent": 0, "failed": 0, "queued": ALERTS}
    assert elapsed < 5  # refused at once, not waited out
    rows = outbox(db)
    assert {r["status"] for r in rows} == {"queued"}
    # The first email found the server down; nothing was counted as an attempt, every alert says why.
    assert {r["attempts"] for r in rows} == {0}
    assert all("unreachable" in r["last_error"] and "refused" in r["last_error"].lower() for r in rows)
    # The server is back: each email goes out once.
    send(db, settings(smtp.port))
    assert_each_sent_once(db, smtp)


def test_a_mail_server_that_never_answers_costs_one_timeout(db):
    with SilentServer() as silent:
        counts, elapsed = send(db, settings(silent.port, timeout=1))
    assert counts["queued"] == ALERTS
    assert elapsed < 1 * 2 + 2  # one connection's timeout (greeting), then the rest is left queued
    assert {r["status"] for r in outbox(db)} == {"queued"}
    assert any("timed out" in (r["last_error"] or "") for r in outbox(db))


@pytest.mark.parametrize("at,code", [("data", 451), ("rcpt", 450)])
def test_a_temporary_refusal_stays_queued_and_is_sent_once_later(db, smtp, at, code):
    smtp.fail_next(2, code=code, at=at)
    counts, _ = send(db, settings(smtp.port))
    assert counts["queued"] > 0 and counts["sent"] > 0  # the deferred ones wait, the rest went
    deferred = [r for r in outbox(db) if r["status"] == "queued"]
    assert deferred and all(str(code) in r["last_error"] and r["attempts"] == 1 for r in deferred)
    assert len(smtp.received) == EMAILS - 2
    send(db, settings(smtp.port))  # the next night
    assert_each_sent_once(db, smtp)
    if at == "data":  # the retry is recognisably the same email: the deferred Message-IDs are the ones sent later
        assert {r.message_id for r in smtp.refusals} <= set(smtp.message_ids)


@pytest.mark.parametrize("at", ["data", "rcpt"])
def test_a_permanent_refusal_marks_failed_with_the_reason_and_is_not_retried(db, smtp, at):
    smtp.reject(550, at=at)
    counts, _ = send(db, settings(smtp.port))
    assert counts == {"sent": 0, "failed": ALERTS, "queued": 0}
    rows = outbox(db)
    assert {r["status"] for r in rows} == {"failed"} and all("550" in r["last_error"] for r in rows)
    tries = len(smtp.refusals)
    smtp.accept()
    assert send(db, settings(smtp.port))[0] == {"sent": 0, "failed": 0, "queued": 0}
    assert len(smtp.refusals) == tries and smtp.received == []  # a refused alert is never sent again


def test_failed_authentication_keeps_alerts_queued_with_the_reason_and_uses_up_no_attempts(db, smtp, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    smtp.require_auth("stancewatch", "the-right-password")  # ours is wrong: 535
    auth = settings(smtp.port, user="stancewatch", password_env=PASSWORD_ENV)
    send(db, auth)
    rows = outbox(db)
    assert {r["status"] for r in rows} == {"queued"}
    assert {r["last_error"] for r in rows} == {"SMTP authentication failed (535)"}
    assert PASSWORD not in repr(rows)
    for _ in range(4):  # more nights than max_send_attempts (3)
        send(db, auth)
    rows = outbox(db)
    assert {r["status"] for r in rows} == {"queued"} and {r["attempts"] for r in rows} == {0}
    assert smtp.received == []


def test_fixed_credentials_send_each_queued_alert_once(db, smtp, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    smtp.require_auth("stancewatch", "the-right-password")
    auth = settings(smtp.port, user="stancewatch", password_env=PASSWORD_ENV)
    send(db, auth)
    monkeypatch.setenv(PASSWORD_ENV, "the-right-password")  # the operator fixes the secret
    send(db, auth)
    assert_each_sent_once(db, smtp)


def test_an_accepted_email_is_not_sent_again_when_the_server_fumbles_the_goodbye(db, smtp):
    """The server accepted every message (250 after DATA) but answered QUIT with 421: the emails
    were delivered, so they must be recorded as sent, not queued for a second copy."""
    smtp.answer_quit("421 4.3.2 Service shutting down")
    send(db, settings(smtp.port))
    send(db, settings(smtp.port))  # the next night
    received = Counter(smtp.message_ids)
    assert max(received.values()) == 1, received
    assert_each_sent_once(db, smtp)

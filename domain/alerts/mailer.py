"""Handing an email to an SMTP server, and saying plainly what went wrong.

Standard library only (smtplib, ssl, email): the prefect-email task sends
nothing when called from a synchronous flow and puts text and HTML side by
side instead of as alternatives. The password comes from an environment
variable or a Prefect Secret block, never from a file, and never appears in
an error message.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from stancewatch.domain.config import SmtpSettings


@dataclass(frozen=True, slots=True)
class SendOutcome:
    ok: bool
    error: str | None = None
    permanent: bool = False  # the server refused this message for good (5xx): do not retry it
    hold: bool = False  # nothing can be sent now (server unreachable, login or password wrong):
    # keep every alert queued, count no attempt, try again next run


def password(settings: SmtpSettings) -> str | None:
    """The SMTP password from the environment, else the named Prefect Secret block."""
    if settings.password_env and os.environ.get(settings.password_env):
        return os.environ[settings.password_env]
    if settings.password_block:
        from prefect.blocks.system import Secret  # only when configured

        block = Secret.load(settings.password_block)
        assert isinstance(block, Secret)  # called from sync code, Prefect returns the block, not a coroutine
        return str(block.get())
    return None


def send(message: EmailMessage, settings: SmtpSettings) -> SendOutcome:
    """Send one message; never raises for network or server trouble."""
    try:
        secret = password(settings) if settings.user else None
        if settings.user and not secret:
            return SendOutcome(
                False, f"no SMTP password: set ${settings.password_env} or smtp.password_block", hold=True
            )
        smtp = _connect(settings)
        try:
            if settings.user:
                smtp.login(settings.user, secret or "")
            refused = smtp.send_message(message)
        finally:
            _hang_up(smtp)
        if refused:
            return SendOutcome(False, f"recipients refused: {sorted(refused)}", permanent=True)
        return SendOutcome(True)
    except smtplib.SMTPAuthenticationError as exc:
        return SendOutcome(False, f"SMTP authentication failed ({exc.smtp_code})", hold=True)
    except smtplib.SMTPResponseException as exc:
        return _server_said(exc.smtp_code, exc.smtp_error)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return SendOutcome(False, f"recipient refused: {codes}", permanent=all(c >= 500 for c in codes))
    except (smtplib.SMTPException, OSError, socket.timeout) as exc:
        return SendOutcome(False, f"mail server unreachable: {type(exc).__name__}: {exc}"[:300], hold=True)


def _hang_up(smtp: smtplib.SMTP) -> None:
    """QUIT and close, ignoring the answer: once the server said 250 to the message it is
    delivered, and an error on QUIT (a 421, a reset) must not make us send it again."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


def _server_said(code: int, text: bytes | str) -> SendOutcome:
    detail = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return SendOutcome(False, f"SMTP {code}: {detail}"[:300], permanent=500 <= code < 600)


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=ssl.create_default_context()
        )
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            smtp.starttls(context=ssl.create_default_context())
        except BaseException:
            smtp.close()
            raise
    return smtp

"""A mail catcher for the demo: a real SMTP server on 127.0.0.1 that keeps what it gets.

A fresh machine has no mail server, but the demo should show the alert email
the nightly flow sends; the flow talks SMTP to this exactly as it would to a
real server.
"""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class _Keep:
    def __init__(self, save_to: Path | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.save_to = save_to

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd hook name)
        assert isinstance(envelope.content, bytes)  # the controller does not set decode_data
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        if self.save_to is not None:  # a served demo keeps each email as it arrives
            self.save_to.mkdir(parents=True, exist_ok=True)
            (self.save_to / f"{len(self.messages):02d}.eml").write_bytes(envelope.content)
        return "250 OK"


class MailCatcher:
    """Context manager: `with MailCatcher() as mc: ... mc.port ... mc.messages`."""

    def __init__(self, port: int | None = None, save_to: Path | None = None) -> None:
        self._handler = _Keep(save_to)
        self.port = port or free_port()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self._handler.messages

    def __enter__(self) -> "MailCatcher":
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (aiosmtpd's readiness check cannot use port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

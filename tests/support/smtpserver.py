"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), with mail faults on demand.

The mailer talks to it over a real socket exactly as it talks to a
production relay, so what is tested is smtplib + our error handling, not a
mock. Behaviour can change between sends:

* :meth:`SmtpServer.accept` - take every message (the default);
* :meth:`SmtpServer.fail_next` - answer a temporary 4xx (451 by default) to
  the next N messages, then accept again;
* :meth:`SmtpServer.reject` - answer a permanent 5xx (550 by default) to every
  message, at ``RCPT`` or at ``DATA``;
* :meth:`SmtpServer.require_auth` - demand AUTH; only the given credentials
  pass, anything else gets ``535 5.7.8``;
* :meth:`SmtpServer.answer_quit` - accept messages, then answer ``QUIT`` with
  an error (421) instead of ``221 Bye``;
* :func:`refused_port` - a port with nothing listening (connection refused);
* :class:`SilentServer` - accepts TCP connections and never says a word.

Everything accepted is logged in :attr:`SmtpServer.received` with its
Message-ID, every refusal in :attr:`SmtpServer.refusals`, every AUTH attempt
(login only - the password is never kept) in :attr:`SmtpServer.logins`.
"""

from __future__ import annotations

import contextlib
import email
import logging
import socket
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

# AUTH without TLS is deliberate here (127.0.0.1 only); keep aiosmtpd from warning about it.
logging.getLogger("mail.log").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Received:
    """One message the server accepted (250 after DATA)."""

    message_id: str
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


@dataclass(frozen=True)
class Refusal:
    """One refusal the server answered: at which step, the code, and the message (if it got that far)."""

    step: str  # 'auth' | 'rcpt' | 'data'
    code: int
    message_id: str | None = None


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port (aiosmtpd's readiness check cannot use port 0)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def refused_port(host: str = "127.0.0.1") -> Iterator[int]:
    """A port that refuses connections: bound (so nobody else takes it) but not listening."""
    with socket.socket() as s:
        s.bind((host, 0))
        yield s.getsockname()[1]


class SilentServer:
    """Accepts TCP connections and never answers (a hung mail relay).

    ``with SilentServer() as silent: silent.port``; connections are held
    open until the server stops.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._sock = socket.socket()
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self.port: int = self._sock.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True, name=f"silent-{self.port}")

    def _accept(self) -> None:
        self._sock.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            self._held.append(conn)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._sock.close()


class _Handler:
    """aiosmtpd hooks; all state lives on the owning SmtpServer (guarded by its lock)."""

    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Any,
        envelope: Any,
        address: str,  # noqa: N802
        rcpt_options: list[str],
    ) -> str:
        answer = self.owner._answer("rcpt", None)
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=default_policy)
        message_id = str(msg.get("Message-ID", ""))
        answer = self.owner._answer("data", message_id)
        if answer is not None:
            return answer
        with self.owner._lock:
            self.owner._received.append(Received(message_id, envelope.mail_from, tuple(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server: SMTP, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.owner._lock:
            return self.owner._quit_reply or "221 Bye"


class _Controller(Controller):
    """Decides per connection whether AUTH is required (it can change between sends)."""

    owner: SmtpServer

    def factory(self) -> SMTP:
        kwargs = {**self.SMTP_kwargs, "auth_required": self.owner._auth_user is not None}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "AUTH while not requiring TLS": on purpose, see above
            return SMTP(self.handler, **kwargs)


class SmtpServer:
    """``with SmtpServer() as smtp: ... smtp.port ... smtp.received``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port(host)
        self._lock = threading.Lock()
        self._received: list[Received] = []
        self._refusals: list[Refusal] = []
        self._logins: list[str] = []
        self._fail_left = 0
        self._fail_code, self._fail_text, self._fail_at = 451, "4.3.0 Try again later", "data"
        self._reject: tuple[int, str, str] | None = None
        self._auth_user: str | None = None
        self._auth_password: str | None = None
        self._quit_reply: str | None = None
        self._controller = _Controller(
            _Handler(self),
            hostname=host,
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
            ready_timeout=10,
        )
        self._controller.owner = self

    # -- lifecycle -------------------------------------------------------
    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def smtp_settings(self, **overrides: Any) -> dict[str, Any]:
        """The `alerts.smtp` configuration block that points at this server."""
        return {"host": self.host, "port": self.port, "security": "none", "user": "", "timeout": 5, **overrides}

    # -- behaviour -------------------------------------------------------
    def accept(self) -> None:
        """Accept everything again (clears fail_next, reject and require_auth)."""
        with self._lock:
            self._fail_left, self._reject = 0, None
            self._auth_user = self._auth_password = self._quit_reply = None

    def fail_next(self, n: int, code: int = 451, text: str = "4.3.0 Try again later", at: str = "data") -> None:
        """Answer `code` (a temporary 4xx) to the next `n` messages at `at` ('rcpt' or 'data')."""
        with self._lock:
            self._fail_left, self._fail_code, self._fail_text, self._fail_at = n, code, text, at

    def reject(
        self, code: int = 550, text: str = "5.7.1 Delivery not authorized, message refused", at: str = "data"
    ) -> None:
        """Answer `code` (a permanent 5xx) to every message at `at` ('rcpt' or 'data')."""
        with self._lock:
            self._reject = (code, text, at)

    def require_auth(self, user: str = "stancewatch", password: str | None = None) -> None:
        """Demand AUTH; `user`/`password` pass, anything else (or any login when password is None) gets 535.

        Without it, AUTH is offered but optional and any login passes.
        """
        with self._lock:
            self._auth_user, self._auth_password = user, password

    def answer_quit(self, reply: str = "421 4.3.2 Service shutting down") -> None:
        """Keep accepting messages, but answer QUIT with `reply` (after the 250 for the message)."""
        with self._lock:
            self._quit_reply = reply

    # -- observations ----------------------------------------------------
    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def message_ids(self) -> list[str]:
        return [r.message_id for r in self.received]

    @property
    def refusals(self) -> list[Refusal]:
        with self._lock:
            return list(self._refusals)

    @property
    def logins(self) -> list[str]:
        """The login names of every AUTH attempt (passwords are never kept)."""
        with self._lock:
            return list(self._logins)

    # -- internals -------------------------------------------------------
    def _answer(self, step: str, message_id: str | None) -> str | None:
        """The refusal to send at `step`, recorded; None to go on."""
        with self._lock:
            if self._reject is not None and self._reject[2] == step:
                code, text, _ = self._reject
            elif self._fail_left > 0 and self._fail_at == step:
                self._fail_left -= 1
                code, text = self._fail_code, self._fail_text
            else:
                return None
            self._refusals.append(Refusal(step, code, message_id))
            return f"{code} {text}"

    def _authenticate(self, server: SMTP, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        login = data.login.decode(errors="replace") if isinstance(data, LoginPassword) else ""
        password = data.password.decode(errors="replace") if isinstance(data, LoginPassword) else None
        with self._lock:
            self._logins.append(login)
            if self._auth_user is None:  # not demanding AUTH: any login passes
                ok = True
            else:
                ok = self._auth_password is not None and login == self._auth_user and password == self._auth_password
            if not ok:
                self._refusals.append(Refusal("auth", 535))
        return AuthResult(success=ok, handled=False)

"""A real threaded HTTP/1.1 server on 127.0.0.1 for tests, with hostile routes.

Tests talk to it over real sockets so the fetcher's timeouts, streaming,
redirects and limits are exercised exactly as in production. Routes are
declared with :meth:`WebServer.add`; everything received is logged in
:attr:`WebServer.requests` so a test can assert that a conditional GET was
sent - or that a refused URL never reached the server.

Shutdown is designed never to stall the suite: handler threads are daemons,
every slow route waits on a stop event instead of sleeping, and on stop all
open connection sockets are shut down, which unblocks any thread stuck in
``recv`` or ``sendall`` (a client that stopped reading an endless body).
"""

from __future__ import annotations

import email.utils
import http.server
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tests.support import MIB, content_type_for, drip_stream, endless_stream, gzip_bomb_stream, gzip_bytes, zero_segment


Body = bytes | Iterable[bytes]
HandlerFn = Callable[["Request"], tuple[int, dict[str, str], Body]]


@dataclass(frozen=True)
class Request:
    """One request as received. Unpacks as ``(method, path, headers)``.

    `headers` has lower-cased names; `time` is ``time.monotonic()`` at
    arrival, comparable with timers in the test process.
    """

    method: str
    path: str
    headers: dict[str, str]
    query: str = ""
    body: bytes = b""
    time: float = 0.0

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.path, self.headers))


@dataclass
class Route:
    """How one path answers. See :meth:`WebServer.add` for the options."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    statuses: list[int] | None = None
    retry_after: str | None = None
    redirect: str | None = None
    redirect_status: int = 302
    drip: float | None = None
    drip_bytes: int | None = None
    hang: bool = False
    endless: bool = False
    gzip_bomb: int | None = None
    gzip: bool = False
    delay: float = 0.0
    handler: HandlerFn | None = None
    hits: int = 0


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # many concurrent test clients: no SYN drops
    owner: WebServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up (resets, broken pipes) are normal here; bugs are not."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "stancewatch-testserver/1"
    timeout = 30  # backstop for idle keep-alive sockets; stop() is faster
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Quiet: the request log is the record."""

    def do_GET(self) -> None:
        self.server.owner._dispatch(self)

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET


class WebServer:
    """Start with ``with WebServer() as web:`` (or the ``web`` fixture)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._routes: dict[str, Route] = {}
        self._mounts: dict[str, Path] = {}
        self._log: list[Request] = []
        self._errors: list[str] = []
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._in_flight = 0
        self._peak = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------
    def start(self) -> WebServer:
        """Bind an ephemeral port and serve in a daemon thread."""
        server_cls = type("_Server6", (_Server,), {"address_family": socket.AF_INET6}) if ":" in self.host else _Server
        self._httpd = server_cls((self.host, 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"webserver-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and break every open connection (idempotent)."""
        if self._httpd is None:
            return
        self._stopping.set()
        self._httpd.shutdown()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._httpd = None

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/", host: str | None = None) -> str:
        """Absolute URL of `path`; `host` lets a test use e.g. ``localhost``."""
        host = host or self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}{path}"

    # -- routes ----------------------------------------------------------
    def add(self, path: str, body: bytes | str = b"", **options: Any) -> Route:
        """Declare `path` (exact path, or path with ``?query``).

        Options (all keywords): ``status``, ``content_type``, ``headers``,
        ``etag`` / ``last_modified`` (answer 304 to a matching conditional
        GET), ``statuses=[500, 503, 200]`` (successive answers, the last one
        repeats), ``retry_after`` (sent with non-2xx/3xx answers),
        ``redirect`` (+ ``redirect_status``, default 302), ``drip=seconds``
        per byte (``drip_bytes`` to stop after N, default forever), ``hang``
        (read the request, never answer), ``endless`` (infinite body),
        ``gzip_bomb=N`` (N zero bytes gzip-compressed ~1000:1, streamed),
        ``gzip`` (compress `body`), ``delay`` (seconds before answering).
        """
        with self._lock:
            if path in self._routes:
                raise ValueError(f"route {path!r} exists; use replace()")
        return self.replace(path, body, **options)

    def replace(self, path: str, body: bytes | str = b"", **options: Any) -> Route:
        """Like :meth:`add`, but overwrite an existing route (next "night")."""
        data = body.encode() if isinstance(body, str) else body
        route = Route(body=data, **options)
        if route.gzip_bomb:
            zero_segment(MIB)  # compress once now, not while a test measures memory
        with self._lock:
            self._routes[path] = route
        return route

    def add_handler(self, path: str, fn: HandlerFn) -> Route:
        """Escape hatch: ``fn(request) -> (status, headers, body or iterator)``."""
        return self.replace(path, handler=fn)

    def remove(self, path: str) -> None:
        """Forget a route; the path answers 404 afterwards."""
        with self._lock:
            self._routes.pop(path, None)

    def add_files(self, files: dict[str, bytes | str | Path], **options: Any) -> None:
        """Serve a dict of ``path -> content`` (bytes, text or a file to read)."""
        for path, content in files.items():
            data = content.read_bytes() if isinstance(content, Path) else content
            self.replace(path, data, **options)

    def serve_directory(self, root: str | Path, prefix: str = "/") -> None:
        """Serve files under `root` at `prefix`, read at request time.

        Exact routes win over mounts. Edits to the folder between "nights"
        are seen immediately; ``..`` cannot escape `root`.
        """
        with self._lock:
            self._mounts[prefix if prefix.endswith("/") else prefix + "/"] = Path(root).resolve()

    # -- observations ----------------------------------------------------
    @property
    def requests(self) -> list[Request]:
        """Snapshot of every request received, in arrival order."""
        with self._lock:
            return list(self._log)

    def requests_to(self, path: str) -> list[Request]:
        """Requests whose path (query ignored) equals `path`."""
        return [r for r in self.requests if r.path == path]

    def hits(self, path: str) -> int:
        """How many requests `path` received."""
        return len(self.requests_to(path))

    def clear(self) -> None:
        """Forget logged requests and the in-flight peak (between phases)."""
        with self._lock:
            self._log.clear()
            self._peak = self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """Most requests being answered at the same time so far."""
        with self._lock:
            return self._peak

    @property
    def errors(self) -> list[str]:
        """Tracebacks from custom handlers that raised (they answered 500)."""
        with self._lock:
            return list(self._errors)

    # -- internals -------------------------------------------------------
    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)
        if add and self._stopping.is_set():  # accepted while stopping: hang up at once
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _dispatch(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        request = Request(
            method=h.command,
            path=parts.path,
            headers={k.lower(): v for k, v in h.headers.items()},
            query=parts.query,
            body=h.rfile.read(length) if length else b"",
            time=time.monotonic(),
        )
        with self._lock:
            self._log.append(request)
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)
            route = self._routes.get(h.path) or self._routes.get(parts.path)
            if route is not None:
                route.hits += 1
            nth = route.hits if route is not None else 0  # this request's number, for `statuses`
        try:
            status, headers, body = self._answer(route, request, h.path, nth)
            _write(h, status, headers, body)
        except OSError:  # client went away mid-answer
            h.close_connection = True
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(
        self, route: Route | None, req: Request, target: str, nth: int
    ) -> tuple[int, dict[str, str], Body | None]:
        """Decide status, headers and body; a body of None means "hang"."""
        if route is None:
            file = self._mounted_file(req.path)
            if file is None:
                return 404, {"Content-Type": "text/plain"}, b"not found\n"
            return 200, {"Content-Type": content_type_for(file.name)}, file.read_bytes()
        if route.delay and self._stopping.wait(route.delay):
            return 503, {}, b""
        if route.hang:
            self._stopping.wait()
            return 503, {}, None
        if route.handler is not None:
            try:
                return route.handler(req)
            except Exception:
                with self._lock:
                    self._errors.append(traceback.format_exc())
                print(traceback.format_exc(), file=sys.stderr)
                return 500, {}, b"handler error\n"
        return _static_answer(route, req, target, nth, self._stopping)

    def _mounted_file(self, path: str) -> Path | None:
        with self._lock:
            mounts = sorted(self._mounts.items(), key=lambda kv: -len(kv[0]))
        for prefix, root in mounts:
            if path.startswith(prefix):
                rel = unquote(path[len(prefix) :]) or "index.html"
                file = (root / rel).resolve()
                if file.is_dir():
                    file = file / "index.html"
                if file.is_relative_to(root) and file.is_file():
                    return file
        return None


def _static_answer(
    route: Route, req: Request, target: str, nth: int, stop: threading.Event
) -> tuple[int, dict[str, str], Body]:
    """Answer a declarative route (conditional GET, redirects, hostile bodies)."""
    status = route.status
    if route.statuses:
        status = route.statuses[min(nth, len(route.statuses)) - 1]
    headers = {"Content-Type": route.content_type or content_type_for(target)}
    if route.etag:
        headers["ETag"] = route.etag
    if route.last_modified:
        headers["Last-Modified"] = route.last_modified
    headers.update(route.headers)
    if route.redirect is not None:
        return route.redirect_status, {**headers, "Location": route.redirect}, b""
    if not 200 <= status < 400:
        if route.retry_after is not None:
            headers["Retry-After"] = route.retry_after
        return status, headers, f"{status} {_phrase(status)}\n".encode()
    if _not_modified(route, req.headers):
        return 304, headers, b""
    if route.drip is not None:
        return status, headers, drip_stream(route.drip, route.drip_bytes, stop)
    if route.endless:
        return status, headers, endless_stream(stop)
    if route.gzip_bomb is not None:
        return status, {**headers, "Content-Encoding": "gzip"}, gzip_bomb_stream(route.gzip_bomb, stop)
    if route.gzip:
        return status, {**headers, "Content-Encoding": "gzip"}, gzip_bytes(route.body)
    return status, headers, route.body


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    inm = headers.get("if-none-match")
    if inm is not None:
        if route.etag is None:
            return False
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or route.etag.removeprefix("W/") in tags
    ims = headers.get("if-modified-since")
    if ims and route.last_modified:
        try:
            return email.utils.parsedate_to_datetime(ims) >= email.utils.parsedate_to_datetime(route.last_modified)
        except (TypeError, ValueError):
            return False
    return False


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _write(h: _Handler, status: int, headers: dict[str, str], body: Body | None) -> None:
    """Send one answer: Content-Length for bytes, chunked for iterators."""
    if body is None:  # hang: the server is stopping; just drop the connection
        h.close_connection = True
        return
    h.send_response(status)
    names = {k.lower() for k in headers}
    for name, value in headers.items():
        h.send_header(name, value)
    no_body = h.command == "HEAD" or status in (204, 304) or status < 200
    if isinstance(body, bytes):
        if "content-length" not in names and status not in (204, 304):
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if not no_body:
            h.wfile.write(body)
        return
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    if no_body:
        return
    for piece in body:
        if piece:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
    h.wfile.write(b"0\r\n\r\n")

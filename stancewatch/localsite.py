"""A small static web site on 127.0.0.1 whose content can change between "nights".

Used by `stancewatch demo` (the bundled demo site) and `stancewatch replay`
(dated documents served as feeds), so both go through the real fetcher,
parser and extractors. ETags make unchanged files answer 304, as real
servers do.
"""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

CONTENT_TYPES = {
    ".xml": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".html": "text/html; charset=utf-8",
    ".shtml": "text/html; charset=utf-8",
}


def content_type(path: str) -> str:
    """The content type a path's extension implies (octet-stream when unknown)."""
    for ext, ctype in CONTENT_TYPES.items():
        if path.endswith(ext):
            return ctype
    return "application/octet-stream"


class LocalSite:
    """`with LocalSite() as site: site.files = {"/feed.xml": b"..."}; site.base`"""

    def __init__(self, port: int = 0) -> None:
        """Serve on 127.0.0.1:`port` (0: a free port the system picks; see `base`)."""
        self.files: dict[str, bytes] = {}
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                path = self.path.split("?", 1)[0]
                body = site.files.get(path)
                if body is None:
                    self.send_error(404, "Not Found")
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", content_type(path))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # keep terminals clean
                pass

        return Handler

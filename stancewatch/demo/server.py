"""A tiny web server for the bundled demo site, on 127.0.0.1.

The demo site is a set of "nights": `site/night-1/`, `site/night-2/`, ...
Serving night N answers each path from the newest night <= N that has it,
so a later night only holds what changed. `{{BASE}}` in a file becomes the
server's own address. ETags make the second night's unchanged feeds answer
304, as real servers do.
"""
from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml",
         ".html": "text/html; charset=utf-8", ".shtml": "text/html; charset=utf-8"}


class DemoServer:
    """Serve the demo site; `night` selects which night's files are visible."""

    def __init__(self, site: Path = SITE) -> None:
        self.site = site
        self.night = 1
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def nights(self) -> list[int]:
        return sorted(int(p.name.split("-")[1]) for p in self.site.glob("night-*"))

    def __enter__(self) -> "DemoServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def resolve(self, path: str) -> Path | None:
        """The file for a URL path in the current night, or None."""
        rel = path.split("?", 1)[0].lstrip("/")
        for n in range(self.night, 0, -1):
            candidate = (self.site / f"night-{n}" / rel).resolve()
            if candidate.is_file() and self.site in candidate.parents:
                return candidate
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                file = server.resolve(self.path)
                if file is None:
                    self.send_error(404, "Not Found")
                    return
                body = file.read_bytes().replace(b"{{BASE}}", server.base.encode())
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", TYPES.get(file.suffix, "application/octet-stream"))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # keep the demo's terminal clean
                pass

        return Handler

"""A site rendered from the theme, served over real HTTP on 127.0.0.1.

Used by the offline demo and the end-to-end tests: it serves a folder laid out
as the site is (``/slug/`` → ``slug/index.html``, a 404 page with status 404),
rewrites the live origin in every page to its own, logs each request, and can
answer chosen paths with faults first: an error status with headers (a 503
with ``Retry-After``, a redirect), a body of its own (a maintenance page), the
page cut short (with or without a matching ``Content-Length``), a reset
connection or a slow answer. Each fault answers one request, in order.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

LIVE_ORIGIN = "https://kabarbaik.co"
BUNDLED_SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".xml": "application/xml"}


class Server(ThreadingHTTPServer):
    """A listen backlog as deep as a crawl's bursts: with the default 5, connections wait for a SYN retry (1 s)."""

    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        """A crawler that hangs up (a timeout, a cancelled download) is not the server's error: stay quiet."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Fault:
    """One answer served instead of the page.

    ``body`` replaces the page; ``keep`` serves only that share of the page
    (with a matching ``Content-Length``); ``short`` declares the whole page's
    length but closes the connection after ``keep`` of it; ``reset`` closes the
    connection without an answer; ``delay`` waits that many seconds first.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    keep: float | None = None
    short: bool = False
    reset: bool = False
    delay: float = 0.0


class OfflineSite:
    """``with OfflineSite(root) as site: ...`` serves ``root`` at ``site.origin``."""

    def __init__(
        self,
        root: Path = BUNDLED_SITE,
        faults: Mapping[str, Iterable[Fault]] | None = None,
        live_origin: str = LIVE_ORIGIN,
        port: int = 0,
    ) -> None:
        self.root = Path(root)
        self.live_origin = live_origin.encode()
        self.faults: dict[str, deque[Fault]] = defaultdict(deque, {p: deque(f) for p, f in (faults or {}).items()})
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path), in arrival order
        self._lock = threading.Lock()
        self._server = Server(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="offline-site", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> OfflineSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def times(self, path: str) -> list[float]:
        """When ``path`` was asked for (``time.monotonic()``), oldest first."""
        with self._lock:
            return [when for when, asked in self.requests if asked == path]

    def requested(self, path: str) -> int:
        """How many times ``path`` was asked for."""
        return len(self.times(path))

    def fault(self, path: str) -> Fault | None:
        """Logs one GET of ``path`` and takes the next fault planned for it, if any."""
        with self._lock:
            self.requests.append((time.monotonic(), path))
            return self.faults[path].popleft() if self.faults[path] else None

    def answer(self, path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of the page at ``path`` (``query`` is for subclasses that vary pages)."""
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root.resolve()):
            return self.not_found()
        if target.is_dir() and not path.endswith("/"):
            return 301, {"Location": path + "/"}, b""
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return self.not_found()
        return 200, {"Content-Type": CONTENT_TYPES.get(target.suffix, "application/octet-stream")}, self.render(target)

    def not_found(self) -> tuple[int, dict[str, str], bytes]:
        page = self.root / "404.html"
        body = self.render(page) if page.is_file() else b"not found\n"
        return 404, {"Content-Type": CONTENT_TYPES[".html"]}, body

    def render(self, target: Path) -> bytes:
        return target.read_bytes().replace(self.live_origin, self.origin.encode())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                fault = site.fault(parts.path)
                if fault and fault.delay:
                    time.sleep(fault.delay)  # the server being slow, not a test waiting
                if fault and fault.reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.close_connection = True
                    return
                status, headers, body = site.answer(parts.path, parts.query)
                length = len(body)
                if fault:
                    status, headers = fault.status, {**headers, **fault.headers}
                    body = fault.body if fault.body is not None else body
                    length = len(body)
                    if fault.keep is not None:
                        body = body[: int(len(body) * fault.keep)]
                        length = length if fault.short else len(body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)
                if len(body) < length:
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: ``site.requests`` is the log."""

        return Handler

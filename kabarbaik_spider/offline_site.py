"""A site rendered from the theme, served over real HTTP on 127.0.0.1.

Used by the offline demo and the end-to-end tests: it serves a folder laid out
as the site is (``/slug/`` → ``slug/index.html``, a 404 page with status 404),
rewrites the live origin in every page to its own, logs each request, and can
answer chosen paths with faults first: an error status with headers (a 503
with ``Retry-After``, a redirect), a body of its own (a maintenance page), the
page cut short (with or without a matching ``Content-Length``), a reset
connection or a slow answer. Each fault answers one request, in order.

``python -m kabarbaik_spider.offline_site [--port N]`` serves the bundled copy
and its REST API on its own until Ctrl-C (or SIGTERM), to crawl or browse by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

LIVE_ORIGIN = "https://kabarbaik.co"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BUNDLED_SITE = FIXTURES / "site"
BUNDLED_API = FIXTURES / "api"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".xml": "application/xml"}
FEED_TYPE = "application/rss+xml; charset=UTF-8"  # the feed is stored as feed/index.html
JSON_TYPE = "application/json; charset=UTF-8"
API_ROOT = "/wp-json/"
POSTS_ROUTE = "/wp-json/wp/v2/posts"
WIB = timezone(timedelta(hours=7))
LOCAL_PORT = 8765  # a fixed origin keeps the URLs of a store crawled from the local copy stable from run to run


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


def api_error(status: int, code: str, message: str) -> tuple[int, dict[str, str], bytes]:
    body = {"code": code, "message": message, "data": {"status": status}}
    return status, {"Content-Type": JSON_TYPE}, json.dumps(body).encode()


def api_time(value: str) -> datetime:
    """A filter's time: with its offset, or the site's time (WIB) when it has none, as WordPress reads it."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)


def post_time(post: dict, key: str) -> datetime:
    """A post's ``date_gmt`` or ``modified_gmt``; a record without one sorts as the oldest."""
    return datetime.fromisoformat(post.get(key) or "1970-01-01T00:00:00").replace(tzinfo=UTC)


class RestApi:
    """WordPress's REST API over a folder holding ``index.json`` and ``posts.json`` (``?_embed`` records).

    ``/wp-json/`` is the index; ``/wp-json/wp/v2/posts`` pages with ``per_page``
    (1-100) and ``page`` (past the end: 400 ``rest_post_invalid_page_number``),
    filters with ``include``, ``after``, ``modified_after``, ``orderby`` (``date``, ``modified``) and ``order``, and
    sends ``X-WP-Total``, ``X-WP-TotalPages`` and ``Link: rel="next"``. Slashes
    are escaped as WordPress's encoder does. ``closed`` (401 or 403) answers
    every API URL with ``rest_login_required``, as a security plugin does.
    """

    def __init__(self, folder: Path, origin: str, live_origin: str, closed: int | None = None) -> None:
        self.folder, self.origin, self.live_origin, self.closed = folder, origin, live_origin, closed

    def json(self, name: str) -> Any:
        return json.loads((self.folder / name).read_text(encoding="utf-8").replace(self.live_origin, self.origin))

    def encode(self, data: Any) -> bytes:
        return json.dumps(data, ensure_ascii=False).replace("/", "\\/").encode("utf-8")

    def answer(self, path: str, query: str) -> tuple[int, dict[str, str], bytes]:
        if self.closed:
            return api_error(self.closed, "rest_login_required", "REST API restricted to authenticated users.")
        if path.rstrip("/") == API_ROOT.rstrip("/"):
            return 200, {"Content-Type": JSON_TYPE}, self.encode(self.json("index.json"))
        if path.rstrip("/") == POSTS_ROUTE:
            return self.posts(parse_qs(query))
        found = re.fullmatch(rf"{POSTS_ROUTE}/(\d+)/?", path)
        if found:
            post = next((post for post in self.json("posts.json") if post["id"] == int(found[1])), None)
            if post is None:
                return api_error(404, "rest_post_invalid_id", "Invalid post ID.")
            return 200, {"Content-Type": JSON_TYPE}, self.encode(post)
        return api_error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def posts(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        def one(name: str, default: str = "") -> str:
            return query.get(name, [default])[-1]

        try:
            per_page, page = int(one("per_page", "10")), int(one("page", "1"))
            include = {int(i) for i in one("include").split(",") if i.strip()}
            after = api_time(one("after")) if one("after") else None
            modified_after = api_time(one("modified_after")) if one("modified_after") else None
        except ValueError:
            return api_error(400, "rest_invalid_param", "Invalid parameter(s).")
        if not 1 <= per_page <= 100 or page < 1:
            return api_error(400, "rest_invalid_param", "Invalid parameter(s): per_page")
        posts = [
            post
            for post in self.json("posts.json")
            if (not include or post["id"] in include)
            and (after is None or post_time(post, "date_gmt") > after)
            and (modified_after is None or post_time(post, "modified_gmt") > modified_after)
        ]
        by = "modified_gmt" if one("orderby") == "modified" else "date_gmt"
        posts.sort(key=lambda post: post_time(post, by), reverse=one("order", "desc") != "asc")
        pages = -(-len(posts) // per_page)
        if page > max(pages, 1):
            return api_error(
                400,
                "rest_post_invalid_page_number",
                "The page number requested is larger than the number of pages available.",
            )
        headers = {"Content-Type": JSON_TYPE, "X-WP-Total": str(len(posts)), "X-WP-TotalPages": str(pages)}
        if page < pages:
            query = {**query, "page": [str(page + 1)]}
            headers["Link"] = f'<{self.origin}{POSTS_ROUTE}?{urlencode(query, doseq=True)}>; rel="next"'
        return 200, headers, self.encode(posts[(page - 1) * per_page : page * per_page])


class OfflineSite:
    """``with OfflineSite(root) as site: ...`` serves ``root`` at ``site.origin``, and the REST API from ``api``.

    ``api`` is a folder of the API's JSON (the bundled one by default), a status
    (401 or 403) for an API closed to anonymous clients, or None for a site
    without one (404).
    """

    def __init__(
        self,
        root: Path = BUNDLED_SITE,
        faults: Mapping[str, Iterable[Fault]] | None = None,
        live_origin: str = LIVE_ORIGIN,
        port: int = 0,
        api: Path | int | None = BUNDLED_API,
    ) -> None:
        self.root = Path(root)
        self.live_origin = live_origin.encode()
        self.faults: dict[str, deque[Fault]] = defaultdict(deque, {p: deque(f) for p, f in (faults or {}).items()})
        self.requests: list[tuple[float, str]] = []  # (monotonic time, path), in arrival order
        self._lock = threading.Lock()
        self._server = Server(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="offline-site", daemon=True)
        closed = api if isinstance(api, int) else None
        folder = BUNDLED_API if closed else api
        self.api = RestApi(Path(folder), self.origin, live_origin, closed) if folder is not None else None
        self.api_queries: list[str] = []  # every API request's path and query, in arrival order

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
        """Status, headers and body of the page at ``path``, or of the API."""
        if path.startswith(API_ROOT) or path == API_ROOT.rstrip("/"):
            with self._lock:
                self.api_queries.append(f"{path}?{query}")
            return self.api.answer(path, query) if self.api else self.not_found()
        target = Path(os.path.normpath(self.root / path.lstrip("/")))  # links in the site may point to fixtures/pages
        if not target.is_relative_to(self.root):
            return self.not_found()
        if target.is_dir() and not path.endswith("/"):
            return 301, {"Location": path + "/"}, b""
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return self.not_found()
        kind = (
            FEED_TYPE if target.parent.name == "feed" else CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        )
        return 200, {"Content-Type": kind}, self.render(target)

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


def port_number(text: str) -> int:
    """A TCP port for ``--port``; 0 means any free one."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535 (0: any free one), not {text!r}")
    return port


def stop_on_sigterm(signum: int, frame: object) -> None:
    """``kill PID`` stops the server as Ctrl-C does."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Serves the bundled site and its REST API until interrupted; the first line printed is its URL."""
    parser = argparse.ArgumentParser(
        prog="python -m kabarbaik_spider.offline_site",
        description="Serve the bundled offline copy of kabarbaik.co and its REST API on 127.0.0.1 until Ctrl-C.",
    )
    parser.add_argument(
        "--port", type=port_number, default=LOCAL_PORT, help=f"the port to serve on ({LOCAL_PORT}; 0: any free one)"
    )
    port = parser.parse_args(argv).port
    try:
        site = OfflineSite(port=port)
    except OSError as error:
        print(f"kabarbaik: cannot serve on 127.0.0.1:{port}: {error.strerror or error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started with `&` from a script (ignored there)
    with site:
        print(f"Serving the bundled copy of kabarbaik.co at {site.origin}/", flush=True)
        print(f"its REST API at {site.origin}{API_ROOT}; Ctrl-C stops it", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Downloader middlewares for what Scrapy lacks: honouring ``Retry-After``, refusing cut-off pages."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# Why a request gave up, for the spider's errback and runs.jsonl (HttpError says only "non-200").
GIVE_UP_REASON = "kabarbaik_give_up_reason"
TOO_MANY_REQUESTS = 429
PAGE_END = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
PAGE_END_WINDOW = 64 * 1024  # caching plugins may append comments after </html>


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry (429, 5xx, ``RETRY_TIMES``), waiting as long as ``Retry-After`` asks.

    Scrapy re-queues a retry at once and ignores the header (scrapy#3849). While
    the server asks to wait, the whole host waits: the download slot is paused,
    not just the one request, so a 429 slows every request to that host. A 429
    without the header pauses for ``RETRY_429_WAIT`` seconds. A wait longer than
    ``RETRY_AFTER_MAX`` seconds is not honoured: the request gives up and the
    response goes on to the spider's errback with the reason.
    """

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX")
        self.wait_429 = settings.getfloat("RETRY_429_WAIT")

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None and response.status == TOO_MANY_REQUESTS:
            wait = self.wait_429
        if wait is not None and wait > self.max_wait:
            reason = (
                f"HTTP {response.status} with Retry-After {wait:.0f} s, over RETRY_AFTER_MAX ({self.max_wait:.0f} s)"
            )
            logger.warning("Not retrying %s: %s", request, reason)
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            request.meta[GIVE_UP_REASON] = reason
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            request.meta[GIVE_UP_REASON] = (
                f"HTTP {response.status} after {request.meta.get('retry_times', 0) + 1} tries"
            )
            return response
        if wait:
            logger.info("%s answered %d; the host waits %.1fs as the server asks", request, response.status, wait)
            self.crawler.stats.inc_value("retry/retry_after_waits")
            await self.pause_host(request, wait)
        return retry

    async def pause_host(self, request: Request, seconds: float) -> None:
        """Holds every request to the request's download slot (its host) for ``seconds``."""
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(request.meta.get(downloader.DOWNLOAD_SLOT, ""))
        if slot is None:
            await sleep(seconds)
            return
        delay = slot.delay
        slot.delay = max(delay, 0.001)  # a slot without a delay never looks at when it last sent
        slot.lastseen = max(slot.lastseen, monotonic() + seconds)
        await sleep(seconds)
        if slot.delay == max(delay, 0.001):  # AutoThrottle may have set its own meanwhile: keep that
            slot.delay = delay


class IncompletePage(IgnoreRequest):
    """A page that arrived cut off (no ``</html>``), even after retries."""


class CompletePageMiddleware:
    """Retries an HTML page that ends before ``</html>`` (or ``</body>``), then gives up on it.

    A server that dies mid-page, or a proxy that truncates, can send a 200 whose
    ``Content-Length`` matches a page cut short; parsed, it would become a
    truncated article that is never fetched again. Scrapy already fails a body
    cut short of its ``Content-Length`` (``DOWNLOAD_FAIL_ON_DATALOSS``).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status != 200 or not isinstance(response, HtmlResponse) or is_complete(response.body):
            return response
        self.crawler.stats.inc_value("kabarbaik/incomplete_page")
        reason = f"incomplete HTML: the page ends before </html> ({len(response.body)} bytes)"
        retry = get_retry_request(request, spider=self.crawler.spider, reason="incomplete HTML")
        if retry is not None:
            return retry
        request.meta[GIVE_UP_REASON] = reason
        raise IncompletePage(reason)


def is_complete(body: bytes) -> bool:
    """The page reached its end: ``</html>`` or ``</body>`` near the end of the body.

    The last 2 KiB are looked at first (almost every page ends there); the
    wider window only when they do not hold the end.
    """
    tail = body[-2048:].lower()
    if b"</html" in tail or b"</body" in tail:
        return True
    return PAGE_END.search(body, max(0, len(body) - PAGE_END_WINDOW)) is not None

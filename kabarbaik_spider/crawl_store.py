"""The crawl's store: opened once for ``scrapy crawl``, reached by every component through the crawler."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from kabarbaik_spider.store import JsonlStore

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STORE_WRITE_FAILED = "store_write_failed"  # the close reason when the store cannot be written


class StoreExtension:
    """Opens the store named by ``KABARBAIK_OUTPUT`` for the crawl and closes it after.

    Only our ``crawl`` command switches it on (``KABARBAIK_STORE_ENABLED``):
    ``scrapy shell``, ``parse`` or ``fetch`` neither lock the store nor write
    to it. The pipelines and the spider reach it with :func:`store_of`, so one
    index serves them all.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = JsonlStore(
            crawler.settings["KABARBAIK_OUTPUT"], retry_runs=crawler.settings.getint("KABARBAIK_RETRY_RUNS")
        )
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        logger.info(
            "Store %s holds %d articles (%d settled)", self.store.path, len(self.store), self.store.settled_lines
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("KABARBAIK_STORE_ENABLED"):
            raise NotConfigured("the store is opened by `scrapy crawl` only")
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        logger.info(
            "Stored %d new articles in %s (%d in all); %d duplicates skipped, %d rejects in %s",
            stats.get_value("kabarbaik/stored", 0),
            self.store.path,
            len(self.store),
            stats.get_value("kabarbaik/duplicate", 0),
            stats.get_value("kabarbaik/rejected", 0),
            self.store.rejects_path,
        )

    def engine_stopped(self) -> None:
        self.store.close()


def store_of(crawler: Crawler) -> JsonlStore | None:
    """The crawl's store, or None where none is open (``scrapy parse``, ``scrapy shell``, a script)."""
    extension = crawler.get_extension(StoreExtension)
    return extension.store if extension is not None else None


def crawl_store(crawler: Crawler) -> JsonlStore:
    """The crawl's store, for the components that exist only with one; a clear error when it is not open."""
    store = store_of(crawler)
    if store is None:
        raise RuntimeError(
            "the store is open only in `scrapy crawl` (KABARBAIK_STORE_ENABLED, StoreExtension in EXTENSIONS)"
        )
    return store


def stop_for_store_failure(crawler: Crawler, error: Exception) -> None:
    """A store file cannot be written: say so in one line and stop the crawl at once (exit 8)."""
    if crawler.stats.get_value("kabarbaik/store_failed"):
        return
    crawler.stats.set_value("kabarbaik/store_failed", str(error))
    logger.error("Stopping the crawl: %s", error)
    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason=STORE_WRITE_FAILED))

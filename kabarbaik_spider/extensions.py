"""Scrapy extensions of ours: the store, opened once per crawl and shared."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Spider, signals

from kabarbaik_spider.store import JsonlStore

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class StoreExtension:
    """Opens the store named by ``KABARBAIK_OUTPUT`` for the crawl and closes it after.

    The pipelines and the spider reach it with
    ``crawler.get_extension(StoreExtension).store``, so one index serves them all.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = JsonlStore(crawler.settings["KABARBAIK_OUTPUT"])
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        logger.info("Store %s holds %d articles", self.store.path, len(self.store))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.store.close()
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


def crawl_store(crawler: Crawler) -> JsonlStore:
    """The crawl's store; a clear error when the extension was switched off."""
    extension = crawler.get_extension(StoreExtension)
    if extension is None:
        raise RuntimeError("kabarbaik_spider.extensions.StoreExtension must be enabled in EXTENSIONS")
    return extension.store

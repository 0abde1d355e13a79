"""Scrapy extensions of ours: the crawl's store, and the run's report card."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import Spider, signals

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.store import JsonlStore, now_iso

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Exit statuses of `scrapy crawl kabarbaik` (see kabarbaik_spider.commands.crawl).
EXIT_OK = 0
EXIT_ERRORS = 3  # the spider raised, or a listing page failed
EXIT_NO_ARTICLES = 4  # the feed listed no article at all
EXIT_COVERAGE = 5  # a key's coverage fell below its threshold: the markup changed
EXIT_INTERRUPTED = 6  # stopped before the end (SIGTERM/SIGINT)
EXIT_STORE_LOCKED = 75  # another crawl holds the store (EX_TEMPFAIL: try again later)


class StoreExtension:
    """Opens the store named by ``KABARBAIK_OUTPUT`` for the crawl and closes it after.

    The pipelines and the spider reach it with :func:`crawl_store`, so one
    index serves them all. When the spider walked the feed to its end, the
    store settles: its lines then let the next run stop early.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.store = JsonlStore(crawler.settings["KABARBAIK_OUTPUT"])
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        logger.info(
            "Store %s holds %d articles (%d settled)", self.store.path, len(self.store), self.store.settled_lines
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        if reason == "finished" and stats.get_value("kabarbaik/feed_complete"):
            self.store.settle()
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


def crawl_store(crawler: Crawler) -> JsonlStore:
    """The crawl's store; a clear error when the extension was switched off."""
    extension = crawler.get_extension(StoreExtension)
    if extension is None:
        raise RuntimeError("kabarbaik_spider.extensions.StoreExtension must be enabled in EXTENSIONS")
    return extension.store


class RunReport:
    """Judges the run and appends one line about it to ``<store>.runs.jsonl``.

    Coverage is the share of the run's articles (stored, duplicate or rejected)
    that have a value for a key. Required keys are held to their threshold in
    every run; the optional ones once the run saw ``KABARBAIK_COVERAGE_MIN_ITEMS``
    articles, so that three new articles without an editor are not an alarm.
    The verdict lands in the stats as ``kabarbaik/exit_status``, which our
    ``crawl`` command turns into the process's exit status.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.thresholds: dict[str, float] = crawler.settings.getdict("KABARBAIK_COVERAGE_MIN")
        self.min_items = crawler.settings.getint("KABARBAIK_COVERAGE_MIN_ITEMS")
        self.required: set[str] = set(crawler.settings.getlist("KABARBAIK_REQUIRED_KEYS"))
        self.articles = 0
        self.filled: Counter[str] = Counter()
        self.started_at = now_iso()
        crawler.signals.connect(self.count_item, signal=signals.item_scraped)
        crawler.signals.connect(self.count_item, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def count_item(self, item: Any) -> None:
        self.articles += 1
        adapter = ItemAdapter(item)
        self.filled.update(key for key in ARTICLE_KEYS if adapter.get(key) not in (None, "", []))

    def coverage(self) -> dict[str, float]:
        return {key: round(self.filled[key] / self.articles, 3) for key in ARTICLE_KEYS} if self.articles else {}

    def problems(self, reason: str) -> list[tuple[int, str]]:
        """What went wrong, each with its exit status; empty for a good run."""
        stats = self.crawler.stats
        found: list[tuple[int, str]] = []
        errors = stats.get_value("spider_exceptions/count", 0)
        if errors or stats.get_value("kabarbaik/listing_failed"):
            found.append(
                (
                    EXIT_ERRORS,
                    f"{errors} spider exceptions, "
                    f"{stats.get_value('kabarbaik/listing_failed', 0)} failed listing pages",
                )
            )
        if (
            reason == "finished"
            and stats.get_value("kabarbaik/requests/listing")
            and not stats.get_value("kabarbaik/cards")
        ):
            found.append((EXIT_NO_ARTICLES, "the feed listed no article at all"))
        coverage = self.coverage()
        low = [
            f"{key} {coverage[key]:.0%} < {minimum:.0%}"
            for key, minimum in self.thresholds.items()
            if coverage
            and coverage.get(key, 0.0) < minimum
            and (key in self.required or self.articles >= self.min_items)
        ]
        if low:
            found.append((EXIT_COVERAGE, "field coverage fell (has the markup changed?): " + ", ".join(low)))
        if reason == "shutdown":
            found.append((EXIT_INTERRUPTED, "the crawl was stopped before its end"))
        return found

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        problems = self.problems(reason)
        status = problems[0][0] if problems else EXIT_OK
        stats.set_value("kabarbaik/exit_status", status)
        for _, problem in problems:
            logger.error("Run problem: %s", problem)
        counts = stats.get_stats()
        fallbacks = {k.split("/", 2)[2]: v for k, v in counts.items() if k.startswith("kabarbaik/fallback/")}
        if fallbacks:
            logger.warning(
                "The theme's markup was missed; these came from fallback layers (has the site changed?): %s",
                ", ".join(f"{key} {count}" for key, count in sorted(fallbacks.items())),
            )
        crawl_store(self.crawler).runs.append(
            {
                "started_at": self.started_at,
                "finished_at": now_iso(),
                "finish_reason": reason,
                "exit_status": status,
                "problems": [problem for _, problem in problems],
                "arguments": getattr(spider, "arguments", {}),
                "feed_end": counts.get("kabarbaik/feed_end"),
                "listing_pages_requested": counts.get("kabarbaik/requests/listing", 0),
                "articles_requested": counts.get("kabarbaik/requests/article", 0),
                "items_new": counts.get("kabarbaik/stored", 0),
                "duplicates_skipped": counts.get("kabarbaik/duplicate", 0),
                "rejects": counts.get("kabarbaik/rejected", 0),
                "articles_gone": counts.get("kabarbaik/article_gone", 0),
                "known_skipped": counts.get("kabarbaik/known_skipped", 0),
                "http_errors": {
                    key.rsplit("/", 1)[1]: value
                    for key, value in counts.items()
                    if key.startswith("downloader/response_status_count/") and int(key.rsplit("/", 1)[1]) >= 400
                },
                "articles_seen": self.articles,
                "coverage": self.coverage(),
                "fallbacks": fallbacks,
            }
        )

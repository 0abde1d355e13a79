"""Scrapy extensions of ours: the crawl's store, and the run's report card."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from kabarbaik_spider.crosscheck import CrossCheck
from kabarbaik_spider.items import ARTICLE_KEYS, as_record
from kabarbaik_spider.pages.markup import has_value
from kabarbaik_spider.store import JsonlStore, StoreWriteError, now_iso

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Exit statuses of `scrapy crawl kabarbaik` (see kabarbaik_spider.commands.crawl), most urgent first.
EXIT_OK = 0
EXIT_USAGE = 2  # a bad argument or setting: nothing was touched
EXIT_ERRORS = 3  # the walk did not reach the end of the feed (a listing page failed), or the spider raised
EXIT_NO_ARTICLES = 4  # the feed listed no article at all
EXIT_COVERAGE = 5  # a key's coverage fell below its threshold: the markup changed
EXIT_INTERRUPTED = 6  # stopped before the end (SIGTERM/SIGINT, or another close reason)
EXIT_ARTICLES_FAILED = 7  # listed articles failed after every retry: retried first by the next runs
EXIT_STORE_FAILED = 8  # a store file could not be written (disk full, size limit): the crawl stopped at once
EXIT_STORE_LOCKED = 75  # another crawl holds the store (EX_TEMPFAIL: try again later)
STORE_WRITE_FAILED = "store_write_failed"  # the close reason when the store cannot be written


class StoreExtension:
    """Opens the store named by ``KABARBAIK_OUTPUT`` for the crawl and closes it after.

    Only our ``crawl`` command switches it on (``KABARBAIK_STORE_ENABLED``):
    ``scrapy shell``, ``parse`` or ``fetch`` neither lock the store nor write
    to it. The pipelines and the spider reach it with :func:`crawl_store`, so
    one index serves them all.
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


def crawl_store(crawler: Crawler) -> JsonlStore:
    """The crawl's store; a clear error when it is not open (not `scrapy crawl`, or switched off)."""
    extension = crawler.get_extension(StoreExtension)
    if extension is None:
        raise RuntimeError(
            "the store is open only in `scrapy crawl` (KABARBAIK_STORE_ENABLED, StoreExtension in EXTENSIONS)"
        )
    return extension.store


def stop_for_store_failure(crawler: Crawler, error: Exception) -> None:
    """A store file cannot be written: say so in one line and stop the crawl at once (exit 8)."""
    if crawler.stats.get_value("kabarbaik/store_failed"):
        return
    crawler.stats.set_value("kabarbaik/store_failed", str(error))
    logger.error("Stopping the crawl: %s", error)
    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason=STORE_WRITE_FAILED))


class RunReport:
    """Judges the run, settles the store when the walk earned it, and appends one line to ``<store>.runs.jsonl``.

    Coverage is the share of the run's articles (stored, duplicate or rejected)
    that have a value for a key. Required keys are held to their threshold in
    every run; the optional ones once the run saw ``KABARBAIK_COVERAGE_MIN_ITEMS``
    articles, so that three new articles without an editor are not an alarm.

    The store settles (its lines then let the next run stop early) only when
    the run finished, walked the feed to its end, every listing page and
    article it asked for was answered, and every write succeeded. Articles
    that failed are remembered to retry first, settled or not. The verdict
    lands in the stats as ``kabarbaik/exit_status``, which our ``crawl``
    command turns into the process's exit status.
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
        crawler.signals.connect(self.count_item_error, signal=signals.item_error)
        self.item_errors = 0
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("KABARBAIK_STORE_ENABLED"):
            raise NotConfigured("runs are reported by `scrapy crawl` only")
        return cls(crawler)

    def count_item(self, item: Any) -> None:
        self.articles += 1
        record = as_record(item)
        self.filled.update(key for key in ARTICLE_KEYS if has_value(record.get(key)))

    def count_item_error(self, item: Any) -> None:
        """A pipeline raised (a bug, not a drop): the item is lost to this run, which must not pass."""
        self.item_errors += 1

    def coverage(self) -> dict[str, float]:
        return {key: round(self.filled[key] / self.articles, 3) for key in ARTICLE_KEYS} if self.articles else {}

    def problems(self, spider: Spider, reason: str) -> list[tuple[int, str]]:
        """What went wrong, each with its exit status, most urgent first; empty for a good run."""
        stats, store = self.crawler.stats, crawl_store(self.crawler)
        walk = getattr(spider, "walk", {})
        found: list[tuple[int, str]] = []
        if store.failure:
            found.append((EXIT_STORE_FAILED, f"the store could not be written: {store.failure}"))
        elif reason != "finished":
            found.append((EXIT_INTERRUPTED, f"the crawl was stopped before its end ({reason})"))
        errors = stats.get_value("spider_exceptions/count", 0)
        if errors:
            found.append((EXIT_ERRORS, f"{errors} spider exceptions (see the log)"))
        if self.item_errors:
            found.append((EXIT_ERRORS, f"{self.item_errors} items raised in the pipelines and were not stored"))
        failures = getattr(spider, "listing_failures", {})
        if failures:
            url, why = next(iter(failures.items()))
            found.append(
                (EXIT_ERRORS, f"{len(failures)} listing page(s) failed ({url}: {why}), so the feed was not walked")
            )
        elif reason == "finished" and walk and not walk.get("end"):
            found.append((EXIT_ERRORS, "the walk of the feed stopped without reaching its end"))
        if store.failed_now:
            url, why = next(iter(store.failed_now.items()))
            found.append(
                (
                    EXIT_ARTICLES_FAILED,
                    f"{len(store.failed_now)} listed article(s) could not be fetched ({url}: {why});"
                    " the next runs retry them first",
                )
            )
        if (
            reason == "finished"
            and not failures
            and stats.get_value("kabarbaik/requests/listing")
            and not stats.get_value("kabarbaik/cards")
        ):
            found.append((EXIT_NO_ARTICLES, "the feed listed no article at all"))
        coverage = self.coverage()
        not_read = getattr(spider, "keys_not_read", frozenset())  # views, for items from the REST API
        low = [
            f"{key} {coverage[key]:.0%} < {minimum:.0%}"
            for key, minimum in self.thresholds.items()
            if coverage
            and key not in not_read
            and coverage.get(key, 0.0) < minimum
            and (key in self.required or self.articles >= self.min_items)
        ]
        if low:
            found.append((EXIT_COVERAGE, "field coverage fell (has the markup changed?): " + ", ".join(low)))
        crosscheck = self.crawler.get_extension(CrossCheck)
        if crosscheck is not None and crosscheck.found:
            first = crosscheck.found[0]
            found.append(
                (
                    EXIT_COVERAGE,
                    f"the parser disagrees with WordPress's own record {len(crosscheck.found)} time(s)"
                    f" (first: {first['url']} {first['key']}); see crosscheck in runs.jsonl",
                )
            )
        return found

    def settle(self, spider: Spider, reason: str, problems: list[tuple[int, str]]) -> bool:
        """Remembers the articles to retry; vouches for the store's lines when the walk earned it."""
        store = crawl_store(self.crawler)
        walk = getattr(spider, "walk", {})
        settle = (
            reason == "finished"
            and bool(walk.get("complete"))
            and not any(status in (EXIT_STORE_FAILED, EXIT_ERRORS) for status, _ in problems)
        )
        try:
            store.save_state(settle, getattr(spider, "sitemaps_walked", None))
        except StoreWriteError as error:
            logger.error("Could not save the store's state: %s", error)
            return False
        for url in store.given_up_now:
            logger.error("Gave up on %s after %d failed runs; `-a full=1` tries it again", url, store.retry_runs)
        return settle

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats, store = self.crawler.stats, crawl_store(self.crawler)
        if reason == "finished" and hasattr(spider, "close_ledger"):
            spider.close_ledger()  # what got no answer in a finished run vanished: a named failure
        problems = self.problems(spider, reason)
        settled = self.settle(spider, reason, problems)
        if store.failure and not any(status == EXIT_STORE_FAILED for status, _ in problems):
            problems.insert(0, (EXIT_STORE_FAILED, f"the store could not be written: {store.failure}"))
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
        sources: dict[str, dict[str, int]] = {}
        for key, value in counts.items():
            if key.startswith("kabarbaik/source/"):
                field, name = key.split("/")[2:4]
                sources.setdefault(field, {})[name] = value
        walk = getattr(spider, "walk", {})
        line = {
            "started_at": self.started_at,
            "finished_at": now_iso(),
            "finish_reason": reason,
            "exit_status": status,
            "problems": [problem for _, problem in problems],
            "arguments": getattr(spider, "arguments", {}),
            "api": getattr(spider, "api_note", None),
            "feed_end": walk.get("end"),
            "feed_complete": bool(walk.get("complete")),
            "settled": settled,
            "listing_pages_requested": counts.get("kabarbaik/requests/listing", 0),
            "api_requests": counts.get("kabarbaik/requests/api", 0),
            "sitemaps_requested": counts.get("kabarbaik/requests/sitemap", 0),
            "sitemaps_unchanged": counts.get("kabarbaik/sitemap_unchanged", 0),
            "listing_pages_limit": vars(spider).get("listing_pages_limit"),  # only when the walk used it
            "articles_requested": counts.get("kabarbaik/requests/article", 0),
            "items_new": counts.get("kabarbaik/stored", 0),
            "duplicates_skipped": counts.get("kabarbaik/duplicate", 0),
            "rejects": counts.get("kabarbaik/rejected", 0),
            "articles_gone": counts.get("kabarbaik/article_gone", 0),
            "known_skipped": counts.get("kabarbaik/known_skipped", 0),
            "listing_failures": [
                {"url": url, "reason": why} for url, why in getattr(spider, "listing_failures", {}).items()
            ],
            "articles_failed": [{"url": url, "reason": why} for url, why in store.failed_now.items()],
            "articles_given_up": store.given_up_now,
            "articles_to_retry": len(store.pending),
            "store_broken_lines": store.broken_lines[:100],
            "store_lost_articles": sorted(store.lost)[:100],  # named in broken lines: fetched again
            "store_unnamed_lines": store.unnamed_lines[:100],  # may hide an article: a whole walk looks for it
            "http_errors": {
                key.rsplit("/", 1)[1]: value
                for key, value in counts.items()
                if key.startswith("downloader/response_status_count/") and int(key.rsplit("/", 1)[1]) >= 400
            },
            "articles_seen": self.articles,
            "coverage": self.coverage(),
            "fallbacks": fallbacks,
            "sources": {field: dict(sorted(names.items())) for field, names in sorted(sources.items())},
            "crosscheck": crosscheck.report() if (crosscheck := self.crawler.get_extension(CrossCheck)) else None,
        }
        try:
            store.runs.append(line)
        except StoreWriteError as error:
            logger.error("Could not write the run's line: %s", error)
            stats.set_value("kabarbaik/exit_status", EXIT_STORE_FAILED)

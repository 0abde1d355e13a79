"""The run's report card: its verdict, and one line in ``<store>.runs.jsonl`` for schedulers and people.

It reads the walk (:func:`kabarbaik_spider.walk.walk_of`), the crawl's stats,
the store and the cross-check through the crawler, never a spider's attributes.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from kabarbaik_spider.archive import archive_failure
from kabarbaik_spider.crawl_store import crawl_store
from kabarbaik_spider.exit_status import (
    EXIT_ARTICLES_FAILED,
    EXIT_COVERAGE,
    EXIT_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_NO_ARTICLES,
    EXIT_OK,
    EXIT_STORE_FAILED,
)
from kabarbaik_spider.items import ARTICLE_KEYS, as_record
from kabarbaik_spider.pages.markup import has_value
from kabarbaik_spider.pages.merge import PAGE_ONLY
from kabarbaik_spider.settling import settle
from kabarbaik_spider.store import StoreWriteError, now_iso
from kabarbaik_spider.walk import walk_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from kabarbaik_spider.store import JsonlStore
    from kabarbaik_spider.walk import Walk

logger = logging.getLogger(__name__)


class RunReport:
    """Judges the run, has the store settled (:mod:`kabarbaik_spider.settling`), appends one line to ``runs.jsonl``.

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

    def problems(self, reason: str) -> list[tuple[int, str]]:
        """What went wrong, each with its exit status, most urgent first; empty for a good run."""
        stats, store, walk = self.crawler.stats, crawl_store(self.crawler), walk_of(self.crawler)
        found: list[tuple[int, str]] = []
        if store.failure:
            found.append((EXIT_STORE_FAILED, f"the store could not be written: {store.failure}"))
        elif archive_failure(self.crawler):  # the archive beside the store: as loud as the store itself
            found.append((EXIT_STORE_FAILED, f"the archive could not be written: {archive_failure(self.crawler)}"))
        elif reason != "finished":
            found.append((EXIT_INTERRUPTED, f"the crawl was stopped before its end ({reason})"))
        errors = stats.get_value("spider_exceptions/count", 0)
        if errors:
            found.append((EXIT_ERRORS, f"{errors} spider exceptions (see the log)"))
        if self.item_errors:
            found.append((EXIT_ERRORS, f"{self.item_errors} items raised in the pipelines and were not stored"))
        failures = walk.failures if walk is not None else {}
        if failures:
            url, why = next(iter(failures.items()))
            found.append(
                (EXIT_ERRORS, f"{len(failures)} listing page(s) failed ({url}: {why}), so the feed was not walked")
            )
        elif reason == "finished" and (walk is None or not walk.end):
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
        not_read = self.not_judged(walk, store)
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
        mismatched = walk.records.mismatched if walk is not None else []
        if mismatched:
            found.append(
                (
                    EXIT_COVERAGE,
                    f"WordPress's record of {len(mismatched)} post(s) names another URL (first: {mismatched[0]}):"
                    " stored from the page alone, unchecked; see crosscheck in runs.jsonl",
                )
            )
        return found

    def not_judged(self, walk: Walk | None, store: JsonlStore) -> set[str]:
        """Keys whose coverage says nothing of the markup in this run.

        - the REST API channel has no view counter;
        - when WordPress's record built every item, the keys it holds are its
          own (a drifting page parser is a disagreement, warned of instead);
        - a key only a page gives that no article of this store ever had: the
          site shows none (a stock theme has no view counter).
        """
        keys = set(walk.keys_not_read) if walk is not None else set()
        if walk is not None and self.articles and walk.records.checked >= self.articles:
            keys.update(key for key in ARTICLE_KEYS if key not in PAGE_ONLY)
        if store.keys_seen is not None:
            keys.update(key for key in PAGE_ONLY if key not in store.keys_seen and not self.filled[key])
        return keys

    def warn_of_disagreements(self) -> None:
        """Stored right from WordPress's record, but the page parser no longer agrees: a warning, not a failure."""
        walk = walk_of(self.crawler)
        if walk is None or not walk.records.by_key:
            return
        counts = ", ".join(f"{key} {count}" for key, count in sorted(walk.records.by_key.items()))
        logger.warning(
            "The page parser disagrees with WordPress's record (posts per key: %s); the items took the record's"
            " values. The pages and records are kept side by side for `scrapy fixture check --dir`: %s",
            counts,
            ", ".join(walk.records.fixtures) or "none",
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Judges the run once the spider closed its ledger (Scrapy tells the spider first)."""
        stats, store, walk = self.crawler.stats, crawl_store(self.crawler), walk_of(self.crawler)
        problems = self.problems(reason)
        settled = settle(store, walk, reason, problems, set(self.filled))
        if store.failure and not any(status == EXIT_STORE_FAILED for status, _ in problems):
            problems.insert(0, (EXIT_STORE_FAILED, f"the store could not be written: {store.failure}"))
        status = problems[0][0] if problems else EXIT_OK
        stats.set_value("kabarbaik/exit_status", status)
        for _, problem in problems:
            logger.error("Run problem: %s", problem)
        self.warn_of_disagreements()
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
        line = {
            "started_at": self.started_at,
            "finished_at": now_iso(),
            "finish_reason": reason,
            "exit_status": status,
            "problems": [problem for _, problem in problems],
            "arguments": walk.arguments if walk is not None else {},
            "api": walk.api if walk is not None else None,
            "feed_end": walk.end if walk is not None else None,
            "feed_complete": walk is not None and walk.complete,
            "settled": settled,
            "listing_pages_requested": counts.get("kabarbaik/requests/listing", 0),
            "api_requests": counts.get("kabarbaik/requests/api", 0),
            "sitemaps_requested": counts.get("kabarbaik/requests/sitemap", 0),
            "sitemaps_unchanged": counts.get("kabarbaik/sitemap_unchanged", 0),
            "listing_pages_limit": walk.pages_limit if walk is not None else None,  # only when the walk used it
            "articles_requested": counts.get("kabarbaik/requests/article", 0),
            "items_new": counts.get("kabarbaik/stored", 0),
            "duplicates_skipped": counts.get("kabarbaik/duplicate", 0),
            "rejects": counts.get("kabarbaik/rejected", 0),
            "articles_gone": counts.get("kabarbaik/article_gone", 0),
            "known_skipped": counts.get("kabarbaik/known_skipped", 0),
            "listing_failures": [
                {"url": url, "reason": why} for url, why in (walk.failures if walk is not None else {}).items()
            ],
            "articles_failed": [{"url": url, "reason": why} for url, why in store.failed_now.items()],
            "articles_given_up": store.given_up_now,
            "articles_to_retry": len(store.pending),
            "revisions": counts.get("kabarbaik/revisions", 0),  # stored articles appended again, edited
            "deleted": len(walk.changes.deleted) if walk is not None else 0,  # tombstones appended
            "views_read": counts.get("kabarbaik/views_read", 0),  # counters read again at a fixed age
            "views_failed": counts.get("kabarbaik/views_failed", 0),
            "changes": walk.changes.report() if walk is not None else None,
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
            "crosscheck": walk.records.report() if walk is not None else None,
            # The selectors learned from WordPress's records that serve the page parser, with the posts they
            # agreed on (of the posts whose record had the key), this run's included.
            "learned": store.learned.report(),
        }
        try:
            store.runs.append(line)
        except StoreWriteError as error:
            logger.error("Could not write the run's line: %s", error)
            stats.set_value("kabarbaik/exit_status", EXIT_STORE_FAILED)

"""Navigation only: listing pages, the next page, article pages and their continuations.

Parsing lives in :mod:`kabarbaik_spider.pages`; checking, deduplicating and
storing in the pipelines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from kabarbaik_spider.extensions import crawl_store
from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.listing import Card, Listing, parse_listing
from kabarbaik_spider.store import JsonlStore

DEFAULT_START_URL = "https://kabarbaik.co/"
GONE = (404, 410)


class KabarbaikSpider(scrapy.Spider):
    """Crawls a listing of kabarbaik.co (home, a category or page N) to the end of the feed.

    Arguments: ``start_url`` (any listing page; its host is the allowed domain),
    ``max_pages`` (listing pages at most), ``since`` (``YYYY-MM-DD``: skip older
    cards, stop paginating at a page that holds only older ones), ``full``
    (``1``: walk the whole feed and retry articles that were gone or rejected).

    Incremental by default: articles the store knows are not requested, and
    the walk stops at the first listing page whose cards the store has all
    settled (see :class:`kabarbaik_spider.store.JsonlStore`).
    """

    name = "kabarbaik"

    def __init__(
        self,
        start_url: str = DEFAULT_START_URL,
        max_pages: str | int | None = None,
        since: str | None = None,
        full: str | int | bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(start_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"start_url must be an http(s) URL, not {start_url!r}")
        self.start_url = start_url
        self.allowed_domains = [parts.hostname]
        self.max_pages = int(max_pages) if max_pages not in (None, "") else None
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError("max_pages must be 1 or more")
        self.since = date.fromisoformat(since) if since else None
        self.full = str(full).lower() in ("1", "true", "yes")
        self.arguments = {"start_url": start_url, "max_pages": self.max_pages, "since": since, "full": self.full}

    @property
    def store(self) -> JsonlStore:
        return crawl_store(self.crawler)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.listing_request(self.start_url, page=1)
        for url in self.store.pending:  # articles that failed in an earlier run
            if not self.store.has(url):
                yield self.article_request(url)

    def listing_request(self, url: str, page: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed, cb_kwargs={"page": page})

    def article_request(self, url: str, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed, cb_kwargs=cb_kwargs)

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        stats = self.crawler.stats
        stats.inc_value("kabarbaik/requests/listing")
        listing = parse_listing(response.text, response.url)
        stats.inc_value("kabarbaik/cards", len(listing.cards))
        for name in listing.fallbacks:
            stats.inc_value(f"kabarbaik/fallback/listing_{name}")
        recent = [card for card in listing.cards if not self.too_old(card)]
        for card in recent:
            if self.store.has(card.url, card.post_id) or (self.store.given_up(card.url) and not self.full):
                stats.inc_value("kabarbaik/known_skipped")
            else:
                yield self.article_request(card.url)
        end, complete = self.end_of_feed(listing, len(recent), page)
        if end:
            self.logger.info("Feed ends at %s (page %d): %s", response.url, page, end)
            stats.set_value("kabarbaik/feed_end", end)
            stats.set_value("kabarbaik/feed_complete", complete)
        else:
            yield self.listing_request(listing.next_url, page + 1)

    def end_of_feed(self, listing: Listing, recent: int, page: int) -> tuple[str | None, bool]:
        """Why the walk stops after this page (None to go on), and whether it walked all it should."""
        if not listing.cards:
            return "no cards", True
        if not listing.next_url:
            return "no next link", True
        if not self.full and all(self.store.settled(card.url, card.post_id) for card in listing.cards):
            return "every card on this page is already stored", True
        if not recent:
            return f"every card is older than since={self.since}", False
        if self.max_pages is not None and page >= self.max_pages:
            return f"max_pages={self.max_pages} reached", False
        return None, False

    def too_old(self, card: Card) -> bool:
        return bool(self.since and card.date and date.fromisoformat(card.date[:10]) < self.since)

    def parse_article(
        self, response: Response, pages: tuple[tuple[str, str], ...] = (), todo: tuple[str, ...] = ()
    ) -> Iterator[scrapy.Request | Article]:
        """Follows ``/slug/2/``, ``/slug/3/`` in order, then builds one item from all pages."""
        if not pages:  # the first page: it says which pages follow
            self.crawler.stats.inc_value("kabarbaik/requests/article")
            parser = ArticleParser(response.text, response.url)
            todo = tuple(parser.continuation_urls())
        pages = (*pages, (response.text, response.url))
        if todo:  # page HTML rides along in cb_kwargs: plain strings, so a JOBDIR can keep them
            yield self.article_request(todo[0], pages=pages, todo=todo[1:])
            return
        if len(pages) > 1:
            (first_html, first_url), *more = pages
            parser = ArticleParser(first_html, first_url, more)
        article = parser.article()
        for name in parser.fallbacks:
            self.crawler.stats.inc_value(f"kabarbaik/fallback/{name}")
        yield article

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        self.crawler.stats.inc_value("kabarbaik/requests/listing")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE and request.cb_kwargs.get("page", 1) > 1:
            self.logger.info("Feed ends at %s: HTTP %d", request.url, status)
            self.crawler.stats.set_value("kabarbaik/feed_end", f"HTTP {status} for the next page")
            self.crawler.stats.set_value("kabarbaik/feed_complete", True)
            return
        self.crawler.stats.inc_value("kabarbaik/listing_failed")
        self.logger.error("Listing page %s failed: %s", request.url, failure.getErrorMessage())

    def article_failed(self, failure: Failure) -> None:
        request = failure.request
        if "pages" not in request.cb_kwargs:
            self.crawler.stats.inc_value("kabarbaik/requests/article")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE and "pages" not in request.cb_kwargs:
            self.crawler.stats.inc_value("kabarbaik/article_gone")
            self.logger.warning("Listed article is gone (HTTP %d): %s", status, request.url)
            self.store.mark_gone(request.url, status)
            return
        first_page = request.cb_kwargs.get("pages", ((None, request.url),))[0][1]
        self.store.retry_later(first_page)
        self.crawler.stats.inc_value("kabarbaik/article_failed")
        self.logger.error("Article %s failed: %s", request.url, failure.getErrorMessage())

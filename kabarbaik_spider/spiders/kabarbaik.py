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

from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.article import ArticleParser, continuation_urls
from kabarbaik_spider.pages.listing import Card, parse_listing

DEFAULT_START_URL = "https://kabarbaik.co/"
GONE = (404, 410)


class KabarbaikSpider(scrapy.Spider):
    """Crawls a listing of kabarbaik.co (home, a category or page N) to the end of the feed.

    Arguments: ``start_url`` (any listing page; its host is the allowed domain),
    ``max_pages`` (listing pages at most), ``since`` (``YYYY-MM-DD``: skip older
    cards, stop paginating at a page that holds only older ones).
    """

    name = "kabarbaik"

    def __init__(
        self,
        start_url: str = DEFAULT_START_URL,
        max_pages: str | int | None = None,
        since: str | None = None,
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

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self.listing_request(self.start_url, page=1)

    def listing_request(self, url: str, page: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed, cb_kwargs={"page": page})

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        self.crawler.stats.inc_value("kabarbaik/listing_pages")
        listing = parse_listing(response.text, response.url)
        for name in listing.fallbacks:
            self.crawler.stats.inc_value(f"kabarbaik/fallback/listing_{name}")
        wanted = [card for card in listing.cards if not self.too_old(card)]
        for card in wanted:
            yield scrapy.Request(card.url, callback=self.parse_article, errback=self.article_failed)
        end = self.end_of_feed(listing.next_url, len(listing.cards), len(wanted), page)
        if end:
            self.logger.info("Feed ends at %s (page %d): %s", response.url, page, end)
        else:
            yield self.listing_request(listing.next_url, page + 1)

    def end_of_feed(self, next_url: str | None, cards: int, wanted: int, page: int) -> str | None:
        """Why pagination stops after this page, or None to go on."""
        if not cards:
            return "no cards"
        if not next_url:
            return "no next link"
        if not wanted:
            return f"every card is older than since={self.since}"
        if self.max_pages is not None and page >= self.max_pages:
            return f"max_pages={self.max_pages} reached"
        return None

    def too_old(self, card: Card) -> bool:
        return bool(self.since and card.date and date.fromisoformat(card.date[:10]) < self.since)

    def parse_article(
        self, response: Response, pages: tuple[tuple[str, str], ...] = (), todo: tuple[str, ...] | None = None
    ) -> Iterator[scrapy.Request | Article]:
        """Follows ``/slug/2/``, ``/slug/3/`` in order, then builds one item from all pages."""
        pages = (*pages, (response.text, response.url))
        if todo is None:
            todo = tuple(continuation_urls(response.text, response.url))
        if todo:
            yield scrapy.Request(
                todo[0],
                callback=self.parse_article,
                errback=self.article_failed,
                cb_kwargs={"pages": pages, "todo": todo[1:]},
            )
            return
        (first_html, first_url), *more = pages
        parser = ArticleParser(first_html, first_url, more)
        article = parser.article()
        for name in parser.fallbacks:
            self.crawler.stats.inc_value(f"kabarbaik/fallback/{name}")
        yield article

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE and request.cb_kwargs.get("page", 1) > 1:
            self.logger.info("Feed ends at %s: HTTP %d", request.url, status)
            return
        self.crawler.stats.inc_value("kabarbaik/listing_failed")
        self.logger.error("Listing page %s failed: %s", request.url, failure.getErrorMessage())

    def article_failed(self, failure: Failure) -> None:
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE:
            self.crawler.stats.inc_value("kabarbaik/article_gone")
            self.logger.warning("Listed article is gone (HTTP %d): %s", status, request.url)
            return
        self.crawler.stats.inc_value("kabarbaik/article_failed")
        self.logger.error("Article %s failed: %s", request.url, failure.getErrorMessage())

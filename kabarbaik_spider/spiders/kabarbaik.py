"""Navigation only: listing pages, the next page, article pages and their continuations.

Parsing lives in :mod:`kabarbaik_spider.pages`; checking, deduplicating and
storing in the pipelines. The spider keeps the walk's ledger: every listing
page and article it asks for ends in its callback or a counted failure with a
reason, so that no request can vanish (a redirect off the site or in a loop,
a duplicate filtered by Scrapy) while the run reports success.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date
from functools import cached_property
from math import ceil
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.url import url_is_from_any_domain
from twisted.python.failure import Failure

from kabarbaik_spider.extensions import crawl_store, stop_for_store_failure
from kabarbaik_spider.items import Article
from kabarbaik_spider.middlewares import ASKED, GIVE_UP_REASON
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.listing import Card, Listing, parse_listing
from kabarbaik_spider.store import JsonlStore, StoreWriteError

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

DEFAULT_START_URL = "https://kabarbaik.co/"
GONE = (404, 410)
CARDS_PER_PAGE = 10
TRUE, FALSE = ("1", "true", "yes"), ("0", "false", "no", "")

# Every argument the spider takes, and what it accepts (said in the one-line error for a bad value).
ARGUMENTS = {
    "start_url": "an http(s) URL of a listing page, e.g. https://kabarbaik.co/category/ekonomi/",
    "max_pages": "a whole number of listing pages, 1 or more",
    "since": "a day as YYYY-MM-DD, e.g. 2025-05-01",
    "full": "1 or 0 (also true/false, yes/no)",
}
SCHEDULER_ARGUMENTS = ("_job",)  # scrapyd adds its job id to every run
# Errors that come without a message: what they mean.
SILENT_ERRORS = {
    "ResponseDataLossError": "the connection closed before the whole body (its Content-Length) arrived",
}


class BadArgumentError(ValueError):
    """A spider argument (``-a``) that cannot be used; the message is one line naming it."""


def read_arguments(given: Mapping[str, Any]) -> dict[str, Any]:
    """The spider's arguments, checked and typed; :class:`BadArgumentError` names the first bad one."""
    unknown = sorted(set(given) - set(ARGUMENTS) - set(SCHEDULER_ARGUMENTS))
    if unknown:
        raise BadArgumentError(f"unknown argument -a {unknown[0]}=…; the arguments are: {', '.join(ARGUMENTS)}")

    def bad(name: str) -> BadArgumentError:
        return BadArgumentError(f"bad value -a {name}={given[name]!r}: expected {ARGUMENTS[name]}")

    start_url = str(given.get("start_url", DEFAULT_START_URL))
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad("start_url")
    max_pages = given.get("max_pages")
    if max_pages not in (None, ""):
        if not str(max_pages).strip().isdigit() or int(max_pages) < 1:
            raise bad("max_pages")
        max_pages = int(max_pages)
    else:
        max_pages = None
    since = given.get("since") or None
    if since is not None:
        try:
            since = date.fromisoformat(str(since))
        except ValueError:
            raise bad("since") from None
    full = str(given.get("full", "")).strip().lower()
    if full not in TRUE + FALSE:
        raise bad("full")
    return {"start_url": start_url, "max_pages": max_pages, "since": since, "full": full in TRUE}


def describe_failure(failure: Failure) -> str:
    """A reason that says something, for the log and runs.jsonl (some failures have no message)."""
    request = getattr(failure, "request", None)
    given = request.meta.get(GIVE_UP_REASON) if request is not None else None
    if given:
        return given
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return describe_error(failure.value)


def describe_error(error: BaseException) -> str:
    """``Name: message``, with the reasons twisted wraps in a list (``ResponseFailed``) read out."""
    name = type(error).__name__
    inner = getattr(error.__cause__, "reasons", None) or getattr(error, "reasons", None)
    if name in SILENT_ERRORS:
        message = SILENT_ERRORS[name]
    elif inner:
        message = "; ".join(describe_error(reason.value) for reason in inner)
    else:
        message = " ".join(str(error).split()) or SILENT_ERRORS.get(name, "")
    return f"{name}: {message[:300]}" if message else name


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
    check_arguments = staticmethod(read_arguments)  # our crawl command checks them before it touches anything

    def __init__(self, **kwargs: Any) -> None:
        arguments = read_arguments({key: value for key, value in kwargs.items() if key in ARGUMENTS})
        super().__init__(**{key: value for key, value in kwargs.items() if key not in ARGUMENTS})
        self.start_url: str = arguments["start_url"]
        self.allowed_domains = [urlsplit(self.start_url).hostname]
        self.max_pages: int | None = arguments["max_pages"]
        self.since: date | None = arguments["since"]
        self.full: bool = arguments["full"]
        self.arguments = {**arguments, "since": kwargs.get("since") or None}
        self.listed: set[str] = set()  # card URLs listed in this run, to see a feed that repeats itself
        self.walked: set[str] = set()  # listing URLs read in this run, to see a next link that loops back
        self.listing_failures: dict[str, str] = {}  # listing URL → why it failed
        self.vanished: dict[str, str] = {}  # ledger key → what became of it, for requests Scrapy drops silently

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    # -- the walk's ledger ---------------------------------------------------

    @cached_property
    def walk(self) -> dict[str, Any]:
        """What this walk asked for and how it ended; kept in ``spider.state`` so a JOBDIR resume continues it."""
        state = getattr(self, "state", {})  # SpiderState sets it when JOBDIR is on
        walk = state.setdefault("walk", {})
        walk.setdefault("asked", {})  # ledger key → kind ("listing" or "article"), until answered
        walk.setdefault("end", None)  # why the walk stopped
        walk.setdefault("complete", False)  # it reached the end of the feed
        walk.setdefault("pages", 0)  # listing pages read
        return walk

    def ask(self, kind: str, url: str, callback: Any, errback: Any, **cb_kwargs: Any) -> scrapy.Request:
        key = cb_kwargs.get("pages", ((None, url),))[0][1] if kind == "article" else url
        self.walk["asked"][key] = kind
        return scrapy.Request(url, callback=callback, errback=errback, cb_kwargs=cb_kwargs, meta={ASKED: key})

    def answered(self, request: scrapy.Request) -> None:
        self.walk["asked"].pop(request.meta.get(ASKED), None)

    def request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Scrapy's scheduler refused one of our requests (a duplicate): it ends here, as a failure."""
        kind = self.walk["asked"].get(request.meta.get(ASKED))
        if kind is None:
            return
        reason = f"Scrapy dropped {request.url} as a request already made (a redirect loop?)"
        self.fail(kind, request.meta[ASKED], reason)

    def request_scheduled(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Notes a redirect off the site: Scrapy's offsite filter drops it without a callback or an errback."""
        key = request.meta.get(ASKED)
        if key in self.walk["asked"] and not url_is_from_any_domain(request.url, self.allowed_domains):
            self.vanished[key] = f"redirected off the site, to {request.url}"

    def close_ledger(self) -> None:
        """At the end of a finished run, what got neither a callback nor an errback vanished: a named failure."""
        for key, kind in list(self.walk["asked"].items()):
            self.fail(kind, key, self.vanished.get(key, "no answer: the request vanished (filtered by Scrapy)"))

    def fail(self, kind: str, url: str, reason: str) -> None:
        (self.fail_listing if kind == "listing" else self.fail_article)(url, reason)

    @property
    def store(self) -> JsonlStore:
        return crawl_store(self.crawler)

    @cached_property
    def listing_pages_limit(self) -> int:
        """How many listing pages this run may read: grows with the store, so a backfill goes on run by run."""
        if self.max_pages is not None:
            return self.max_pages
        least = self.settings.getint("KABARBAIK_LISTING_PAGES_MIN")
        return least + 2 * ceil(len(self.store) / CARDS_PER_PAGE)

    # -- navigation ----------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.walk["complete"] and not self.walk["asked"]:  # a resumed JOBDIR whose walk had ended
            return
        if not self.walk["pages"] and self.start_url not in self.walk["asked"]:  # else a JOBDIR queue holds it
            yield self.listing_request(self.start_url, page=1)
        for url in list(self.store.pending):  # articles that failed in an earlier run
            if not self.store.has(url) and url not in self.walk["asked"]:
                self.listed.add(url)
                yield self.article_request(url)

    def listing_request(self, url: str, page: int) -> scrapy.Request:
        return self.ask("listing", url, self.parse_listing, self.listing_failed, page=page)

    def article_request(self, url: str, **cb_kwargs: Any) -> scrapy.Request:
        return self.ask("article", url, self.parse_article, self.article_failed, **cb_kwargs)

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        self.answered(response.request)
        stats = self.crawler.stats
        stats.inc_value("kabarbaik/requests/listing")
        self.walk["pages"] += 1
        self.walked.add(response.url)
        listing = parse_listing(response.text, response.url)
        stats.inc_value("kabarbaik/cards", len(listing.cards))
        for name in listing.fallbacks:
            stats.inc_value(f"kabarbaik/fallback/listing_{name}")
        problem = self.not_a_feed_page(listing, page)
        if problem:
            self.fail_listing(response.request.meta[ASKED], problem)
            return
        recent = [card for card in listing.cards if not self.too_old(card)]
        for card in recent:
            if card.url in self.listed:  # shown again on this page (posts published during the walk)
                continue
            if self.store.has(card.url, card.post_id) or (self.store.given_up(card.url) and not self.full):
                stats.inc_value("kabarbaik/known_skipped")
            else:
                yield self.article_request(card.url)
        self.listed.update(card.url for card in listing.cards)
        end, complete = self.end_of_feed(listing, len(recent), page)
        if end:
            self.end_walk(response.url, page, end, complete)
        elif listing.next_url in self.walked:
            self.fail_listing(
                response.meta[ASKED], f"its next link points back to a page already read: {listing.next_url}"
            )
        elif self.walk["pages"] >= self.listing_pages_limit:
            self.fail_listing(
                response.meta[ASKED],
                f"the walk reached this run's limit of {self.listing_pages_limit} listing pages before the feed ended"
                " (the limit grows with the store: run again, or pass -a max_pages)",
            )
        else:
            yield self.listing_request(listing.next_url, page + 1)

    def not_a_feed_page(self, listing: Listing, page: int) -> str | None:
        """Why this answer cannot be a page of the feed (None when it can).

        A page without cards is the end of the feed only when it is a real
        listing page with no next link (an empty site, or a page past the end);
        a maintenance page, a bot challenge or an empty body is a failure.
        """
        if not listing.cards and not (listing.is_listing_page and not listing.next_url):
            return f"page {page} has no cards and is not a listing page (a maintenance or challenge page?)"
        if page > 1 and listing.cards and all(card.url in self.listed for card in listing.cards):
            return f"page {page} repeats only cards already listed in this run (a feed that loops?)"
        return None

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

    def end_walk(self, url: str, page: int, end: str, complete: bool) -> None:
        self.logger.info("Feed ends at %s (page %d): %s", url, page, end)
        self.walk["end"], self.walk["complete"] = end, complete

    def too_old(self, card: Card) -> bool:
        return bool(self.since and card.date and date.fromisoformat(card.date[:10]) < self.since)

    def parse_article(
        self, response: Response, pages: tuple[tuple[str, str], ...] = (), todo: tuple[str, ...] = ()
    ) -> Iterator[scrapy.Request | Article]:
        """Follows ``/slug/2/``, ``/slug/3/`` in order, then builds one item from all pages."""
        if not pages:  # the first page: it says which pages follow
            self.crawler.stats.inc_value("kabarbaik/requests/article")
            parser = ArticleParser(response.text, response.url)
            if not parser.is_article_page():
                self.fail_article(response.meta[ASKED], "the page is not an article (a maintenance or challenge page?)")
                return
            todo = tuple(parser.continuation_urls())
        pages = (*pages, (response.text, response.url))
        if todo:  # page HTML rides along in cb_kwargs: plain strings, so a JOBDIR can keep them
            yield self.article_request(todo[0], pages=pages, todo=todo[1:])
            return
        if len(pages) > 1:
            (first_html, first_url), *more = pages
            parser = ArticleParser(first_html, first_url, more)
        article = parser.article()
        self.answered(response.request)
        for name in parser.fallbacks:
            self.crawler.stats.inc_value(f"kabarbaik/fallback/{name}")
        for name, error in parser.errors.items():
            self.crawler.stats.inc_value(f"kabarbaik/parser_error/{name}")
            self.logger.warning("Parsing %s of %s failed, the key is left empty: %s", name, response.url, error)
        yield article

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        self.answered(request)
        self.crawler.stats.inc_value("kabarbaik/requests/listing")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE and request.cb_kwargs.get("page", 1) > 1:
            self.end_walk(request.url, request.cb_kwargs["page"], f"HTTP {status} for the next page", True)
            return
        self.fail_listing(request.meta[ASKED], describe_failure(failure))

    def fail_listing(self, url: str, reason: str) -> None:
        """A listing page that could not be read: the walk did not reach the end, the run fails (exit 3)."""
        self.walk["asked"].pop(url, None)
        self.listing_failures[url] = reason
        self.crawler.stats.inc_value("kabarbaik/listing_failed")
        self.logger.error("Listing page %s failed: %s", url, reason)

    def article_failed(self, failure: Failure) -> None:
        request = failure.request
        if "pages" not in request.cb_kwargs:
            self.crawler.stats.inc_value("kabarbaik/requests/article")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE and "pages" not in request.cb_kwargs:
            self.answered(request)
            self.crawler.stats.inc_value("kabarbaik/article_gone")
            self.logger.warning("Listed article is gone (HTTP %d): %s", status, request.url)
            try:
                self.store.mark_gone(request.url, status)
            except StoreWriteError as error:
                stop_for_store_failure(self.crawler, error)
            return
        reason = describe_failure(failure)
        first_page = request.meta[ASKED]
        self.fail_article(first_page, reason if request.url == first_page else f"{reason} at {request.url}")

    def fail_article(self, url: str, reason: str) -> None:
        """A listed article that could not be fetched: counted, named, and retried first by the next runs."""
        self.walk["asked"].pop(url, None)
        self.store.retry_later(url, reason)
        self.crawler.stats.inc_value("kabarbaik/article_failed")
        self.logger.error("Article %s failed: %s", url, reason)

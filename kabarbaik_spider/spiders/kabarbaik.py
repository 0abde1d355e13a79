"""Navigation only: listing pages, the next page, article pages and their continuations.

Parsing lives in :mod:`kabarbaik_spider.pages`; checking, deduplicating and
storing in the pipelines. The spider keeps the walk's ledger: every listing
page and article it asks for ends in its callback or a counted failure with a
reason, so that no request can vanish (a redirect off the site or in a loop,
a duplicate filtered by Scrapy) while the run reports success.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date
from functools import cached_property
from math import ceil
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from kabarbaik_spider.extensions import crawl_store, stop_for_store_failure
from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.api import ApiPost, read_posts
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.listing import Card, Listing, parse_listing
from kabarbaik_spider.pages.sources import FieldReader
from kabarbaik_spider.spiders.answers import api_answer, api_code, describe_failure, is_post_url, on_site, read_sitemap
from kabarbaik_spider.spiders.arguments import ARGUMENTS, read_arguments
from kabarbaik_spider.store import JsonlStore, StoreWriteError

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

GONE = (404, 410)
ASKED = "kabarbaik_asked"  # request meta: the ledger key of the listing page or article a request serves
CARDS_PER_PAGE = 10
API_POSTS = "/wp-json/wp/v2/posts"
API_CLOSED = (401, 403, 404)  # a security plugin, the API switched off, or no WordPress API at all
API_PAST_THE_END = "rest_post_invalid_page_number"
SITEMAP_FALLBACKS = ("/sitemap_index.xml", "/wp-sitemap.xml")  # Yoast's, then WordPress core's
POST_SITEMAP = re.compile(r"/(?:post-sitemap\d*\.xml|wp-sitemap-posts-post-\d+\.xml)(?:\.gz)?$")


class KabarbaikSpider(scrapy.Spider):
    """Crawls kabarbaik.co through one channel to the end of its feed, and every article it lists.

    ``via=listing`` (the default) walks a listing (home, a category or page N);
    ``via=api`` walks WordPress's REST API, 100 posts a request, items from the
    records alone; ``via=sitemap`` reads the post sitemaps. The arguments are
    in :mod:`kabarbaik_spider.spiders.arguments`.

    Incremental by default: articles the store knows are not requested, and
    the walk stops at the first listing (or API) page whose cards the store has
    all settled (see :class:`kabarbaik_spider.store.JsonlStore`).
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
        self.via: str = arguments["via"]
        self.crosscheck: bool = arguments["crosscheck"] and self.via != "api"
        parts = urlsplit(self.start_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.api_note: str | None = None  # how the REST API answered, when this run asked it
        self.api_items = 0  # items built from API records (they carry no views)
        self.sitemaps_walked: dict[str, str | None] = {}  # post sitemap URL → its lastmod, read whole in this run
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
        if key in self.walk["asked"] and not on_site(request.url, self.allowed_domains):
            self.vanished[key] = f"redirected off the site, to {request.url}"

    def close_ledger(self) -> None:
        """At the end of a finished run, what got neither a callback nor an errback vanished: a named failure."""
        for key, kind in list(self.walk["asked"].items()):
            self.fail(kind, key, self.vanished.get(key, "no answer: the request vanished (filtered by Scrapy)"))

    def fail(self, kind: str, url: str, reason: str) -> None:
        (self.fail_listing if kind == "listing" else self.fail_article)(url, reason)

    @property
    def keys_not_read(self) -> frozenset[str]:
        """Keys this run's channel cannot give: the REST API has no view counter."""
        return frozenset({"views"}) if self.api_items else frozenset()

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
        if not self.walk["pages"] and "listing" not in self.walk["asked"].values():  # else a JOBDIR queue holds it
            yield self.first_request()
        for url in list(self.store.pending):  # articles that failed in an earlier run
            if not self.store.has(url) and url not in self.walk["asked"]:
                self.listed.add(url)
                yield self.article_request(url)

    def first_request(self) -> scrapy.Request:
        """The walk's first request, by channel: the listing's start page, the API's first page, or robots.txt."""
        if self.via == "api":
            return self.api_request(1)
        if self.via == "sitemap":
            return self.ask("listing", f"{self.origin}/robots.txt", self.parse_robots, self.robots_failed)
        return self.listing_request(self.start_url, page=1)

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
        yield self.counted(parser, article, response.url)

    def counted(self, reader: FieldReader, article: Article, source: str) -> Article:
        """The item, after counting the source of each key, the keys below the theme and the errors met."""
        stats = self.crawler.stats
        for key, name in reader.sources.items():
            stats.inc_value(f"kabarbaik/source/{key}/{name}")
        for key in reader.fallbacks:
            stats.inc_value(f"kabarbaik/fallback/{key}")
        for key, error in reader.errors.items():
            stats.inc_value(f"kabarbaik/parser_error/{key}")
            self.logger.warning("Reading %s of %s failed: %s", key, source, error)
        return article

    # -- the REST API: 100 posts a request, no theme -------------------------

    def api_request(self, page: int) -> scrapy.Request:
        size = self.settings.getint("KABARBAIK_API_PAGE_SIZE")
        url = f"{self.origin}{API_POSTS}?per_page={size}&_embed=1&page={page}"
        return self.ask("listing", url, self.parse_api_page, self.api_failed, page=page)

    def parse_api_page(self, response: Response, page: int) -> Iterator[scrapy.Request | Article]:
        self.answered(response.request)
        self.crawler.stats.inc_value("kabarbaik/requests/api")
        posts = read_posts(response.body)
        if posts is None:
            yield from self.api_unusable(
                response.request, page, f"an answer that is not a list of posts ({api_answer(response)})"
            )
            return
        self.walk["pages"] += 1
        self.api_note = self.api_note or "used"
        posts = [post for post in posts if isinstance(post, dict)]
        for post in posts:
            reader = ApiPost(post)
            url, post_id = reader.field("url"), reader.field("post_id")
            if url in self.listed or (
                url is not None and (self.store.has(url, post_id) or (self.store.given_up(url) and not self.full))
            ):
                self.crawler.stats.inc_value("kabarbaik/known_skipped")
                continue
            self.listed.add(url)
            self.api_items += 1
            yield self.counted(reader, reader.article(), response.url)
        pages = response.headers.get("X-WP-TotalPages")
        if not posts:
            self.end_walk(response.url, page, "the API has no more posts", True)
        elif pages is not None and pages.isdigit() and page >= int(pages):
            self.end_walk(response.url, page, "the API's last page (X-WP-TotalPages)", True)
        elif not self.full and all(self.store.settled(str(post.get("link")), post.get("id")) for post in posts):
            self.end_walk(response.url, page, "every post on this API page is already stored", True)
        elif self.max_pages is not None and page >= self.max_pages:
            self.end_walk(response.url, page, f"max_pages={self.max_pages} reached", False)
        else:
            yield self.api_request(page + 1)

    def api_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request, page = failure.request, failure.request.cb_kwargs["page"]
        self.answered(request)
        self.crawler.stats.inc_value("kabarbaik/requests/api")
        response = failure.value.response if failure.check(HttpError) else None
        if response is not None and response.status == 400 and api_code(response) == API_PAST_THE_END and page > 1:
            self.end_walk(request.url, page, "past the API's last page (rest_post_invalid_page_number)", True)
            return
        if response is not None and response.status in API_CLOSED:
            yield from self.api_unusable(request, page, f"HTTP {response.status} {api_code(response) or ''}".strip())
            return
        self.fail_listing(request.meta[ASKED], describe_failure(failure))

    def api_unusable(self, request: scrapy.Request, page: int, what: str) -> Iterator[scrapy.Request]:
        """The API is closed or answers nonsense: on its first page, the run walks the HTML listing instead."""
        if page > 1:
            self.fail_listing(request.meta[ASKED], f"the REST API answered with {what}")
            return
        self.api_note = f"closed: {what}; walked the HTML listing instead"
        self.logger.warning("The REST API at %s is closed (%s); walking the HTML listing instead", request.url, what)
        self.crosscheck = False
        yield self.listing_request(self.start_url, page=1)

    # -- the sitemaps: every post URL, no listing ----------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        self.answered(response.request)
        yield from self.sitemap_requests(list(sitemap_urls_from_robots(response.body, base_url=response.url)))

    def robots_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.answered(failure.request)
        yield from self.sitemap_requests([])

    def sitemap_requests(self, named: list[str]) -> Iterator[scrapy.Request]:
        """Every sitemap robots.txt names; without one, the usual places, each tried when the one before fails."""
        if named:
            yield from (self.sitemap_request(url) for url in named)
        else:
            first, *rest = (self.origin + path for path in SITEMAP_FALLBACKS)
            yield self.sitemap_request(first, fallbacks=tuple(rest))

    def sitemap_request(self, url: str, lastmod: str | None = None, fallbacks: tuple[str, ...] = ()) -> scrapy.Request:
        return self.ask("listing", url, self.parse_sitemap, self.sitemap_failed, lastmod=lastmod, fallbacks=fallbacks)

    def parse_sitemap(
        self, response: Response, lastmod: str | None, fallbacks: tuple[str, ...] = ()
    ) -> Iterator[scrapy.Request]:
        self.answered(response.request)
        self.crawler.stats.inc_value("kabarbaik/requests/sitemap")
        sitemap = read_sitemap(response)
        if sitemap is None:
            self.fail_listing(response.meta[ASKED], f"not a sitemap ({api_answer(response)})")
            return
        self.walk["pages"] += 1
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                url = entry.get("loc", "")
                if not POST_SITEMAP.search(urlsplit(url).path) or not on_site(url, self.allowed_domains):
                    continue
                if not self.full and self.store.sitemap_unchanged(url, entry.get("lastmod")):
                    self.crawler.stats.inc_value("kabarbaik/sitemap_unchanged")
                    continue
                yield self.sitemap_request(url, lastmod=entry.get("lastmod"))
        else:
            for entry in sitemap:
                url = entry.get("loc", "")
                if not is_post_url(url, self.allowed_domains) or url in self.listed:
                    continue
                self.listed.add(url)
                if self.store.has(url) or (self.store.given_up(url) and not self.full):
                    self.crawler.stats.inc_value("kabarbaik/known_skipped")
                else:
                    yield self.article_request(url)
            self.sitemaps_walked[response.meta[ASKED]] = lastmod
        if "listing" not in self.walk["asked"].values() and not self.listing_failures:  # no sitemap left to read
            self.end_walk(response.url, self.walk["pages"], "every post sitemap was read", True)

    def sitemap_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        request = failure.request
        self.answered(request)
        fallbacks = request.cb_kwargs.get("fallbacks", ())
        if fallbacks:
            yield self.sitemap_request(fallbacks[0], fallbacks=fallbacks[1:])
            return
        self.fail_listing(request.meta[ASKED], describe_failure(failure))

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

"""Navigation only: the walk of one channel, the articles it finds, and their continuation pages.

Finding posts is the channels' job (:mod:`kabarbaik_spider.channels`),
parsing the pages' (:mod:`kabarbaik_spider.pages`), checking, deduplicating and
storing the pipelines'. The spider asks for what the channel and the store
say, and keeps the walk's ledger (:class:`kabarbaik_spider.walk.Walk`): every
request ends in its callback or a named failure, so that no request can
vanish (a redirect off the site or in a loop, a duplicate filtered by Scrapy)
while the run reports success.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from functools import cached_property
from math import ceil
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from kabarbaik_spider.channels import Answer, Ask, Channel, Forgetful, Options, channel_for
from kabarbaik_spider.channels.listing import GONE
from kabarbaik_spider.channels.rest_api import BATCH, answered_elsewhere, modified_since
from kabarbaik_spider.crawl_store import stop_for_store_failure, store_of
from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.api import ApiPost, read_posts
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.sources import FieldReader
from kabarbaik_spider.parsing import PageReader, PageReadError, Reading, reader_for
from kabarbaik_spider.records import Built, Held, WordPressRecords
from kabarbaik_spider.spiders.answers import api_answer, describe_failure, on_site
from kabarbaik_spider.spiders.arguments import ARGUMENTS, read_arguments
from kabarbaik_spider.store import StoreWriteError
from kabarbaik_spider.walk import ARTICLE, CHANGES, CONFIRM, RECORDS, VIEWS, Walk, keep_walk

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from kabarbaik_spider.store import JsonlStore

ASKED = "kabarbaik_asked"  # request meta: the ledger key of the channel page or article a request serves
CARDS_PER_PAGE = 10
CHANGES_PAGES = 10  # pages of edited posts one run reads at most (100 a page); the rest the next run
PAGE_NAMES = {"listing": "Listing page", "api": "REST API page", "sitemap": "Sitemap page"}  # for the log


class KabarbaikSpider(scrapy.Spider):
    """Crawls kabarbaik.co through one channel to the end of its feed, and every article it finds.

    ``via=listing`` (the default) walks a listing (home, a category or page N);
    ``via=api`` walks WordPress's REST API, items from the records alone;
    ``via=sitemap`` reads the post sitemaps. The arguments are in
    :mod:`kabarbaik_spider.spiders.arguments`.

    Incremental by default: posts the store holds are not requested, and the
    walk stops at the first page whose posts the store has all settled (see
    :class:`kabarbaik_spider.store.JsonlStore`). Without a store (``scrapy
    parse``, ``scrapy shell``, a script) every post is new.
    """

    name = "kabarbaik"
    check_arguments = staticmethod(read_arguments)  # our crawl command checks them before it touches anything

    def __init__(self, **kwargs: Any) -> None:
        arguments = read_arguments({key: value for key, value in kwargs.items() if key in ARGUMENTS})
        super().__init__(**{key: value for key, value in kwargs.items() if key not in ARGUMENTS})
        self.arguments = arguments
        self.allowed_domains = [urlsplit(arguments["start_url"]).hostname]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    @cached_property
    def walk(self) -> Walk:
        """This run's walk, kept in ``spider.state`` (Scrapy's SpiderState keeps it in a JOBDIR)."""
        parts = urlsplit(self.arguments["start_url"])
        shown = {**self.arguments, "since": str(self.arguments["since"]) if self.arguments["since"] else None}
        walk = Walk(
            origin=f"{parts.scheme}://{parts.netloc}",
            channel=self.arguments["via"],
            arguments=shown,
            # WordPress's records make the items of a crawl with a store; `scrapy parse` shows the page's own item.
            crosscheck=self.arguments["crosscheck"] and self.arguments["via"] != "api" and self.store is not None,
        )
        if not isinstance(getattr(self, "state", None), dict):
            self.state = {}
        return keep_walk(self.state, walk)

    @property
    def store(self) -> JsonlStore | None:
        return store_of(self.crawler)

    @cached_property
    def options(self) -> Options:
        store, settings = self.store, self.settings
        least = settings.getint("KABARBAIK_LISTING_PAGES_MIN")
        return Options(
            start_url=self.arguments["start_url"],
            origin=self.walk.origin,
            full=self.arguments["full"],
            since=self.arguments["since"],
            max_pages=self.arguments["max_pages"],
            listing_pages_limit=least + 2 * ceil((len(store) if store else 0) / CARDS_PER_PAGE),
            api_page_size=settings.getint("KABARBAIK_API_PAGE_SIZE"),
        )

    @cached_property
    def records(self) -> WordPressRecords:
        return WordPressRecords(self.walk, self.settings.getint("KABARBAIK_RECORDS_BATCH"), self.learned)

    @cached_property
    def learned(self) -> dict[str, str]:
        """The site's selectors learned from WordPress's records (the store remembers them); none without a store."""
        return self.store.learned.serving() if self.store is not None else {}

    @cached_property
    def channel(self) -> Channel:
        return self.channel_named(self.walk.channel)

    def channel_named(self, name: str) -> Channel:
        return channel_for(name, self.walk, self.store or Forgetful(), self.options)

    # -- the walk's ledger ---------------------------------------------------

    def ask(self, kind: str, key: str, url: str, callback: Any, errback: Any, **cb_kwargs: Any) -> scrapy.Request:
        self.walk.ask(kind, key)
        return scrapy.Request(url, callback=callback, errback=errback, cb_kwargs=cb_kwargs, meta={ASKED: key})

    def answered(self, request: scrapy.Request) -> None:
        self.walk.answered(request.meta.get(ASKED))

    def request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Scrapy's scheduler refused one of our requests (a duplicate): it ends here, as a failure."""
        kind = self.walk.asked.get(request.meta.get(ASKED))
        if kind is not None:
            self.fail(kind, request.meta[ASKED], f"Scrapy dropped {request.url} as a request already made (a loop?)")

    def request_scheduled(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Notes a redirect off the site: Scrapy's offsite filter drops it without a callback or an errback."""
        key = request.meta.get(ASKED)
        if key in self.walk.asked and not on_site(request.url, self.allowed_domains):
            self.walk.vanished[key] = f"redirected off the site, to {request.url}"

    def closed(self, reason: str) -> None:
        """At the end of a finished run, what got neither a callback nor an errback vanished: a named failure.

        Scrapy calls this before any extension hears ``spider_closed``, so the
        run report sees the ledger closed. Without a store there is no run to
        judge, and ``scrapy parse`` leaves every request it shows unanswered.
        """
        if "page_reader" in vars(self):
            self.page_reader.close()
        if reason != "finished" or "walk" not in vars(self) or self.store is None:
            return  # without a store nobody judges the run (`scrapy parse` follows nothing it is shown)
        for key, kind in list(self.walk.asked.items()):
            self.fail(kind, key, self.walk.vanished.get(key, "no answer: the request vanished (filtered by Scrapy)"))

    def fail(self, kind: str, key: str, reason: str) -> None:
        (self.fail_article if kind == ARTICLE else self.fail_page)(key, reason)

    def fail_page(self, url: str, reason: str) -> None:
        """A page of the channel that could not be read: the walk did not reach the end, the run fails (exit 3)."""
        self.walk.failed(url, reason)
        self.crawler.stats.inc_value("kabarbaik/listing_failed")
        self.logger.error("%s %s failed: %s", PAGE_NAMES.get(self.walk.channel, "Page"), url, reason)

    def fail_article(self, url: str, reason: str) -> None:
        """A found article that could not be fetched: counted, named, and retried first by the next runs."""
        self.walk.answered(url)
        if self.store is not None:
            self.store.retry_later(url, reason)
        self.crawler.stats.inc_value("kabarbaik/article_failed")
        self.logger.error("Article %s failed: %s", url, reason)

    # -- the channel ---------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        walk = self.walk
        if walk.complete and not walk.asked:  # a resumed JOBDIR whose walk had ended
            return
        if not walk.pages and not walk.pages_outstanding():  # else a resumed JOBDIR's queue holds them
            for ask in self.channel.first():
                yield self.page_request(ask)
            mark = self.store.modified_mark if self.store is not None else None
            if mark and (walk.crosscheck or walk.channel == "api"):  # edits since the last settled run
                walk.changes.since = mark
                yield self.changes_request(1)
            elif self.store is not None and len(self.store) and walk.channel != "sitemap":  # it reads <lastmod>
                walk.changes.cannot_see = (
                    "-a crosscheck=0: the REST API is not asked"
                    if not walk.crosscheck and walk.channel != "api"
                    else "no settled run has read WordPress's records yet"
                )
        for url in self.store.to_fetch_first() if self.store is not None else ():  # failed before, or lost
            if url not in walk.asked:
                walk.listed.add(url)
                yield self.article_request(url)
        if self.store is not None and not walk.pages:  # recent articles whose counter is due a reading
            ages = [int(age) for age in self.settings.getlist("KABARBAIK_VIEWS_AGES")]
            for url, age in self.store.views_due(ages, self.settings.getint("KABARBAIK_VIEWS_PER_RUN")):
                yield self.ask(VIEWS, url, url, self.parse_views, self.views_failed, age=age)

    def page_request(self, ask: Ask) -> scrapy.Request:
        """A page of the channel; its ``Ask`` rides in ``cb_kwargs`` (a frozen dataclass a JOBDIR can keep)."""
        return self.ask(ask.kind, ask.url, ask.url, self.parse_channel_page, self.channel_page_failed, ask=ask)

    def parse_channel_page(self, response: Response, ask: Ask | None = None) -> Iterator[scrapy.Request | Article]:
        """A page of the walk's channel: a listing page, an API page, robots.txt or a sitemap.

        Without ``ask`` (``scrapy parse -c parse_channel_page URL``) the page is
        read as the channel's first.
        """
        ask = ask or Ask(self.channel.first()[0].kind, response.url)
        self.answered(response.request)
        self.crawler.stats.inc_value(f"kabarbaik/requests/{ask.kind}")
        yield from self.follow(ask, self.channel.read(ask, response))

    def channel_page_failed(self, failure: Failure) -> Iterator[scrapy.Request | Article]:
        ask = failure.request.cb_kwargs["ask"]
        self.answered(failure.request)
        self.crawler.stats.inc_value(f"kabarbaik/requests/{ask.kind}")
        yield from self.follow(ask, self.channel.failed(ask, failure))

    def follow(self, ask: Ask, answer: Answer) -> Iterator[scrapy.Request | Article]:
        """Acts on what a page of the channel gave: its new posts, the next pages, the end, or a failure."""
        stats = self.crawler.stats
        for key, count in answer.counts.items():
            stats.inc_value(f"kabarbaik/{key}", count)
        if answer.switch_to:
            yield from self.switch_channel(answer.switch_to, ask, answer.failure or "")
            return
        store = self.store
        for post in answer.posts:
            if store is not None and not store.wants(post.url, post.post_id, self.options.full):
                if post.reader is None and post.modified and store.changed_since(post.url, post.modified):
                    self.walk.changes.changed.append(post.url)  # a sitemap's <lastmod>: read it again
                    yield self.article_request(post.url)
                    continue
                stats.inc_value("kabarbaik/known_skipped")
            elif post.reader is not None:
                yield self.counted(post.reader, post.reader.article(), ask.url)
            else:
                yield self.article_request(post.url)
        if answer.failure:
            self.fail_page(ask.url, answer.failure)
            return
        if answer.end:
            self.logger.info("Feed ends at %s (page %d): %s", ask.url, ask.page, answer.end)
            self.walk.ended(answer.end, answer.complete)
        yield from (self.page_request(next_ask) for next_ask in answer.next)

    def switch_channel(self, name: str, ask: Ask, why: str) -> Iterator[scrapy.Request]:
        """The channel cannot be walked (a closed REST API): walk ``name`` instead, without the cross-check."""
        self.logger.warning("The REST API at %s is closed (%s); walking the HTML %s instead", ask.url, why, name)
        self.walk.channel, self.walk.crosscheck = name, False
        self.walk.records.skipped = f"the REST API is closed ({why})"
        self.channel = self.channel_named(name)
        yield from (self.page_request(first) for first in self.channel.first())

    # -- articles --------------------------------------------------------------

    def article_request(self, url: str, **cb_kwargs: Any) -> scrapy.Request:
        key = cb_kwargs["pages"][0][1] if cb_kwargs.get("pages") else url
        return self.ask(ARTICLE, key, url, self.parse_article, self.article_failed, **cb_kwargs)

    async def parse_article(
        self, response: Response, pages: tuple[tuple[str, str], ...] = (), todo: tuple[str, ...] = ()
    ) -> AsyncIterator[scrapy.Request | Article]:
        """Follows ``/slug/2/``, ``/slug/3/`` in order, then builds one item from all pages."""
        first = not pages
        pages = (*pages, (response.text, response.url))  # page HTML rides along in cb_kwargs: a JOBDIR keeps it
        key = response.meta.get(ASKED, response.url)
        if first:
            self.crawler.stats.inc_value("kabarbaik/requests/article")
        if first or not todo:  # the first page says which pages follow; the last one makes the article
            try:
                reading = await self.page_reader.read(pages, self.learned)
            except PageReadError as error:
                self.fail_article(key, f"the page could not be parsed: {error}")
                return
            if not reading.is_article:
                self.fail_article(key, "the page is not an article (a maintenance or challenge page?)")
                return
            todo = reading.continuation
        if todo:
            yield self.article_request(todo[0], pages=pages, todo=todo[1:])
            return
        article: Article = reading.article  # type: ignore[assignment]
        held = Held(key, pages, article, reading)
        if self.records.active and article.post_id in self.records.known:  # an edited post: its record is here
            post, answer = self.records.known.pop(article.post_id)
            for item in self.release([self.records.built(held, post)], answer):
                yield item
            return
        if self.records.active and isinstance(article.post_id, int):  # its post's record first: hold it
            batch = self.records.hold(held)
            if batch:
                yield self.records_request(batch)
            return
        self.answered(response.request)
        yield self.counted(reading, article, response.url)

    @cached_property
    def page_reader(self) -> PageReader:
        """Where article pages are parsed: a child process on the other core (kabarbaik_spider/parsing.py)."""
        return reader_for(self.settings)

    def counted(
        self, reader: FieldReader | Reading, article: Article, source: str, sources: dict[str, str] | None = None
    ) -> Article:
        """The item, after counting the source of each key, the keys below the theme and the errors met."""
        stats = self.crawler.stats
        sources = reader.sources if sources is None else sources
        for key, name in sources.items():
            stats.inc_value(f"kabarbaik/source/{key}/{name}")
        for key in reader.fallbacks:
            if sources.get(key) == reader.sources.get(key):  # not when WordPress's record gave it
                stats.inc_value(f"kabarbaik/fallback/{key}")
        for key, error in reader.errors.items():
            stats.inc_value(f"kabarbaik/parser_error/{key}")
            self.logger.warning("Reading %s of %s failed: %s", key, source, error)
        return article

    # -- WordPress's records of the new posts: 100 a request -----------------

    def records_request(self, url: str) -> scrapy.Request:
        return self.ask(RECORDS, url, url, self.parse_records, self.records_failed)

    def spider_idle(self, spider: scrapy.Spider) -> None:
        """Before the crawl may end: the records of the posts still held, then, after a full walk, the deletions."""
        url = self.records.batch() if "records" in vars(self) else None
        requests = [self.records_request(url)] if url else self.confirm_deletions() if "walk" in vars(self) else []
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def parse_records(self, response: Response) -> Iterator[scrapy.Request | Article]:
        self.answered(response.request)
        self.crawler.stats.inc_value("kabarbaik/requests/records")
        built = self.records.read(response.meta[ASKED], response)
        if built is None:  # plain permalinks: the same route at ?rest_route=
            yield from self.records_again(response.meta[ASKED])
            return
        yield from self.release(built, response.url)

    def records_again(self, url: str) -> Iterator[scrapy.Request]:
        again = self.records.ask_again(url)
        if again:
            yield self.records_request(again)

    def records_failed(self, failure: Failure) -> Iterator[scrapy.Request | Article]:
        self.answered(failure.request)
        self.crawler.stats.inc_value("kabarbaik/requests/records")
        if answered_elsewhere(self.walk, failure.value.response if failure.check(HttpError) else None):
            yield from self.records_again(failure.request.meta[ASKED])
            return
        yield from self.release(self.records.failed(failure.request.meta[ASKED], describe_failure(failure)))

    def release(self, built: list[Built], records_from: str | None = None) -> Iterator[Article]:
        """The held items, now built: their articles answered, a disagreeing page kept once a key as a fixture.

        ``records_from`` is the answer that gave their records: the walk notes it with each item's pages, so
        the archive can name what an item was built from.
        """
        store = self.store
        for item in built:
            self.walk.answered(item.held.key)
            if item.record is not None and records_from:
                pages = [url for _, url in item.held.pages]
                self.walk.records.built_from[str(item.article.url)] = (pages, records_from)
            new = [key for key in item.differ if key not in self.walk.records.kept]
            if new and store is not None and item.record is not None:
                self.walk.records.kept.update(item.differ)
                self.walk.records.fixtures.append(
                    str(store.keep_side_by_side(item.held.pages, item.record, item.article))
                )
            yield self.counted(item.held.reading, item.article, item.held.pages[0][1], item.sources)

    # -- edits and deletions since the last settled run ------------------------

    def changes_request(self, page: int) -> scrapy.Request:
        url = modified_since(self.walk.origin, self.walk.changes.since or "", page, self.walk.api_root)
        self.walk.changes.requests += 1
        return self.ask(CHANGES, url, url, self.parse_changes, self.changes_failed, page=page)

    def parse_changes(self, response: Response, page: int = 1) -> Iterator[scrapy.Request | Article]:
        """Stored posts WordPress says were modified since the mark: those whose content changed are read again.

        The mark is compared here too, so an API that ignores ``modified_after``
        costs one page, not a walk of every post; and a post whose modified
        time moved but whose record says what the store holds is no edit.
        """
        self.answered(response.request)
        self.crawler.stats.inc_value("kabarbaik/requests/api")
        changes, store = self.walk.changes, self.store
        posts = read_posts(response.body)
        if answered_elsewhere(self.walk, response, posts):
            changes.requests -= 1
            yield self.changes_request(page)
            return
        if posts is None or store is None:
            changes.cannot_see = (
                f"the REST API answered with something that is not a list of posts ({api_answer(response)})"
            )
            changes.complete = False  # the edits since the mark were not seen: the next run asks from it again
            return
        newer = [
            post for post in posts if isinstance(post, dict) and str(post.get("modified_gmt")) > (changes.since or "")
        ]
        for post in newer:
            changes.saw(post.get("modified_gmt"))
            reader = ApiPost(post)
            item = asdict(reader.article())
            known = store.url_of(item["url"], item["post_id"])
            if known is None or known in store.deleted:
                continue  # new, or deleted and back: the walk finds it
            if not store.edits(item):
                changes.unchanged += 1
                continue
            changes.changed.append(known)
            self.walk.listed.add(known)
            if self.walk.channel == "api":
                yield self.counted(reader, reader.article(), response.url)
            else:
                self.records.known[item["post_id"]] = (post, response.url)
                yield self.article_request(known)
        if len(newer) == len(posts) == BATCH:  # a full page, all edited since: there may be more
            if page < CHANGES_PAGES:
                yield self.changes_request(page + 1)
            else:
                changes.complete = False  # the rest next run: the mark stays where it was

    def changes_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.answered(failure.request)
        self.crawler.stats.inc_value("kabarbaik/requests/api")
        page = failure.request.cb_kwargs.get("page", 1)
        if answered_elsewhere(self.walk, failure.value.response if failure.check(HttpError) else None):
            self.walk.changes.requests -= 1
            yield self.changes_request(page)
            return
        self.walk.changes.cannot_see = f"the REST API cannot be read: {describe_failure(failure)}"
        self.walk.changes.complete = False  # the edits since the mark were not seen: the next run asks again

    def confirm_deletions(self) -> list[scrapy.Request]:
        """After a complete walk of everything: the stored posts no channel listed, each asked once."""
        store, changes = self.store, self.walk.changes
        if store is None or changes.deletions_asked or not (self.options.full and self.walk.complete):
            return []
        changes.deletions_asked = True
        unlisted = [url for url in store.live_urls() if url not in self.walk.listed]
        changes.unlisted = len(unlisted)
        return [self.ask(CONFIRM, url, url, self.still_there, self.maybe_deleted) for url in unlisted]

    def still_there(self, response: Response) -> None:
        self.answered(response.request)
        self.crawler.stats.inc_value("kabarbaik/requests/confirm")

    def maybe_deleted(self, failure: Failure) -> None:
        """A 404 or 410 for a stored post no channel lists: deleted on the site, a tombstone says so."""
        request = failure.request
        self.answered(request)
        self.crawler.stats.inc_value("kabarbaik/requests/confirm")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status not in GONE or self.store is None:
            self.logger.warning("Could not confirm whether %s was deleted: %s", request.url, describe_failure(failure))
            self.walk.changes.unconfirmed += 1
            return
        try:
            self.store.tombstone(request.meta[ASKED], status)
        except StoreWriteError as error:
            stop_for_store_failure(self.crawler, error)
            return
        self.walk.changes.deleted.append(request.meta[ASKED])
        self.logger.warning("Stored post deleted on the site (HTTP %d): %s", status, request.url)

    def parse_views(self, response: Response, age: int) -> None:
        """A stored article's page read for its counter alone, at a fixed age: one observation beside the store."""
        self.answered(response.request)
        self.crawler.stats.inc_value("kabarbaik/requests/views")
        parser = ArticleParser(response.text, response.url)
        try:
            self.store.observe_views(response.meta[ASKED], parser.field("post_id"), age, parser.field("views"))
        except StoreWriteError as error:
            stop_for_store_failure(self.crawler, error)
            return
        self.crawler.stats.inc_value("kabarbaik/views_read")

    def views_failed(self, failure: Failure) -> None:
        """A counter not read at its age: said, not retried (a later age still is); the article itself is stored."""
        self.answered(failure.request)
        self.crawler.stats.inc_value("kabarbaik/requests/views")
        self.crawler.stats.inc_value("kabarbaik/views_failed")
        self.logger.warning("Could not read the view counter of %s: %s", failure.request.url, describe_failure(failure))

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
                if self.store is not None:
                    self.store.mark_gone(request.url, status)
            except StoreWriteError as error:
                stop_for_store_failure(self.crawler, error)
            return
        reason = describe_failure(failure)
        first_page = request.meta[ASKED]
        self.fail_article(first_page, reason if request.url == first_page else f"{reason} at {request.url}")

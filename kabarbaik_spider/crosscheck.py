"""The cross-check: every new item of an HTML run against WordPress's own record of the post.

Coverage sees a key that went missing; it cannot see a key read from the wrong
element. The REST API's record of a post does not depend on the theme, so
each item this run stored is compared, key by key, with the item built from
its post's record (:mod:`kabarbaik_spider.pages.api`), fetched 100 posts a
request with ``include=ID,…``. A disagreement is named (URL, key, both values)
in the log and the run's line and makes the run exit 5; the items stay stored
as parsed. A closed API skips the check with one log line. Off with
``-a crosscheck=0``; an API run (``-a via=api``) has nothing to check.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from kabarbaik_spider.channels.rest_api import BATCH, posts_by_id
from kabarbaik_spider.items import ARTICLE_KEYS, as_record
from kabarbaik_spider.pages.api import api_article_dict, read_posts
from kabarbaik_spider.spiders.answers import describe_failure
from kabarbaik_spider.walk import walk_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

NOT_IN_API = ("views",)  # the theme's counter: WordPress does not know it


def disagreements(page: dict[str, Any], api: dict[str, Any]) -> list[str]:
    """Keys on which the page's item and the API's differ; ``modified_at`` only when the page shows one."""
    return [
        key
        for key in ARTICLE_KEYS
        if key not in NOT_IN_API and not (key == "modified_at" and page[key] is None) and page[key] != api[key]
    ]


class CrossCheck:
    """Compares each stored item with its post's REST API record, 100 posts a request."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.waiting: dict[int, dict[str, Any]] = {}  # post id → the stored item, not yet checked
        self.requests = 0
        self.checked = 0
        self.found: list[dict[str, Any]] = []  # {"url", "key", "page", "api"}
        self.skipped: str | None = None  # why the check stopped (the API is closed), once
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("KABARBAIK_STORE_ENABLED"):
            raise NotConfigured("the cross-check runs in `scrapy crawl` only")
        return cls(crawler)

    def origin(self) -> str | None:
        """Where to ask, while the walk wants its items checked (a walk of the API, or one it fell back from, not)."""
        walk = walk_of(self.crawler)
        return walk.origin if walk is not None and walk.crosscheck and self.skipped is None else None

    def item_scraped(self, item: Any, spider: Spider) -> None:
        origin = self.origin()
        if origin is None:
            return
        record = as_record(item)
        if isinstance(record.get("post_id"), int):
            self.waiting[record["post_id"]] = record
            if len(self.waiting) >= BATCH:
                self.ask(origin)

    def spider_idle(self, spider: Spider) -> None:
        origin = self.origin()
        if self.waiting and origin is not None:
            self.ask(origin)
            raise DontCloseSpider

    def ask(self, origin: str) -> None:
        batch = dict(list(self.waiting.items())[:BATCH])
        for post_id in batch:
            del self.waiting[post_id]
        url = posts_by_id(origin, batch)
        self.requests += 1
        self.crawler.stats.inc_value("kabarbaik/crosscheck/requests")
        request = Request(url, callback=self.compare, errback=self.failed, cb_kwargs={"batch": batch}, dont_filter=True)
        self.crawler.engine.crawl(request)

    def compare(self, response: Response, batch: dict[int, dict[str, Any]]) -> None:
        posts = read_posts(response.body)
        if posts is None:
            self.skip(f"the API answered with something that is not a list of posts (HTTP {response.status})")
            return
        for post in posts:
            page = batch.get(post.get("id")) if isinstance(post, dict) else None
            if page is None:
                continue
            api = api_article_dict(post)
            self.checked += 1
            for key in disagreements(page, api):
                self.found.append({"url": page["url"], "key": key, "page": page[key], "api": api[key]})
                logger.error(
                    "Cross-check: %s differs from WordPress's record on %s: page %r, API %r",
                    page["url"],
                    key,
                    page[key],
                    api[key],
                )

    def failed(self, failure: Failure) -> None:
        self.skip(describe_failure(failure))

    def skip(self, why: str) -> None:
        if self.skipped is None:
            self.skipped = why
            self.waiting.clear()
            logger.warning("The REST API cannot be read (%s); the cross-check is skipped in this run", why)

    def report(self) -> dict[str, Any]:
        """For the run's line in runs.jsonl."""
        return {
            "requests": self.requests,
            "checked": self.checked,
            "skipped": self.skipped,
            "disagreements": self.found,
        }

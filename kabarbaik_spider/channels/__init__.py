"""Channels find posts: the theme's listing, WordPress's REST API, the XML sitemaps.

Each channel is one small object with the same interface, in the manner of
Fundus's URL sources and Scrapy's ``SitemapSpider``:

- :meth:`Channel.first`: the channel's first pages to ask for;
- :meth:`Channel.read`: what one answer gives, as an :class:`Answer`: the
  posts found (cards, API records, sitemap entries), the next pages to ask
  for, the end of the walk and whether it is complete, or why the answer
  cannot be a page of the channel;
- :meth:`Channel.failed`: the same for a page that failed to download.

Each post carries what the channel says of when it last changed
(``Post.modified``: the API's ``modified_gmt``, a sitemap's ``<lastmod>``), the
room a reader of edits builds on. A channel knows nothing of Scrapy's engine:
it reads a response and returns an answer, so a test hands it a made-up one.
Which of the posts to fetch is the store's rule
(:meth:`kabarbaik_spider.store.JsonlStore.wants`); asking is the spider's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Protocol

from kabarbaik_spider.spiders.answers import describe_failure

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

    from kabarbaik_spider.pages.sources import FieldReader
    from kabarbaik_spider.walk import Walk


class Memory(Protocol):
    """What a channel asks of the store to know where a walk may stop."""

    def settled(self, url: str, post_id: int | None = None) -> bool: ...

    def sitemap_unchanged(self, url: str, lastmod: str | None) -> bool: ...


class Forgetful:
    """The memory when no store is open (``scrapy parse``, ``scrapy shell``, a script): nothing is settled."""

    def settled(self, url: str, post_id: int | None = None) -> bool:
        return False

    def sitemap_unchanged(self, url: str, lastmod: str | None) -> bool:
        return False


@dataclass(frozen=True)
class Ask:
    """A page of the channel to request: a listing page, an API page, a sitemap, robots.txt."""

    kind: str
    url: str
    page: int = 1
    lastmod: str | None = None  # a post sitemap's, as its index gives it
    fallbacks: tuple[str, ...] = ()  # where to look next when this page fails (sitemaps)


@dataclass(frozen=True)
class Post:
    """A post a channel found."""

    url: str
    post_id: int | None = None
    modified: str | None = None  # when the channel says it last changed
    reader: FieldReader | None = None  # the channel gives the item itself (the REST API): its reader builds it


@dataclass
class Answer:
    """What one page of a channel gave."""

    posts: list[Post] = field(default_factory=list)
    next: list[Ask] = field(default_factory=list)
    end: str | None = None  # the walk ends here, for this reason
    complete: bool = False  # … having walked all it should
    failure: str | None = None  # this page cannot be a page of the channel: the walk fails
    switch_to: str | None = None  # the channel cannot be walked: walk this one instead (a closed API)
    counts: dict[str, int] = field(default_factory=dict)  # for the crawl's stats, under kabarbaik/


@dataclass(frozen=True)
class Options:
    """What the run asked of every channel (the spider's arguments and our settings)."""

    start_url: str
    origin: str
    full: bool = False
    since: date | None = None
    max_pages: int | None = None
    listing_pages_limit: int = 100
    api_page_size: int = 100


class Channel:
    """One way of finding the site's posts."""

    name: ClassVar[str]
    settled_end: ClassVar[str]  # how the walk's end reads when an incremental run reaches what it stored before

    def __init__(self, walk: Walk, memory: Memory, options: Options) -> None:
        self.walk = walk
        self.memory = memory
        self.options = options

    def first(self) -> list[Ask]:
        raise NotImplementedError

    def read(self, ask: Ask, response: Response) -> Answer:
        raise NotImplementedError

    def failed(self, ask: Ask, failure: Failure) -> Answer:
        """A page that failed to download: the walk cannot reach its end."""
        return Answer(failure=describe_failure(failure))

    def stop_rule(self, posts: list[Post], page: int, recent: int | None = None) -> tuple[str | None, bool]:
        """Why an incremental walk stops after this page (None to go on), and whether that is the channel's end."""
        if not self.options.full and all(self.memory.settled(post.url, post.post_id) for post in posts):
            return self.settled_end, True
        if recent == 0:
            return f"every card is older than since={self.options.since}", False
        if self.options.max_pages is not None and page >= self.options.max_pages:
            return f"max_pages={self.options.max_pages} reached", False
        return None, False


def channel_for(name: str, walk: Walk, memory: Memory, options: Options) -> Channel:
    """The channel called ``name``."""
    from kabarbaik_spider.channels.api import ApiChannel
    from kabarbaik_spider.channels.listing import ListingChannel
    from kabarbaik_spider.channels.sitemap import SitemapChannel

    channels: dict[str, type[Channel]] = {c.name: c for c in (ListingChannel, ApiChannel, SitemapChannel)}
    return channels[name](walk, memory, options)

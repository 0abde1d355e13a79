"""The walk: what one run asked for, how its channel ended and what failed, as one typed object.

It lives in ``spider.state``, where Scrapy keeps a job's state, so a JOBDIR
resume continues the walk. The spider and the channels write it; the run
report and the cross-check read it through the crawler (:func:`walk_of`), not
through the spider's attributes, so a renamed attribute cannot silence them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

ARTICLE = "article"  # the ledger's kind for an article page; every other kind is a page of the channel


@dataclass
class Walk:
    """One run's walk of a channel, and its ledger: every request ends in its callback or a named failure."""

    origin: str  # scheme://host[:port] of the site walked
    channel: str  # the channel walked: listing, api or sitemap (a closed API switches the walk to listing)
    arguments: dict[str, Any] = field(default_factory=dict)  # the spider's arguments, as the run's line shows them
    crosscheck: bool = False  # compare this walk's new items with WordPress's own record
    asked: dict[str, str] = field(default_factory=dict)  # ledger key → kind (listing, api, robots, sitemap, article)
    end: str | None = None  # why the walk stopped
    complete: bool = False  # it reached the end of its channel
    pages: int = 0  # the channel's pages read
    failures: dict[str, str] = field(default_factory=dict)  # a channel page that failed → why
    listed: set[str] = field(default_factory=set)  # post URLs found in this run, to see a feed that repeats
    walked: set[str] = field(default_factory=set)  # channel pages read in this run, to see a next link loop back
    vanished: dict[str, str] = field(default_factory=dict)  # ledger key → what became of a request Scrapy dropped
    api: str | None = None  # how the REST API answered, when the walk asked it
    sitemaps_read: dict[str, str | None] = field(default_factory=dict)  # post sitemap read whole → its lastmod
    pages_limit: int | None = None  # the most listing pages this run may read, once the listing walk used it

    def ask(self, kind: str, key: str) -> None:
        self.asked[key] = kind

    def answered(self, key: str | None) -> None:
        self.asked.pop(key, None)  # type: ignore[arg-type]

    def ended(self, end: str, complete: bool) -> None:
        self.end, self.complete = end, complete

    def failed(self, key: str, reason: str) -> None:
        """A page of the channel that could not be read: the walk cannot reach its end."""
        self.asked.pop(key, None)
        self.failures[key] = reason

    def pages_outstanding(self) -> bool:
        """A page of the channel is still asked for (not an article)."""
        return any(kind != ARTICLE for kind in self.asked.values())

    @property
    def keys_not_read(self) -> frozenset[str]:
        """Keys this walk's channel cannot give: the REST API has no view counter."""
        return frozenset({"views"}) if self.channel == "api" else frozenset()


def walk_of(crawler: Crawler) -> Walk | None:
    """The crawl's walk, once its spider started one (None for a spider that does not walk)."""
    state = getattr(crawler.spider, "state", None)
    walk = state.get("walk") if isinstance(state, dict) else None
    return walk if isinstance(walk, Walk) else None


def keep_walk(state: dict[str, Any], walk: Walk) -> Walk:
    """The walk kept in ``state``: a resumed job's own, else ``walk``, stored there for the job to keep."""
    kept = state.get("walk")
    if isinstance(kept, Walk):
        return kept
    state["walk"] = walk
    return walk

"""The walk: what one run asked for, how its channel ended and what failed, as one typed object.

It lives in ``spider.state``, where Scrapy keeps a job's state, so a JOBDIR
resume continues the walk. The spider and the channels write it; the run
report and the cross-check read it through the crawler (:func:`walk_of`), not
through the spider's attributes, so a renamed attribute cannot silence them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kabarbaik_spider.pages.learned import Tally

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

ARTICLE = "article"  # the ledger's kind for an article page
RECORDS = "records"  # the ledger's kind for a request of WordPress's records
CHANGES = "changes"  # … for the REST API's posts modified since the last settled run
CONFIRM = "confirm"  # … for a stored post a full walk no longer lists
VIEWS = "views"  # … for a stored article's page, its view counter read again at a fixed age
NOT_CHANNEL_PAGES = (ARTICLE, RECORDS, CHANGES, CONFIRM, VIEWS)  # every other kind is a page of the channel
Pages = tuple[tuple[str, str], ...]  # (html, url) of every page of one article
SAMPLES = 100  # disagreements kept for the run's line, at most


@dataclass
class ChangeCheck:
    """What this walk learnt of edits and deletions since the last settled run."""

    since: str | None = None  # the high-water mark asked from (modified_gmt, UTC)
    requests: int = 0
    changed: list[str] = field(default_factory=list)  # stored posts WordPress says were edited, their content too
    unchanged: int = 0  # stored posts whose modified time moved and nothing else
    cannot_see: str | None = None  # why edits cannot be seen in this run
    complete: bool = True  # every edited post was asked about (else the mark does not move)
    high_water: str | None = None  # the latest modified_gmt of a record this walk saw
    unlisted: int = 0  # stored posts a complete full walk no longer found, asked again
    deleted: list[str] = field(default_factory=list)  # … and found gone (404/410): tombstoned
    unconfirmed: int = 0  # … whose question failed otherwise: neither tombstoned nor known to be there
    deletions_asked: bool = False

    def saw(self, modified_gmt: Any) -> None:
        if isinstance(modified_gmt, str) and (self.high_water is None or modified_gmt > self.high_water):
            self.high_water = modified_gmt

    def report(self) -> dict[str, Any]:
        return {
            "since": self.since,
            "requests": self.requests,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "cannot_see": self.cannot_see,
            "unlisted": self.unlisted,
            "deleted": self.deleted,
            "unconfirmed": self.unconfirmed,
        }


@dataclass
class RecordCheck:
    """What WordPress's records of this walk's new posts said, beside their pages."""

    requests: int = 0
    checked: int = 0  # posts whose record arrived and was used
    skipped: str | None = None  # why the records could not be read (the API closed), once
    disagreements: list[dict[str, Any]] = field(default_factory=list)  # {"url", "key", "page", "api"}, the first ones
    by_key: dict[str, int] = field(default_factory=dict)  # key → posts on which the page parser disagrees
    mismatched: list[str] = field(default_factory=list)  # posts whose record names another URL: stored from the page
    fixtures: list[str] = field(default_factory=list)  # folders where a page and its record were kept, side by side
    kept: set[str] = field(default_factory=set)  # keys a fixture was kept for in this run (one each)
    # item URL → (its pages' URLs, the answer that gave its record), until the archive names them
    built_from: dict[str, tuple[list[str], str]] = field(default_factory=dict)
    # Per key, the page selectors that gave the record's value, and on how many posts (pages/learned.py).
    learned: Tally = field(default_factory=Tally)
    # Parsed articles waiting for their records, kept here so that a JOBDIR pause loses none of them.
    waiting: dict[int, tuple[str, Pages]] = field(default_factory=dict)  # post id → (ledger key, pages)
    batches: dict[str, dict[int, tuple[str, Pages]]] = field(default_factory=dict)  # records URL → its posts

    def disagreed(self, url: str, key: str, page: Any, record: Any) -> None:
        self.by_key[key] = self.by_key.get(key, 0) + 1
        if len(self.disagreements) < SAMPLES:
            self.disagreements.append({"url": url, "key": key, "page": page, "api": record})

    def report(self) -> dict[str, Any]:
        """For the run's line in runs.jsonl (``crosscheck``: the key's name from when the record only checked)."""
        return {
            "requests": self.requests,
            "checked": self.checked,
            "skipped": self.skipped,
            "page_disagrees": dict(sorted(self.by_key.items())),
            "disagreements": self.disagreements,
            "mismatched": self.mismatched,
            "fixtures": self.fixtures,
        }


@dataclass
class Walk:
    """One run's walk of a channel, and its ledger: every request ends in its callback or a named failure."""

    origin: str  # scheme://host[:port] of the site walked
    channel: str  # the channel walked: listing, api or sitemap (a closed API switches the walk to listing)
    arguments: dict[str, Any] = field(default_factory=dict)  # the spider's arguments, as the run's line shows them
    crosscheck: bool = False  # build this walk's new items from WordPress's record of each post, page beside it
    records: RecordCheck = field(default_factory=RecordCheck)
    changes: ChangeCheck = field(default_factory=ChangeCheck)
    asked: dict[str, str] = field(default_factory=dict)  # ledger key → kind (listing, api, robots, sitemap, article)
    end: str | None = None  # why the walk stopped
    complete: bool = False  # it reached the end of its channel
    pages: int = 0  # the channel's pages read
    failures: dict[str, str] = field(default_factory=dict)  # a channel page that failed → why
    listed: set[str] = field(default_factory=set)  # post URLs found in this run, to see a feed that repeats
    walked: set[str] = field(default_factory=set)  # channel pages read in this run, to see a next link loop back
    vanished: dict[str, str] = field(default_factory=dict)  # ledger key → what became of a request Scrapy dropped
    api: str | None = None  # how the REST API answered, when the walk asked it
    api_root: str = "pretty"  # the form of the REST API's URLs this site answers (channels.rest_api)
    sitemaps_read: dict[str, str | None] = field(default_factory=dict)  # post sitemap read whole → its lastmod
    skipped_old: bool = False  # since=… left cards out: the walk cannot be complete
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
        """A page of the channel is still asked for (not an article, nor WordPress's records)."""
        return any(kind not in NOT_CHANNEL_PAGES for kind in self.asked.values())

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

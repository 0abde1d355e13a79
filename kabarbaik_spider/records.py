"""WordPress's records of the new posts an HTML walk finds: asked 100 posts a request, merged with their pages.

Each new article page is parsed, then held until its post's REST API record
arrives (``include=ID,…``, the request the cross-check made before); the item
is the merge of record and page (:mod:`kabarbaik_spider.pages.merge`). A key
on which the page parser disagrees is counted and kept in the walk's
:class:`~kabarbaik_spider.walk.RecordCheck` (and, once a run for each key, as
a fixture beside the store); the item takes WordPress's value. When the API
is closed or answers nonsense, the held items go on as their pages gave them,
said once in the log and in the run's line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from kabarbaik_spider.channels.rest_api import BATCH, answered_elsewhere, posts_by_id
from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.api import api_article_dict, read_posts
from kabarbaik_spider.pages.learned import learn
from kabarbaik_spider.pages.merge import RECORD, merge_with_record
from kabarbaik_spider.parsing import Reading, read_article

if TYPE_CHECKING:
    from scrapy.http import Response

    from kabarbaik_spider.walk import Pages, Walk

logger = logging.getLogger(__name__)


@dataclass
class Held:
    """A parsed article page waiting for its post's record."""

    key: str  # the article's ledger key
    pages: Pages  # (html, url) of every page of the article
    article: Article
    reading: Reading  # what the page parser read, and the sources of its keys

    @classmethod
    def parsed(cls, key: str, pages: Pages, learned: Mapping[str, str] | None = None) -> Held:
        """Parsed again from its pages (after a JOBDIR resume, which keeps the pages, not the reading)."""
        reading = read_article(pages, learned, whole=True)
        return cls(key, pages, reading.article, reading)  # type: ignore[arg-type]


@dataclass
class Built:
    """An item ready for the pipelines, with the sources of its keys."""

    held: Held
    article: Article
    sources: dict[str, str]  # key → source name ("api" for the record's)
    record: dict[str, Any] | None = None  # the post's record as an item, when it was used
    differ: tuple[str, ...] = ()  # keys on which the page parser disagrees with the record


class WordPressRecords:
    """Holds the walk's new page items until their records arrive, and merges each with its record.

    What waits is kept in the walk (its ledger key and pages), so a JOBDIR
    resume asks for it; the parsed items are kept here too, so a page is parsed once.
    """

    def __init__(self, walk: Walk, batch_size: int = BATCH, learned: Mapping[str, str] | None = None) -> None:
        self.walk = walk
        self.batch_size = batch_size
        self.learned = learned  # the site's learned selectors, for a page parsed again after a resume
        self.parsed: dict[int, Held] = {}  # post id → the held item as parsed in this process
        # post id → its record, already read (an edited post's), and the answer that gave it
        self.known: dict[int, tuple[dict[str, Any], str]] = {}

    @property
    def active(self) -> bool:
        """This walk builds its items from WordPress's records (and the API has not closed)."""
        return self.walk.crosscheck and self.walk.records.skipped is None

    def hold(self, held: Held) -> str | None:
        """Keeps ``held`` for its record; the URL of a records request once a batch is full."""
        post_id: int = held.article.post_id  # type: ignore[assignment]
        self.walk.records.waiting[post_id] = (held.key, held.pages)
        self.parsed[post_id] = held
        return self.batch() if len(self.walk.records.waiting) >= self.batch_size else None

    def batch(self) -> str | None:
        """The URL that asks for the records of a batch of waiting posts (None when none wait)."""
        check = self.walk.records
        if not check.waiting:
            return None
        ids = list(check.waiting)[: self.batch_size]
        url = posts_by_id(self.walk.origin, ids, self.walk.api_root)
        check.batches[url] = {post_id: check.waiting.pop(post_id) for post_id in ids}
        check.requests += 1
        return url

    def held(self, post_id: int, key: str, pages: Pages) -> Held:
        return self.parsed.pop(post_id, None) or Held.parsed(key, pages, self.learned)

    def read(self, url: str, answer: Response) -> list[Built] | None:
        """The items of one records answer: each merged with its record, or as its page gave it.

        None when the answer says the site's API lives elsewhere (plain permalinks answer the
        /wp-json/ route with a page): the batch then waits to be asked again, at ?rest_route=.
        """
        posts = read_posts(answer.body)
        if answered_elsewhere(self.walk, answer, posts):
            return None
        batch = self.walk.records.batches.pop(url, {})
        if posts is None:
            return self.give_up(batch, "the API answered with something that is not a list of posts")
        records = {post.get("id"): post for post in posts if isinstance(post, dict)}
        return [self.built(self.held(post_id, *kept), records.get(post_id)) for post_id, kept in batch.items()]

    def failed(self, url: str, why: str) -> list[Built]:
        return self.give_up(self.walk.records.batches.pop(url, {}), why)

    def ask_again(self, url: str) -> str | None:
        """The same batch asked anew (the API's URLs changed form): its posts wait again, first."""
        check = self.walk.records
        check.waiting = {**check.batches.pop(url, {}), **check.waiting}
        check.requests -= 1  # the request that found the wrong form does not count as asked
        return self.batch()

    def give_up(self, batch: dict[int, tuple[str, Pages]], why: str) -> list[Built]:
        """The records cannot be read: this batch, those waiting and every later item go on as their pages gave."""
        check = self.walk.records
        if check.skipped is None:
            check.skipped = why
            logger.warning(
                "The REST API cannot be read (%s); the cross-check is skipped in this run: its items are their pages'"
                " alone",
                why,
            )
        batch = {**batch, **check.waiting}
        check.waiting.clear()
        return [self.built(self.held(post_id, *kept), None) for post_id, kept in batch.items()]

    def built(self, held: Held, post: dict[str, Any] | None) -> Built:
        if post is not None:
            self.walk.changes.saw(post.get("modified_gmt"))
        page = asdict(held.article)
        record = api_article_dict(post) if post is not None else None
        if record is None or record["url"] != page["url"]:
            if record is not None:
                self.walk.records.mismatched.append(page["url"])
                logger.error(
                    "WordPress's record of post %s names %s, not %s; the item is the page's alone",
                    page["post_id"],
                    record["url"],
                    page["url"],
                )
            return Built(held, held.article, dict(held.reading.sources))
        merged = merge_with_record(page, record)
        self.walk.records.checked += 1
        self.learn(held, record)
        for key in merged.disagreements:
            self.walk.records.disagreed(page["url"], key, page[key], record[key])
        sources = {
            key: RECORD if merged.taken_from[key] == RECORD else held.reading.sources[key]
            for key in merged.item
            if merged.taken_from[key] == RECORD or key in held.reading.sources
        }
        return Built(held, Article(**merged.item), sources, record, tuple(merged.disagreements))

    def learn(self, held: Held, record: dict[str, Any]) -> None:
        """Counts, per key, the selectors of the first page that give the record's value (pages/learned.py).

        Learning must never cost an item: an error in it is logged and the post is left uncounted.
        """
        try:
            last = held.pages[-1][0] if len(held.pages) > 1 else None  # tags are read on the last page
            self.walk.records.learned.add(learn(held.pages[0][0], record, last))
        except Exception:
            logger.exception("Learning selectors from %s failed; the post is not counted", record.get("url"))

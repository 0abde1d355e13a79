"""Item pipelines, one job each, in this order: validate, dedupe, store."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from kabarbaik_spider.crawl_store import crawl_store, stop_for_store_failure
from kabarbaik_spider.items import as_record
from kabarbaik_spider.store import StoreWriteError
from kabarbaik_spider.validation import problems

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from kabarbaik_spider.store import JsonlStore


class StoreBoundPipeline:
    """What every pipeline here needs: the crawl's store, its stats, and a way to stop when the store fails."""

    def __init__(
        self, store: JsonlStore, stats: StatsCollector, on_store_failure: Callable[[Exception], None] | None = None
    ) -> None:
        self.store = store
        self.stats = stats
        self.on_store_failure = on_store_failure

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("KABARBAIK_STORE_ENABLED"):
            raise NotConfigured("the store is written by `scrapy crawl` only")
        return cls(crawl_store(crawler), crawler.stats, partial(stop_for_store_failure, crawler))

    def write(self, url: str | None, write: Callable[[], None]) -> None:
        """Runs one write to the store; when it fails, the crawl stops and the item is dropped, not lost quietly."""
        try:
            write()
        except StoreWriteError as error:
            if self.on_store_failure is not None:
                self.on_store_failure(error)
            raise DropItem(f"Not stored {url}: {error}", log_level="DEBUG") from error


class ValidatePipeline(StoreBoundPipeline):
    """Checks the item against its JSON Schema, as ``scrapy validate`` does; an invalid one goes to the rejects."""

    def process_item(self, item: Any) -> Any:
        record = as_record(item)
        reasons = problems(record)
        if reasons:
            reason = "; ".join(reasons)
            self.write(record.get("url"), partial(self.store.reject, record.get("url"), reason, record))
            self.stats.inc_value("kabarbaik/rejected")
            raise DropItem(f"Rejected {record.get('url')}: {reason}")
        return item


class DedupePipeline(StoreBoundPipeline):
    """Drops an article this run already passed, or that the store holds as it is now (views aside).

    A stored article that changed on the site goes on, to be stored as its next revision.
    """

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen_urls: set[str] = set()
        self.seen_post_ids: set[int] = set()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, post_id = adapter.get("url"), adapter.get("post_id")
        unchanged = self.store.has(url, post_id) and not self.store.edits(as_record(item))
        if unchanged or url in self.seen_urls or post_id in self.seen_post_ids:
            self.stats.inc_value("kabarbaik/duplicate")
            raise DropItem(f"Duplicate {url} (post {post_id})", log_level="INFO")
        self.seen_urls.add(url)
        self.seen_post_ids.add(post_id)
        return item


class StorePipeline(StoreBoundPipeline):
    """Appends the item to the store as one whole, flushed JSON line: a new article, or a stored one's next revision."""

    watch_days = 60  # a new article younger than this is watched for its view counter at fixed ages

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = super().from_crawler(crawler)
        pipeline.watch_days = 2 * max(int(age) for age in crawler.settings.getlist("KABARBAIK_VIEWS_AGES"))
        return pipeline

    def process_item(self, item: Any) -> Any:
        record = as_record(item)
        changed = self.store.edits(record)
        if changed:
            self.write(record.get("url"), partial(self.store.append_revision, record, changed))
            self.stats.inc_value("kabarbaik/revisions")
            return item
        self.write(record.get("url"), partial(self.store.append, record, self.watch_days))
        self.stats.inc_value("kabarbaik/stored")
        return item

"""``scrapy crawl`` that exits non-zero when the run went wrong.

Scrapy's own ``crawl`` exits 0 whatever happened inside the crawl. This one
takes the store's lock first (a second run on the same store exits at once
with status 75 and leaves the store alone), then runs Scrapy's command and
exits with the verdict of :class:`kabarbaik_spider.extensions.RunReport`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from kabarbaik_spider.extensions import EXIT_STORE_LOCKED
from kabarbaik_spider.store import StoreLock, StoreLockedError

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler


class Command(ScrapyCrawlCommand):
    crawler: Crawler | None = None  # `scrapy crawl` runs exactly one spider

    def short_desc(self) -> str:
        return "Run a spider; exit non-zero when the run failed or its fields lost coverage"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        lock = StoreLock(Path(self.settings["KABARBAIK_OUTPUT"]))
        try:
            lock.acquire()
        except StoreLockedError as locked:
            print(f"kabarbaik: not crawling: {locked}", file=sys.stderr)
            self.exitcode = EXIT_STORE_LOCKED
            return
        try:
            super().run(args, opts)
        finally:
            lock.release()
        verdict = self.crawler.stats.get_value("kabarbaik/exit_status") if self.crawler else None
        if self.exitcode == 0 and verdict:
            self.exitcode = verdict

    def _create_crawler(self, spidercls: object) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)  # type: ignore[arg-type]
        return self.crawler

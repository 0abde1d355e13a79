"""``scrapy probe [URL]``: first contact with the site, its evidence kept, one screen on what our model got wrong.

Exit status 0 when every key of every probed article came from the site's own
markup (or WordPress's record) and agrees with the REST API, and every channel
is open; 5 when a key fell back below the theme's markup, the listing is not
the model's, or a key disagrees with the REST API; 3 when a page could not be
fetched or a channel is closed; 2 for bad input. See docs/operations.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.exceptions import UsageError

from kabarbaik_spider.archive import ArchiveMiddleware, archive_problem
from kabarbaik_spider.exit_status import EXIT_USAGE
from kabarbaik_spider.fixtures import PAGES, Page, save
from kabarbaik_spider.probe import ProbeSpider, verdict

if TYPE_CHECKING:
    import argparse

DEFAULT_URL = "https://kabarbaik.co/"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[URL] [--dir DIR] [--fixtures DIR] [--force]"

    def short_desc(self) -> str:
        return "First contact: fetch a few pages politely, keep them, say what our model of the site got wrong"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--dir", default="data/probe", help="where the probe's WARC file goes (data/probe)")
        parser.add_argument("--fixtures", type=Path, default=PAGES, help="where the articles go as fixtures")
        parser.add_argument("--force", action="store_true", help="replace existing fixtures of the same articles")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if len(args) > 1:
            raise UsageError("at most one URL: the site's home page")
        url = args[0] if args else DEFAULT_URL
        if not url.startswith(("http://", "https://")):
            print(f"kabarbaik: bad URL {url!r}: expected the site's home page, http(s)://…", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        settings = self.settings.copy()
        settings.set("KABARBAIK_ARCHIVE_ALWAYS", True, priority="cmdline")
        settings.set("KABARBAIK_ARCHIVE_ENABLED", True, priority="cmdline")
        settings.set("KABARBAIK_ARCHIVE_DIR", opts.dir, priority="cmdline")
        problem = archive_problem(settings)
        if problem:
            print(f"kabarbaik: {problem}", file=sys.stderr)
            self.exitcode = EXIT_USAGE
            return
        process = AsyncCrawlerProcess(settings)
        crawler = process.create_crawler(ProbeSpider)
        process.crawl(crawler, start_url=url)
        process.start()
        spider = crawler.spider
        archive = crawler.get_downloader_middleware(ArchiveMiddleware)
        kept = str(archive.path) if archive is not None else "(no archive)"
        fixtures = []
        for pages in spider.probe.articles if spider is not None else []:
            if not pages or any(page.status != 200 for page in pages):
                fixtures.append("")
                continue
            saved = [Page(page.text, page.url, page.status, page.headers) for page in pages]
            try:
                fixtures.append(
                    str(save(saved, opts.fixtures, force=opts.force, source="fetched by scrapy probe").folder)
                )
            except FileExistsError:
                fixtures.append(f"{opts.fixtures / saved[0].url.rstrip('/').rsplit('/', 1)[-1]} (kept: exists)")
        judged = verdict(spider.probe, kept, fixtures)
        print("\n".join(judged.lines))
        self.exitcode = judged.status

"""``scrapy fixture save|check|update``: capture an article page as a fixture, see what changed, pin the fix.

- ``scrapy fixture save URL`` fetches the article and its continuation pages
  with the project's settings (robots.txt, user agent, retries) and writes
  ``fixtures/pages/<slug>/`` with ``output.json`` from the current parser,
  for a person to review. ``--from-file PAGE.html --url URL`` does the same
  from a page saved in a browser, and ``--from-archive URL`` from the page as
  the crawl fetched it, kept in the archive (no second request). An existing
  fixture is kept unless ``--force``.
- ``scrapy fixture check`` parses every fixture and prints, per fixture, each
  key that differs: the expected value, the value now, and the source that
  gave it (or the sources tried, when none did); exit status 1 on any difference.
- ``scrapy fixture update [SLUG]`` writes what the parser gives now as the
  expected item (all fixtures, or one), so a deliberate change shows in ``git diff``.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.commands import ScrapyCommand
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.exceptions import UsageError

from kabarbaik_spider.fixtures import PAGES, Fixture, Page, all_fixtures, save
from kabarbaik_spider.pages.article import ArticleParser

if TYPE_CHECKING:
    import argparse

    from scrapy.http import Response


class FixturePageSpider(scrapy.Spider):
    """Fetches one article's first page, then its continuation pages in order; keeps every answer."""

    name = "fixture-pages"
    custom_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.allowed_domains = [urlsplit(url).hostname]
        self.pages: list[Page] = []
        self.failure: str | None = None

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.url, callback=self.first_page, errback=self.failed)

    def keep(self, response: Response) -> None:
        headers = {
            key.decode().lower(): b", ".join(values).decode("latin-1") for key, values in response.headers.items()
        }
        self.pages.append(Page(response.text, response.url, response.status, headers))

    def first_page(self, response: Response) -> Iterator[scrapy.Request]:
        self.keep(response)
        todo = ArticleParser(response.text, response.url).continuation_urls()
        yield from self.next_page(todo)

    def more_page(self, response: Response, todo: list[str]) -> Iterator[scrapy.Request]:
        self.keep(response)
        yield from self.next_page(todo)

    def next_page(self, todo: list[str]) -> Iterator[scrapy.Request]:
        if todo:
            yield scrapy.Request(todo[0], self.more_page, errback=self.failed, cb_kwargs={"todo": todo[1:]})

    def failed(self, failure: Any) -> None:
        self.failure = f"{failure.request.url}: {failure.getErrorMessage() or failure.type.__name__}"


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # only `save URL` crawls, and starts its own

    def syntax(self) -> str:
        return "save URL | save --from-file PAGE.html --url URL | save --from-archive URL | check | update [SLUG]"

    def short_desc(self) -> str:
        return "Save an article page as a parser fixture, check every fixture, or update their expected items"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--from-file", metavar="PAGE.html", help="save: a page saved in a browser")
        parser.add_argument("--url", help="save --from-file: the page's URL")
        parser.add_argument(
            "--from-archive", metavar="URL", help="save: the article as the crawl fetched it, from the WARC archive"
        )
        parser.add_argument(
            "--archive", metavar="DIR", help="save --from-archive: a WARC file or folder (default: the store's)"
        )
        parser.add_argument("--force", action="store_true", help="save: replace an existing fixture")
        parser.add_argument("--dir", type=Path, default=PAGES, help="the fixtures folder (fixtures/pages)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args or args[0] not in ("save", "check", "update"):
            raise UsageError("say save, check or update")
        action, rest = args[0], args[1:]
        if action == "save":
            self.exitcode = self.save(rest, opts)
        elif action == "check":
            self.exitcode = self.check(opts.dir)
        else:
            self.exitcode = self.update(rest, opts.dir)

    def save(self, rest: list[str], opts: argparse.Namespace) -> int:
        if opts.from_archive:
            if rest or opts.from_file:
                raise UsageError("save --from-archive URL takes no other URL or file")
            pages, source = self.from_archive(opts.from_archive, opts.archive)
            if not pages:
                print(f"kabarbaik: {source}", file=sys.stderr)
                return 1
        elif opts.from_file:
            if rest or not opts.url:
                raise UsageError("save --from-file PAGE.html needs --url URL, and no URL argument")
            pages = [Page(Path(opts.from_file).read_text(encoding="utf-8"), opts.url)]
            source = f"saved from {opts.from_file}"
        else:
            if len(rest) != 1:
                raise UsageError("save URL: one article URL")
            pages, problem = self.fetch(rest[0])
            if problem:
                print(f"kabarbaik: could not fetch {problem}", file=sys.stderr)
                return 1
            source = "fetched by scrapy fixture save"
        try:
            fixture = save(pages, opts.dir, force=opts.force, source=source)
        except FileExistsError as exists:
            print(f"kabarbaik: {exists}", file=sys.stderr)
            return 1
        print(f"saved {fixture.folder} ({len(pages)} pages); review output.json before committing it")
        return 0

    def from_archive(self, url: str, where: str | None) -> tuple[list[Page], str]:
        """The article's pages as the archive holds them (the latest fetch of each); or why there are none."""
        from kabarbaik_spider.archive import archive_folder, pages_from_archive

        assert self.settings is not None
        folder = Path(where) if where else archive_folder(self.settings)
        if folder is None:
            return [], "the archive is off (-s KABARBAIK_ARCHIVE_ENABLED=0); --archive names one"
        found, why = pages_from_archive(folder, url)
        pages = [Page(html, page_url, status, headers) for html, page_url, status, headers in found]
        return pages, why

    def fetch(self, url: str) -> tuple[list[Page], str | None]:
        """The article's pages, fetched with the project's settings; or what went wrong."""
        assert self.settings is not None
        process = AsyncCrawlerProcess(self.settings)
        crawler = process.create_crawler(FixturePageSpider)
        process.crawl(crawler, url=url)
        process.start()
        spider = crawler.spider
        if spider is None or not spider.pages:
            return [], getattr(spider, "failure", None) or f"{url}: no answer"
        if spider.failure:
            return [], spider.failure
        if spider.pages[0].status != 200:
            return [], f"{url}: HTTP {spider.pages[0].status}"
        return spider.pages, None

    def check(self, root: Path) -> int:
        fixtures = all_fixtures(root)
        changed = 0
        for fixture in fixtures:
            differences = fixture.differences()
            if not differences:
                continue
            changed += 1
            print(f"{fixture.name}:")
            for key, expected, now, source in differences:
                print(f"  {key}\n    expected {expected!r}\n    now      {now!r}  ({source})")
        print(f"{len(fixtures)} fixtures, {changed} differ" + ("" if not changed else "; scrapy fixture update pins"))
        return 1 if changed else 0

    def update(self, rest: list[str], root: Path) -> int:
        fixtures = [Fixture(root / rest[0])] if rest else all_fixtures(root)
        if rest and not (root / rest[0] / "meta.json").is_file():
            print(f"kabarbaik: no fixture {rest[0]!r} in {root}", file=sys.stderr)
            return 2
        for fixture in fixtures:
            if fixture.differences():
                fixture.update()
                print(f"updated {fixture.folder / 'output.json'}")
        return 0

"""``scrapy crawl`` that checks what it was given and exits non-zero when the run went wrong.

Scrapy's own ``crawl`` exits 0 whatever happened inside the crawl, and answers a
bad argument with tracebacks. This one first checks the spider's name, its
arguments (``-a``) and our settings (``-s``): a bad one is one line naming it and
what is accepted, exit status 2, and nothing touched. Then it takes the store's
lock (a second run on the same store exits at once with status 75 and leaves
the store alone), runs Scrapy's command and exits with the verdict of
:class:`kabarbaik_spider.run_report.RunReport`. Only this command opens the
store (``KABARBAIK_STORE_ENABLED``): ``scrapy shell`` or ``parse`` never lock it.
"""

from __future__ import annotations

import os
import sys
import time
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader

from kabarbaik_spider import settings as project_settings
from kabarbaik_spider.archive import archive_problem
from kabarbaik_spider.exit_status import EXIT_ERRORS, EXIT_STORE_LOCKED, EXIT_USAGE
from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.store import StoreLock, StoreLockedError

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings


class BadInputError(ValueError):
    """A spider name, argument or setting that cannot be used; the message is one line."""


def check_number(settings: BaseSettings, name: str, kind: type[int] | type[float], least: float) -> None:
    value = settings.get(name)
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number < least:
        what = "a whole number" if kind is int else "a number"
        raise BadInputError(f"bad setting -s {name}={value!r}: expected {what}, {least:g} or more")


# Every setting of ours: those the project's settings module defines, and the one our commands set.
OUR_SETTINGS = frozenset(name for name in vars(project_settings) if name.startswith("KABARBAIK_")) | {
    "KABARBAIK_STORE_ENABLED"
}


def check_settings(settings: BaseSettings) -> None:
    """Our settings, each known, readable and in range: a typo fails here, not as a traceback mid-crawl.

    A misspelt name (``-s KABARBAIK_OUPUT=/srv/x.jsonl``) would otherwise be
    ignored, and the run would write to the default store.
    """
    unknown = sorted(name for name in settings if name.startswith("KABARBAIK_") and name not in OUR_SETTINGS)
    if unknown:
        ours = {name.removeprefix("KABARBAIK_"): name for name in OUR_SETTINGS}
        close = get_close_matches(unknown[0].removeprefix("KABARBAIK_"), ours, n=1, cutoff=0.75)
        raise BadInputError(
            f"unknown setting -s {unknown[0]}"
            + (f" (did you mean {ours[close[0]]}?)" if close else "")
            + f"; the settings of ours are: {', '.join(sorted(OUR_SETTINGS - {'KABARBAIK_STORE_ENABLED'}))}"
        )
    for name, kind, least in (
        ("KABARBAIK_COVERAGE_MIN_ITEMS", int, 0),
        ("KABARBAIK_RETRY_RUNS", int, 1),
        ("KABARBAIK_LISTING_PAGES_MIN", int, 1),
        ("KABARBAIK_API_PAGE_SIZE", int, 1),
        ("KABARBAIK_RECORDS_BATCH", int, 1),
        ("KABARBAIK_VIEWS_PER_RUN", int, 0),
        ("RETRY_AFTER_MAX", float, 0),
        ("RETRY_429_WAIT", float, 0),
        ("KABARBAIK_PARSE_TIMEOUT", float, 1),
    ):
        check_number(settings, name, kind, least)
    for name in ("KABARBAIK_ARCHIVE_ENABLED", "KABARBAIK_PARSE_PROCESS"):
        try:
            settings.getbool(name)
        except ValueError:
            raise BadInputError(f"bad setting -s {name}={settings.get(name)!r}: expected 1 or 0") from None
    for name in ("KABARBAIK_API_PAGE_SIZE", "KABARBAIK_RECORDS_BATCH"):
        if settings.getint(name) > 100:
            raise BadInputError(f"bad setting -s {name}: WordPress gives 100 posts a request at most")
    ages = settings.getlist("KABARBAIK_VIEWS_AGES")
    if not ages or not all(str(age).strip().isdigit() and int(age) >= 1 for age in ages):
        raise BadInputError(
            f"bad setting -s KABARBAIK_VIEWS_AGES={settings.get('KABARBAIK_VIEWS_AGES')!r}:"
            " expected whole numbers of days, 1 or more, e.g. 1,7,30"
        )
    coverage = settings.get("KABARBAIK_COVERAGE_MIN")
    expected = "expected a JSON object of item key → least share from 0 to 1, e.g. '{\"editor\": 0.3}'"
    try:
        minimums = settings.getdict("KABARBAIK_COVERAGE_MIN")
    except (TypeError, ValueError):
        raise BadInputError(f"bad setting -s KABARBAIK_COVERAGE_MIN={coverage!r}: {expected}") from None
    for key, share in minimums.items():
        if (
            key not in ARTICLE_KEYS
            or isinstance(share, bool)
            or not isinstance(share, int | float)
            or not 0 <= share <= 1
        ):
            raise BadInputError(f"bad setting -s KABARBAIK_COVERAGE_MIN: {key!r}: {share!r}; {expected}")
    if not str(settings.get("KABARBAIK_OUTPUT") or "").strip():
        raise BadInputError("bad setting -s KABARBAIK_OUTPUT='': expected the path of a JSON lines file")


def store_problem(setting: str, error: OSError) -> str:
    """What is wrong with ``KABARBAIK_OUTPUT``, said so that the fix is plain."""
    path = Path(setting).resolve()
    where = f"bad setting -s KABARBAIK_OUTPUT={setting!r}"
    if path.is_dir():
        return f"{where}: it is a folder; expected the path of a JSON lines file"
    blocker = next((parent for parent in path.parents if parent.exists()), None)
    if blocker is not None and not blocker.is_dir():
        return f"{where}: {blocker} is a file, not a folder"
    return f"{where}: cannot create {error.filename or path}: {error.strerror or error}"


def say_refusal(settings: BaseSettings, message: str) -> None:
    """Why the crawl will not run: on stderr, and in ``LOG_FILE`` when one is set.

    scrapyd gives every job ``-s LOG_FILE`` and shows only that file; a refusal
    comes before Scrapy's logging starts, so without this line the job's log
    would be missing and the reason only in scrapyd's own log.
    """
    print(f"kabarbaik: {message}", file=sys.stderr)
    log_file = settings.get("LOG_FILE")
    if not log_file:
        return
    when = time.strftime(settings.get("LOG_DATEFORMAT") or "%Y-%m-%d %H:%M:%S")
    try:
        with open(log_file, "a", encoding=settings.get("LOG_ENCODING") or "utf-8") as log:
            log.write(f"{when} [kabarbaik] ERROR: {message}\n")
    except OSError:
        pass  # stderr has said it: a log that cannot be written is no second error


class Command(ScrapyCrawlCommand):
    crawler: Crawler | None = None  # `scrapy crawl` runs exactly one spider
    lock: StoreLock | None = None
    default_settings: ClassVar[dict[str, Any]] = {"KABARBAIK_STORE_ENABLED": True}

    def short_desc(self) -> str:
        return "Run a spider; exit non-zero when the run failed or its fields lost coverage"

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        """Scrapy reads ``-a`` and ``-s`` here; we check them and lock the store here, before anything is logged."""
        super().process_options(args, opts)
        try:
            self.check(args, opts)
        except BadInputError as bad:
            assert self.settings is not None
            say_refusal(self.settings, str(bad))
            raise SystemExit(EXIT_USAGE) from None
        assert self.settings is not None
        self.lock = StoreLock(Path(self.settings["KABARBAIK_OUTPUT"]))
        try:
            self.lock.acquire()
            os.close(os.open(self.lock.path, os.O_WRONLY | os.O_APPEND))  # writable, not just lockable
        except StoreLockedError as locked:
            say_refusal(self.settings, f"not crawling: {locked}")
            raise SystemExit(EXIT_STORE_LOCKED) from None
        except OSError as error:
            say_refusal(self.settings, store_problem(self.settings["KABARBAIK_OUTPUT"], error))
            raise SystemExit(EXIT_USAGE) from None
        problem = archive_problem(self.settings)
        if problem:
            self.lock.release()
            print(f"kabarbaik: {problem}", file=sys.stderr)
            raise SystemExit(EXIT_USAGE)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().run(args, opts)
        finally:
            if self.lock is not None:
                self.lock.release()
        stats = getattr(self.crawler, "stats", None)
        verdict = stats.get_value("kabarbaik/exit_status") if stats is not None else None
        if self.exitcode == 0 and verdict is None:
            print("kabarbaik: the run ended without a verdict (see the log); treating it as failed", file=sys.stderr)
            verdict = EXIT_ERRORS
        if self.exitcode == 0 and verdict:
            self.exitcode = verdict

    def check(self, args: list[str], opts: argparse.Namespace) -> None:
        """The spider exists, its arguments and our settings are usable (:class:`BadInputError` if not)."""
        assert self.settings is not None
        if len(args) == 1:
            spiders = get_spider_loader(self.settings)
            try:
                spidercls = spiders.load(args[0])
            except KeyError:
                names = ", ".join(sorted(spiders.list()))
                raise BadInputError(f"no spider named {args[0]!r}; the spiders are: {names}") from None
            check_arguments = getattr(spidercls, "check_arguments", None)
            if check_arguments is not None:
                try:
                    check_arguments(opts.spargs)
                except ValueError as bad:
                    raise BadInputError(str(bad)) from None
        check_settings(self.settings)

    def _create_crawler(self, spidercls: object) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)  # type: ignore[arg-type]
        return self.crawler

"""Article pages parsed beside the crawl: in a child process on the other core, else on the crawl's thread.

Parsing an article page (``ArticleParser``, about 1.2 ms a page of the model
inside a crawl) is most of what the crawl's one thread spends on a page; the
machine has two cores. So the spider hands an article's pages to
:class:`PageReader`, which asks a child process
(``python -m kabarbaik_spider.parsing``, see :mod:`kabarbaik_spider.child_process`)
and awaits its :class:`Reading`: plain values that cross a pipe. The parsers
stay plain code over HTML and URL; this module only says where they run.

- ``-s KABARBAIK_PARSE_PROCESS=0`` parses on the crawl's thread (so does a
  crawl without Scrapy's asyncio reactor); the items are the same.
- A page the parser raised on (it is built never to) raises in the spider's
  callback, traceback and all: a bug, and the run exits 3, as when the parser
  ran on the crawl's thread.
- A child that dies (or is stuck on one page for ``KABARBAIK_PARSE_TIMEOUT``
  seconds, and killed) is started again, and the pages it was reading are read once
  more by the new one; an article whose pages kill it twice fails, named.
  After :data:`RESTARTS` deaths in a run, every article fails.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kabarbaik_spider.child_process import Child, ChildGoneError, serve
from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.article import ArticleParser

logger = logging.getLogger(__name__)

RESTARTS = 3  # child processes started again in one run after one died
Pages = Sequence[tuple[str, str]]  # (html, url) of an article's pages, first page first


class PageReadError(RuntimeError):
    """An article's pages could not be read; the message says why in one line."""


@dataclass(frozen=True)
class Reading:
    """What the parser read of an article's pages; ``sources``, ``fallbacks`` and ``errors`` as a FieldReader's."""

    is_article: bool
    continuation: tuple[str, ...] = ()  # the pages still to fetch (read from a first page alone)
    article: Article | None = None  # None until every page is read
    sources: dict[str, str] = field(default_factory=dict)
    fallbacks: frozenset[str] = frozenset()
    errors: dict[str, str] = field(default_factory=dict)


def read_article(pages: Pages, learned: Mapping[str, str] | None = None, whole: bool = False) -> Reading:
    """One article from its pages. From a first page alone (unless ``whole``: these are all its pages):
    whether it is an article, and, when it is split, the pages to fetch; else the article."""
    (first_html, first_url), *more = pages
    parser = ArticleParser(first_html, first_url, more, learned)
    if not more and not whole:
        if not parser.is_article_page():
            return Reading(is_article=False)
        continuation = tuple(parser.continuation_urls())
        if continuation:
            return Reading(is_article=True, continuation=continuation)
    article = parser.article()
    return Reading(True, (), article, dict(parser.sources), frozenset(parser.fallbacks), dict(parser.errors))


@dataclass(frozen=True)
class Crash:
    """The parser raised (it is built never to): the exception in one line, and its traceback."""

    line: str
    traceback: str


class PageParserCrashError(RuntimeError):
    """The page parser raised: a bug, raised in the spider's callback so Scrapy logs it and the run exits 3."""


def answer(order: tuple[Pages, Mapping[str, str] | None]) -> Reading | Crash:
    """The child's answer to one order: the reading, or the parser's exception."""
    try:
        return read_article(*order)
    except Exception as error:
        return Crash(f"{type(error).__name__}: {error}"[:300], traceback.format_exc())


class PageReader:
    """The spider's article pages parsed in a child process (``in_child``), else here."""

    def __init__(self, in_child: bool, timeout: float = 120.0) -> None:
        self.in_child = in_child
        self.timeout = timeout  # seconds for one article's pages; the parser takes milliseconds: longer is stuck
        self.restarts = 0
        self.closed = False
        self._child: Child | None = None

    async def read(self, pages: Pages, learned: Mapping[str, str] | None = None) -> Reading:
        """The reading of ``pages``; raises :class:`PageReadError` with one line when there is none, and
        :class:`PageParserCrashError` when the parser raised."""
        if self.closed:
            raise PageReadError("the crawl is closing")
        order = (tuple(pages), dict(learned or {}))
        if not self.in_child:
            found = answer(order)
        else:
            try:
                found = await self.ask(order)
            except ChildGoneError:  # it died on another page, maybe: this one is tried once more, on a new one
                try:
                    found = await self.ask(order)
                except ChildGoneError as gone:
                    raise PageReadError(str(gone)) from None
        if isinstance(found, Crash):
            raise PageParserCrashError(f"the page parser raised {found.line}\n{found.traceback}")
        return found

    async def ask(self, order: tuple[Pages, dict[str, str]]) -> Reading | Crash:
        """The child's answer; a child that takes over ``timeout`` seconds is stuck: killed."""
        child = self.child()
        try:
            async with asyncio.timeout(self.timeout):  # a timer, not a task: the common case costs nothing
                return await child.ask(order)
        except TimeoutError:
            child.kill(f"took over {self.timeout:g} s on one page")
            raise ChildGoneError(str(child.gone)) from None

    def child(self) -> Child:
        if self._child is not None and self._child.gone:
            if self.restarts >= RESTARTS:
                raise ChildGoneError(f"{self._child.gone}, and it was started again {RESTARTS} times in this run")
            self.restarts += 1
            logger.error("%s; starting it again (%d of %d)", self._child.gone, self.restarts, RESTARTS)
            self._child = None
        if self._child is None:
            self._child = Child("kabarbaik_spider.parsing")
        return self._child

    def close(self) -> None:
        self.closed = True
        if self._child is not None:
            self._child.close()
            self._child = None


def reader_for(settings: Any) -> PageReader:
    """A child process when the setting asks for one and Scrapy runs on asyncio's loop (its default)."""
    from scrapy.utils.asyncio import is_asyncio_available

    in_child = settings.getbool("KABARBAIK_PARSE_PROCESS") and is_asyncio_available()
    return PageReader(in_child, settings.getfloat("KABARBAIK_PARSE_TIMEOUT"))


if __name__ == "__main__":  # run as __main__: answer with the module's own classes, which the crawl unpickles
    from kabarbaik_spider import parsing

    serve(parsing.answer)

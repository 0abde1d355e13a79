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
- A page the parser cannot read (it raised, which it is built never to do)
  fails its article with the reason, as a page that is no article does.
- A child that dies fails the articles it was reading, named, and a new one
  reads the next; after :data:`RESTARTS` deaths in a run, every article fails.
"""

from __future__ import annotations

import logging
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


def answer(order: tuple[Pages, Mapping[str, str] | None]) -> Reading | str:
    """The child's answer to one order: the reading, or one line saying why there is none."""
    try:
        return read_article(*order)
    except Exception as error:  # the parser is built never to raise; if it does, the article fails, named
        return f"{type(error).__name__}: {error}"[:300]


class PageReader:
    """The spider's article pages parsed in a child process (``in_child``), else here."""

    def __init__(self, in_child: bool) -> None:
        self.in_child = in_child
        self.restarts = 0
        self._child: Child | None = None

    async def read(self, pages: Pages, learned: Mapping[str, str] | None = None) -> Reading:
        """The reading of ``pages``; raises :class:`PageReadError` with one line when there is none."""
        if not self.in_child:
            found = answer((pages, learned))
        else:
            try:
                found = await self.child().ask((tuple(pages), dict(learned or {})))
            except ChildGoneError as gone:
                raise PageReadError(str(gone)) from None
        if isinstance(found, str):
            raise PageReadError(f"the page parser raised {found}")
        return found

    def child(self) -> Child:
        if self._child is not None and self._child.gone:
            if self.restarts >= RESTARTS:
                raise ChildGoneError(f"{self._child.gone}, {RESTARTS} times in this run")
            self.restarts += 1
            logger.error("%s; starting it again (%d of %d)", self._child.gone, self.restarts, RESTARTS)
            self._child = None
        if self._child is None:
            self._child = Child("kabarbaik_spider.parsing")
        return self._child

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None


def reader_for(settings: Any) -> PageReader:
    """A child process when the setting asks for one and Scrapy runs on asyncio's loop (its default)."""
    from scrapy.utils.reactor import is_asyncio_reactor_installed

    return PageReader(settings.getbool("KABARBAIK_PARSE_PROCESS") and is_asyncio_reactor_installed())


if __name__ == "__main__":  # run as __main__: answer with the module's own classes, which the crawl unpickles
    from kabarbaik_spider import parsing

    serve(parsing.answer)

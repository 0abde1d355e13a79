"""Saved article pages with their expected items: the parser's fixtures, one folder each.

The layout is web-poet's testing fixtures' (and Fundus's test data's)::

    fixtures/pages/<slug>/
        inputs/page-1.html   the article's first page, as fetched
        inputs/page-2.html   its continuation pages (/slug/2/ …), if any
        meta.json            the URL of each input, when and how it was fetched, the project version
        output.json          the expected item, reviewed by a person

Each expected item lives here once: the tests, ``scrapy fixture check`` and
the benchmarks read them, and the offline copy of the site
(``fixtures/site/<slug>/index.html``) links to these inputs instead of
holding a second copy. Plain code: no Scrapy needed to read or check a fixture.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.article import ArticleParser

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
HEADERS_KEPT = ("content-type", "last-modified", "etag", "date", "server")  # the headers that matter later
SLUG_CHARACTERS = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Page:
    """One fetched page of an article."""

    html: str
    url: str
    status: int = 200
    headers: dict[str, str] | None = None


def project_version() -> str:
    try:
        return version("kabarbaik-spider")
    except PackageNotFoundError:
        return "unknown"


def slug_for(url: str) -> str:
    """The folder name for an article: its URL's last path segment, cleaned; never a path that climbs out."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    cleaned = SLUG_CHARACTERS.sub("-", (segments[-1] if segments else "home").lower()).strip("-")[:100]
    return cleaned or "page"


@dataclass(frozen=True)
class Fixture:
    """A fixture folder: its inputs, its meta and its expected item."""

    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def meta(self) -> dict[str, Any]:
        return json.loads((self.folder / "meta.json").read_text(encoding="utf-8"))

    def pages(self) -> list[tuple[str, str]]:
        """``(html, url)`` of every input page, the first page first."""
        return [
            ((self.folder / "inputs" / entry["file"]).read_text(encoding="utf-8"), entry["url"])
            for entry in self.meta["inputs"]
        ]

    def expected(self) -> dict[str, Any]:
        return json.loads((self.folder / "output.json").read_text(encoding="utf-8"))

    def parse(self) -> tuple[dict[str, Any], ArticleParser]:
        """The current parser's item for the inputs, and the parser (which knows each key's source)."""
        (first, url), *more = self.pages()
        parser = ArticleParser(first, url, more)
        return asdict(parser.article()), parser

    def differences(self) -> list[tuple[str, Any, Any, str]]:
        """``(key, expected, now, source)`` for every key whose parsed value is not the expected one.

        ``source`` names the source that gave the value now, or says that none
        did and which were tried, in order.
        """
        now, parser = self.parse()
        expected = self.expected()
        return [
            (key, expected.get(key), now[key], describe_source(parser, key))
            for key in ARTICLE_KEYS
            if expected.get(key) != now[key]
        ]

    def update(self) -> None:
        """Writes what the parser gives now as the expected item (after a deliberate change)."""
        write_json(self.folder / "output.json", self.parse()[0])


def describe_source(parser: ArticleParser, key: str) -> str:
    """``source theme``, or ``no source (tried jsonld, meta, theme)`` when none gave a value."""
    if key in parser.sources:
        return f"source {parser.sources[key]}"
    tried = ", ".join(parser.orders.get(key, ())) or "nothing"
    error = f"; {parser.errors[key]}" if key in parser.errors else ""
    return f"no source (tried {tried}{error})"


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def all_fixtures(root: Path = PAGES) -> list[Fixture]:
    """Every fixture folder under ``root``, by name."""
    return [Fixture(folder) for folder in sorted(root.glob("*/")) if (folder / "meta.json").is_file()]


def save(pages: list[Page], root: Path = PAGES, force: bool = False, source: str = "fetched") -> Fixture:
    """Writes a new fixture for the article whose first page is ``pages[0]``; ``output.json`` from the parser.

    Refuses to overwrite an existing fixture without ``force``. The folder is
    named by :func:`slug_for`, so no URL can write outside ``root``.
    """
    folder = root / slug_for(pages[0].url)
    if folder.parent.resolve() != root.resolve():
        raise ValueError(f"refusing to write outside {root}: {folder}")
    if folder.exists() and not force:
        raise FileExistsError(f"{folder} exists; --force replaces it")
    (folder / "inputs").mkdir(parents=True, exist_ok=True)
    inputs = []
    for number, page in enumerate(pages, start=1):
        name = f"page-{number}.html"
        (folder / "inputs" / name).write_text(page.html, encoding="utf-8")
        headers = {key: value for key, value in (page.headers or {}).items() if key.lower() in HEADERS_KEPT}
        inputs.append({"file": name, "url": page.url, "status": page.status, "headers": headers})
    meta = {
        "url": pages[0].url,
        "inputs": inputs,
        "saved_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "source": source,
        "project_version": project_version(),
    }
    write_json(folder / "meta.json", meta)
    fixture = Fixture(folder)
    fixture.update()
    return fixture

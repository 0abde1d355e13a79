"""First contact with the live site: a few polite requests, kept, and one screen on what our model got wrong.

No machine that built this project reaches kabarbaik.co, so the theme's
class names, the listing's shape and the channels are a model
(``fixtures/site/``). ``scrapy probe`` fetches what the crawl depends on (the
home page, listing page 2, the newest three articles with their continuation
pages, robots.txt, the sitemap index and one post sitemap, ``/wp-json/`` and
the three posts' REST API records), keeps every answer in a WARC file
(:mod:`kabarbaik_spider.archive`), saves the three articles as fixtures,
and says, for each article and key, which layer gave the value and whether
WordPress's own record agrees. The spider only fetches; :func:`verdict`
judges what it kept, plain code over the pages.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from kabarbaik_spider.channels.rest_api import posts_by_id
from kabarbaik_spider.exit_status import EXIT_COVERAGE, EXIT_ERRORS, EXIT_OK
from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.api import api_article_dict, read_posts
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.listing import Listing, parse_listing
from kabarbaik_spider.pages.merge import merge_with_record

ARTICLES = 3  # the newest three: enough to see the theme, few enough to be polite


@dataclass
class Fetched:
    url: str
    status: int
    text: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Probe:
    """What the probe fetched, by role."""

    origin: str
    home: Fetched | None = None
    page2: Fetched | None = None
    articles: list[list[Fetched]] = field(default_factory=list)  # each article's pages, first first
    robots: Fetched | None = None
    sitemap_index: Fetched | None = None
    post_sitemap: Fetched | None = None
    api_root: Fetched | None = None
    api_posts: Fetched | None = None
    failures: list[str] = field(default_factory=list)


def fetched(response: Response) -> Fetched:
    headers = {key.decode().lower(): b", ".join(values).decode("latin-1") for key, values in response.headers.items()}
    text = response.text if hasattr(response, "text") else response.body.decode("utf-8", "replace")
    return Fetched(response.url, response.status, text, response.body, headers)


class ProbeSpider(scrapy.Spider):
    """Fetches the probe's pages one by one (the project's politeness), keeping each answer."""

    name = "kabarbaik-probe"
    custom_settings: ClassVar[dict[str, Any]] = {"HTTPERROR_ALLOW_ALL": True, "LOG_LEVEL": "ERROR"}

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parts = urlsplit(start_url)
        self.start_url = start_url
        self.probe = Probe(origin=f"{parts.scheme}://{parts.netloc}")
        self.allowed_domains = [parts.hostname]
        self.pending_articles = 0

    def request(self, url: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback, errback=self.failed, cb_kwargs=cb_kwargs, dont_filter=True)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        origin = self.probe.origin
        yield self.request(self.start_url, self.home)
        yield self.request(f"{origin}/robots.txt", self.robots)
        yield self.request(f"{origin}/wp-json/", self.api_root)

    def failed(self, failure: Any) -> None:
        self.probe.failures.append(f"{failure.request.url}: {failure.getErrorMessage() or failure.type.__name__}")

    def home(self, response: Response) -> Iterator[scrapy.Request]:
        self.probe.home = fetched(response)
        listing = parse_listing(response.text, response.url) if response.status == 200 else Listing()
        if listing.next_url:
            yield self.request(listing.next_url, self.page2)
        newest = listing.cards[:ARTICLES]
        self.pending_articles = len(newest)
        self.probe.articles = [[] for _ in newest]
        for number, card in enumerate(newest):
            yield self.request(card.url, self.article, number=number, todo=None)

    def page2(self, response: Response) -> None:
        self.probe.page2 = fetched(response)

    def article(self, response: Response, number: int, todo: list[str] | None) -> Iterator[scrapy.Request]:
        self.probe.articles[number].append(fetched(response))
        if todo is None:
            todo = ArticleParser(response.text, response.url).continuation_urls() if response.status == 200 else []
        if todo:
            yield self.request(todo[0], self.article, number=number, todo=todo[1:])
            return
        self.pending_articles -= 1
        if self.pending_articles == 0:
            ids = [ArticleParser(pages[0].text, pages[0].url).field("post_id") for pages in self.probe.articles]
            ids = [post_id for post_id in ids if isinstance(post_id, int)]
            if ids:
                yield self.request(posts_by_id(self.probe.origin, ids), self.api_posts)

    def robots(self, response: Response) -> Iterator[scrapy.Request]:
        self.probe.robots = fetched(response)
        named = list(sitemap_urls_from_robots(response.body, base_url=response.url)) if response.status == 200 else []
        yield self.request(named[0] if named else f"{self.probe.origin}/sitemap_index.xml", self.sitemap_index)

    def sitemap_index(self, response: Response) -> Iterator[scrapy.Request]:
        self.probe.sitemap_index = fetched(response)
        locs = sitemap_locs(response.body) if response.status == 200 else []
        posts = [loc for loc in locs if "post-sitemap" in loc or "sitemap-posts-post" in loc]
        if posts:
            yield self.request(posts[0], self.post_sitemap)

    def post_sitemap(self, response: Response) -> None:
        self.probe.post_sitemap = fetched(response)

    def api_root(self, response: Response) -> None:
        self.probe.api_root = fetched(response)

    def api_posts(self, response: Response) -> None:
        self.probe.api_posts = fetched(response)


def api_namespaces(root: Fetched | None) -> bool:
    """``/wp-json/`` answers WordPress's index, with the ``wp/v2`` routes the crawl reads."""
    if root is None or root.status != 200:
        return False
    try:
        index = json.loads(root.body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return False
    return isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or [])


def sitemap_locs(body: bytes) -> list[str]:
    try:
        return [entry["loc"] for entry in Sitemap(body) if entry.get("loc")]
    except Exception:  # broken XML: Scrapy's own parser recovers what it can, and raises on the rest
        return []


# -- the verdict: plain code over what was fetched -----------------------------------------------------


@dataclass
class KeyReport:
    key: str
    source: str | None
    value: Any
    fallback: bool
    api: Any = None
    disagrees: bool = False


@dataclass
class ArticleReport:
    url: str
    pages: int
    keys: list[KeyReport]
    in_api: bool
    fixture: str = ""


@dataclass
class Verdict:
    status: int
    lines: list[str]
    problems: list[str]
    articles: list[ArticleReport]


def shown(value: Any, width: int = 58) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def verdict(probe: Probe, kept: str, fixtures: list[str]) -> Verdict:
    """One screen on the probe, and its exit status: 0, 5 when the markup is not our model's, 3 when a fetch
    failed or a channel is closed."""
    lines: list[str] = [f"probe of {probe.origin}: every answer kept in {kept}"]
    markup: list[str] = []
    closed: list[str] = list(probe.failures)
    cards = 0  # on the home page: the listing channel is open when it has any, whatever layer found them
    # the listing
    for name, page in (("home", probe.home), ("page 2", probe.page2)):
        if page is None or page.status != 200:
            closed.append(f"listing {name}: {'not fetched' if page is None else f'HTTP {page.status}'}")
            lines.append(f"listing {name}: {'not fetched' if page is None else f'HTTP {page.status}'}")
            continue
        listing = parse_listing(page.text, page.url)
        cards = len(listing.cards) if name == "home" else cards
        dates = ", ".join(card.date[:10] if card.date else "no date" for card in listing.cards[:ARTICLES])
        lines.append(
            f"listing {name} {page.url}: {len(listing.cards)} cards (newest dated {dates or '-'}),"
            f" next {listing.next_url or 'none'}"
            + (f"; from fallback layers: {', '.join(sorted(listing.fallbacks))}" if listing.fallbacks else "")
        )
        if not listing.cards:
            markup.append(f"listing {name}: no cards")
        elif any(card.date is None for card in listing.cards):
            markup.append(f"listing {name}: cards without a date")
        if name == "home" and not listing.next_url:
            markup.append("listing home: no next link")
        markup += [f"listing {name}: {what} from a fallback layer" for what in sorted(listing.fallbacks)]
    # the REST API's records of the probed posts
    records: dict[int, dict[str, Any]] = {}
    if probe.api_posts is not None and probe.api_posts.status == 200:
        for post in read_posts(probe.api_posts.body) or []:
            if isinstance(post, dict) and isinstance(post.get("id"), int):
                records[post["id"]] = api_article_dict(post)
    # the articles
    reports: list[ArticleReport] = []
    for number, pages in enumerate(probe.articles):
        if not pages or pages[0].status != 200 or any(page.status != 200 for page in pages):
            closed.append(f"article {pages[0].url if pages else number + 1}: not fetched whole")
            continue
        first, *more = pages
        parser = ArticleParser(first.text, first.url, [(page.text, page.url) for page in more])
        item = asdict(parser.article())
        api = records.get(item["post_id"]) if isinstance(item["post_id"], int) else None
        wrong = set(merge_with_record(item, api).disagreements) if api is not None else set()
        keys = [
            KeyReport(
                key, parser.sources.get(key), item[key], key in parser.fallbacks, api and api.get(key), key in wrong
            )
            for key in ARTICLE_KEYS
        ]
        report = ArticleReport(
            first.url, len(pages), keys, api is not None, fixtures[number] if number < len(fixtures) else ""
        )
        reports.append(report)
        lines.append(
            f"article {number + 1} {first.url} ({len(pages)} page{'s' if len(pages) > 1 else ''})"
            + (f", fixture {report.fixture}" if report.fixture else "")
            + ("" if api is not None else "; not in the REST API's answer")
        )
        for key in keys:
            mark = "FALLBACK " if key.fallback else ""
            mark += f"API SAYS {shown(key.api, 30)} " if key.disagrees else ""
            lines.append(f"  {key.key:13} {key.source or '-':10} {mark}{shown(key.value)}")
            if key.fallback:
                markup.append(f"{first.url} {key.key}: from {key.source}, below the theme's markup")
            if key.disagrees:
                markup.append(f"{first.url} {key.key}: the REST API says {shown(key.api, 40)}")
        if api is None:
            closed.append(f"{first.url}: no REST API record to compare")
    if len(reports) < ARTICLES:
        closed.append(f"{len(reports)} of {ARTICLES} articles probed")
    # the channels
    api_open = api_namespaces(probe.api_root) and bool(records)
    post_urls = sitemap_locs(probe.post_sitemap.body) if probe.post_sitemap and probe.post_sitemap.status == 200 else []
    robots = probe.robots is not None and probe.robots.status == 200
    channels = {
        "listing": cards > 0,
        "REST API": api_open,
        "sitemaps": bool(post_urls),
    }
    lines.append(
        "channels: "
        + "; ".join(f"{name} {'open' if is_open else 'CLOSED'}" for name, is_open in channels.items())
        + f" (robots.txt {'read' if robots else 'missing'}"
        + (f", post sitemap {probe.post_sitemap.url}: {len(post_urls)} posts" if probe.post_sitemap else "")
        + ")"
    )
    closed += [f"the {name} channel is closed" for name, is_open in channels.items() if not is_open]
    status = EXIT_ERRORS if closed else EXIT_COVERAGE if markup else EXIT_OK
    problems = closed + markup
    if status == EXIT_OK:
        lines.append("verdict 0: every key of every probed article came from the site's own markup or WordPress's")
        lines.append("record, the REST API agrees, and every channel is open")
    else:
        lines.append(f"verdict {status}: {len(problems)} problem(s); first: {problems[0]}")
    return Verdict(status, lines, problems, reports)

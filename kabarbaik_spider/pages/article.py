"""Article pages → :class:`Article`, plain code over HTML and URL.

Every field reads its sources best first, as docs/site.md orders them: structured
data (JSON-LD), meta tags, the theme's markup, then structure and words that
any WordPress theme keeps. A missing or broken layer costs that layer only.
When a field had to come from below the theme markup, its name is added to
``ArticleParser.fallbacks`` so that a crawl can report that the site drifted.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import asdict
from functools import cached_property
from typing import ClassVar, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.sources import (
    VISIBLE_DATE_WORDS,
    FieldReader,
    JsonLd,
    Meta,
    clean_text,
    iso_date,
    node_text,
    page_selector,
    visible_date,
)

# Theme markup: the model's guess at the live theme's class names.
TITLE = "h1.entry-title"
BYLINE = 'a[rel="author"]'
VISIBLE_TIME = "time.entry-date"
VISIBLE_DATE = "span.meta-date"
VIEWS = "span.meta-views"
CONTENT = "div.entry-content"
TAGS = 'div.post-tags a[rel="tag"]'
FIGURE = "figure.post-thumbnail"
BREADCRUMB_LINKS = "div.breadcrumbs a"
CANONICAL = 'link[rel="canonical"]::attr(href)'
SHORTLINK = 'link[rel="shortlink"]::attr(href)'

# Microdata (schema.org in attributes), which some themes write instead of JSON-LD.
MICRODATA_PUBLISHED = '(//*[@itemprop="datePublished"]/@content | //*[@itemprop="datePublished"]/@datetime)[1]'
MICRODATA_AUTHOR = '//*[@itemprop="author"][not(@itemscope)] | //*[@itemprop="author"]//*[@itemprop="name"]'

# Structure and words, for when the class names above are not the live ones.
ARTICLE_SCOPES = ("(//article)[1]", "(//main)[1]", "//body")
ANY_TAGS = 'a[rel~="tag"]'
BODY_NOISE = (
    "ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' code-block ')"
    " or contains(@class, 'baca-juga') or contains(@class, 'post-credit')"
    " or contains(@class, 'page-links') or contains(@class, 'sharedaddy')]"
    " or ancestor::ins or ancestor::aside or ancestor::figure or ancestor::footer"
)
CREDIT_CANDIDATES = (
    ".//*[self::p or self::div or self::span or self::li]"
    "[starts-with(normalize-space(), 'Penulis') or starts-with(normalize-space(), 'Reporter')"
    " or starts-with(normalize-space(), 'Editor')]"
)
NOT_CONTENT = "ancestor::aside or ancestor::nav or ancestor::script or ancestor::style"
VIEWS_TEXT = f".//text()[contains(., 'Dilihat')][not({NOT_CONTENT})]"
DATE_TEXT = f".//text()[re:test(., '\\d{{4}}')][not({NOT_CONTENT})]"

CREDIT_LINE = re.compile(
    r"(?P<label>Penulis|Reporter|Editor)\s*:\s*(?P<name>.+?)(?=\s*(?:Penulis|Reporter|Editor)\s*:|$)"
)
VIEWS_COUNT = re.compile(r"(\d[\d.]*)\s*Dilihat")
POST_ID_CLASS = re.compile(r"\bpostid-(\d+)\b")
POST_ID_ARTICLE = re.compile(r"^post-(\d+)$")
POST_ID_QUERY = re.compile(r"[?&]p=(\d+)\b")
CATEGORY_CLASS = re.compile(r"\bcategory-([\w-]+)")
NOT_BODY = re.compile(
    r"^(?:Baca Juga\b|Cek Berita dan Artikel|Kami mengajak Anda untuk bergabung|Halaman\s*:"
    r"|(?:Penulis|Reporter|Editor)\s*:)",
    re.IGNORECASE,
)
MAX_VIEWS_DIGITS = 15
BYLINE_PREFIX = re.compile(r"^(?:Pos-pos oleh|View all posts by|Posts by|By|Von|Oleh|Por|Par)\s+", re.IGNORECASE)

Value = TypeVar("Value")


def content_paragraphs(content: Selector) -> list[str]:
    """The article's own paragraphs in a content element: no ads, ``Baca Juga``, promotions or credit lines.

    One cleaning for every channel: the page's content container and the
    REST API's ``content.rendered`` go through it alike.
    """
    texts = (node_text(p) for p in content.xpath(f".//p[not({BODY_NOISE})]"))
    return [text for text in texts if text and not NOT_BODY.match(text)]


def credit_lines(scope: Selector) -> dict[str, str]:
    """``Penulis:``, ``Reporter:`` and ``Editor:`` lines found by their words, wherever they stand."""
    found: dict[str, str] = {}
    for node in scope.xpath(CREDIT_CANDIDATES):
        for match in CREDIT_LINE.finditer(node_text(node) or ""):
            found.setdefault(match["label"].lower(), match["name"].strip())
    return found


class ArticleParser(FieldReader):
    """One article from its first page and any continuation pages (``/slug/2/``)."""

    field_methods: ClassVar[dict[str, str]] = {"url": "canonical_url"}

    def __init__(self, html_text: str, url: str, more: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__()
        self.url = url
        self.doc = page_selector(html_text)
        self.more = [page_selector(text) for text, _ in more]
        self.ld = JsonLd(self.doc)
        self.meta = Meta(self.doc)
        self.fallbacks: set[str] = set()
        self._scopes: dict[int, Selector] = {}

    # -- helpers -------------------------------------------------------------

    def _fallback(self, key: str, value: Value) -> Value:
        """Record that ``key`` came from below the theme markup, when it did."""
        if value not in (None, [], ""):
            self.fallbacks.add(key)
        return value

    @cached_property
    def pages(self) -> list[Selector]:
        return [self.doc, *self.more]

    def scope(self, page: Selector) -> Selector:
        """The article's own part of the page: ``<article>``, else ``<main>``, else the body (found once a page)."""
        key = id(page)
        if key not in self._scopes:
            self._scopes[key] = next((found[0] for xpath in ARTICLE_SCOPES if (found := page.xpath(xpath))), page)
        return self._scopes[key]

    @cached_property
    def credits(self) -> dict[str, str]:
        """Credit lines from the last page that shows them (the box follows the text)."""
        return next((found for page in reversed(self.pages) if (found := credit_lines(self.scope(page)))), {})

    # -- fields, one each ----------------------------------------------------

    @cached_property
    def canonical(self) -> str:
        """The canonical URL, read once: the item's ``url`` and the continuation pages both need it."""
        link = self.doc.css(CANONICAL).get() or self.meta("og:url") or self.url
        parts = urlsplit(urljoin(self.url, link.strip()))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))

    def canonical_url(self) -> str:
        return self.canonical

    def post_id(self) -> int | None:
        found = (
            POST_ID_CLASS.search(self.doc.xpath("//body/@class").get(""))
            or POST_ID_ARTICLE.search(self.doc.xpath("(//article/@id)[1]").get(""))
            or POST_ID_QUERY.search(self.doc.css(SHORTLINK).get(""))
        )
        return int(found[1]) if found else None

    def title(self) -> str | None:
        return (
            html.unescape(self.ld.text("headline") or "")
            or self.meta("og:title")
            or node_text(self.doc.css(TITLE))
            or self._fallback("title", node_text(self.doc.xpath("(//h1)[1]")))
        )

    def published_at(self) -> str | None:
        return (
            iso_date(self.ld.get("datePublished"))
            or iso_date(self.meta("article:published_time"))
            or iso_date(self.doc.xpath(MICRODATA_PUBLISHED).get())
            or iso_date(self.doc.css(VISIBLE_TIME).xpath("@datetime").get())
            or visible_date(node_text(self.doc.css(VISIBLE_TIME)) or node_text(self.doc.css(VISIBLE_DATE)))
            or self._fallback("published_at", iso_date(self.doc.xpath("(//time/@datetime)[1]").get()))
            or self._fallback("published_at", visible_date(self.date_in_words()))
        )

    def date_in_words(self) -> str | None:
        """The first ``Senin, 12 Mei 2025 - 19:02 WIB`` in the article, wherever it stands."""
        for text in self.scope(self.doc).xpath(DATE_TEXT).getall():
            found = VISIBLE_DATE_WORDS.search(text)
            if found:
                return found[0]
        return None

    def modified_at(self) -> str | None:
        return iso_date(self.ld.get("dateModified")) or iso_date(self.meta("article:modified_time"))

    def author(self) -> str | None:
        return self.credits.get("penulis") or self.credits.get("reporter") or self.byline()

    def byline(self) -> str | None:
        link = self.doc.css(BYLINE)
        return (
            clean_text(BYLINE_PREFIX.sub("", link.xpath("@title").get("")))
            or node_text(link)
            or self.ld.author_name()
            or clean_text(BYLINE_PREFIX.sub("", node_text(self.doc.xpath(MICRODATA_AUTHOR)[:1]) or ""))
            or self.meta("author")
        )

    def editor(self) -> str | None:
        return self.credits.get("editor")

    def category(self) -> str | None:
        sections = self.ld.strings("articleSection")
        crumbs = [node_text(a) for a in self.doc.css(BREADCRUMB_LINKS)]
        ld_crumbs = self.ld.breadcrumb_names()
        return (
            (sections[0] if sections else None)
            or (crumbs[-1] if len(crumbs) > 1 else None)
            or self._fallback("category", ld_crumbs[-2] if len(ld_crumbs) > 2 else None)
            or self._fallback("category", self.category_from_class())
        )

    def category_from_class(self) -> str | None:
        found = CATEGORY_CLASS.search(self.doc.xpath("(//article/@class)[1]").get(""))
        if not found:
            return None
        slug = found[1]
        link = self.doc.xpath(f'//a[contains(@href, "/category/{slug}/")]')
        return node_text(link[0]) if link else slug.replace("-", " ").title()

    def tags(self) -> list[str]:
        return self._tags_from(TAGS) or self._fallback("tags", self._tags_from(ANY_TAGS)) or self.ld.strings("keywords")

    def _tags_from(self, css: str) -> list[str]:
        for page in reversed(self.pages):
            found = [text for a in self.scope(page).css(css) if (text := node_text(a))]
            if found:
                return list(dict.fromkeys(found))
        return []

    def views(self) -> int | None:
        text = node_text(self.doc.css(VIEWS)) or self._fallback(
            "views", " ".join(self.scope(self.doc).xpath(VIEWS_TEXT).getall())
        )
        found = VIEWS_COUNT.search(text or "")
        digits = found[1].replace(".", "") if found else ""
        return int(digits) if 0 < len(digits) <= MAX_VIEWS_DIGITS else None

    @cached_property
    def figure(self) -> Selector | None:
        figures = self.doc.css(FIGURE) or self.scope(self.doc).xpath(".//figure[.//img]")
        return figures[0] if figures else None

    def image_url(self) -> str | None:
        img = self.figure.css("img") if self.figure is not None else None
        src = img.xpath("@data-src").get() or img.xpath("@src").get() if img else None
        ld_image = self.ld.image.get("url") or self.ld.image.get("contentUrl")
        found = src or self.meta("og:image") or (ld_image if isinstance(ld_image, str) else None)
        return urljoin(self.url, found) if found else None

    def image_caption(self) -> str | None:
        caption = self.figure.css("figcaption") if self.figure is not None else None
        ld_caption = self.ld.image.get("caption")
        return node_text(caption) or (clean_text(ld_caption) if isinstance(ld_caption, str) else None)

    def summary(self) -> str | None:
        return self.meta("description") or self.meta("og:description")

    def body(self) -> str | None:
        paragraphs = [text for page in self.pages for text in self.paragraphs(page)]
        return "\n\n".join(paragraphs) or None

    def paragraphs(self, page: Selector) -> list[str]:
        content = page.css(CONTENT) or self._fallback("body", self.densest_block(page))
        return content_paragraphs(content[0]) if content else []

    def densest_block(self, page: Selector) -> list[Selector]:
        """The element whose own paragraphs hold the most text: the article's text, on any theme."""
        blocks = self.scope(page).xpath(f".//*[p][not({NOT_CONTENT})]")
        best = max(
            blocks, key=lambda block: sum(len(text) for text in block.xpath("./p//text()").getall()), default=None
        )
        return [best] if best is not None else []

    def is_article_page(self) -> bool:
        """The page is a post at all (not a maintenance page, a bot challenge or an error page).

        WordPress marks a post whatever the theme: its body classes (``single``,
        ``postid-N``), an id of ``post-N``, a shortlink ``?p=N``, an article in
        JSON-LD or ``og:type`` article. A page with none of these is a failed
        download to retry, not an article with missing keys to reject.
        """
        body_classes = self.doc.xpath("//body/@class").get("").split()
        return bool(
            "single" in body_classes
            or self.field("post_id") is not None
            or self.ld.article
            or self.meta("og:type") == "article"
        )

    def continuation_urls(self) -> list[str]:
        """Links from the first page to ``<its URL>N/`` (N ≥ 2), in order: the article's further pages.

        Only links whose ``href`` holds the article's path are joined and matched:
        a page has hundreds of links, and its page links are a handful.
        """
        canonical = (self.field("url") or self.url).rstrip("/")
        path = urlsplit(canonical).path
        if not path:
            return []
        pattern = re.compile(re.escape(canonical) + r"/(\d+)/?$")
        numbered: dict[int, str] = {}
        for href in self.doc.xpath("//a/@href[contains(., $path)]", path=path).getall():
            found = pattern.match(urljoin(self.url, href.strip()))
            if found and int(found[1]) > 1:
                numbered.setdefault(int(found[1]), found[0])
        return [numbered[n] for n in sorted(numbered)]


def continuation_urls(html_text: str, url: str) -> list[str]:
    """The article's further pages (``/slug/2/``, ``/slug/3/``) in order, first page left out."""
    return ArticleParser(html_text, url).continuation_urls()


def parse_article(html_text: str, url: str, more: Sequence[tuple[str, str]] = ()) -> Article:
    """The article on ``html_text`` (its first page), with ``more`` as ``(html, url)`` pages."""
    return ArticleParser(html_text, url, more).article()


def article_dict(html_text: str, url: str, more: Sequence[tuple[str, str]] = ()) -> dict:
    """:func:`parse_article` as a plain dict, the shape of a line of the store."""
    return asdict(parse_article(html_text, url, more))

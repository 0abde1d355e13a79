"""Readers shared by the page parsers: JSON-LD, meta tags, dates, text, and the named sources of a field.

Each reader is forgiving on purpose: a malformed JSON-LD block or a missing
meta tag yields ``None`` so that the field moves on to its next source.
Nothing here imports Scrapy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cached_property, lru_cache
from typing import Any, ClassVar

from lxml import etree
from parsel import Selector, SelectorList

from kabarbaik_spider.items import ARTICLE_KEYS, Article
from kabarbaik_spider.pages.markup import HEAD, collapsed, composed, has_value, references_decoded, visible_text

WIB = timezone(timedelta(hours=7), "WIB")

CDATA_WRAPPING = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
MAX_GRAPH_DEPTH = 8  # lists and @graphs nested deeper than this are not the page's metadata
ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report", "SocialMediaPosting",
    }
)  # fmt: skip
POSTING_TYPES = ("LiveBlogPosting", "ClaimReview")  # the page's story, for its dates only
MONTHS = {
    name[:3]: number
    for number, name in enumerate(
        ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
         "november", "desember"),
        start=1,
    )
} | {"agt": 8, "ags": 8, "nop": 11}  # fmt: skip
INDONESIAN_DATE = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>Jan(?:uari)?|Feb(?:ruari)?|Mar(?:et)?|Apr(?:il)?|Mei|Jun(?:i)?|Jul(?:i)?"
    r"|Agu(?:stus)?|Agt|Ags|Sep(?:tember)?|Okt(?:ober)?|No[pv](?:ember)?|Des(?:ember)?)\.?\s+(?P<year>\d{4})\b"
    r"(?:\s*[-–,|]?\s*(?:pukul\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\b)?",
    re.IGNORECASE,
)
_VISIBLE_DATE_NOISE = re.compile(r"^\s*\w+,\s*|\bWIB\b|\s-\s|\bpukul\b", re.IGNORECASE)


def clean_text(value: str | None) -> str | None:
    """Collapse white space (entities are already decoded by lxml); empty → None."""
    if value is None:
        return None
    text = collapsed(value)
    return text or None


def data_text(value: str | None) -> str | None:
    """A text of the page's data for machines (JSON-LD, a ``<meta>``'s content): references a publisher escaped
    twice decoded (``Politics &amp; Government``), then cleaned as :func:`clean_text` cleans."""
    return clean_text(references_decoded(value)) if value is not None else None


# One parser for every page, of plain lxml elements: parsel makes a parser a page and lxml.html's element
# classes are looked up for every element touched, which costs more than the rest of parsing a page.
HTML_PARSER = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)


def page_selector(html_text: str) -> Selector:
    """The page's tree, parsed as parsel parses it; text that is not valid Unicode (lone surrogates) is
    mended, never an error."""
    # NUL bytes dropped after encoding: UTF-8 writes a zero byte for U+0000 only, and bytes search faster
    body = html_text.strip().encode("utf-8", "replace").replace(b"\x00", b"") or b"<html/>"
    root = etree.fromstring(body, parser=HTML_PARSER)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=HTML_PARSER)
    return Selector(root=root, type="html")


def node_text(node: Selector | SelectorList[Selector] | None) -> str | None:
    """The visible text of an element (or of each element of a list, joined), as :func:`visible_text` reads it."""
    if node is None:
        return None
    roots = [node.root] if isinstance(node, Selector) else [selector.root for selector in node]
    return clean_text(" ".join(visible_text(root) for root in roots if isinstance(root, etree._Element)))


def to_wib(value: datetime, zone: tzinfo = WIB) -> str:
    """ISO 8601 in WIB with offset, seconds precision; a naive time is taken in ``zone`` (WIB unless told)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(WIB).replace(microsecond=0).isoformat()


def parse_iso(value: Any) -> datetime | None:
    """An ISO 8601 string (``2025-05-12T19:02:00+07:00``, ``…Z``, ``…+0700``, ``2025-05-12``), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def iso_date(value: Any, zone: Callable[[], tzinfo] | None = None) -> str | None:
    """An ISO 8601 string (JSON-LD, meta, ``<time datetime>``) → WIB ISO, or None.

    A time without an offset is the page's time: ``zone()`` (WIB when not
    given), asked only then. A date without a time is midnight there, which
    keeps its calendar day in WIB for any zone west of WIB.
    """
    parsed = parse_iso(value)
    if parsed is None:
        return None
    try:
        return to_wib(parsed, zone() if zone is not None and parsed.tzinfo is None else WIB)
    except (ValueError, OverflowError):  # a year that has no WIB (0001 with +14:00)
        return None


def zone_of(values: list[Any]) -> tzinfo | None:
    """The UTC offset of the first of ``values`` that is an ISO time with one."""
    for value in values:
        parsed = parse_iso(value)
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.tzinfo
    return None


def indonesian_date(text: str) -> str | None:
    """``12 Mei 2025``, with ``19:02`` or ``19.02`` after it or not, → WIB ISO (midnight without a time)."""
    found = INDONESIAN_DATE.search(text)
    if not found:
        return None
    month = MONTHS.get(found["month"].lower()[:3])
    try:
        when = datetime(
            int(found["year"]), month or 0, int(found["day"]), int(found["hour"] or 0), int(found["minute"] or 0)
        )
    except ValueError:
        return None
    return to_wib(when)


@lru_cache(maxsize=4096)
def visible_date(value: str | None) -> str | None:
    """A visible Indonesian date (``Senin, 12 Mei 2025 - 19:02 WIB``) → WIB ISO.

    The usual form is read by :func:`indonesian_date` (a listing's card dates
    are on the crawl's hot path); dateparser, imported here only, reads the
    rest (``2 jam yang lalu``, ``kemarin``). The cache serves a listing's
    cards, which share a handful of days.
    """
    text = clean_text(value)
    if not text:
        return None
    found = indonesian_date(text)
    if found:
        return found
    import dateparser

    try:
        parsed = dateparser.parse(
            _VISIBLE_DATE_NOISE.sub(" ", text),
            languages=["id"],
            settings={"TIMEZONE": "Asia/Jakarta", "RETURN_AS_TIMEZONE_AWARE": True},
        )
        return to_wib(parsed) if parsed else None
    except (ValueError, OverflowError):
        return None


def unwrapped(block: str) -> str:
    """A JSON-LD block without a ``//<![CDATA[ … //]]>`` or ``<!-- … -->`` wrapping (looked at only where it
    can be: a block can be a megabyte)."""
    head, tail = block[:32].lstrip(), block[-32:].rstrip()
    if head.startswith(("//", "<!")) or tail.endswith(("]]>", "-->")):
        return CDATA_WRAPPING.sub("", block)
    return block


class JsonLd:
    """The page's JSON-LD nodes, flattened from every block and ``@graph``."""

    def __init__(self, doc: Selector) -> None:
        self.nodes: list[dict[str, Any]] = []
        # ``/descendant::`` says what ``//`` does without a step for every node of the page (0.56 -> 0.43 ms)
        for block in doc.xpath('/descendant::script[@type="application/ld+json"]/text()').getall():
            try:
                data = json.loads(unwrapped(block), strict=False)
            except (ValueError, RecursionError):  # broken, or nested deeper than Python recurses
                continue
            self._collect(data)

    def _collect(self, data: Any, depth: int = 0) -> None:
        if depth > MAX_GRAPH_DEPTH:
            return
        if isinstance(data, list):
            for entry in data:
                self._collect(entry, depth + 1)
        elif isinstance(data, dict):
            if "@graph" in data:
                self._collect(data["@graph"], depth + 1)
            else:
                self.nodes.append(data)
                if isinstance(data.get("mainEntity"), dict | list):  # a WebPage whose main entity is the article
                    self._collect(data["mainEntity"], depth + 1)

    def first(self, *types: str) -> dict[str, Any]:
        """The first node of one of ``types`` (``{}`` when there is none)."""
        wanted = set(types)
        for node in self.nodes:
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(name, str) and name in wanted for name in kinds):
                return node
        return {}

    @cached_property
    def article(self) -> dict[str, Any]:
        return self.first(*ARTICLE_TYPES)

    @cached_property
    def posting(self) -> dict[str, Any]:
        """The article, else a live blog or a fact check: their dates are the story's, though their headlines
        are written for search (a live blog's) or name the claim (a fact check's)."""
        return self.article or self.first(*POSTING_TYPES)

    @cached_property
    def image(self) -> dict[str, Any]:
        """The article's image: inline in ``image`` or by ``@id`` reference."""
        ref = self.article.get("image")
        if isinstance(ref, list):
            ref = ref[0] if ref else None
        if isinstance(ref, dict) and ("url" in ref or "contentUrl" in ref):
            return ref
        if isinstance(ref, dict) and isinstance(ref.get("@id"), str):
            for node in self.nodes:
                if node.get("@id") == ref["@id"]:
                    return node
        return self.first("ImageObject")

    def get(self, key: str) -> Any:
        return self.article.get(key)

    def image_text(self, key: str) -> str | None:
        value = self.image.get(key)
        return data_text(value) if isinstance(value, str) else None

    def text(self, key: str) -> str | None:
        value = self.get(key)
        return data_text(value) if isinstance(value, str) else None

    def strings(self, key: str) -> list[str]:
        """A value that may be a string, a comma list or a list of strings."""
        value = self.get(key)
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            return []
        return [text for item in value if isinstance(item, str) and (text := data_text(item))]

    def author_name(self) -> str | None:
        author = self.get("author")
        if isinstance(author, list):
            author = author[0] if author else None
        if isinstance(author, dict):
            name = author.get("name")
            if not isinstance(name, str):  # a Person may give only its parts
                parts = [author.get("givenName"), author.get("familyName")]
                name = " ".join(part for part in parts if isinstance(part, str))
            return data_text(name)
        return data_text(author) if isinstance(author, str) else None

    def breadcrumb_names(self) -> list[str]:
        items = self.first("BreadcrumbList").get("itemListElement")
        if not isinstance(items, list):
            return []
        return [text for item in items if isinstance(item, dict) and (text := data_text(str(item.get("name") or "")))]


class Meta:
    """``<meta>`` tags by ``property`` or ``name``."""

    def __init__(self, doc: Selector) -> None:
        self.values: dict[str, list[str]] = {}
        # The head and the top of the body (markup.HEAD): no walk of the whole body to find them (0.36 -> 0.05 ms)
        for tag in doc.xpath(f"{HEAD}/meta[@content]"):
            key = tag.attrib.get("property") or tag.attrib.get("name")
            if key:
                self.values.setdefault(key, []).append(tag.attrib["content"])

    def __call__(self, key: str) -> str | None:
        """The first tag's value."""
        values = self.values.get(key)
        return data_text(values[0]) if values else None

    def every(self, key: str) -> list[str]:
        """Every tag's value (``article:tag`` is one tag per tag), a comma list split, each once."""
        found = (data_text(part) for value in self.values.get(key, ()) for part in value.split(","))
        return list(dict.fromkeys(text for text in found if text))


# The layers a field's value can come from, best first as a rule (a field lists its own order):
JSONLD = "jsonld"  # schema.org JSON-LD, what the site says about the article for search engines
MICRODATA = "microdata"  # schema.org in itemprop attributes, which some themes write instead
META = "meta"  # <meta> tags and <link>s in the head (Open Graph, article:*, canonical, shortlink)
THEME = "theme"  # the theme's markup, by its class names (the model's guess at the live theme)
LEARNED = "learned"  # this site's own selectors, learned from WordPress's records while its REST API was open
WORDPRESS = "wordpress"  # WordPress core's own markup, whatever the theme: post_class(), rel links, wp-block-post-*
STRUCTURE = "structure"  # structure any theme keeps: <h1>, <time>, rel links, the main text's block
TRAFILATURA = "trafilatura"  # trafilatura's reading of the text, where the main text's finder was unsure of its block
WORDS = "words"  # words on the page: "Penulis:", a date written out, "Dilihat"
REQUEST = "request"  # the URL the page was fetched from
API = "api"  # a WordPress REST API record


# Keys whose value names a resource: kept as the page wrote them (a URL's characters are its identity), where
# every other text is composed (NFC).
IDENTIFIER_KEYS = frozenset({"url", "image_url"})


@dataclass(frozen=True, slots=True)
class Source:
    """One place a field's value can come from: ``read`` runs only when the sources before it gave nothing."""

    name: str
    read: Callable[[], Any]


Sources = tuple[Source, ...]


class FieldReader:
    """Reads an :class:`Article` one key at a time, each by the method of its name (or ``field_methods``).

    A field method returns its :class:`Source` s, best first; the first one
    that gives a value wins, and its name is kept in ``sources`` (web-poet's
    field-source stats, Fundus's attribute registry). A method that returns
    a plain value has one source, ``channel``. A reader never raises, whatever
    its input: an error in a source costs that source (the next one is
    tried) and is named in ``errors``; it never costs the article. Texts
    leave in Unicode's composed form (NFC), whichever channel read them;
    URLs as the page wrote them.
    """

    field_methods: ClassVar[dict[str, str]] = {}
    channel: ClassVar[str] = ""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}  # key → the first error met reading it
        self.sources: dict[str, str] = {}  # key → the source that gave its value
        self.orders: dict[str, tuple[str, ...]] = {}  # key → the sources it reads, in order
        self._values: dict[str, Any] = {}  # keys read already

    def field(self, key: str) -> Any:
        if key not in self._values:
            value = self._read(key)
            self._values[key] = value if key in IDENTIFIER_KEYS else composed(value)
        return self._values[key]

    def _read(self, key: str) -> Any:
        nothing: Any = [] if key == "tags" else None
        try:
            found = getattr(self, self.field_methods.get(key, key))()
        except Exception as error:
            self._failed(key, error)
            return nothing
        if not (isinstance(found, tuple) and found and isinstance(found[0], Source)):
            if has_value(found):
                self.sources[key] = self.channel
            return found
        self.orders[key] = tuple(source.name for source in found)
        for source in found:
            try:
                value = source.read()
            except Exception as error:
                self._failed(key, error, source.name)
                continue
            if has_value(value):
                self.sources[key] = source.name
                return value
        return nothing

    def _failed(self, key: str, error: Exception, source: str = "") -> None:
        self.errors.setdefault(key, f"{source + ': ' if source else ''}{type(error).__name__}: {error}"[:300])

    @property
    def fallbacks(self) -> set[str]:
        """Keys whose value came from a source after the theme's: the theme's markup was missed for them."""
        return {
            key
            for key, name in self.sources.items()
            if THEME in (order := self.orders.get(key, ())) and order.index(name) > order.index(THEME)
        }

    def article(self) -> Article:
        return Article(**{key: self.field(key) for key in ARTICLE_KEYS})

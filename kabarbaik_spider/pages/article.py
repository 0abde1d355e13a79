"""Article pages → :class:`Article`, plain code over HTML and URL.

Every field reads named sources best first, as docs/site.md orders them:
structured data (JSON-LD, microdata), meta tags, the theme's markup, then
structure and words that any theme keeps. A missing or broken source costs
that source only. The parser keeps which source gave each field
(``ArticleParser.sources``), so that a crawl can count them and report when
the site drifted below its theme's markup (``ArticleParser.fallbacks``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import tzinfo
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from parsel import Selector, SelectorList

from kabarbaik_spider.items import ARTICLE_KEYS, Article
from kabarbaik_spider.pages.learned import read as read_learned
from kabarbaik_spider.pages.main_text import LONGER_READING, find_main_text, text_blocks
from kabarbaik_spider.pages.markup import (
    AUTHOR_ARCHIVES,
    HEAD,
    NOT_CONTENT,
    NOT_IN_QUERY_LOOP,
    PLAIN_POST,
    absolute,
    date_in_words,
    has_class,
    image_address,
    post_block,
    post_id,
)
from kabarbaik_spider.pages.second_opinion import is_short, second_opinion, trafilatura_paragraphs, word_list
from kabarbaik_spider.pages.sources import (
    JSONLD,
    LEARNED,
    META,
    MICRODATA,
    REQUEST,
    STRUCTURE,
    THEME,
    TRAFILATURA,
    WIB,
    WORDPRESS,
    WORDS,
    FieldReader,
    JsonLd,
    Meta,
    Source,
    Sources,
    clean_text,
    data_text,
    iso_date,
    node_text,
    page_selector,
    visible_date,
    zone_of,
)

# Theme markup: the model's guess at the live theme's class names.
TITLE = "h1.entry-title"
BYLINE = 'a[rel="author"]'
VISIBLE_TIME = "time.entry-date"
VISIBLE_DATE = "span.meta-date"
VIEWS = "span.meta-views"
CONTENT = "div.entry-content"
CONTENT_OUTERMOST = "div.entry-content:not(div.entry-content div)"
TAGS = 'div.post-tags a[rel="tag"]'
FIGURE = "figure.post-thumbnail"
BREADCRUMB_LINKS = "div.breadcrumbs a"
CANONICAL = f'{HEAD}/link[@rel="canonical"]/@href'  # in the head: a scan of the whole page costs more
SHORTLINK = f'{HEAD}/link[@rel="shortlink"]/@href'
HEAD_TITLE = f"({HEAD}/title)[1]"
BODY_CLASSES = "/html/body/@class"

# WordPress core's markup, whatever the theme (the ``wordpress`` source; docs/site.md). Block themes print
# the post through blocks (pages/markup.py's post_block); classic themes through template tags:
# the_category() as rel="category tag" links, the_tags() as rel="tag" links, post_class()'s category-*
# and tag-* classes, the_post_thumbnail()'s img.wp-post-image, hAtom's time.published / time.updated.
BLOCK_MARK = "wp-block-post-"  # in the HTML of a page a block theme printed
BLOCK_TITLE = post_block("title")
BLOCK_PUBLISHED = f"{post_block('date')}[not({has_class('wp-block-post-date__modified-date')})]//time/@datetime"
BLOCK_MODIFIED = f"{post_block('date')}[{has_class('wp-block-post-date__modified-date')}]//time/@datetime"
BLOCK_AUTHOR = (
    f"{post_block('author', '//*[' + has_class('wp-block-post-author__name') + ']')} | {post_block('author-name')}"
)
BLOCK_CATEGORIES = post_block("terms") + f"[{has_class('taxonomy-category')}]//a"
BLOCK_TAGS = post_block("terms") + f"[{has_class('taxonomy-post_tag')}]//a"
BLOCK_FEATURED_IMAGE = post_block("featured-image", "//img")
BLOCK_EXCERPT = post_block("excerpt", f"//*[{has_class('wp-block-post-excerpt__excerpt')}]")
BLOCK_CONTENT = post_block("content") + f"[not(ancestor::*[{has_class('wp-block-post-content')}])]"
HATOM_PUBLISHED = f"(//time[{has_class('published')}]/@datetime)[1]"
# Twenty Twenty-One's one <time class="published updated"> is the published time, never a modified one.
HATOM_MODIFIED = f"(//time[{has_class('updated')}][not({has_class('published')})]/@datetime)[1]"
REL_CATEGORY = ".//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
# rel="tag" but not rel="category tag", not in a block of another taxonomy's terms, not a category's link.
REL_TAG = (
    ".//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"
    "[not(contains(concat(' ', normalize-space(@rel), ' '), ' category '))]"
    f"[not(ancestor::*[{has_class('wp-block-post-terms')}][not({has_class('taxonomy-post_tag')})])]"
    "[not(contains(@href, '/category/'))]"
)
# post_class()'s marks of the post's element; else the first <article>'s classes are read.
POST_CLASS_MARKS = (" hentry ", " type-post ")
XPATH_SPACE = str.maketrans("\t\r\n", "   ")  # what XPath's normalize-space() takes as white space
THUMBNAIL = f".//img[{has_class('wp-post-image')}][{NOT_IN_QUERY_LOOP}]"
THUMBNAIL_CAPTION = (
    f"ancestor::figure[1]//figcaption | ancestor::*[{has_class('wp-caption')}][1]//*[{has_class('wp-caption-text')}]"
)

# Microdata (schema.org in attributes), which some themes write instead of JSON-LD.
MICRODATA_PUBLISHED = '(//*[@itemprop="datePublished"]/@content | //*[@itemprop="datePublished"]/@datetime)[1]'
MICRODATA_AUTHOR = '//*[@itemprop="author"][not(@itemscope)] | //*[@itemprop="author"]//*[@itemprop="name"]'

# Structure and words, for when the class names above are not the live ones.
AUTHOR_LINKS = ", ".join([*(f'a[href*="{path}"]' for path in AUTHOR_ARCHIVES), ".byline a, a.author, .author a"])
AUTHOR_METAS = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "DC.creator")
AUTHOR_LABELS = (
    "written by",
    "verfasst von",
    "ditulis oleh",
    "escrito por",
    "écrit par",
    "scritto da",
    "geschreven door",
)
# The publication time in the head, Open Graph's first, then the names other CMSs and SEO plugins use.
DATE_METAS = (
    "article:published_time", "og:published_time", "publishdate", "pubdate", "publish-date", "parsely-pub-date",
    "sailthru.date", "DC.date.issued", "dc.date.issued", "dcterms.created", "date",
)  # fmt: skip
MAX_NAME_LENGTH = 80
TAG_METAS = ("article:tag", "news_keywords", "keywords")
ARTICLE_SCOPES = ("(//h1)[1]/ancestor::article[1]", "(//article)[1]", "(//main)[1]", "//body")
ANY_TAGS = 'a[rel~="tag"]:not([rel~="category"])'  # the_category()'s rel="category tag" links are no tags
# The site's own boilerplate inside its content, by class: Ad Inserter's blocks, "Baca Juga" boxes,
# the credit box, WordPress's page links and Jetpack's sharing (main_text leaves out the rest).
SITE_NOISE = re.compile(r"\b(?:code-block|baca-juga|post-credit|page-links|sharedaddy)\b")
# The elements a credit line starts in: found from its label's text node (reading every element's
# whole text to test how it starts costs more than the rest of the page).
CREDIT_LABELS = ("Penulis", "Reporter", "Editor")
CREDIT_CANDIDATES = (
    f".//text()[{' or '.join(f'contains(., {label!r})' for label in CREDIT_LABELS)}]"
    f"[{' or '.join(f'starts-with(normalize-space(), {label!r})' for label in CREDIT_LABELS)}]"
    "/ancestor::*[self::p or self::div or self::span or self::li][1]"
)
VIEWS_WORD = "Dilihat"
VIEWS_TEXT = f".//text()[contains(., '{VIEWS_WORD}')][not({NOT_CONTENT})]"
DATE_TEXT = f".//text()[re:test(., '\\d{{4}}')][not({NOT_CONTENT})]"

CREDIT_LINE = re.compile(
    r"(?P<label>Penulis|Reporter|Editor)\s*:\s*(?P<name>.+?)(?=\s*(?:Penulis|Reporter|Editor)\s*:|$)"
)
VIEWS_COUNT = re.compile(r"(\d[\d.]*)\s*Dilihat")
POST_ID_QUERY = re.compile(r"[?&]p=(\d+)\b")
CATEGORY_CLASS = re.compile(r"\bcategory-([\w-]+)")
TAG_CLASS = re.compile(r"(?:^|\s)tag-([\w-]+)")
NOT_BODY = re.compile(
    r"^(?:Baca Juga\b|Cek Berita dan Artikel|Kami mengajak Anda untuk bergabung|Halaman\s*:"
    r"|(?:Penulis|Reporter|Editor)\s*:)",
    re.IGNORECASE,
)
MARKUP_IN_TEXT = re.compile(r"<(?:p|div|br|h[2-6]|ul|li)\b", re.IGNORECASE)  # an articleBody written as HTML
# Between the names of a byline that credits several (in the languages of the pages read so far).
NAMES_JOINED = re.compile(r"\s+(?:and|und|dan|serta|og|och|en|et|y|e|i)\s+|\s*[;&]\s*|\s+/\s+")
MAX_VIEWS_DIGITS = 15
MAX_TIMES_READ = 10  # <time> elements read for the page's UTC offset
TITLE_SEPARATORS = "-–—|·•:»/｜*："  # between a headline and the site's name (full-width in CJK titles)
# A separator, doubled or not (``T -- Site``, ``T :: Site``), and the space after it.
SEPARATOR_RUN = re.compile(rf"\s*([{re.escape(TITLE_SEPARATORS)}])\1*(\s*)")
NAME_TAIL = re.compile(rf"\s*(?:[{re.escape(TITLE_SEPARATORS)}].*)?$")  # what may follow a site's name mid-title
# The end of a kicker before a headline: ``Nahost: …``, ``Eskalation im Nahen Osten - …``, ``Politik | …``.
KICKER_END = re.compile(r"(?::|\s[-–—|·•»/]|\|)\s+")
KICKER_BEFORE = re.compile(r"(?::|\s[-–—|·•»/]|\|)\s*$")
MIN_HEADLINE_WORDS = 3  # a shared tail shorter than this is a phrase, not the headline
TRUNCATED = ("…", "...")
BYLINE_PREFIX = re.compile(
    r"^(?:(?:Pos-pos oleh|View all (?:posts|articles|stories)(?: written)? by|Posts by|Zur Profilseite von|Mehr von"
    # WordPress's "View all posts by %s" as its translations say it, and a column's label before its byline
    r"|(?:Zeige )?alle Beiträge von|Beiträge von|Lihat semua (?:pos|tulisan|artikel) (?:oleh|dari)"
    r"|Voir tous les articles de|Ver todas las entradas de|Ver todos los (?:artículos|posts) de"
    r"|Visualizza tutti gli articoli di|Bekijk alle berichten van|(?:Analysis|Opinion|Commentary|Reporting) by"
    r"|Alle Artikel von|Written by|By|Von|Oleh|Por|Par)(?:\s*:)?"
    # a text credit's label, with its colon: ``Teks:``, ``Text und Fotos:``, ``Teks/Foto:``
    r"|(?:Teks|Text|Texto|Tekst)(?:\s*(?:/|&|and|dan|und|y|e)\s*(?:Foto|Photo|Bild|Bilder)s?)?\s*:)\s+",
    re.IGNORECASE,
)
# German WordPress's "Alle Beiträge von %s anzeigen" (or "ansehen") goes on after the name.
BYLINE_SUFFIX = re.compile(r"(?<=\S)\s+(?:anzeigen|ansehen)$", re.IGNORECASE)
# A picture's credit in or as a byline: ``( Image: Getty Images)``, ``Ana Lima | Foto: Budi``, ``Image credit:``.
PICTURE_CREDIT = re.compile(r"\b(?:image|photo|picture|foto|bild)s?(?:\s+credits?)?\s*:", re.IGNORECASE)


def content_paragraphs(content: Selector) -> list[str]:
    """The article's own paragraphs in a content element: no ads, ``Baca Juga``, promotions or credit lines.

    One cleaning for every channel: the theme's content container, the REST
    API's ``content.rendered`` and the block :func:`find_main_text` finds go
    through it alike.
    """
    return article_paragraphs(text_blocks(content.root, SITE_NOISE))


def article_paragraphs(blocks: list[str]) -> list[str]:
    """Text blocks without the site's promotion, page and credit lines (found by their words)."""
    return [text for text in blocks if not NOT_BODY.match(text)]


def without_name(title: str, name: str) -> str:
    """``title`` without ``name`` (any case) and the separator between them, at its end or its start.

    A doubled separator goes whole (``T -- Site``); a quote's guillemet before a spaced one stays (``«Q» » Site``).
    """
    folded, folded_name = title.casefold(), name.casefold()
    if len(folded) != len(title) or len(folded_name) != len(name):  # casefolding changed a length (ß → ss)
        return title
    if folded.endswith(folded_name):
        rest = title[: -len(name)].rstrip()
        if len(rest) > 1 and rest[-1] in TITLE_SEPARATORS:
            return rest.rstrip(rest[-1]).rstrip() or title
    if folded.startswith(folded_name):
        rest = title[len(name) :].lstrip()
        if len(rest) > 1 and rest[0] in TITLE_SEPARATORS:
            return rest.lstrip(rest[0]).lstrip() or title
    return title


def site_name_anywhere(title: str, name: str) -> str:
    """``title`` cut before ``name`` standing after a separator mid-title (``T | Site | by X``, ``T * Site * by X``).

    Only the site's name is cut, with what follows it: a kicker or section without the name stays. The
    separators' patterns are compiled once: a class of them costs ten times a name's pattern to compile, and
    every page of another site brings another name.
    """
    named = re.compile(re.escape(name), re.IGNORECASE)
    for separator in SEPARATOR_RUN.finditer(title):
        space_start, space_end = separator.span(2)  # a name may begin with some of the space after the separator
        for start in range(space_start, space_end + 1):
            found = named.match(title, start)
            if found and NAME_TAIL.match(title, found.end()):
                return title[: separator.start()].rstrip() if separator.start() > 0 else title
    return title


def shared_headline(one: str, other: str) -> str | None:
    """The headline two titles share after different kickers: ``Iran: T`` and ``Nahost - T`` give ``T``.

    SEO titles and the page's headline often put different topics before the same headline; what both
    end with, after a separator in both, is the headline. A title that holds the other is not two kickers,
    and neither are two that share most of their words: one kicker written two ways (``Foo: T`` and
    ``Foo - T``, ``Dropbox's ATF - T`` and ``Dropbox ATF: T``) is the headline's own start. Only the first
    cut after which both titles end alike is judged.
    """
    folded, other_folded = one.casefold(), other.casefold()
    if folded in other_folded or other_folded in folded:
        return None
    for cut in KICKER_END.finditer(one):
        tail = one[cut.end() :]
        if (
            len(tail.split()) >= MIN_HEADLINE_WORDS
            and other.endswith(tail)
            and KICKER_BEFORE.search(other[: len(other) - len(tail)])
        ):
            return None if same_words(one[: cut.start()], other[: len(other) - len(tail)]) else tail
    return None


def same_words(one: str, other: str) -> bool:
    """Whether two short texts share more than half the words of the longer (case and punctuation aside): a
    kicker's one shared word (``Im Interview``, ``Im Livestream``) leaves two kickers."""
    words, other_words = set(word_list(one)), set(word_list(other))
    return bool(words and other_words) and 2 * len(words & other_words) > max(len(words), len(other_words))


def kicker_split(one: str, other: str) -> tuple[str, str] | None:
    """``(with kicker, without)`` when one title is the other with a kicker before it (``Demo / T`` and ``T``)."""
    longer, shorter = (one, other) if len(one) > len(other) else (other, one)
    if (
        len(shorter.split()) >= MIN_HEADLINE_WORDS
        and longer.endswith(shorter)
        and KICKER_BEFORE.search(longer[: len(longer) - len(shorter)])
    ):
        return longer, shorter
    return None


def squashed(text: str) -> str:
    """Letters and digits only, casefolded: a headline whose kicker stands in its own element reads
    ``KickerHeadline`` as text, and quotes and separators differ between a page's titles."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def completed(title: str, other: str) -> str | None:
    """``other`` when ``title`` is it cut short with an ellipsis (search titles are cut at a length)."""
    stem = title.removesuffix(TRUNCATED[0]).removesuffix(TRUNCATED[1]).rstrip()
    if stem != title and len(stem.split()) >= MIN_HEADLINE_WORDS and other.startswith(stem) and len(other) > len(stem):
        return other
    return None


def without_prefix(byline: str | None) -> str | None:
    """A byline without its ``By``, ``Oleh`` or ``View all posts by`` (``Alle Beiträge von … anzeigen``)."""
    name, labelled = BYLINE_PREFIX.subn("", byline or "")
    return clean_text(BYLINE_SUFFIX.sub("", name) if labelled else name)


def first_credited(byline: str | None) -> str | None:
    """The first name of a byline that credits several: cut at ``and``/``und``/``dan``/…, ``;``, ``&``, `` / ``,
    and at a comma followed by a name (``Ana Lima, Budi``), not by a degree or a place (``Siti, S.Pd.``,
    ``AFP, MANILA``)."""
    if not byline:
        return byline
    first = NAMES_JOINED.split(byline, maxsplit=1)[0]
    head, comma, rest = first.partition(",")
    if comma and head.strip() and is_name_start(rest.strip()):
        first = head
    return first.strip() or byline


def before_picture_credit(byline: str | None) -> str | None:
    """A byline without the picture's credit after it (``Ana Lima | Foto: Budi`` is ``Ana Lima``); nothing
    when it is only a credit (``( Image: Getty Images)``): then the next source is read."""
    credit = PICTURE_CREDIT.search(byline or "")
    if not byline or credit is None:
        return byline
    return byline[: credit.start()].rstrip(" -–|/,(") or None


def before_unclosed(byline: str | None) -> str | None:
    """A byline without a parenthesis it opens and does not close: the name split cut what was in it
    (``A (avec B et C)`` reaches here as ``A (avec B``, and gives ``A``)."""
    if not byline or byline.count("(") <= byline.count(")"):
        return byline
    return byline[: byline.rindex("(")].strip() or byline


def shown_once(byline: str | None) -> str | None:
    """A name of two words or more written twice (``Ana Lima Ana Lima``: a theme's hidden and shown copies read
    as one text) once."""
    words = (byline or "").split()
    half = len(words) // 2
    if half >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:  # not ``Abdullah Abdullah``
        return " ".join(words[:half])
    return byline


def is_name_start(text: str) -> bool:
    """``Budi Santoso``, ``Sweidah``: capital then small letters, and no abbreviation's dot in the first word."""
    word = text.split(maxsplit=1)[0] if text else ""
    return len(word) > 1 and word[0].isupper() and word[1].islower() and "." not in word


def views_in(text: str | None) -> int | None:
    """The count in ``1.234 Dilihat`` (dots group thousands); absurdly long numbers are not counts."""
    found = VIEWS_COUNT.search(text or "")
    digits = found[1].replace(".", "") if found else ""
    return int(digits) if 0 < len(digits) <= MAX_VIEWS_DIGITS else None


def credit_lines(scope: Selector) -> dict[str, str]:
    """``Penulis:``, ``Reporter:`` and ``Editor:`` lines found by their words, wherever they stand."""
    found: dict[str, str] = {}
    for node in scope.xpath(CREDIT_CANDIDATES):
        for match in CREDIT_LINE.finditer(node_text(node) or ""):
            found.setdefault(match["label"].lower(), match["name"].strip())
    return found


class ArticleParser(FieldReader):
    """One article from its first page and any continuation pages (``/slug/2/``).

    Each field method lists its sources best first (docs/site.md lists them
    all); :class:`FieldReader` takes the first that gives a value and records
    its name.
    """

    field_methods: ClassVar[dict[str, str]] = {"url": "canonical_url"}

    def __init__(
        self, html_text: str, url: str, more: Sequence[tuple[str, str]] = (), learned: Mapping[str, str] | None = None
    ) -> None:
        super().__init__()
        self.url = url
        self.learned = learned or {}  # key → this site's selector learned from WordPress's records (pages/learned.py)
        self.texts = [html_text, *(text for text, _ in more)]
        self.urls = [url, *(page_url for _, page_url in more)]
        self.doc = page_selector(html_text)
        self.more = [page_selector(text) for text, _ in more]
        self.ld = JsonLd(self.doc)
        self.meta = Meta(self.doc)
        self._scopes: dict[int, Selector] = {}
        self._scope_texts: dict[int, str] = {}  # id(page) → its scope's text, for a look before an XPath

    @classmethod
    def source_names(cls) -> dict[str, tuple[str, ...]]:
        """Each field's sources in order, read from the field methods without reading a page."""
        parser = cls("<html></html>", "https://example.invalid/")
        return {key: tuple(s.name for s in getattr(parser, cls.field_methods.get(key, key))()) for key in ARTICLE_KEYS}

    # -- helpers -------------------------------------------------------------

    @cached_property
    def pages(self) -> list[Selector]:
        return [self.doc, *self.more]

    def scope(self, page: Selector) -> Selector:
        """The article's own part of a page, found once a page: the headline's ``<article>``, else the first
        ``<article>``, else ``<main>``, else the body."""
        key = id(page)
        if key not in self._scopes:
            self._scopes[key] = next((found[0] for xpath in ARTICLE_SCOPES if (found := page.xpath(xpath))), page)
        return self._scopes[key]

    @cached_property
    def block_theme(self) -> bool:
        """A block theme printed the page: its HTML names ``wp-block-post-`` blocks (a look at the HTML first)."""
        return any(BLOCK_MARK in text for text in self.texts)

    def blocks(self, scope: Selector, xpath: str) -> SelectorList[Selector]:
        """``xpath`` (a block of the post) under ``scope``; nothing, without a look, on a page with no blocks."""
        return scope.xpath(xpath) if self.block_theme else SelectorList()

    @cached_property
    def credits(self) -> dict[str, str]:
        """Credit lines from the last page that shows them (the box follows the text).

        Looked for in the article's own part, and only where its text holds a label: the XPath that reads every
        text node costs five times the text (another site's page holds none, 0.5 ms against 0.1).
        """
        return next(
            (
                found
                for page in reversed(self.pages)
                if self.shows_any(page, CREDIT_LABELS) and (found := credit_lines(self.scope(page)))
            ),
            {},
        )

    def shows_any(self, page: Selector, words: Iterable[str]) -> bool:
        """The text of the article's own part of ``page`` (its scripts' too) holds one of ``words``: where it
        holds none, no text node does, and the XPath that looks for them in each is not run."""
        key = id(page)
        if key not in self._scope_texts:
            root = self.scope(page).root
            text = (
                etree.tostring(root, method="text", encoding="unicode", with_tail=False)
                if isinstance(root, etree._Element)
                else ""
            )
            self._scope_texts[key] = text
        return any(word in self._scope_texts[key] for word in words)

    @cached_property
    def zone(self) -> tzinfo:
        """The page's own UTC offset, for its times written without one: that of its first time with one.

        WIB when the page has none (the site's own zone; its visible dates say WIB). Read only when a
        time without an offset is met: it scans the page's ``<time>`` s.
        """
        stated = [
            self.ld.posting.get("datePublished"),
            self.ld.posting.get("dateModified"),
            *map(self.meta, DATE_METAS),
            self.meta("article:modified_time"),
            self.meta("og:updated_time"),
            *self.doc.xpath("//time/@datetime").getall()[:MAX_TIMES_READ],
        ]
        return zone_of(stated) or WIB

    def page_time(self, value: Any) -> str | None:
        """:func:`iso_date` with the page's own offset for a time that states none."""
        return iso_date(value, lambda: self.zone)

    def page_url(self, href: str | None) -> str | None:
        """A link as the item keeps it: absolute, without query (but a plain permalink's ``?p=N``) or fragment."""
        if not href:
            return None
        parts = urlsplit(absolute(self.url, href))
        plain = parts.query if PLAIN_POST.match(parts.query) else ""  # /?p=123 is the post's own URL
        return urlunsplit((parts.scheme, parts.netloc, parts.path, plain, ""))

    def learned_value(self, key: str) -> Any:
        """What this site's learned selector for ``key`` gives on the first page (tags: on the last page that
        has them, as the theme's); nothing when none was learned.

        One dict lookup when nothing is learned: the parse's hot path stays as it was.
        """
        selector = self.learned.get(key)
        if not selector:
            return None
        if key == "tags":
            return next((found for page in reversed(self.pages) if (found := read_learned(page, selector, key))), [])
        return read_learned(self.doc, selector, key)

    # -- fields, one each ----------------------------------------------------

    def canonical_url(self) -> Sources:
        return (
            Source(META, lambda: self.page_url(self.doc.xpath(CANONICAL).get() or self.meta("og:url"))),
            Source(REQUEST, lambda: self.page_url(self.url)),
        )

    def post_id(self) -> Sources:
        return (
            Source(STRUCTURE, lambda: post_id(self.doc.xpath(BODY_CLASSES).get(""))
                   or post_id(self.doc.xpath("(//article/@id)[1]").get(""))),
            Source(META, lambda: int(found[1]) if (found := POST_ID_QUERY.search(self.shortlink)) else None),
        )  # fmt: skip

    @property
    def shortlink(self) -> str:
        return self.doc.xpath(SHORTLINK).get("")

    def title(self) -> Sources:
        return (
            Source(JSONLD, lambda: self.kicker_as_shown(self.completed(self.without_site_name(self.ld_headline)))),
            Source(META, lambda: self.agreed(self.completed(self.without_site_name(self.meta("og:title"))))),
            Source(THEME, lambda: node_text(self.doc.css(TITLE))),
            Source(LEARNED, lambda: self.learned_value("title")),
            Source(WORDPRESS, lambda: node_text(self.blocks(self.doc, BLOCK_TITLE)[:1])),
            Source(STRUCTURE, lambda: self.h1
                   or self.without_site_name(node_text(self.doc.xpath(HEAD_TITLE)))),
        )  # fmt: skip

    @cached_property
    def h1(self) -> str | None:
        """The text of the page's first ``<h1>``, read once for every title rule that compares with it."""
        return node_text(self.doc.xpath("(//h1)[1]"))

    @property
    def ld_headline(self) -> str:
        return self.ld.text("headline") or ""

    @cached_property
    def site_names(self) -> list[str]:
        """The site's names: ``og:site_name``, the JSON-LD publisher's or website's name, the host."""
        publisher = self.ld.get("publisher")
        names = [
            self.meta("og:site_name"),
            data_text(publisher.get("name"))
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str)
            else None,
            data_text(name) if isinstance(name := self.ld.first("WebSite").get("name"), str) else None,
            urlsplit(self.url).hostname,
        ]
        found = [name.removeprefix("www.") for name in names if isinstance(name, str) and name.strip()]
        return list(dict.fromkeys(found))

    def without_site_name(self, title: str | None) -> str | None:
        """A headline without the site's name before or after it (``… - Golem.de``, ``Site | …``), or mid-title
        with what follows it (``… | Site | by Author``)."""
        if not title:
            return None
        for name in self.site_names:
            shorter = without_name(title, name)
            if shorter == title:
                shorter = site_name_anywhere(title, name)
            if shorter != title:
                return shorter
        return title

    @cached_property
    def other_titles(self) -> list[str]:
        """What else names the article: the page's ``<h1>``, ``og:title``, ``twitter:title``, ``<title>``; each
        without the site's name."""
        found = (
            self.h1,
            self.meta("og:title"),
            self.meta("twitter:title"),
            node_text(self.doc.xpath(HEAD_TITLE)),
        )
        return [title for title in map(self.without_site_name, found) if title]

    def completed(self, title: str | None) -> str | None:
        """``title`` whole where it was cut short (``…``) and another of the page's titles has it all."""
        if not title:
            return None
        return next((whole for other in self.other_titles if (whole := completed(title, other))), title)

    def kicker_as_shown(self, title: str | None) -> str | None:
        """JSON-LD's headline with or without a kicker as the ``<h1>`` shows it, where ``og:title`` is the same
        headline with a kicker the other lacks (``Demo / T`` and ``T``); else as written.

        Which of the two carries the kicker is the publisher's choice per template; the visible headline
        is the one readers see. An ``<h1>`` that is neither leaves JSON-LD's.
        """
        og_title = self.without_site_name(self.meta("og:title"))
        h1 = self.h1
        split = kicker_split(title, og_title) if title and og_title and h1 else None
        if not split:
            return title
        shown = squashed(self.without_site_name(h1) or h1)
        return next((form for form in split if squashed(form) == shown), title)

    def agreed(self, title: str | None) -> str | None:
        """An SEO title's headline alone, where the page's ``<h1>`` puts a different kicker before the same words.

        Not for JSON-LD's headline, which publishers write with the kicker they mean.
        """
        h1 = self.without_site_name(self.h1)
        return (shared_headline(title, h1) if title and h1 else None) or title

    def published_at(self) -> Sources:
        return (
            Source(JSONLD, lambda: self.page_time(self.ld.posting.get("datePublished"))),
            Source(META, lambda: next(filter(None, (self.page_time(self.meta(name)) for name in DATE_METAS)), None)),
            Source(MICRODATA, lambda: self.page_time(self.doc.xpath(MICRODATA_PUBLISHED).get())),
            Source(THEME, lambda: self.page_time(self.doc.css(VISIBLE_TIME).xpath("@datetime").get())
                   or visible_date(node_text(self.doc.css(VISIBLE_TIME)) or node_text(self.doc.css(VISIBLE_DATE)))),
            Source(WORDPRESS, lambda: self.page_time(self.blocks(self.doc, BLOCK_PUBLISHED).get()
                   or self.doc.xpath(HATOM_PUBLISHED).get())),
            Source(STRUCTURE, lambda: self.page_time(self.doc.xpath("(//time/@datetime)[1]").get())),
            Source(WORDS, lambda: visible_date(date_in_words(self.scope(self.doc).xpath(DATE_TEXT).getall()))),
        )  # fmt: skip

    def modified_at(self) -> Sources:
        return (
            Source(JSONLD, lambda: self.page_time(self.ld.posting.get("dateModified"))),
            Source(META, lambda: self.page_time(self.meta("article:modified_time"))),
            Source(
                WORDPRESS,
                lambda: self.page_time(
                    self.blocks(self.doc, BLOCK_MODIFIED).get() or self.doc.xpath(HATOM_MODIFIED).get()
                ),
            ),
        )

    def author(self) -> Sources:
        return (
            Source(WORDS, lambda: self.credits.get("penulis") or self.credits.get("reporter")),
            Source(THEME, lambda: self.person(self.byline(BYLINE))),
            Source(LEARNED, lambda: self.learned_value("author")),
            Source(WORDPRESS, lambda: self.person(without_prefix(node_text(self.blocks(self.doc, BLOCK_AUTHOR)[:1])))),
            Source(JSONLD, lambda: self.person(self.ld.author_name())),
            Source(MICRODATA, lambda: self.person(without_prefix(node_text(self.doc.xpath(MICRODATA_AUTHOR)[:1])))),
            Source(META, lambda: self.person(self.meta_author())),
            Source(STRUCTURE, lambda: self.person(self.byline(AUTHOR_LINKS))),
        )  # fmt: skip

    def byline(self, css: str) -> str | None:
        """The first name among the article's byline links (its own scope's, not its teasers'), prefix dropped.

        ``author`` is one name: the first credited, as JSON-LD's first author.
        """
        links = self.scope(self.doc).css(css) or self.doc.css(css)[:1]
        names = (without_prefix(link.attrib.get("title")) or without_prefix(node_text(link)) for link in links)
        return next((name for name in names if name), None)

    def meta_author(self) -> str | None:
        return next(filter(None, map(self.meta, AUTHOR_METAS)), None) or self.labelled_author()

    def labelled_author(self) -> str | None:
        """Yoast's ``twitter:label1`` "Written by" (in the site's language) and ``twitter:data1``."""
        label = (self.meta("twitter:label1") or "").casefold()
        return self.meta("twitter:data1") if any(word in label for word in AUTHOR_LABELS) else None

    @staticmethod
    def person(name: str | None) -> str | None:
        """``name`` when it can be a byline (a person's or an agency's): not a number, a link or a paragraph.

        A byline of several is its first name (``A and B``, ``A und B, C``, ``A;B``): ``author`` is one name.
        Its label goes, whichever source wrote it (JSON-LD's ``By STEVE PEOPLES, AP Writer``, a meta's ``Von X``).
        """
        name = shown_once(before_unclosed(before_picture_credit(first_credited(without_prefix(name)))))
        if not name or len(name) > MAX_NAME_LENGTH or not any(ch.isalpha() for ch in name) or "://" in name:
            return None
        return name

    def editor(self) -> Sources:
        return (
            Source(WORDS, lambda: self.credits.get("editor")),
            Source(LEARNED, lambda: self.learned_value("editor")),
        )

    def category(self) -> Sources:
        return (
            Source(JSONLD, self.category_from_json_ld),
            Source(THEME, self.category_from_breadcrumbs),
            Source(LEARNED, lambda: self.learned_value("category")),
            Source(WORDPRESS, self.category_from_wordpress),
            Source(STRUCTURE, self.category_from_class),
        )  # fmt: skip

    def category_from_json_ld(self) -> str | None:
        """The article's section, else its breadcrumb's last step before the article itself."""
        sections = self.ld.strings("articleSection")
        crumbs = self.ld.breadcrumb_names()
        return sections[0] if sections else crumbs[-2] if len(crumbs) > 2 else None

    def category_from_breadcrumbs(self) -> str | None:
        crumbs = [node_text(a) for a in self.doc.css(BREADCRUMB_LINKS)]
        return crumbs[-1] if len(crumbs) > 1 else None

    def category_from_wordpress(self) -> str | None:
        """A block theme's category terms, else the first of the_category()'s ``rel="category tag"`` links."""
        links = self.blocks(self.doc, BLOCK_CATEGORIES) or self.scope(self.doc).xpath(REL_CATEGORY)
        return next((text for link in links if (text := node_text(link))), None)

    def category_from_class(self) -> str | None:
        found = CATEGORY_CLASS.search(self.doc.xpath("(//article/@class)[1]").get(""))
        if not found:
            return None
        slug = found[1]
        link = self.doc.xpath(f'//a[contains(@href, "/category/{slug}/")]')
        return node_text(link[0]) if link else slug.replace("-", " ").title()

    def tags(self) -> Sources:
        return (
            Source(THEME, lambda: self._tags_from(TAGS)),
            Source(LEARNED, lambda: self.learned_value("tags")),
            Source(WORDPRESS, self.tags_from_wordpress),
            Source(STRUCTURE, lambda: self._tags_from(ANY_TAGS)),
            Source(META, lambda: next(filter(None, map(self.meta.every, TAG_METAS)), [])),
            Source(JSONLD, lambda: self.ld.strings("keywords")),
        )

    def _tags_from(self, css: str) -> list[str]:
        for page in reversed(self.pages):
            found = [text for a in self.scope(page).css(css) if (text := node_text(a))]
            if found:
                return list(dict.fromkeys(found))
        return []

    def tags_from_wordpress(self) -> list[str]:
        """A block theme's tag terms, else the_tags()'s ``rel="tag"`` links in the article (never its category
        links), from the last page that has them; else post_class()'s ``tag-*`` classes."""
        for page in reversed(self.pages):
            links = self.blocks(page, BLOCK_TAGS) or self.scope(page).xpath(REL_TAG)
            found = [text for link in links if (text := node_text(link))]
            if found:
                return list(dict.fromkeys(found))
        return self.tags_from_classes()

    def tags_from_classes(self) -> list[str]:
        """post_class()'s ``tag-<slug>`` classes, each named by a link to its archive (else by its slug).

        A slug of digits is a tag whose name is not ASCII (WordPress then writes its id): no name to read.
        """
        slugs = TAG_CLASS.findall(post_classes(self.doc.root))
        if not slugs:
            return []
        archives = [  # one walk of the page for every slug: a page's post classes may name dozens of tags
            (link, link.attrib.get("href", ""))
            for link in self.doc.xpath("//a[contains(@href, '/tag/') or contains(@href, 'tag=')]")
        ]
        names = []
        for slug in slugs:
            archive, parameter = f"/tag/{slug}/", f"tag={slug}"
            link = next((link for link, href in archives if archive in href or parameter in href), None)
            name = node_text(link) if link else (None if slug.isdigit() else slug.replace("-", " ").title())
            if name:
                names.append(name)
        return list(dict.fromkeys(names))

    def views(self) -> Sources:
        return (
            Source(THEME, lambda: views_in(node_text(self.doc.css(VIEWS)))),
            Source(
                WORDS,
                lambda: (
                    views_in(" ".join(self.scope(self.doc).xpath(VIEWS_TEXT).getall()))
                    if self.shows_any(self.doc, (VIEWS_WORD,))
                    else None
                ),
            ),
        )

    # The figures are found once: the image's URL and its caption are both read from them.
    @cached_property
    def theme_figure(self) -> Selector | None:
        return next(iter(self.doc.css(FIGURE)), None)

    @cached_property
    def wordpress_image(self) -> Selector | None:
        """The featured image as WordPress prints it: a block theme's featured-image block, else
        the_post_thumbnail()'s ``img.wp-post-image`` in the article."""
        scope = self.scope(self.doc)
        return next(iter(self.blocks(scope, BLOCK_FEATURED_IMAGE) or scope.xpath(THUMBNAIL)), None)

    @cached_property
    def structural_figure(self) -> Selector | None:
        return next(iter(self.scope(self.doc).xpath(".//figure[.//img]")), None)

    def image_url(self) -> Sources:
        return (
            Source(THEME, lambda: self.figure_image(self.theme_figure)),
            Source(WORDPRESS, lambda: self.image_source(self.wordpress_image)),
            Source(STRUCTURE, lambda: self.figure_image(self.structural_figure)),
            Source(META, lambda: self.page_image(self.meta("og:image"))),
            Source(JSONLD, lambda: self.page_image(self.ld.image.get("url") or self.ld.image.get("contentUrl"))),
        )

    def figure_image(self, figure: Selector | None) -> str | None:
        img = figure.css("img") if figure is not None else None
        return self.image_source(img[0]) if img else None

    def image_source(self, img: Selector | None) -> str | None:
        """An ``<img>``'s URL: a lazy loader's before the placeholder in ``src`` (:func:`image_address`)."""
        return (
            self.page_image(image_address(img.root))
            if img is not None and isinstance(img.root, etree._Element)
            else None
        )

    def page_image(self, src: Any) -> str | None:
        return absolute(self.url, src) if isinstance(src, str) and src.strip() else None

    def image_caption(self) -> Sources:
        return (
            Source(THEME, lambda: self.figure_caption(self.theme_figure)),
            Source(LEARNED, lambda: self.learned_value("image_caption")),
            Source(WORDPRESS, self.wordpress_caption),
            Source(STRUCTURE, lambda: self.figure_caption(self.structural_figure)),
            Source(JSONLD, lambda: self.ld.image_text("caption")),
        )  # fmt: skip

    @staticmethod
    def figure_caption(figure: Selector | None) -> str | None:
        return node_text(figure.css("figcaption")) if figure is not None else None

    def wordpress_caption(self) -> str | None:
        """The featured image's own ``<figcaption>`` (or a classic ``wp-caption`` box's text)."""
        img = self.wordpress_image
        return node_text(img.xpath(THUMBNAIL_CAPTION)[:1]) if img is not None else None

    def summary(self) -> Sources:
        return (
            Source(META, lambda: self.meta("description") or self.meta("og:description")),
            Source(LEARNED, lambda: self.learned_value("summary")),
            Source(WORDPRESS, lambda: node_text(self.blocks(self.doc, BLOCK_EXCERPT)[:1])),
        )

    def body(self) -> Sources:
        return (
            Source(THEME, lambda: self.body_from(self.theme_paragraphs)),
            Source(WORDPRESS, lambda: self.body_from(self.block_paragraphs)),
            Source(STRUCTURE, lambda: self.found_body(STRUCTURE)),
            Source(TRAFILATURA, lambda: self.found_body(TRAFILATURA)),
            Source(JSONLD, lambda: self.json_ld_body),
        )

    def ld_names_this_page(self) -> bool:
        """JSON-LD's article is this page's: its ``url``, ``mainEntityOfPage`` or ``@id``, where it gives one, has
        this page's path (the request's or the canonical's). A theme's footer schema written after a custom loop
        that did not reset the post describes the loop's last post."""
        named = []
        for key in ("url", "mainEntityOfPage", "@id"):
            value = self.ld.get(key)
            if isinstance(value, dict):
                value = value.get("@id") or value.get("url")
            if isinstance(value, str) and value.startswith(("http://", "https://", "/")):
                named.append(urlsplit(value).path.rstrip("/"))
        here = {urlsplit(url).path.rstrip("/") for url in (self.url, self.field("url")) if isinstance(url, str)}
        return not named or any(path in here for path in named)

    @cached_property
    def json_ld_body(self) -> str | None:
        """JSON-LD's ``articleBody``, for a page whose text its scripts write: the markup then holds none.

        Last, because it is often cut short or the teaser only; plain text (a line a paragraph) or HTML. None
        where the JSON-LD names another page than this one. Read once: a short reading asks for it first.
        """
        value = self.ld.get("articleBody")
        if not isinstance(value, str) or not value.strip() or not self.ld_names_this_page():
            return None
        if MARKUP_IN_TEXT.search(value):
            blocks = content_paragraphs(page_selector(f"<html><body><div>{value}</div></body></html>"))
        else:
            blocks = article_paragraphs(
                [text for line in html.unescape(value).splitlines() if (text := clean_text(line))]
            )
        return "\n\n".join(blocks) or None

    def body_from(self, paragraphs: Callable[[Selector], list[str]]) -> str | None:
        """The paragraphs of every page, first to last; when the first page has none, none at all."""
        return joined_pages(paragraphs(page) for page in self.pages)

    @staticmethod
    def theme_paragraphs(page: Selector) -> list[str]:
        """The theme's content container; a live blog has one per entry, and the body is all of them."""
        return [text for content in page.css(CONTENT_OUTERMOST) for text in content_paragraphs(content)]

    def block_paragraphs(self, page: Selector) -> list[str]:
        """A block theme's post-content block (the post's own, not a Query Loop's)."""
        return [text for content in self.blocks(page, BLOCK_CONTENT) for text in content_paragraphs(content)]

    def found_body(self, source: str) -> str | None:
        """The body as ``source`` read it: the main-text finder, or trafilatura (second_opinion.py)."""
        reader, pages = self.found_text
        return joined_pages(pages) if reader == source else None

    @cached_property
    def found_text(self) -> tuple[str, list[list[str]]]:
        """Who read the text, and each page's cleaned paragraphs: the finder, or trafilatura where the finder was
        unsure of the first page and trafilatura read another text there. Then trafilatura reads the later pages
        too, for one voice, and the finder any of them trafilatura reads nothing of. Neither reads the text where
        the finder's reading is short and JSON-LD's ``articleBody`` holds six times as much: the page's scripts
        write the text, and what its markup holds is a caption or a teaser (the ``jsonld`` source then gives it)."""
        found = find_main_text(self.doc.root, SITE_NOISE)
        text = "".join(found.paragraphs)
        length = len(text)
        if length and is_short(text) and len(self.json_ld_body or "") >= LONGER_READING * length:
            return JSONLD, []
        theirs = second_opinion(found, self.texts[0], self.url, self.h1)
        if theirs is None or not (first := article_paragraphs(theirs)):
            more_found = (find_main_text(page.root, SITE_NOISE).paragraphs for page in self.more)
            return STRUCTURE, [article_paragraphs(found.paragraphs), *map(article_paragraphs, more_found)]
        more = [
            article_paragraphs(trafilatura_paragraphs(text, url, self.h1))
            or article_paragraphs(find_main_text(page.root, SITE_NOISE).paragraphs)
            for page, text, url in zip(self.more, self.texts[1:], self.urls[1:], strict=True)
        ]
        return TRAFILATURA, [first, *more]

    def is_article_page(self) -> bool:
        """The page is a post at all (not a maintenance page, a bot challenge or an error page).

        WordPress marks a post whatever the theme: its body classes (``single``,
        ``postid-N``), an id of ``post-N``, a shortlink ``?p=N``, an article in
        JSON-LD or ``og:type`` article. A page with none of these is a failed
        download to retry, not an article with missing keys to reject.
        """
        body_classes = self.doc.xpath(BODY_CLASSES).get("").split()
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
        if urlsplit(canonical).query:  # a plain permalink: /?p=123&page=2
            path, pattern = urlsplit(canonical).query, re.compile(re.escape(canonical) + r"&page=(\d+)$")
        elif path:
            pattern = re.compile(re.escape(canonical) + r"/(\d+)/?$")
        else:
            return []
        numbered: dict[int, str] = {}
        for href in self.doc.xpath("//a/@href[contains(., $path)]", path=path).getall():
            found = pattern.match(absolute(self.url, href))
            if found and int(found[1]) > 1:
                numbered.setdefault(int(found[1]), found[0])
        return [numbered[n] for n in sorted(numbered)]


def post_classes(root: Any) -> str:
    """The classes of the page's first element that post_class() marks (``hentry``, ``type-post``) or that is an
    ``<article>`` with classes; empty when there is none.

    A walk in Python that stops at the first: the one XPath that says the same looks at every element of the
    page first (0.6 against 2.3 ms a real page).
    """
    if not isinstance(root, etree._Element):
        return ""
    for element in root.iter(etree.Element):
        names = element.get("class")
        if names is None:
            continue
        if element.tag == "article":
            return names
        if "hentry" in names or "type-post" in names:  # most classes: two searches say no
            padded = f" {names.translate(XPATH_SPACE)} "
            if any(mark in padded for mark in POST_CLASS_MARKS):
                return names
    return ""


def joined_pages(pages: Iterable[list[str]]) -> str | None:
    """The paragraphs of every page, first to last, as a body; when the first page has none, none at all
    (the later pages are not read then: ``pages`` may be a generator)."""
    each = iter(pages)
    first = next(each, [])
    if not first:
        return None
    return "\n\n".join([*first, *(text for page in each for text in page)])


def continuation_urls(html_text: str, url: str) -> list[str]:
    """The article's further pages (``/slug/2/``, ``/slug/3/``) in order, first page left out."""
    return ArticleParser(html_text, url).continuation_urls()


def parse_article(html_text: str, url: str, more: Sequence[tuple[str, str]] = ()) -> Article:
    """The article on ``html_text`` (its first page), with ``more`` as ``(html, url)`` pages."""
    return ArticleParser(html_text, url, more).article()


def article_dict(html_text: str, url: str, more: Sequence[tuple[str, str]] = ()) -> dict:
    """:func:`parse_article` as a plain dict, the shape of a line of the store."""
    return asdict(parse_article(html_text, url, more))

"""Listing pages (home, category, ``/page/N/``) → cards and the next page.

Only the main loop is the feed: the headline slider, the sidebar's
``Terpopuler`` list and related links are not. The hidden infinite-scroll
marker ``No More Posts Available.`` is on every page, page 1 included, so it
is never read as the end of the feed: the end is a page with no next link or
no cards (or a 404/410 for the next page, which the spider sees).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from parsel import Selector

from kabarbaik_spider.pages.markup import NOT_CONTENT, PLAIN_POST, absolute, date_in_words, post_id
from kabarbaik_spider.pages.sources import node_text, page_selector, visible_date

# Theme markup: the model's guess at the live theme's class names.
CARDS = "div.posts-container article.post-item"
CARD_LINK = "h2.post-title a"
CARD_DATE = ".post-date"
NEXT_LINK = "link[rel=next]::attr(href)"
NEXT_BUTTON = "a.next.page-numbers::attr(href)"

# Structure any WordPress theme keeps, for when the class names differ.
NOT_FEED_CLASS = (
    "ancestor::*[contains(@class, 'slider') or contains(@class, 'widget')"
    " or contains(@class, 'related') or contains(@class, 'popular') or contains(@class, 'headline')]"
)
HEADING_LINKS = f"//*[self::h1 or self::h2 or self::h3 or self::h4]//a[@href][not({NOT_CONTENT} or {NOT_FEED_CLASS})]"
REL_NEXT = '//a[@rel="next"]/@href'
NEXT_WORDS = re.compile(r"^(?:berikutnya|selanjutnya|next|older posts?|»|›)", re.IGNORECASE)
PAGE_NUMBER = re.compile(r"/page/(\d+)/?$")
LISTING_BODY_CLASSES = frozenset({"home", "blog", "archive", "category", "tag", "author", "date", "paged", "search"})
NOT_A_POST = re.compile(r"^/(?:category|tag|author|page|wp-[a-z]+|feed|search)/|^/$|\.\w{2,4}$")


def is_post_link(path: str, query: str) -> bool:
    """A link that can be a post's: a path that is no archive, feed or file, or a plain permalink ``/?p=N``."""
    if query:
        return path in ("", "/") and bool(PLAIN_POST.match(query))
    return not NOT_A_POST.search(path)


@dataclass(frozen=True)
class Card:
    """One article as the feed lists it."""

    url: str
    date: str | None = None  # the day listed, as WIB ISO midnight; None when unreadable
    post_id: int | None = None  # from the card's ``post-N`` class, when the theme gives it


@dataclass
class Listing:
    cards: list[Card] = field(default_factory=list)
    next_url: str | None = None
    fallbacks: set[str] = field(default_factory=set)
    is_listing_page: bool = False  # WordPress says so: a page of the feed, even when it lists nothing


def parse_listing(html_text: str, url: str) -> Listing:
    """Cards of the main loop, in order, and the next listing page if there is one."""
    doc = page_selector(html_text)
    listing = Listing(cards=theme_cards(doc, url), next_url=next_page(doc, url), is_listing_page=is_listing_page(doc))
    if not listing.cards:
        listing.cards = structural_cards(doc, url)
        listing.fallbacks.update(["cards"] if listing.cards else [])
    if listing.next_url is None and listing.cards:
        listing.next_url = next_page_by_structure(doc, url)
        listing.fallbacks.update(["next"] if listing.next_url else [])
    return listing


def is_listing_page(doc: Selector) -> bool:
    """WordPress's own body classes mark a listing (home, archive, page N), whatever the theme."""
    return not LISTING_BODY_CLASSES.isdisjoint(doc.xpath("//body/@class").get("").split())


def theme_cards(doc: Selector, url: str) -> list[Card]:
    cards = []
    for card in doc.css(CARDS):
        href = card.css(CARD_LINK).xpath("@href").get()
        if href:
            cards.append(Card(absolute(url, href), card_date(card), post_id(card.attrib.get("class", ""))))
    return unique(cards)


def card_date(card: Selector) -> str | None:
    """The day a card was listed: the theme's date, a ``<time>``, or a date in words."""
    node = card.css(CARD_DATE) or card.xpath(".//time")
    if node:
        return node.xpath("@datetime").get() or visible_date(node_text(node[0]))
    return visible_date(date_in_words([node_text(card) or ""]))


def structural_cards(doc: Selector, url: str) -> list[Card]:
    """Links in headings inside the main content that look like post permalinks."""
    host = urlsplit(url).netloc
    cards = []
    for link in doc.xpath(HEADING_LINKS):
        target = absolute(url, link.attrib["href"])
        parts = urlsplit(target)
        if parts.netloc == host and is_post_link(parts.path, parts.query):
            container = link.xpath("ancestor::article[1]") or link.xpath("ancestor::*[self::li or self::div][1]")
            card = container[0] if container else link
            cards.append(Card(target, card_date(card), post_id(card.attrib.get("class", ""))))
    return unique(cards)


def next_page(doc: Selector, url: str) -> str | None:
    href = doc.css(NEXT_LINK).get() or doc.css(NEXT_BUTTON).get()
    return absolute(url, href) if href else None


def next_page_by_structure(doc: Selector, url: str) -> str | None:
    """``a[rel=next]``, a link whose text or class says next, or a link to ``/page/N+1/``."""
    href = doc.xpath(REL_NEXT).get() or next_by_words(doc) or next_by_number(doc, url)
    return absolute(url, href) if href else None


def next_by_words(doc: Selector) -> str | None:
    for link in doc.xpath(f"//a[@href][not({NOT_CONTENT})]"):
        if NEXT_WORDS.match(node_text(link) or "") or "next" in link.attrib.get("class", "").split():
            return link.attrib["href"]
    return None


def next_by_number(doc: Selector, url: str) -> str | None:
    current = PAGE_NUMBER.search(urlsplit(url).path)
    wanted = (int(current[1]) if current else 1) + 1
    for href in doc.xpath("//a/@href").getall():
        found = PAGE_NUMBER.search(urlsplit(absolute(url, href)).path)
        if found and int(found[1]) == wanted:
            return href
    return None


def unique(cards: list[Card]) -> list[Card]:
    """Cards in page order, each URL once."""
    seen: dict[str, Card] = {}
    for card in cards:
        seen.setdefault(card.url, card)
    return list(seen.values())

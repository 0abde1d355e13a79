"""Selectors learned from WordPress's record: where this site's pages show a key, found by its value.

While the REST API is open, each new post's page stands beside its record
(:mod:`kabarbaik_spider.records`). For the keys a page shows as text, the
elements whose visible text equals the record's value name where the theme
prints that key: short CSS selectors are built from their tag names and
class tokens and those of one or two ancestors (never ids, positions, or
classes that change from post to post; ``:last-of-type`` is the one position,
for a breadcrumb trail's last link), and each is kept only when reading
the page through it gives back the record's value. Counted over posts
(:class:`Tally`) and remembered per site in the store's state, the selector
that held on most posts serves the page parser (the ``learned`` source) once
the API closes, before WordPress core's generic markup. The models are
Scrapling's adaptive relocation and autoscraper: learn from a known answer.

Plain code over parsel selectors; nothing here imports Scrapy, and nothing raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from parsel import Selector

from kabarbaik_spider.pages.markup import INVISIBLE, composed, has_value, visible_text
from kabarbaik_spider.pages.sources import clean_text, page_selector

# The keys a page shows as text, so that an element's text can equal the record's value. Not learned:
# url and post_id (attributes and classes, which the generic layers read on every theme), published_at
# and modified_at (a page writes a date in words, ``May 1, 2025``, the record in ISO 8601: never equal as
# text), views (not in the record), image_url (an attribute, read by the_post_thumbnail()'s markup), body
# (many paragraphs, cleaned: the main-text finder reads it on any theme).
LEARNABLE = ("title", "author", "editor", "category", "tags", "image_caption", "summary")
MIN_POSTS = 3  # a selector serves once it agreed on this many posts ...
MIN_SHARE = 0.8  # ... and on this share of the posts whose record had the key
KEPT = 8  # candidates remembered per key, the best first: a bounded state
MAX_RUN_CANDIDATES = 64  # candidates counted per key within one run before the weakest are dropped
CLASSES_PER_ELEMENT = 3  # class tokens of one element tried as its step
MAX_TEXT_NODES = 200  # text nodes holding a value's first word looked at (a common word is everywhere)
ANCESTORS = 3  # levels above a text node an element equal to the value may be
# A class token that names the post rather than the layout: numbers (post-12, cat-item-3) and
# post_class()'s terms (category-ekonomi, tag-madiun); and anything CSS cannot name unescaped.
CSS_NAME = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
PER_POST_CLASS = re.compile(r"\d|^(?:category|tag|author|postid)-")
# A class token of layout, not of meaning (WordPress's alignments, block supports' is-*/has-*, grid utilities):
# it names many elements of the page and changes with a design's tweak, and would fill a key's kept candidates.
LAYOUT_CLASS = re.compile(
    r"^(?:align[a-z-]*|is-[a-z-]+|has-[a-z-]+|wp-block-group|wp-block-columns?|clearfix|clear|container(?:-fluid)?"
    r"|row|col|column|columns|flex|grid|inner|wrap|wrapper|hidden|visible|d-[a-z-]+|(?:[mp][trblxy]?|gap|text)-.*)$"
)
NOT_SHOWN = frozenset({"head", "script", "style", "noscript", "template", "title", "html", "body"})


def steps(element: etree._Element) -> list[str]:
    """How one element may be named: ``tag.class`` for each of its first stable class tokens, else its tag."""
    tag = element.tag
    classes = [
        token
        for token in (element.get("class") or "").split()
        if CSS_NAME.match(token) and not PER_POST_CLASS.search(token) and not LAYOUT_CLASS.match(token)
    ]
    return [f"{tag}.{token}" for token in classes[:CLASSES_PER_ELEMENT]] or [tag]


def selectors_of(element: etree._Element) -> list[str]:
    """Selectors naming ``element`` by itself, under its parent, and under its parent's parent.

    Each names one of its steps by a class: bare tags alone (``div``, ``main > div``) name any element.
    """
    own = steps(element)
    if last_of_its_kind(element):  # a breadcrumb's category: the last link of its trail, whatever the trail's length
        own += [f"{step}:last-of-type" for step in own]
    found = [step for step in own if "." in step]  # a bare tag (``a``, ``span``) alone names any element
    parent = element.getparent()
    if parent is None or not named(parent):
        return found
    above = steps(parent)
    if "." in above[0] or "." in own[0]:
        found += [f"{step} > {mine}" for step in above for mine in own]
    grandparent = parent.getparent()
    if grandparent is not None and named(grandparent):
        # Three bare tags (``main > div > a``) name nothing in particular; a class on any of them does.
        found += [
            name
            for step in steps(grandparent)
            if "." in f"{step}{above[0]}{own[0]}" and (name := f"{step} > {above[0]} > {own[0]}")
        ]
    return found


def last_of_its_kind(element: etree._Element) -> bool:
    """The element is the last of its tag among its siblings, after others of it (not the only one)."""
    tag = element.tag
    after = next(element.itersiblings(tag), None)
    return after is None and next(element.itersiblings(tag, preceding=True), None) is not None


def named(element: etree._Element) -> bool:
    """An element a selector may name: a plain HTML element, not the document's root or body."""
    return isinstance(element.tag, str) and CSS_NAME.match(element.tag) is not None and element.tag not in NOT_SHOWN


def text_parents(page: Selector, word: str) -> list[etree._Element]:
    """The elements that hold a text node with ``word`` in it, as a reader sees it: the record's text has no
    invisible characters, the page's may (``Eko&shy;nomi``)."""
    query = "//body//text()[contains(translate(., $invisible, ''), $word)]/.."
    found = page.xpath(query, invisible=INVISIBLE, word=word)
    return [parent.root for parent in found[:MAX_TEXT_NODES]]


def showing(page: Selector, value: str) -> list[etree._Element]:
    """The elements whose visible text is ``value``: the element of a text node holding its first word, or one of
    its next two ancestors when the value is split over inline elements (``<a>Jawa <b>Timur</b></a>``).

    An element whose text is already longer than the value ends the climb: its ancestors' texts hold it.
    """
    value = composed(value)  # the record's text is NFC, the page's as it was written: compared composed
    words = value.split()
    if not words:
        return []
    letters = len("".join(words))
    found: list[etree._Element] = []
    seen: set[int] = set()
    first_words = dict.fromkeys((words[0], unicodedata.normalize("NFD", words[0])))
    for node in (parent for word in first_words for parent in text_parents(page, word)):
        for _ in range(ANCESTORS):
            if node is None or not named(node) or id(node) in seen:
                break
            seen.add(id(node))
            text = composed(clean_text(visible_text(node)) or "")
            if text == value:
                found.append(node)
            elif len(text) - text.count(" ") > letters:
                break
            node = node.getparent()
    return found


def as_page(page: Selector | str) -> Selector:
    return page if isinstance(page, Selector) else page_selector(page)


def read(page: Selector | str, selector: str, key: str) -> Any:
    """The value ``selector`` gives on ``page``: the first match's text, or for ``tags`` every match's, each once,
    composed (NFC) as every field's text is.

    A selector that no longer matches (or no longer parses) gives nothing: the next source serves.
    """
    try:
        matches = as_page(page).css(selector)
    except Exception:  # a selector from a damaged state file: no value, never an error
        return [] if key == "tags" else None
    if key == "tags":
        return list(
            dict.fromkeys(text for match in matches if (text := composed(clean_text(visible_text(match.root)))))
        )
    return composed(clean_text(visible_text(matches[0].root))) if matches else None


def candidate_selectors(page: Selector | str, key: str, value: Any) -> list[str]:
    """Selectors that give exactly ``value`` for ``key`` on ``page``, shortest first.

    For ``tags``, selectors of the list of elements whose texts are the tags, in order.
    """
    doc = as_page(page)
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(one, str) and one.strip() for one in values):
        return []
    shared: set[str] | None = None
    for one in values:
        names = {name for element in showing(doc, one) for name in selectors_of(element)}
        shared = names if shared is None else shared & names
        if not shared:
            return []
    return sorted((name for name in shared or () if read(doc, name, key) == composed(value)), key=rank)


def rank(selector: str) -> tuple[bool, int, int, str]:
    """No position, then fewer steps, then a shorter name: the selector least bound to the page's nesting."""
    return (":last-of-type" in selector, selector.count(">"), len(selector), selector)


def learn(page: Selector | str, record: Mapping[str, Any], last: Selector | str | None = None) -> dict[str, list[str]]:
    """For each learnable key the record holds a value for, the selectors that give it on ``page`` (maybe none).

    ``last`` is a post in pages' last page: its tags are read there (a theme prints them after the text).
    """
    doc = as_page(page)
    last_doc = as_page(last) if last is not None else doc
    return {
        key: candidate_selectors(last_doc if key == "tags" else doc, key, record[key])
        for key in LEARNABLE
        if has_value(record.get(key))
    }


@dataclass
class Tally:
    """Per key: the posts whose record had a value (``seen``) and, per selector, the posts it agreed on."""

    seen: dict[str, int] = field(default_factory=dict)
    agreed: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, found: Mapping[str, list[str]]) -> None:
        """One post's :func:`learn`: each key it had counts as seen, each selector that gave its value as agreed."""
        for key, selectors in found.items():
            self.seen[key] = self.seen.get(key, 0) + 1
            counts = self.agreed.setdefault(key, {})
            for selector in selectors:
                counts[selector] = counts.get(selector, 0) + 1
            if len(counts) > MAX_RUN_CANDIDATES:
                self.agreed[key] = dict(self.ordered(counts)[: MAX_RUN_CANDIDATES // 2])

    @staticmethod
    def ordered(counts: Mapping[str, int]) -> list[tuple[str, int]]:
        """Most posts agreed first; among equals the shortest selector."""
        return sorted(counts.items(), key=lambda entry: (-entry[1], rank(entry[0])))

    def merged(self, other: Tally) -> Tally:
        """This tally and ``other`` added up, each key's candidates cut to the best :data:`KEPT`."""
        keys = sorted({*self.seen, *other.seen, *self.agreed, *other.agreed})
        tally = Tally()
        for key in keys:
            tally.seen[key] = self.seen.get(key, 0) + other.seen.get(key, 0)
            counts = dict(self.agreed.get(key, {}))
            for selector, posts in other.agreed.get(key, {}).items():
                counts[selector] = counts.get(selector, 0) + posts
            tally.agreed[key] = dict(self.ordered(counts)[:KEPT])
        return tally

    def best(self) -> dict[str, tuple[str, int, int]]:
        """Per key, the selector that serves: (selector, posts agreed, posts seen), when it agreed often enough."""
        found = {}
        for key, counts in self.agreed.items():
            if key not in LEARNABLE or not counts:
                continue
            selector, posts = self.ordered(counts)[0]
            seen = self.seen.get(key, 0)
            if posts >= MIN_POSTS and posts >= MIN_SHARE * seen:
                found[key] = (selector, posts, seen)
        return found

    def serving(self) -> dict[str, str]:
        """Key → the learned selector the page parser reads (empty when none earned it)."""
        return {key: selector for key, (selector, _, _) in self.best().items()}

    def report(self) -> dict[str, dict[str, Any]]:
        """For the run's line: each serving selector with the posts it agreed on, of the posts seen."""
        return {key: {"selector": s, "posts": posts, "seen": seen} for key, (s, posts, seen) in self.best().items()}

    def to_json(self) -> dict[str, Any]:
        """For the store's state: per key, the posts seen and each kept selector's posts agreed."""
        keys = sorted({*self.seen, *self.agreed})
        return {key: {"seen": self.seen.get(key, 0), "selectors": self.agreed.get(key, {})} for key in keys}

    @classmethod
    def from_json(cls, data: Any) -> Tally:
        """The tally a state file kept; anything malformed in it is left out, never an error."""
        tally = cls()
        if not isinstance(data, dict):
            return tally
        for key, entry in data.items():
            if key not in LEARNABLE or not isinstance(entry, dict):
                continue
            seen, selectors = entry.get("seen"), entry.get("selectors")
            tally.seen[key] = seen if isinstance(seen, int) and not isinstance(seen, bool) and seen >= 0 else 0
            if isinstance(selectors, dict):
                tally.agreed[key] = {
                    name: posts
                    for name, posts in selectors.items()
                    if isinstance(name, str) and isinstance(posts, int) and not isinstance(posts, bool) and posts > 0
                }
        return tally

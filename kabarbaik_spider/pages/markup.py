"""What every page parser reads the same way: links, post ids, the page's chrome, values, dates in words.

Each helper is here once so that the listing, the article and the main-text
finder cannot drift apart on what, say, "not the article" means.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any
from urllib.parse import urljoin

from lxml import etree

# An element in the page's chrome, not its content: navigation, sidebars,
# scripts, and the site's own header and footer (an article's header and
# footer, inside <article>, are content: its date, byline and tags stand there).
NOT_CONTENT = (
    "ancestor::nav or ancestor::aside or ancestor::script or ancestor::style"
    " or ancestor::header[not(ancestor::article)] or ancestor::footer[not(ancestor::article)]"
)


def has_class(name: str) -> str:
    """An XPath test that the element's ``class`` holds the token ``name`` (what CSS's ``.name`` means).

    The plain ``contains`` first, as cssselect writes it: it turns most elements down before the token test
    builds its padded string (post_class()'s whole-page lookup: 1.25 -> 0.92 ms on real pages).
    """
    return f"(contains(@class, '{name}') and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"


# Markup WordPress core writes whatever the theme (read by the article parser's ``wordpress`` source):
# a block theme's blocks of the post (``wp-block-post-title``, ``-date``, ``-author``, ``-terms``,
# ``-featured-image``, ``-content``), and not the same blocks repeated in a Query Loop of other posts
# (related posts, "more news"), which sits in a ``wp-block-query`` / ``wp-block-post-template``.
NOT_IN_QUERY_LOOP = f"not(ancestor::*[{has_class('wp-block-query')} or {has_class('wp-block-post-template')}])"


def post_block(block: str, inner: str = "") -> str:
    """XPath to the post's own ``wp-block-post-<block>`` (outside a Query Loop), then ``inner`` under it.

    The test reads every element's class: worth it only on a page whose HTML has ``wp-block-post-`` at all.
    """
    return f".//*[{has_class('wp-block-post-' + block)}][{NOT_IN_QUERY_LOOP}]{inner}"


# WordPress writes a post's id into classes and ids whatever the theme:
# ``postid-N`` on <body>, ``post-N`` on the post's <article> and on each card of a feed.
POST_ID = re.compile(r"\bpost(?:id)?-(\d+)\b")

# A visible Indonesian date with its weekday, found by its words when no class marks it.
VISIBLE_DATE_WORDS = re.compile(
    r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu),\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}"
    r"(?:\s*[-–,|]?\s*(?:pukul\s*)?\d{1,2}[:.]\d{2}(?:\s*WIB)?)?"
)

# Class and id words of boilerplate (read per class token, lower-cased: see pages/main_text.py) …
BOILERPLATE_WORDS = re.compile(
    r"comment|related|share|sharing|social|newsletter|promo|teaser|recommend|sidebar|widget|subscri|advert"
    r"|\bads?\b|caption|byline|breadcrumb|author|\btags?\b|footer|popup|modal|signup|more-|read-?more"
    r"|baca-juga|outbrain|taboola|tweet|instagram|tiktok|popular|trending|most-?read|pagination|pager(?![a-z])|menu"
    r"|banner|sponsor"
    # trafilatura 2.3's words for what it discards (its xpaths.py, OVERALL_DISCARD_XPATH) that ours lacked, where
    # they name only boilerplate (docs/site.md says which were left out, and why)
    r"|syndication|viral|criteo|fact-?box|-stories|next-(?:post|article|story)|expandable|\bratings?\b|timestamp"
    r"|user-info|user-profile|button|embed|attachment|-icon|permission|sociable|navbar|navbox|subnav|navigation"
)
# … unless the token starts by naming the article itself and goes on as the article too (``post-content``,
# ``article-body``; but ``related-posts`` and ``post-share`` are boilerplate),
ARTICLE_WORDS = re.compile(r"article|body|content|main|story|text|post|entry")
# and of cookie and consent dialogs, which are never the article whatever else they are called.
CONSENT_WORDS = re.compile(r"consent|gdpr|onetrust|cookie")


# The paths of a site's author archives: a byline's links go there (the article's author, and a header's line
# that is a byline, not a dek).
AUTHOR_ARCHIVES = ("/author/", "/authors/", "/autor/", "/penulis/", "/profile/")

# Where the <head>'s <meta>s, <link>s and <title> are. libxml2, as a browser, ends the <head> at the first
# element that belongs in a body (an <iframe>, a tracking pixel's <img>, a script's injected <div>) and puts
# what follows it at the top of the <body>; a saved page (its scripts run) often has one. Only the body's own
# children are read: a microdata <meta> stands inside its item, and walking the whole body costs more.
HEAD = "(/html/head | /html/body)"

# Elements whose text is never shown as text, and elements that flow inside a line of text.
HIDDEN_TEXT_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
INLINE_TAGS = frozenset(
    {"a", "b", "strong", "em", "i", "span", "u", "small", "sub", "sup", "mark", "abbr", "cite", "code", "q",
     "time", "s", "font", "wbr", "del", "ins", "bdi", "bdo", "label", "img", "data", "dfn", "kbd", "var", "tt",
     "ruby", "rb", "rp", "rt", "rtc"}
)  # fmt: skip
# A ruby's reading (``<ruby>漢字<rt>かんじ</rt></ruby>``: furigana, pinyin) stands above its words, not in the
# line, and is left out; but where the page gives the line without ruby too, in ``<rp>`` parentheses, the text
# is that line, ``漢字(かんじ)``, as a reader without ruby sees it.
RUBY_READINGS = frozenset({"rt", "rtc"})


# Characters a reader never sees, as pages write them: the soft hyphen (a hint where a word may break:
# ``Mit\xadtel\xadal\xadter``), the zero-width space, the word joiner and the invisible operators, byte-order
# marks. In a stored text they break a search for the word (in Thai, Khmer, Lao or Myanmar text a zero-width
# space marks where a word ends: a search there finds the words run together, as a reader sees them). The
# zero-width (non-)joiner, the Mongolian vowel separator and the direction marks stay: they change how Persian,
# Indic, Mongolian or mixed-direction text is shown.
INVISIBLE = "\xad\u200b\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\ufeff"
# Control characters show nothing either, but for U+0080 to U+009F: in a page's text those are Windows-1252's
# punctuation read as Latin-1 (``don\x92t``), shown as that code page shows them (``don\u2019t``), as HTML5 reads a
# ``&#146;``; its five unassigned ones are left out.
TEXT_MENDING = str.maketrans(
    {
        **dict.fromkeys(INVISIBLE),
        **dict.fromkeys(map(chr, [*range(0x20), 0x7F])),
        **{chr(code): bytes([code]).decode("cp1252", "ignore") or None for code in range(0x80, 0xA0)},
    }
)


# A character reference left in a text the HTML parser has already decoded, or in JSON-LD, which it never
# decodes: ``Politics &amp; Government``, ``Trump&#039;s``. Only a reference closed by ``;``: ``AT&T`` and
# ``Q&A`` are words.
CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def references_decoded(text: str) -> str:
    """``text`` with the character references a publisher escaped once too often read as characters.

    For the texts a page writes for machines (JSON-LD, a ``<meta>``'s content), which no reader sees: there a
    reference is an escape the publisher meant to undo. A reference a page shows its readers as such (a
    tutorial's ``&amp;lt;``) stays in the text read from the markup.
    """
    return CHARACTER_REFERENCE.sub(lambda found: html.unescape(found[0]), text) if "&" in text else text


def collapsed(text: str) -> str:
    """``text`` with each run of white space one space, none at the ends; invisible characters left out and
    control characters mended (:data:`TEXT_MENDING`).

    ``str.split()`` takes the white space ``\\s`` does (``str.isspace``, every code point checked), at a fifth of
    the time of ``re.sub(r"\\s+", " ", text).strip()``: it runs for every text the parser reads. Only a text
    with a character that is not printable (``str.isprintable``, as fast) is mended.
    """
    joined = " ".join(text.split())
    if joined.isprintable():
        return joined
    return " ".join(joined.translate(TEXT_MENDING).split())


def visible_text(element: etree._Element) -> str:
    """The text of ``element`` as a reader sees it: white space collapsed, scripts and styles left out.

    Inline elements join their neighbours without a space (``<b>LTE</b>-Patent``
    is ``LTE-Patent``); a ``<br>`` or a block element is a space.
    """
    if len(element) == 0:
        return collapsed(element.text or "")
    for node in element.iterdescendants():
        tag = node.tag
        if tag.__class__ is not str or tag not in INLINE_TAGS or tag in RUBY_READINGS:
            break
    else:  # inline elements only (most paragraphs): lxml joins the text
        return collapsed("".join(element.itertext()))
    parts: list[str] = []
    hidden = 0  # depth inside an element whose text is not shown
    for event, node in etree.iterwalk(element, events=("start", "end", "comment", "pi")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event in ("comment", "pi"):  # one event each: their text is not shown, their tail is
            parts.append("" if hidden else node.tail or "")
            continue
        if event == "start":
            if hidden or tag in HIDDEN_TEXT_TAGS or (tag in RUBY_READINGS and not in_parentheses(node)):
                hidden += 1
                continue
            if tag not in INLINE_TAGS:
                parts.append(" ")
            parts.append(node.text or "")
            continue
        if hidden:
            hidden -= 1
            if hidden:
                continue
        elif tag not in INLINE_TAGS:
            parts.append(" ")
        if node is not element:
            parts.append(node.tail or "")
    return collapsed("".join(parts))


def in_parentheses(reading: etree._Element) -> bool:
    """A ruby's reading the page also writes in ``<rp>`` parentheses (its ruby holds an ``<rp>``)."""
    ruby = next(reading.iterancestors("ruby"), None)
    return ruby is not None and next(ruby.iter("rp"), None) is not None


def composed(value: Any) -> Any:
    """A field's text (or each text of a list) in Unicode's composed form, NFC; other values as they are.

    The same letter can be one code point or a letter and a combining mark (``é``, Bengali ``য়``): search,
    joins and counts would see two words. NFC is the web's form (W3C's character model) and trafilatura's.
    """
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if isinstance(value, list):  # composed, two spellings of one tag are one tag
        return list(dict.fromkeys(composed(item) for item in value))
    return value


def has_value(value: Any) -> bool:
    """A field's value counts when it is not missing, empty or an empty list (0 counts)."""
    return value not in (None, "", [])


PLAIN_POST = re.compile(r"^p=\d+$")  # the query of a WordPress plain permalink, /?p=123


# Where lazy loaders keep an image's address until it is scrolled into view: ``data-src``, WP Rocket's
# ``data-lazy-src``, jQuery Lazy Load's ``data-original``; ``src`` then holds a placeholder (a ``data:`` URI, a
# 1x1 GIF, an empty SVG, a ``lazyload-placeholder.png``). Other loaders' own ``data-*-src`` are read only where
# ``src`` is a ``data:`` URI: elsewhere the name is a larger copy's (``data-fullscreen-src``) or a viewer's.
LAZY_SOURCE = re.compile(r"data-src|data-original|data-[\w-]*lazy[\w-]*-src")
OWN_LAZY_SOURCE = re.compile(r"data-[\w-]+-src")
LAZY_SOURCE_SET = re.compile(r"data-(?:[\w-]+-)?srcset")
SOURCE_SET_ENTRY = re.compile(r",\s+")
WIDTH = re.compile(r"\d+(?:\.\d+)?w")  # a srcset entry's width descriptor


def widest_source(srcset: str) -> str | None:
    """The widest image a ``srcset`` lists (``a.jpg 300w, b.jpg 768w``), else its first."""
    entries = [entry.split() for entry in SOURCE_SET_ENTRY.split(srcset.strip()) if entry.strip()]
    widths = [(float(parts[1][:-1]), parts[0]) for parts in entries if len(parts) > 1 and WIDTH.fullmatch(parts[1])]
    return max(widths)[1] if widths else (entries[0][0] if entries else None)


def image_address(img: etree._Element) -> str | None:
    """An ``<img>``'s address: a lazy loader's before ``src``; where ``src`` is a ``data:`` placeholder, another
    loader's, then a ``srcset``'s widest; none where only a placeholder is left, so that a field reads its next
    source."""
    attributes = img.attrib
    lazy = [value for name, value in attributes.items() if LAZY_SOURCE.fullmatch(name)]
    own = [value for name, value in attributes.items() if OWN_LAZY_SOURCE.fullmatch(name)]
    sets = [value for name, value in attributes.items() if LAZY_SOURCE_SET.fullmatch(name) or name == "srcset"]
    found = [*lazy, attributes.get("src") or "", *own, *(widest_source(value) or "" for value in sets)]
    return next((value.strip() for value in found if value.strip() and not value.lstrip().startswith("data:")), None)


def absolute(base: str, href: str) -> str:
    """``href`` as found in the page (white space around it dropped), joined to the page's URL."""
    return urljoin(base, href.strip())


def post_id(value: str) -> int | None:
    """The WordPress post id in a class or id attribute (``postid-12``, ``post-12``), if there is one."""
    found = POST_ID.search(value)
    return int(found[1]) if found else None


def date_in_words(texts: list[str]) -> str | None:
    """The first ``Senin, 12 Mei 2025 - 19:02 WIB`` in ``texts``, as written."""
    for text in texts:
        found = VISIBLE_DATE_WORDS.search(text)
        if found:
            return found[0]
    return None

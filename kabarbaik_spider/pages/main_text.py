"""The article's text on a page of any theme: the block of the page that holds it, found by its text alone.

Used when no known content container is on the page. Plain lxml over the
page's tree (parsel's ``Selector.root``), one walk of the tree, no copy.

How the block is found, in the order it happens:

1. **Text blocks.** Every ``<p>``, ``<pre>`` and heading is one; so is a ``<div>``,
   ``<section>``, ``<span>``, ``<li>``, ``<blockquote>``, ``<td>`` or ``<dd>``
   whose own text (its text and its inline children's, not its block
   children's) is a paragraph's worth: some themes write paragraphs as
   ``<div>`` s, or as text between ``<br>`` s. A table row of plain cells
   is one too (a line of data); a layout table's row, which holds
   paragraphs, is not.
2. **Noise.** Blocks under ``<nav>``, ``<aside>``, ``<footer>``, ``<header>``,
   ``<figure>`` (but a table's: the block editor writes every table in
   one), forms, scripts, a player's fallback text (``<video>``,
   ``<audio>``, ``<canvas>``: "please enable JavaScript", never shown), and
   under elements whose class or id names boilerplate (related, share,
   comment, newsletter, sidebar, consent …) are left out. A class name is
   read per token, and for BEM names (``sidebar-grid__content``) by its last
   part, so a layout grid named after its sidebar does not hide the article
   it holds. A token that starts with the article's word is the article's
   (``post-content``) unless what follows is boilerplate (``post-share``,
   ``content-related-stories``). An element that holds the page's ``<h1>``
   is never noise, and nor is, by its names, an element WordPress's
   ``post_class()`` names (``post type-post status-publish``, as an
   ``<article>``): its term classes (``tag-share``, ``category-social``,
   a custom taxonomy's ``rubrik-social-media``) are the post's tags.
   When these names hid every good block (page
   builders name every block a ``widget``, layouts their main column after
   the sidebar beside it), the page is read again with only consent and
   comment names as noise: the names were layout, and an empty body is the
   worst answer. When even that finds none, the frame's tags are read as
   layout too (``<header>``, ``<footer>``, ``<nav>``, ``<aside>``,
   ``<form>``, ``<noscript>``): old and broken markup wraps the whole page
   in one (an ASP.NET page's ``<form>``, an unclosed ``<header>``, a
   Blogger post in ``<noscript>``). And where the names left a reading
   under 500 characters, the names read as layout win with a block
   elsewhere (not around it) that holds six times its text: Hueman names the
   post's own container ``share``.
3. **Good text.** A block of 25 characters or more, less than 30% of it link
   text, counts as the article's when it is long (150 characters or more) or
   has a sibling such block: a teaser's one-line summary is neither.
4. **The block.** Each element scores its good text minus 0.3 times its
   other text; the best scoring element wins. A parent of several chunks of
   the text (a body split by ads or by a layout grid) wins over one chunk;
   the page's ``<body>`` loses to the article because of its menus, teasers
   and footers. When the winner is one text block, the text blocks beside
   it of its tag and class are read with it: an article of sibling
   ``<div class="block">`` s in a column that lost for the other stories it
   lists.
5. **The headline's article.** When the ``<h1>`` stands in an ``<article>``
   that holds a quarter of the page's good text, the block is looked for
   only there: pages that list other stories (or load the next story) in
   ``<article>`` s of their own.
6. **The standfirst.** The first block named as one (``lead``, ``intro``,
   ``summary``, ``teaser``, ``dek`` …; not a caption's, a credit's, a
   byline's or a boilerplate box's, and not a name several such blocks
   share) between the last ``<h1>`` before the article's first paragraph
   (not a logo's in the masthead) and that paragraph is the body's first
   paragraph when the block left it out and the paragraph does not repeat
   it: it often stands in the article's ``<header>`` or a teaser box, both
   noise to step 2. Where no block is so named, a bare ``<p>`` of a
   paragraph's worth that is the first thing the article's ``<header>``
   shows after its ``<h1>``, and the only such paragraph there, is named so
   by where it stands (a dek whose class names a build tool made up); a
   byline or a date line is not.
7. **Headings over links.** A heading (``<h2>`` to ``<h6>``) over nothing
   but links (two or more) and boilerplate, up to the next heading of its
   level or the page's end, is left out with them (``HeadingSections``): a
   related box's ``Mehr zum Thema`` or ``Auch interessant`` whose list the
   link share already dropped. The same cleaning serves every channel (the
   theme's container, the REST API's content, the finder's block), so their
   bodies still agree.

The weights were set on real pages of about 85 other news sites (measured
with ``score.py``, see docs/site.md) and hold within ±0.01 F1 there for
weights from 0.2 to 0.5 and lengths from 100 to 150. On the four other sets
(``benchmarks/body_halves.py --sweep``) no other value holds everywhere: the
values as they are sit on a plateau of all five, not on a peak of one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import takewhile

from lxml import etree

from kabarbaik_spider.pages.markup import (
    ARTICLE_WORDS,
    AUTHOR_ARCHIVES,
    BOILERPLATE_WORDS,
    CONSENT_WORDS,
    HIDDEN_TEXT_TAGS,
    INLINE_TAGS,
    collapsed,
    visible_text,
)

NOISE_TAGS = frozenset(
    {"aside", "nav", "footer", "header", "form", "figure", "figcaption", "button", "select", "dialog",
     "script", "style", "noscript", "template", "svg", "iframe", "object", "ins", "video", "audio", "canvas"}
)  # fmt: skip
NEVER_NOISE = frozenset({"html", "body", "article", "main"})
# Tags of a page's frame that broken or old markup wraps the whole page in: an ASP.NET page's one <form>, an
# unclosed <header>, Blogger's post in <noscript>. Read as layout when nothing else holds good text.
FRAME_TAGS = frozenset({"header", "footer", "nav", "aside", "form", "noscript"})
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
WHOLE_BLOCKS = frozenset({"p", "pre", *HEADINGS})  # read whole, whatever they hold: a paragraph, code, a heading
OWN_TEXT_BLOCKS = frozenset({"div", "section", "span", "li", "blockquote", "td", "dd"})
CELLS = frozenset({"td", "th"})
LIST_BLOCKS = frozenset({"li", "blockquote", "dd"})  # a block even when short, unless it holds other blocks

ROW_BLOCKS = ("p", "div", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article")
MIN_DIV_TEXT = 80  # a <div>'s own text this long is a paragraph written without <p>
MIN_GOOD = 25  # shorter blocks are labels, datelines, buttons
LONG_ENOUGH = 150  # a block this long is the article's even without a sibling block
NEVER_ARTICLE_WORDS = re.compile(rf"{CONSENT_WORDS.pattern}|comment|disqus")
MAX_LINK_SHARE = 0.3  # more link text than this: a list of links, not prose
MAX_LINK_SHARE_KEPT = 0.8  # inside the chosen block, only a block of (almost) nothing but links is left out
MIN_LISTED_LINKS = 2  # a heading over this many links and nothing else heads a list of them ("Mehr zum Thema")
EMBEDDED_TAGS = ("img", "picture", "video", "audio", "iframe", "embed", "object", "figure")  # what a heading may head
EMBED_MARKUP = re.compile(r"<(?:img|picture|video|audio|iframe|embed|object)\b", re.I)
OTHER_TEXT_WEIGHT = 0.3  # how much an element's other text counts against its good text
# Class and id words of a standfirst (the English, French, Spanish and German names themes give it) …
STANDFIRST_WORDS = re.compile(
    r"lead|intro|teaser|summary|standfirst|excerpt|\bdek\b|deck|sub-?title|subhead|epigraph|description|abstract"
    r"|chapo|chapeau|sapo|bajada|entradilla|anriss|vorspann"
)
# … and of what stands near one under such names: a lead image's caption and credit, the byline and date, a
# leaderboard ad, a carousel, the site's tagline (``site-description``), a product's or a table of contents' intro.
NOT_STANDFIRST_WORDS = re.compile(
    r"caption|credit|photo|image|img|media|asset|gallery|slide|video|author|byline|date|meta|feature|leader"
    r"|carousel|site-|product|toc|privacy"
)
STANDFIRST_BLOCKS = frozenset({"p", "div", *HEADINGS})  # where a standfirst box writes its paragraph
MEDIA_TAGS = ("figure", "figcaption", "img", "picture", "video")  # a standfirst is words: a block with these is not one
MASTHEAD_TOKENS = frozenset(
    {"masthead", "site-header", "siteheader", "site-branding", "branding", "headerimg", "header-outer", "header-inner"}
)
MIN_STANDFIRST, MAX_STANDFIRST = 40, 800  # shorter: a kicker or a label; longer: more than one paragraph
SHOWS_NOTHING = frozenset({*HIDDEN_TEXT_TAGS, "button"})  # a header's text a reader does not see as words
CONTROL_TAGS = ("button", "audio", "video")  # a player's, beside its blurb
SHORT_READING = 500  # characters: a reading this short may be all the names of boilerplate left of the post …
# … when reading them as layout finds this many times as much elsewhere: where the names hid the article, 7 to 100
# times (trafilatura's evaluation pages); a sidebar beside a one-paragraph post is 3 or 4 times the post
LONGER_READING = 6
# WordPress's post_class() names the post's element by its type and status (``post type-post status-publish``)
# and by each of its terms: ``tag-bgh``, ``category-social-media``, a custom taxonomy's ``rubrik-share``. Those
# are the post's tags, not the element's role, though ``tag`` and ``social`` name boilerplate anywhere else:
# such an element is the post, as an <article> is.
WORDPRESS_POST_MARKS = ("type-", "status-")  # both start a token of every post_class()
# The article's words a class token starts with (``post-``, ``content-``, ``entry_``): what follows them says what
# the element is, ``post-content`` the article, ``content-related-stories`` and ``post-share`` boxes in it.
LEADING_ARTICLE_WORDS = re.compile(rf"^(?:(?:{ARTICLE_WORDS.pattern})[-_]?)+")
# … but not a layout's wrapper, named after the column beside the article (``content-sidebar-wrap``,
# ``content-with-sidebar``, ``main-widgets``): it holds the article.
LAYOUT_WORDS = re.compile(r"sidebar|widget")
HEADLINE_ARTICLE_SHARE = 0.25  # the <h1>'s <article> must hold this share of the good text to be the scope


def own_text(element: etree._Element) -> tuple[str, int]:
    """The text of ``element`` and its inline children (not of its block children), and how much is link text."""
    parts = [element.text or ""]
    links = 0
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in INLINE_TAGS:
            text = visible_text(child)
            parts.append(text)
            links += len(text) if tag == "a" else link_length(child)
        elif tag not in HIDDEN_TEXT_TAGS:
            parts.append(" ")
        parts.append(child.tail or "")
    return collapsed("".join(parts)), links


def shown_length(element: etree._Element) -> int:
    """How much text ``element`` shows: its characters that are not white space, scripts and styles left out.

    lxml writes the text out in C; boilerplate is a good part of a page, and this is all that is read of it.
    """
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    hidden = "".join(node.text or "" for node in element.iter(*HIDDEN_TEXT_TAGS))
    return non_space_length(text) - non_space_length(hidden)


def non_space_length(text: str) -> int:
    return len(text) - text.count(" ") - text.count("\n") - text.count("\t") - text.count("\r")


def link_length(element: etree._Element) -> int:
    return sum(len(visible_text(link)) for link in element.iter("a"))


@lru_cache(maxsize=8192)
def names_boilerplate(names: str) -> bool:
    """Class or id names boilerplate: per token, a BEM name by its last part, unless it starts as the article's
    and what follows that start is not boilerplate too (``post-content`` is the article, ``post-share`` not).

    Read per class-and-id string (``MainText.is_noise``, ``not_standfirst``): pages repeat theirs, read once.
    """
    names = names.lower()  # the words are lower case: a case-blind search costs four times as much
    if CONSENT_WORDS.search(names):
        return True
    if not BOILERPLATE_WORDS.search(names):  # most names: one search of the whole string says no
        return False
    tokens = names.split()
    if all(any(token.startswith(mark) for token in tokens) for mark in WORDPRESS_POST_MARKS):
        return False  # post_class(): the post, whatever its terms are called (``tag-share``)
    for token in tokens:
        part = token.rsplit("__", 1)[-1]
        if BOILERPLATE_WORDS.search(part) and not ARTICLE_WORDS.match(part):
            return True
        if not LEADING_ARTICLE_WORDS.sub("", part.split("--", 1)[0]):
            continue  # the article's own block in a variant: article-body--sponsored (but post-list--related)
        rest = LEADING_ARTICLE_WORDS.sub("", part)
        if rest != part and BOILERPLATE_WORDS.search(rest) and not LAYOUT_WORDS.search(rest):
            return True
    return False


@lru_cache(maxsize=1024)
def not_standfirst(names: str) -> bool:
    """Names that rule an element out as the standfirst or a part of it (see ``MainText.standfirst``)."""
    if names_never_article(names) or NOT_STANDFIRST_WORDS.search(names):
        return True
    # a boilerplate word beside the standfirst's own rules it out: ``related teaser``, ``related-teaser``,
    # ``baca-juga-intro`` (but ``teaser-text`` is a standfirst: its only boilerplate word is the standfirst's)
    return any(names_boilerplate(STANDFIRST_WORDS.sub("", token)) for token in names.split())


def standfirst_block(element: etree._Element) -> etree._Element | None:
    """The standfirst in an element named as one: the element, or its first paragraph when it holds blocks;
    none when all it holds are a byline's, a date's, a caption's or a slider's (``subhead`` > ``subhead-date``).
    """
    if has_own_text(element):
        return element
    stack = list(reversed(element))
    while stack:
        inner = stack.pop()
        if inner.tag.__class__ is not str or inner.tag in NOISE_TAGS or inner.tag in MEDIA_TAGS:
            continue
        if NOT_STANDFIRST_WORDS.search(element_names(inner)):
            continue
        if inner.tag in STANDFIRST_BLOCKS and has_own_text(inner):
            return inner
        stack.extend(reversed(inner))
    return None


def standfirst_text(element: etree._Element) -> str | None:
    """The standfirst an element named as one holds: one paragraph's words, without media or many links."""
    block = standfirst_block(element)
    if block is None or next(block.iter(*MEDIA_TAGS), None) is not None:
        return None
    text = visible_text(block)
    if not MIN_STANDFIRST <= len(text) <= MAX_STANDFIRST or link_length(block) > MAX_LINK_SHARE * len(text):
        return None
    return text


def within(element: etree._Element, container: etree._Element) -> bool:
    """``element`` is ``container`` or stands inside it."""
    return element is container or any(ancestor is container for ancestor in element.iterancestors())


def article_headline_before(element: etree._Element) -> etree._Element | None:
    """The last ``<h1>`` before ``element`` in the page's order that is not the site's logo in its masthead
    (a block named ``masthead``, ``site-header``, ``branding``, Blogger's and Kubrick's ``#header``, that does
    not hold ``element`` too: an unclosed masthead holds the whole page). Names of boilerplate do not rule an
    ``<h1>`` out: the article's own stands in a ``breadcrumb`` or ``sidebar-grid`` box too."""
    around_element = set(element.iterancestors())
    for level in (element, *element.iterancestors()):
        for before in level.itersiblings(preceding=True):
            for headline in reversed(list(before.iter("h1"))):
                above = (a for a in headline.iterancestors() if a not in around_element)
                if not any(is_masthead(block) for block in above):
                    return headline
    return None


def is_masthead(element: etree._Element) -> bool:
    """The site's masthead by a whole class or id token (an article's own header is often ``header`` by class,
    Twenty Twenty's ``entry-header-inner``)."""
    return element.get("id") == "header" or any(token in MASTHEAD_TOKENS for token in element_names(element).split())


def element_names(element: etree._Element) -> str:
    """An element's class and id, lower-cased, as one string (empty when it has neither)."""
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower().strip()


@lru_cache(maxsize=1024)
def names_never_article(names: str) -> bool:
    """Names that hide an element even when the names of boilerplate are not trusted: consent and comments."""
    return bool(NEVER_ARTICLE_WORDS.search(names.lower()))


class MainText:
    """The article's text blocks on one page (see the module's docstring for how they are found).

    ``site_noise`` names, by class, more boilerplate of the site being crawled
    (its related-posts box, its ad blocks), left out wherever it stands.
    """

    def __init__(self, root: etree._Element, site_noise: re.Pattern[str] | None = None) -> None:
        self.root = root
        self.site_noise = site_noise
        body = root.find("body") if root.tag == "html" else None
        self.body = body if body is not None else root
        self.headline = next(self.body.iter("h1"), None)
        self.holds_headline = set(self.headline.iterancestors()) if self.headline is not None else set()
        self.trust_names = True  # False: class and id names hide only consent dialogs and comments
        self.trust_frame = True  # False: the frame's tags (FRAME_TAGS) hide nothing either
        self.walked = Walk()  # the walk of the page the last choose() made

    def is_noise(self, element: etree._Element) -> bool:
        tag = element.tag
        if (
            tag in NOISE_TAGS
            and (self.trust_frame or tag not in FRAME_TAGS)
            and not (tag == "figure" and next(element.iter("table"), None) is not None)  # a table's figure is data
        ):
            return True
        if tag in NEVER_NOISE or element in self.holds_headline:
            return False
        names = element.get("class")
        ident = element.get("id")
        if not names and not ident:
            return False
        if self.site_noise is not None and names and self.site_noise.search(names):
            return True
        if ident:
            names = f"{names} {ident}" if names else ident
        if not self.trust_names:
            return names_never_article(names)
        return names_boilerplate(names)

    def walk(self, top: etree._Element) -> Walk:
        """One pass over ``top``: every element in page order, its own text's length, and the text blocks."""
        walk = Walk()
        total, order, blocks = walk.total, walk.order, walk.blocks
        is_noise, trust_frame = self.is_noise, self.trust_frame
        stack: list[tuple[etree._Element, etree._Element | None, bool, bool]] = [(top, None, False, False)]
        pop, push = stack.pop, stack.append
        while stack:
            element, parent, in_block, in_link = pop()
            tail = element.tail
            if parent is not None and tail:  # a tail is its parent's text, whatever the element is
                total[parent] += len(tail.strip())
            tag = element.tag
            if tag.__class__ is not str or (tag in HIDDEN_TEXT_TAGS and (trust_frame or tag != "noscript")):
                continue
            order.append(element)
            if element is not top and is_noise(element):
                # Nothing in boilerplate is read: only its length counts, against the blocks that hold it.
                total[element] = shown_length(element)
                continue
            text = element.text
            total[element] = len(text.strip()) if text else 0
            whole = tag in WHOLE_BLOCKS or (tag == "tr" and is_data_row(element))
            own_block = False
            if not in_block and (whole or tag in OWN_TEXT_BLOCKS):
                found = block_text(element, tag, whole)
                if found is not None:  # a block inside a link (a teaser card) is link text, all of it
                    blocks.append((element, found[0], len(found[0]) if in_link else found[1]))
                    if whole:  # a paragraph's inside is read: its length is its text's
                        total[element] = len(found[0])
                        continue
                    own_block = True
            in_block = in_block or whole
            in_link = in_link or tag == "a"
            for child in reversed(element):
                # A block's own text took in its inline children (``<div><span>…</span></div>``): a
                # ``<span>`` among them is not a block again, or the text would count twice.
                push((child, element, in_block or (own_block and child.tag in INLINE_TAGS), in_link))
        return walk

    def blocks_in(self, container: etree._Element, walk: Walk | None = None) -> list[str]:
        """The text blocks inside ``container`` (a content element the theme or the API marks), in order: not
        a list of links, nor a heading over only such lists."""
        walk = walk or self.walk(container)
        within = set(container.iter()) if walk.order and walk.order[0] is not container else None
        kept = [
            (element, text)
            for element, text, links in walk.blocks
            if (within is None or element in within) and text and links <= MAX_LINK_SHARE_KEPT * len(text)
            and not (element.tag in LIST_BLOCKS and holds_blocks(element))
        ]  # fmt: skip
        sections = HeadingSections(self, container, {element for element, _ in kept})
        return [text for element, text in kept if not (element.tag in HEADINGS and sections.heads_only_links(element))]

    def find(self) -> Found:
        """The article's text blocks, and how sure the finder is of the element it read them from.

        Where the names of boilerplate hid every good block, they are read as layout (page builders name
        every block a ``widget``, layouts their column a ``sidebar``), and where that finds none either, the
        frame's tags too (``FRAME_TAGS``). Where they left a short reading, the names read as layout win with
        a block elsewhere on the page, not around the short one, that holds six times its text: Hueman names
        the post's own container ``share``, and the finder read a newsletter popup instead. A block around a
        short post would add the sidebar beside it.
        """
        self.trust_names, self.trust_frame = True, True
        found = self.choose()
        named = self.walked  # the walk with every name trusted: what the names let the finder see
        paragraphs = self.paragraphs(found)
        if found is None:
            for relax in ("trust_names", "trust_frame"):
                setattr(self, relax, False)
                if (found := self.choose()) is not None:
                    paragraphs = self.paragraphs(found)
                    break
        elif (length := len("".join(paragraphs))) < SHORT_READING:
            self.trust_names = False
            other = self.choose()
            longer = self.paragraphs(other)
            if other is not None and not within(found[0], other[0]) and len("".join(longer)) >= LONGER_READING * length:
                found, paragraphs = other, longer
            else:
                self.trust_names = True
        if found is None:
            return Found([], float("inf"), 0.0)
        best, walk, other_text, share = found
        lead = self.standfirst(best, walk, paragraphs)
        seen = tuple(text for _, text, _ in named.blocks)
        return Found([lead, *paragraphs] if lead else paragraphs, other_text, share, seen)

    def paragraphs(self, found: Chosen | None) -> list[str]:
        """The text blocks of the element ``choose`` found (none when it found none).

        When that element is one text block, the text blocks beside it of its own tag and class (the site's
        paragraph, repeated: ``<div class="block">``) are read with it, in the page's order: the article
        written as sibling ``<div>`` s in a column of much else, which lost to one paragraph because of what
        else it holds. Blocks of another kind beside it (a caption's line, a view counter) are not, and nor are a
        table cell's neighbours, whatever their class: a row's cells are columns (an ad's beside the article's).
        """
        if found is None:
            return []
        best, walk = found[0], found[1]
        mine = self.blocks_in(best, walk)
        parent, kind = best.getparent(), (best.tag, best.get("class"))
        if parent is None or not kind[1] or best.tag in CELLS or not any(e is best for e, _, _ in walk.blocks):
            return mine  # a row's cells are columns side by side, not paragraphs one after another
        beside = {
            element: text
            for element, text, links in walk.blocks
            if element is not best and element.getparent() is parent and (element.tag, element.get("class")) == kind
            and len(text) >= MIN_GOOD and links <= MAX_LINK_SHARE * len(text)
        }  # fmt: skip
        if not beside:
            return mine
        order = [element for element, _, _ in walk.blocks if element is best or element in beside]
        return [text for element in order for text in (mine if element is best else [beside[element]])]

    def standfirst(self, best: etree._Element, walk: Walk, paragraphs: list[str]) -> str | None:
        """The article's standfirst: the first block named as one (lead, intro, summary, dek …) between the
        headline and the article's first paragraph, when the finder did not read it.

        It often stands in the article's ``<header>`` or in a teaser box, which the finder leaves out as
        noise. Fundus and trafilatura count it as the body's first paragraph; the Zyte benchmark and
        Readability's test pages leave it out (docs/site.md weighs the two). The headline is the ``<h1>``
        nearest before that paragraph: a logo's ``<h1>`` in the masthead comes before the article's own.
        """
        if not paragraphs:
            return None
        around = best.getparent() if best.getparent() is not None else best  # the text blocks beside it are read too
        first = next((e for e, text, _ in walk.blocks if text == paragraphs[0] and within(e, around)), None)
        headline = article_headline_before(first) if first is not None else None
        if first is None or headline is None:
            return None
        found = self.named_standfirst(headline, first)
        stem = found.rstrip(" .…[]") if found else ""  # WordPress's excerpt ends "[…]": the first words again
        if not stem or stem in " ".join(paragraphs):  # the 55 words of an excerpt can run past a paragraph
            return None
        return found

    def named_standfirst(self, headline: etree._Element, first: etree._Element) -> str | None:
        """The text of the first block named as a standfirst after ``headline`` and before ``first``, whose
        name no other element there has (several so named are a list of teasers); where none is so named, the
        dek of the article's header (``header_dek``).
        """
        around_first = set(first.iterancestors())
        header = article_header(headline, around_first)
        found: list[tuple[str, str]] = []  # (names, text) of each block named as a standfirst, in order
        names_seen: dict[str, int] = {}
        bare: list[tuple[etree._Element, str]] = []  # the header's paragraphs of a paragraph's worth
        for after in (headline, *headline.iterancestors()):
            if after is self.body:
                return None
            for sibling in after.itersiblings():
                stack = [sibling]
                while stack:
                    element = stack.pop()
                    if element is first:
                        named = next((text for names, text in found if names_seen[names] == 1), None)
                        if named or len(bare) != 1:
                            return named
                        paragraph, text = bare[0]
                        return text if header is not None and header_dek(paragraph, headline, header) else None
                    if element.tag.__class__ is not str:
                        continue
                    names = element_names(element)
                    if element in around_first:
                        stack.extend(reversed(element))
                    elif (element.tag in NOISE_TAGS and element.tag != "header") or (names and not_standfirst(names)):
                        continue  # nothing under it is read
                    elif names and STANDFIRST_WORDS.search(names):
                        if text := standfirst_text(element):
                            found.append((names, text))
                            names_seen[names] = names_seen.get(names, 0) + 1
                    elif element.tag == "p" and header is not None and within(element, header):
                        if (text := standfirst_text(element)) and len(text) >= MIN_DIV_TEXT:
                            bare.append((element, text))
                    else:
                        stack.extend(reversed(element))
        return None

    def choose(self) -> Chosen | None:
        """The element that holds the article's text, the walk that found it, its other text per character
        of good text, and its share of the good text where it was looked for; None when there is none."""
        walk = self.walked = self.walk(self.body)
        good = dict.fromkeys(walk.order, 0)
        siblings: dict[etree._Element | None, int] = {}
        candidates = [
            (element, len(text))
            for element, text, links in walk.blocks
            if element.tag not in HEADINGS and len(text) >= MIN_GOOD and links <= MAX_LINK_SHARE * len(text)
        ]
        for element, _ in candidates:
            siblings[element.getparent()] = siblings.get(element.getparent(), 0) + 1
        for element, length in candidates:
            if length >= LONG_ENOUGH or siblings[element.getparent()] >= 2:
                good[element] = length
        total = walk.total
        for element in reversed(walk.order):  # children before parents: sums flow up
            parent = element.getparent()
            if parent is not None and parent in total:
                total[parent] += total[element]
                good[parent] += good[element]
        scope = self.body
        article = next(self.headline.iterancestors("article"), None) if self.headline is not None else None
        if article is not None and article in good and good[article] >= HEADLINE_ARTICLE_SHARE * good[self.body]:
            scope = article
        # The walk's order is the page's, and all of it stands in the body: no second pass of the page for it.
        inside = walk.order if scope is self.body else [element for element in scope.iter() if element in total]
        best = max(inside, key=lambda e: good[e] - OTHER_TEXT_WEIGHT * (total[e] - good[e]), default=None)
        if best is None or not good[best]:
            return None
        return best, walk, (total[best] - good[best]) / good[best], good[best] / good[scope]


Chosen = tuple[etree._Element, "Walk", float, float]  # the chosen element, its walk, other text, share


class HeadingSections:
    """Which headings of one container head nothing but links (``MainText.blocks_in``): a related box's
    ``Mehr zum Thema`` or ``Auch interessant`` over a list the link share dropped.

    A heading heads only links when its section, up to the next heading of its level or above or the
    page's end, holds two links or more with a list's worth of link text (``MIN_GOOD``) outside boilerplate,
    and nothing else: no block that is read (an FAQ's answer), no deeper heading that is kept (its own
    section says), no text between the boxes, no photo, video or embed outside a link (a ``<noscript>`` one
    too: a lazy-loading plugin's). One link is a citation (``Sumber`` over its URL); a heading with nothing
    after it is kept; so is one inside a block that is read (text between ``<br>`` s), whose links are read
    with it. A heading wrapped alone (``<div><h3>…</h3></div>``) is judged by what follows its wrapper.

    The page's end is where the page's container ends: ``<!--nextpage-->`` (bare, or in the paragraph the
    classic editor wraps it in) and WordPress's page links (``post-page-numbers``), so the REST API's
    content, all pages in one, reads each section as the page does.
    """

    def __init__(self, finder: MainText, container: etree._Element, read: set[etree._Element]) -> None:
        self.finder, self.container, self.read = finder, container, read
        self.verdicts: dict[etree._Element, bool] = {}

    @cached_property
    def page_links(self) -> set[etree._Element]:
        """WordPress's page links (``wp_link_pages``) and what holds them up to a block that is read."""
        held: set[etree._Element] = set()
        for link in self.container.iter("a"):
            if "post-page-numbers" in (link.get("class") or "").split():
                for box in (link, *link.iterancestors()):
                    if box is self.container or box in held:
                        break
                    held.add(box)
                    if box in self.read:
                        break
        return held

    def heads_only_links(self, heading: etree._Element) -> bool:
        if heading not in self.verdicts:
            self.verdicts[heading] = self.judge(heading)
        return self.verdicts[heading]

    def judge(self, heading: etree._Element) -> bool:
        node, level = heading, heading.tag[1]
        while (parent := node.getparent()) is not None and parent is not self.container:
            if parent in self.read:
                return False
            if node.getnext() is not None or (node.tail or "").strip():
                break
            node = parent
        if (node.tail or "").strip():
            return False
        links: list[str] = []
        for sibling in node.itersiblings():
            found, ends = self.section_links(sibling, level)
            if found is None:
                return False
            links += found
            if ends:
                break
            if (sibling.tail or "").strip():
                return False
        return len(links) >= MIN_LISTED_LINKS and sum(map(len, links)) >= MIN_GOOD

    def section_links(self, element: etree._Element, level: str) -> tuple[list[str] | None, bool]:
        """The texts of the links in ``element`` outside boilerplate up to the section's end, and whether it
        ends there; None when the section holds more than links there."""
        texts: list[str] = []
        stack = [element]
        while stack:
            node = stack.pop()
            if node.tag.__class__ is not str:
                if ends_page(node):
                    return texts, True
                continue
            if node in self.page_links or (node.tag in HEADINGS and node.tag[1] <= level):
                return texts, True
            if node.tag in HEADINGS:  # a deeper heading: kept, it heads more than links, and so does this one
                if node in self.read and not self.heads_only_links(node):
                    return None, False
            elif node in self.read or shows_media(node):
                return None, False
            elif node.tag in HIDDEN_TEXT_TAGS or self.finder.is_noise(node):
                if node.tag not in HIDDEN_TEXT_TAGS and embeds_outside_links(node):
                    return None, False  # a caption's or a player's box round the heading's photo or video
                continue
            elif node.tag == "a":
                if text := visible_text(node):
                    texts.append(text)
                continue
            stack.extend(reversed(node))
        return texts, False


def article_header(headline: etree._Element, around_first: set[etree._Element]) -> etree._Element | None:
    """The ``<header>`` of the article whose headline ``headline`` is: inside the ``<article>`` or ``<main>``
    that holds it, not in a box of boilerplate tags there (a newsletter's ``<aside>`` with its own header), not
    holding the text too (an unclosed header), and ``headline`` that article's first ``<h1>`` (not a widget's)."""
    header = next((a for a in headline.iterancestors() if a.tag == "header" and a not in around_first), None)
    home = next((a for a in headline.iterancestors() if a.tag in ("article", "main")), None)
    if header is None or home is None or not within(header, home) or next(home.iter("h1"), None) is not headline:
        return None
    between = takewhile(lambda box: box is not home, header.iterancestors())  # the boxes around it, inside home
    return None if any(box.tag in NOISE_TAGS for box in between) else header


def header_dek(paragraph: etree._Element, headline: etree._Element, header: etree._Element) -> bool:
    """``paragraph`` is the dek of the article's ``header``: the first thing it shows after ``headline`` (not a
    photo's caption, a note or a bio after the byline), and no byline or date line itself.

    HTML's header of an article holds its headline, byline, date and dek; a dek written as a bare ``<p>``
    (class names a CSS-in-JS build made up, The Standard's; FIT FOR FUN's ``heading``) is named by where it
    stands. It must be a paragraph's worth (a subtitle is a line) and the only one there (``named_standfirst``).
    """
    if next(paragraph.iter("time"), None) is not None or any(
        link.get("rel") == "author" or any(path in (link.get("href") or "") for path in AUTHOR_ARCHIVES)
        for link in paragraph.iter("a")
    ):
        return False
    box = paragraph.getparent()
    if box is not None and box is not header and next(box.iter(*CONTROL_TAGS), None) is not None:
        return False  # a player's blurb beside its button ("Listen to this article")
    shown = first_shown_after(headline, header)
    return shown is not None and within(shown, paragraph)


def first_shown_after(headline: etree._Element, header: etree._Element) -> etree._Element | None:
    """The first element after ``headline`` in ``header`` that shows a reader something, in the page's order:
    words of its own, words after it in its parent's line (then the parent), or media. A button's, a script's
    or an icon's text shows nothing."""
    after, skipped = False, None  # skipped: the headline, or an element that shows nothing, until its end
    for event, node in etree.iterwalk(header, events=("start", "end", "comment", "pi")):
        if skipped is not None:
            if event == "end" and node is skipped:
                after, skipped = after or node is headline, None
                if after and (node.tail or "").strip():
                    return node.getparent()
            continue
        if event == "start" and (node is headline or node.tag in SHOWS_NOTHING):
            skipped = node
        elif not after:
            continue
        elif event == "start" and (node.tag in EMBEDDED_TAGS or (node.text or "").strip()):
            return node
        elif event != "start" and (node.tail or "").strip():
            return node.getparent()
    return None


def ends_page(node: etree._Element) -> bool:
    """``<!--nextpage-->``: a page's end (met bare, or inside the empty paragraph the classic editor wraps it in)."""
    return isinstance(node, etree._Comment) and "nextpage" in (node.text or "")


def shows_media(node: etree._Element) -> bool:
    """``node`` is a photo, a video or an embed, or a ``<noscript>`` holding one (a lazy-loading plugin's)."""
    return node.tag in EMBEDDED_TAGS or (node.tag == "noscript" and embeds(node))


def embeds_outside_links(box: etree._Element) -> bool:
    """``box`` shows a photo, a video or an embed that is not a link's (an ad's banner, a teaser's thumbnail)."""
    stack = list(box)
    while stack:
        node = stack.pop()
        if node.tag.__class__ is not str or node.tag == "a":
            continue
        if shows_media(node):
            return True
        stack.extend(node)
    return False


def embeds(noscript: etree._Element) -> bool:
    """A ``<noscript>`` holds a photo or a video (a lazy-loading plugin's fallback), parsed or as text."""
    return next(noscript.iter(*EMBEDDED_TAGS), None) is not None or bool(EMBED_MARKUP.search(noscript.text or ""))


@dataclass(frozen=True, slots=True)
class Found:
    """What the finder read: the article's paragraphs; the chosen element's other text per character of its
    good text (menus, teasers, players' controls it holds): above about 0.4, the choice is unsure; and its
    share of the good text where it was looked for (the page, or the headline's ``<article>``): well below
    1, the article may go on outside it. And every text block of the page outside boilerplate, with every
    name trusted (whichever walk read the paragraphs), the chosen element's or not: the text the finder's
    names let it see."""

    paragraphs: list[str]
    other_text: float
    share: float = 1.0  # a reading made by hand (tests) holds all of the page's good text
    seen: tuple[str, ...] = ()


class Walk:
    """What one pass over a part of the page found."""

    def __init__(self) -> None:
        self.order: list[etree._Element] = []  # elements in page order, the top first
        self.total: dict[etree._Element, int] = {}  # element → its own text's length (then its subtree's)
        self.blocks: list[tuple[etree._Element, str, int]] = []  # text blocks outside noise: text, link text


def block_text(element: etree._Element, tag: str, whole: bool) -> tuple[str, int] | None:
    """The text of ``element`` when it is a text block, with its link text's length."""
    if whole:
        return visible_text(element), link_length(element)
    if tag in OWN_TEXT_BLOCKS and has_own_text(element):
        text, links = own_text(element)
        if len(text) >= MIN_DIV_TEXT or (tag in LIST_BLOCKS and text):
            return text, links
    return None


def has_own_text(element: etree._Element) -> bool:
    """Text of its own (a text node, not only white space) or nothing but inline children: a quick test
    that spares reading the layout's ``<div>`` s, which hold only other blocks."""
    if element.text and not element.text.isspace():
        return True
    inline_only = True
    for child in element:
        if child.tail and not child.tail.isspace():
            return True
        tag = child.tag
        if tag.__class__ is str and tag not in INLINE_TAGS and tag not in HIDDEN_TEXT_TAGS:
            inline_only = False
    return inline_only and len(element) > 0


def is_data_row(row: etree._Element) -> bool:
    """A table row of plain cells (data: a line of its text), not a layout row that holds paragraphs."""
    return next(row.iterdescendants(*ROW_BLOCKS), None) is None


def holds_blocks(element: etree._Element) -> bool:
    """A list item or quote that holds paragraphs of its own: those are read, not it."""
    return any(child.tag in ("p", "li", "div") for child in element.iterdescendants())


def find_main_text(root: etree._Element, site_noise: re.Pattern[str] | None = None) -> Found:
    """The article's paragraphs on a page of any theme (``root`` is the page's lxml tree), and how sure the
    finder is of them."""
    return MainText(root, site_noise).find()


def text_blocks(container: etree._Element, site_noise: re.Pattern[str] | None = None) -> list[str]:
    """The paragraphs, headings and list items in a content element, boilerplate left out."""
    return MainText(container, site_noise).blocks_in(container)

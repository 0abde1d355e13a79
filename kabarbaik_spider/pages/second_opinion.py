"""trafilatura's reading of a page: a second opinion, asked where the main-text finder is unsure or read little.

The finder (``main_text.py``) picks the element whose text is most like an
article's. It may be the wrong one when that element holds much other text
too (a video player's controls, a stream of teasers, a page of several
stories), or only a part of the article when it holds less than 60% of the
article-like text where it was looked for (a story whose paragraphs stand in
several boxes). Then trafilatura is asked (its fast mode, about 13 to 24 ms
a page; about one page in seven of other sites measured pays it, short
readings included); when the two
readings share less than 60% of their words, trafilatura's is taken. Where
they agree, or trafilatura reads nothing, the finder's reading stands.

A reading under 1,000 columns (a full-width character takes two) is asked
about too, sure or not: the names of boilerplate may have hidden the article
around it (a ``banner`` or ``teaser`` box), or the finder read a tweet beside
a poem whose lines are each too short to be prose. There trafilatura's reading
is taken only when it is another text, and either stands where the finder's
names let it see text or holds six times as much. The finder's text with more
around it is refused: for a page whose text it finds short, trafilatura reads
every paragraph, a sidebar's and a menu's too; and another text it found only
in boxes the finder calls boilerplate, and no longer, is a related post's
teaser.

Measured on pages nobody tuned to (docs/site.md): it lifts body F1 where the
finder picks a wrong block or a part of the right one, and costs little
elsewhere, because a sure finder of a long reading is never second-guessed. The theme's
container and WordPress's record come before either: kabarbaik.co's pages
reach this only when the theme's container is missing from one.

trafilatura keeps one lxml parser for its module: fine in the crawl's single
thread and in its child processes, not across threads.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter

import trafilatura

from kabarbaik_spider.pages.main_text import LONGER_READING, Found
from kabarbaik_spider.pages.markup import collapsed

UNSURE_OTHER_TEXT = 0.4  # the finder's element holds this much other text per character of article text
UNSURE_SHARE = 0.6  # ... or holds less than this share of the good text where it was looked for
MIN_AGREEMENT = 0.6  # the two readings' bag-of-words F1, below which trafilatura's is taken
# A reading this short (columns, as :func:`shown_width` counts them) is second-guessed too, though the finder is
# sure of its block: the names of boilerplate may have hidden the article around it (``banner``, ``teaser``
# boxes), or it read a tweet.
SHORT_TEXT = 1000
# For a short reading the finder is sure of, trafilatura's is taken only when it is another text: less than
# this share of the finder's words is in it (trafilatura reads every paragraph of a page whose text it finds
# under 250 characters, and so adds a sidebar or a menu to a short post), and less than this share of its
# words is in the finder's (a part of the finder's reading: one of its two boxes, the one teaser card it holds) …
SAME_TEXT = 0.5
# … and at least this share of its words stand in text blocks the finder's names let it see, or it holds
# LONGER_READING times as much: another text found only in boilerplate, and no longer, is a related teaser.
SEEN_TEXT = 0.5
# Larger pages are not second-guessed: trafilatura's time grows faster than the page (seconds past 2 MB
# on a page of menus), and the largest of the 276 pages measured is 1.6 MB.
MAX_HTML_CHARACTERS = 2_000_000

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{CJK}]|(?:(?![{CJK}])[^\W_])+")  # a Han or kana character is a word of its own

logger = logging.getLogger(__name__)
# trafilatura logs what it thinks of a page ("empty HTML tree", "discarding data") as errors and
# warnings; here they are about an opinion the parser may not take, not about the crawl.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def shown_width(text: str) -> int:
    """How wide ``text`` runs, in columns: a character whose Unicode East Asian Width is W or F (Han, kana,
    Hangul, full-width forms, most emoji) takes two, as fixed-width type sets it."""
    return len(text) + sum(1 for character in text if unicodedata.east_asian_width(character) in "WF")


def is_short(text: str) -> bool:
    """A reading under :data:`SHORT_TEXT` columns: too short to be sure of, whatever block it came from.

    Columns, not characters: 800 Latin characters are a paragraph or two, 800 Japanese ones a whole article
    that runs as long as 1,600. Counted in characters, such an article was second-guessed, and trafilatura's
    reading of a Japanese page is among its slowest (docs/site.md, the tenth round). The width is counted only
    under :data:`SHORT_TEXT` characters.
    """
    return len(text) < SHORT_TEXT and shown_width(text) < SHORT_TEXT


def word_list(text: str) -> list[str]:
    """The words of a text in order, NFKC-normalised and lower-cased."""
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


def words(paragraphs: list[str]) -> Counter[str]:
    """The words of a text, counted: the bag both readings are compared as."""
    return Counter(word_list(" ".join(paragraphs)))


def overlap(ours: list[str], theirs: list[str]) -> tuple[float, float, float]:
    """How much of ``ours`` is in ``theirs`` (precision), of ``theirs`` in ``ours`` (recall), and their F1."""
    mine, other = words(ours), words(theirs)
    common = sum((mine & other).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(mine.values()), common / sum(other.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def agreement(ours: list[str], theirs: list[str]) -> float:
    """The bag-of-words F1 of two readings of one page: 1.0 when they hold the same words."""
    return overlap(ours, theirs)[2]


def trafilatura_paragraphs(html_text: str, url: str, headline: str | None = None) -> list[str]:
    """trafilatura's main text of the page, a paragraph a line; none when it reads nothing or fails.

    Its first line or lines are often the headline, which a body leaves out (the finder never reads the
    ``<h1>``). A second opinion that fails is no opinion: the finder's reading stands, and the parser never
    raises.
    """
    try:
        text = trafilatura.extract(html_text, url=url, fast=True, include_comments=False)
    except Exception as error:  # trafilatura's own bug on one page costs its opinion only
        logger.debug("trafilatura failed on %s: %s", url, error)
        return []
    lines = [line for line in map(collapsed, (text or "").splitlines()) if line]
    return without_headline(lines, headline)


def without_headline(lines: list[str], headline: str | None) -> list[str]:
    """``lines`` without the leading ones that spell the headline (one line, or one split at a ``<br>``)."""
    wanted = word_list(headline or "")
    if not wanted:
        return lines
    read: list[str] = []
    for count, line in enumerate(lines, start=1):
        read += word_list(line)
        if read == wanted:
            return lines[count:]
        if read != wanted[: len(read)]:
            break
    return lines


def second_opinion(found: Found, html_text: str, url: str, headline: str | None = None) -> list[str] | None:
    """trafilatura's paragraphs where the finder was unsure, or read little, and trafilatura read another text
    (for a short reading: not the finder's text and more, and standing where the finder sees text or six times
    as long); else None.

    A page where the finder read nothing is left to JSON-LD's ``articleBody``, as before: the second opinion
    judges a choice, it does not stand in for one.
    """
    unsure = found.other_text > UNSURE_OTHER_TEXT or found.share < UNSURE_SHARE
    text = "".join(found.paragraphs)
    length = len(text)
    if not length or not (unsure or is_short(text)) or len(html_text) > MAX_HTML_CHARACTERS:
        return None
    theirs = trafilatura_paragraphs(html_text, url, headline)
    if not theirs:
        return None
    ours_in_theirs, theirs_in_ours, agreed = overlap(found.paragraphs, theirs)
    if agreed >= MIN_AGREEMENT:
        return None
    if unsure:
        return theirs
    if max(ours_in_theirs, theirs_in_ours) >= SAME_TEXT:  # the finder's text and more (a sidebar, a menu that
        return None  # trafilatura's fallback adds), or a part of it (one box of two, the one card it holds)
    if len("".join(theirs)) >= LONGER_READING * length or overlap(theirs, list(found.seen))[0] >= SEEN_TEXT:
        return theirs
    return None

"""trafilatura's reading of a page: a second opinion, asked only where the main-text finder is unsure.

The finder (``main_text.py``) picks the element whose text is most like an
article's. When that element holds much other text too (a video player's
controls, a stream of teasers, a page of several stories), it may be the
wrong one. Only then is trafilatura asked (its fast mode, about 11 ms a page,
so about a tenth of the pages of other sites pay it); when the two readings
share less than 60% of their words, trafilatura's is taken. Where they
agree, or trafilatura reads nothing, the finder's reading stands.

Measured on pages nobody tuned to (docs/site.md): it lifts body F1 where the
finder picks a wrong block and leaves the rest alone, because a sure finder is
never second-guessed. The theme's selectors and WordPress's record come
before either, so kabarbaik.co's own pages never reach this.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter

import trafilatura

from kabarbaik_spider.pages.main_text import Found

UNSURE_OTHER_TEXT = 0.4  # the finder's element holds this much other text per character of article text
MIN_AGREEMENT = 0.6  # the two readings' bag-of-words F1, below which trafilatura's is taken

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(rf"[{CJK}]|(?:(?![{CJK}])[^\W_])+")  # a Han or kana character is a word of its own

logger = logging.getLogger(__name__)


def words(paragraphs: list[str]) -> Counter[str]:
    return Counter(WORD.findall(unicodedata.normalize("NFKC", " ".join(paragraphs)).lower()))


def agreement(ours: list[str], theirs: list[str]) -> float:
    """The bag-of-words F1 of two readings of one page: 1.0 when they hold the same words."""
    mine, other = words(ours), words(theirs)
    common = sum((mine & other).values())
    if not common:
        return 0.0
    return 2 * common / (sum(mine.values()) + sum(other.values()))


def trafilatura_paragraphs(html_text: str, url: str, headline: str | None = None) -> list[str]:
    """trafilatura's main text of the page, a paragraph a line; none when it reads nothing or fails.

    Its first line is often the headline, which a body leaves out (the finder never reads the ``<h1>``).
    A second opinion that fails is no opinion: the finder's reading stands, and the parser never raises.
    """
    try:
        text = trafilatura.extract(html_text, url=url, fast=True, include_comments=False)
    except Exception as error:  # trafilatura's own bug on one page costs its opinion only
        logger.debug("trafilatura failed on %s: %s", url, error)
        return []
    lines = [line for line in (" ".join(part.split()) for part in (text or "").splitlines()) if line]
    if lines and headline and lines[0].casefold() == " ".join(headline.split()).casefold():
        del lines[0]
    return lines


def second_opinion(found: Found, html_text: str, url: str, headline: str | None = None) -> list[str] | None:
    """trafilatura's paragraphs where the finder was unsure and trafilatura read another text; else None.

    A page where the finder read nothing is left to JSON-LD's ``articleBody``, as before: the second opinion
    judges a choice, it does not stand in for one.
    """
    if not found.paragraphs or found.other_text <= UNSURE_OTHER_TEXT:
        return None
    theirs = trafilatura_paragraphs(html_text, url, headline)
    if theirs and agreement(found.paragraphs, theirs) < MIN_AGREEMENT:
        return theirs
    return None

"""WordPress's record first, the page for what only the page shows: one item from both, and where they differ.

WordPress's REST API record of a post does not depend on the theme, so each
key it holds comes from the record; the page gives ``views`` (the theme's
counter) and any key the record leaves empty. The page is still parsed, so
that a page parser that no longer agrees with the record is seen, key by key,
without the item taking its wrong value. How each key is chosen is in
docs/site.md ("WordPress's record first").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.markup import has_value

PAGE_ONLY = ("views",)  # the theme's counter: WordPress does not know it
RECORD = "api"  # the source name of a key taken from the record, as pages.sources.API
PAGE = "page"


@dataclass
class Merged:
    """The item from record and page, where each key came from, and the keys on which the page disagrees."""

    item: dict[str, Any]
    taken_from: dict[str, str]  # key → RECORD or PAGE
    disagreements: list[str]


def merge_with_record(page: dict[str, Any], record: dict[str, Any]) -> Merged:
    """The record's value for each key it holds, the page's for the rest; ``page`` and ``record`` are items."""
    item: dict[str, Any] = {}
    taken_from: dict[str, str] = {}
    for key in ARTICLE_KEYS:
        value = record_value(key, record)
        from_record = key not in PAGE_ONLY and has_value(value)
        item[key] = value if from_record else page[key]
        taken_from[key] = RECORD if from_record else PAGE
    differ = [key for key in ARTICLE_KEYS if taken_from[key] == RECORD and disagree(key, page[key], item[key])]
    return Merged(item, taken_from, differ)


def record_value(key: str, record: dict[str, Any]) -> Any:
    """The record's value; ``modified_at`` only for a post edited after publication.

    WordPress sets ``modified_gmt`` to the publication time for a post never
    edited: that is not a modification, and the page shows none then either.
    """
    value = record.get(key)
    if key == "modified_at" and not later(value, record.get("published_at")):
        return None
    return value


def later(value: Any, than: Any) -> bool:
    try:
        return datetime.fromisoformat(value) > datetime.fromisoformat(than)
    except (TypeError, ValueError):
        return False


def disagree(key: str, page_value: Any, record_value: Any) -> bool:
    """The page's parser read another value than WordPress holds (a page showing no modified time does not)."""
    return not (key == "modified_at" and page_value is None) and page_value != record_value

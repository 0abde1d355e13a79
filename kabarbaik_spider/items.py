"""The article item, declared once: the fourteen keys of SPEC.md, in order."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

REQUIRED_KEYS = ("url", "post_id", "title", "published_at", "body")


@dataclass
class Article:
    """One news article; ``None`` (``[]`` for tags) where the page has no value."""

    url: str | None = None
    post_id: int | None = None
    title: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    author: str | None = None
    editor: str | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    views: int | None = None
    image_url: str | None = None
    image_caption: str | None = None
    summary: str | None = None
    body: str | None = None


ARTICLE_KEYS = tuple(f.name for f in fields(Article))


def as_record(item: Any) -> dict[str, Any]:
    """The item as a plain dict, keys in their declared order (url, post_id first), as a store line holds it.

    Our own :class:`Article` is read field by field: itemadapter's ``asdict``
    walks every value looking for nested items, which costs more than the
    rest of a pipeline step on the crawl's hot path. Any other item goes
    through itemadapter.
    """
    if type(item) is Article:
        return {key: getattr(item, key) for key in ARTICLE_KEYS}
    from itemadapter import ItemAdapter  # here, not at the top: it imports Scrapy, which the parsers must not

    return ItemAdapter(item).asdict()

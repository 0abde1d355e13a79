"""The article item, declared once: the fourteen keys, in order, each with its one-line doc.

The docs under the fields and their ``json_schema_extra`` are what
``ItemAdapter.get_json_schema(Article)`` turns into the item's JSON Schema
(``schema/article.schema.json``, made by ``python -m kabarbaik_spider.schema``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

# ISO 8601 at seconds precision with an offset: what the store holds for dates.
ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"


def schema(**extra: Any) -> dict[str, Any]:
    """A field's metadata that adds ``extra`` to its JSON Schema."""
    return {"json_schema_extra": extra}


@dataclass
class Article:
    """One news article of kabarbaik.co; ``None`` (``[]`` for tags) where the page has no value."""

    __json_schema_extra__: ClassVar[dict[str, Any]] = {
        "title": "kabarbaik.co article",
        "description": "One line of the store: every key present, in this order; null (or [] for tags) when unknown.",
        "required": [
            "url", "post_id", "title", "published_at", "modified_at", "author", "editor", "category",
            "tags", "views", "image_url", "image_caption", "summary", "body",
        ],
    }  # fmt: skip

    url: str | None = field(default=None, metadata=schema(type="string", pattern="^https?://", format="uri"))
    """Canonical URL of the article's first page."""
    post_id: int | None = field(default=None, metadata=schema(type="integer", minimum=1))
    """WordPress post id."""
    title: str | None = field(default=None, metadata=schema(type="string", minLength=1))
    """Headline, plain text, entities decoded."""
    published_at: str | None = field(default=None, metadata=schema(type="string", pattern=ISO_WITH_OFFSET))
    """When it was published: ISO 8601 in WIB (+07:00), seconds precision."""
    modified_at: str | None = field(default=None, metadata=schema(pattern=ISO_WITH_OFFSET))
    """When it was last changed, as published_at; null when the page does not say."""
    author: str | None = None
    """The Penulis:/Reporter: credit line, else the posting account."""
    editor: str | None = None
    """The Editor: credit line."""
    category: str | None = None
    """The primary category's name."""
    tags: list[str] = field(default_factory=list)
    """Tags as displayed, in page order."""
    views: int | None = field(default=None, metadata=schema(minimum=0))
    """The view counter (1.234 Dilihat is 1234); null from the REST API, which has none."""
    image_url: str | None = field(default=None, metadata=schema(pattern="^https?://"))
    """Absolute URL of the featured image."""
    image_caption: str | None = None
    """The featured image's caption, photo credit included."""
    summary: str | None = None
    """The meta description."""
    body: str | None = field(default=None, metadata=schema(type="string", minLength=1))
    """The article's own paragraphs, joined by a blank line; all pages of a split article."""


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

"""The article item, declared once: the fourteen keys of SPEC.md, in order."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

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

"""WordPress REST API records (``/wp-json/wp/v2/posts?_embed=1``) → :class:`Article`, plain code over JSON.

No theme is involved: the post's own fields give the item, and its content
goes through the same cleaning as the page's content container
(:func:`kabarbaik_spider.pages.article.content_paragraphs`), so that one item
comes out of either channel. ``views`` is the theme's counter, so it is never
known here; ``modified_at`` always is. An article split with
``<!--nextpage-->`` is one record, hence one item.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from parsel import Selector

from kabarbaik_spider.items import Article
from kabarbaik_spider.pages.article import content_paragraphs, credit_lines
from kabarbaik_spider.pages.sources import API, FieldReader, clean_text, node_text, page_selector, to_wib


def rendered_text(value: Any) -> str | None:
    """The text of a ``{"rendered": "<html>"}`` field (or a plain string), entities decoded."""
    html = value.get("rendered") if isinstance(value, Mapping) else value
    if not isinstance(html, str) or not html.strip():
        return None
    return node_text(Selector(text=f"<div>{html}</div>").xpath("//div")[0])


def gmt_to_wib(value: Any) -> str | None:
    """A ``*_gmt`` field (UTC, no offset) as WIB ISO 8601."""
    if not isinstance(value, str):
        return None
    try:
        return to_wib(datetime.fromisoformat(value).replace(tzinfo=UTC))
    except (ValueError, OverflowError):
        return None


class ApiPost(FieldReader):
    """One post of the REST API with ``_embed``: its author, terms and featured image are inline."""

    field_methods = {"url": "link", "post_id": "id"}  # noqa: RUF012 - read-only, as in FieldReader
    channel = API  # every field is the record's own

    def __init__(self, post: Any) -> None:
        super().__init__()
        self.post: Mapping[str, Any] = post if isinstance(post, Mapping) else {}
        embedded = self.post.get("_embedded")
        self.embedded: Mapping[str, Any] = embedded if isinstance(embedded, Mapping) else {}

    @cached_property
    def content(self) -> Selector:
        """The content as one element; ``<!--nextpage-->`` splits are comments, so all pages are in it."""
        html = self.post.get("content", {}).get("rendered") if isinstance(self.post.get("content"), Mapping) else None
        return page_selector(f"<html><body>{html if isinstance(html, str) else ''}</body></html>").xpath("//body")[0]

    @cached_property
    def credits(self) -> dict[str, str]:
        return credit_lines(self.content)

    def terms(self, taxonomy: str) -> list[str]:
        groups = self.embedded.get("wp:term")
        names = [
            term.get("name")
            for group in (groups if isinstance(groups, list) else [])
            if isinstance(group, list)
            for term in group
            if isinstance(term, Mapping) and term.get("taxonomy") == taxonomy
        ]
        return [text for name in names if (text := rendered_text(name))]

    @cached_property
    def featured_media(self) -> Mapping[str, Any]:
        media = self.embedded.get("wp:featuredmedia")
        first = media[0] if isinstance(media, list) and media else None
        return first if isinstance(first, Mapping) else {}

    # -- fields, one each ----------------------------------------------------

    def link(self) -> str | None:
        link = self.post.get("link")
        return link if isinstance(link, str) and link.startswith(("http://", "https://")) else None

    def id(self) -> int | None:
        post_id = self.post.get("id")
        return post_id if isinstance(post_id, int) and not isinstance(post_id, bool) else None

    def title(self) -> str | None:
        return rendered_text(self.post.get("title"))

    def published_at(self) -> str | None:
        return gmt_to_wib(self.post.get("date_gmt"))

    def modified_at(self) -> str | None:
        return gmt_to_wib(self.post.get("modified_gmt"))

    def author(self) -> str | None:
        authors = self.embedded.get("author")
        account = (
            authors[0].get("name")
            if isinstance(authors, list) and authors and isinstance(authors[0], Mapping)
            else None
        )
        return self.credits.get("penulis") or self.credits.get("reporter") or rendered_text(account)

    def editor(self) -> str | None:
        return self.credits.get("editor")

    def category(self) -> str | None:
        return next(iter(self.terms("category")), None)

    def tags(self) -> list[str]:
        return list(dict.fromkeys(self.terms("post_tag")))

    def views(self) -> None:
        return None  # the counter is the theme's, not WordPress's

    def image_url(self) -> str | None:
        source = self.featured_media.get("source_url")
        return source if isinstance(source, str) and source else None

    def image_caption(self) -> str | None:
        return rendered_text(self.featured_media.get("caption"))

    def summary(self) -> str | None:
        yoast = self.post.get("yoast_head_json")
        description = yoast.get("description") if isinstance(yoast, Mapping) else None
        return clean_text(description if isinstance(description, str) else None) or rendered_text(
            self.post.get("excerpt")
        )

    def body(self) -> str | None:
        return "\n\n".join(content_paragraphs(self.content)) or None


def api_article(post: Any) -> Article:
    """The item of one REST API post record."""
    return ApiPost(post).article()


def api_article_dict(post: Any) -> dict[str, Any]:
    """:func:`api_article` as a plain dict, the shape of a line of the store."""
    return asdict(api_article(post))


def read_posts(body: bytes | str) -> list[Any] | None:
    """A page of the posts endpoint: the list of records, or None when the answer is not that JSON."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    return data if isinstance(data, list) else None

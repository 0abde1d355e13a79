"""WordPress's REST API, as this crawler asks it: the posts route, its batching, and how a closed API answers.

One place for the routes, so that the API channel and the cross-check ask the
same questions the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from scrapy.http import Response

if TYPE_CHECKING:
    from kabarbaik_spider.walk import Walk

POSTS_ROUTE = "/wp-json/wp/v2/posts"
# Where a site answers the REST API: under /wp-json/ with pretty permalinks; with plain ones (/?p=N) only
# through ?rest_route=, which every WordPress understands.
PRETTY, PLAIN = "pretty", "plain"
BATCH = 100  # posts per request: the most WordPress gives
CLOSED = (401, 403, 404)  # a security plugin, the API switched off, or no WordPress API at all
PAST_THE_END = "rest_post_invalid_page_number"  # the 400 for a page number past the last


def posts(origin: str, query: str, root: str = PRETTY) -> str:
    """The posts route with ``query``, in the form the site answers (:data:`PRETTY` or :data:`PLAIN`)."""
    if root == PLAIN:
        return f"{origin}/?rest_route=/wp/v2/posts&{query}"
    return f"{origin}{POSTS_ROUTE}?{query}"


def posts_page(origin: str, page: int, size: int = BATCH, root: str = PRETTY) -> str:
    """Page ``page`` of every published post, newest first, with authors, terms and images embedded."""
    return posts(origin, f"per_page={size}&_embed=1&page={page}", root)


def posts_by_id(origin: str, ids: Iterable[int], root: str = PRETTY) -> str:
    """The records of up to :data:`BATCH` posts named by id, in one request."""
    return posts(origin, f"include={','.join(map(str, ids))}&per_page={BATCH}&_embed=1", root)


def modified_since(origin: str, mark: str, page: int = 1, root: str = PRETTY) -> str:
    """The posts modified after ``mark`` (UTC, WordPress 5.7 and later), the latest edit first."""
    return posts(
        origin, f"modified_after={mark}Z&orderby=modified&order=desc&per_page={BATCH}&_embed=1&page={page}", root
    )


def answered_elsewhere(walk: Walk, answer: Response | None, posts: list[Any] | None = None) -> bool:
    """The /wp-json/ route answered with a 404 or a page, not posts: a site with plain permalinks, whose API
    answers at ?rest_route= only. The walk asks there from now on; True when the question is to be asked again.

    ``answer`` is what came back (a failure's response, or None when there was none); ``posts`` what it held.
    """
    if walk.api_root != PRETTY or answer is None:
        return False
    if answer.status != 404 and (answer.status >= 400 or posts is not None):
        return False
    walk.api_root = PLAIN
    return True


def error_code(response: Response) -> str | None:
    """The ``code`` of a WordPress REST API error answer (``rest_login_required``, …), if it is one."""
    try:
        data = json.loads(response.body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    return data.get("code") if isinstance(data, dict) and isinstance(data.get("code"), str) else None

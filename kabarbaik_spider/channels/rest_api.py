"""WordPress's REST API, as this crawler asks it: the posts route, its batching, and how a closed API answers.

One place for the routes, so that the API channel and the cross-check ask the
same questions the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from scrapy.http import Response

POSTS_ROUTE = "/wp-json/wp/v2/posts"
BATCH = 100  # posts per request: the most WordPress gives
CLOSED = (401, 403, 404)  # a security plugin, the API switched off, or no WordPress API at all
PAST_THE_END = "rest_post_invalid_page_number"  # the 400 for a page number past the last


def posts_page(origin: str, page: int, size: int = BATCH) -> str:
    """Page ``page`` of every published post, newest first, with authors, terms and images embedded."""
    return f"{origin}{POSTS_ROUTE}?per_page={size}&_embed=1&page={page}"


def posts_by_id(origin: str, ids: Iterable[int]) -> str:
    """The records of up to :data:`BATCH` posts named by id, in one request."""
    return f"{origin}{POSTS_ROUTE}?include={','.join(map(str, ids))}&per_page={BATCH}&_embed=1"


def error_code(response: Response) -> str | None:
    """The ``code`` of a WordPress REST API error answer (``rest_login_required``, …), if it is one."""
    try:
        data = json.loads(response.body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return None
    return data.get("code") if isinstance(data, dict) and isinstance(data.get("code"), str) else None

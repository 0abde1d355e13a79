"""What the site answered, read for the spider: failures described in words, REST API error codes, sitemaps.

Plain helpers over Scrapy's responses and failures; which URL to ask for
next is the spider's business.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from kabarbaik_spider.middlewares import GIVE_UP_REASON
from kabarbaik_spider.pages.listing import is_post_link

SITEMAP_MAXSIZE = 50 * 1024 * 1024  # the sitemap protocol's limit, uncompressed
# Errors that come without a message: what they mean.
SILENT_ERRORS = {
    "ResponseDataLossError": "the connection closed before the whole body (its Content-Length) arrived",
}


def api_answer(response: Response) -> str:
    """What an unexpected answer was, in a few words: status, type and size."""
    kind = response.headers.get("Content-Type", b"no Content-Type").decode("latin-1")
    return f"HTTP {response.status}, {kind}, {len(response.body)} bytes"


def read_sitemap(response: Response) -> Sitemap | None:
    """The sitemap or sitemap index in a response (gzipped or not), or None when it is neither."""
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=SITEMAP_MAXSIZE)
        except (OSError, ValueError):
            return None
    try:
        sitemap = Sitemap(body)
    except (SyntaxError, StopIteration, ValueError):  # lxml's XMLSyntaxError is a SyntaxError
        return None
    return sitemap if sitemap.type in ("sitemapindex", "urlset") else None


def on_site(url: str, domains: list[str]) -> bool:
    """The URL's host is one of ``domains`` or under one, whatever its port (Scrapy's helper compares the port too)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def is_post_url(url: str, domains: list[str]) -> bool:
    """A sitemap entry that can be a post: on the site, not its home page, not a category, tag or author."""
    parts = urlsplit(url)
    return on_site(url, domains) and is_post_link(parts.path, parts.query)


def describe_failure(failure: Failure) -> str:
    """A reason that says something, for the log and runs.jsonl (some failures have no message)."""
    request = getattr(failure, "request", None)
    given = request.meta.get(GIVE_UP_REASON) if request is not None else None
    if given:
        return given
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"
    return describe_error(failure.value)


def describe_error(error: BaseException) -> str:
    """``Name: message``, with the reasons twisted wraps in a list (``ResponseFailed``) read out."""
    name = type(error).__name__
    inner = getattr(error.__cause__, "reasons", None) or getattr(error, "reasons", None)
    if name in SILENT_ERRORS:
        message = SILENT_ERRORS[name]
    elif inner:
        message = "; ".join(describe_error(reason.value) for reason in inner)
    else:
        message = " ".join(str(error).split()) or SILENT_ERRORS.get(name, "")
    return f"{name}: {message[:300]}" if message else name

"""The spider's arguments (``-a``): what each accepts, read and checked once.

Our ``crawl`` command checks them before anything is logged or touched, so a
bad value or a misspelt name is one line naming it, and exit status 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

DEFAULT_START_URL = "https://kabarbaik.co/"
TRUE, FALSE = ("1", "true", "yes"), ("0", "false", "no")

# Every argument the spider takes, and what it accepts (said in the one-line error for a bad value).
ARGUMENTS = {
    "start_url": "an http(s) URL of a listing page, e.g. https://kabarbaik.co/category/ekonomi/",
    "max_pages": "a whole number of listing pages, 1 or more",
    "since": "a day as YYYY-MM-DD, e.g. 2025-05-01",
    "full": "1 or 0 (also true/false, yes/no)",
    "via": "listing (the theme's HTML listing), api (WordPress's REST API) or sitemap (the XML sitemaps)",
    "crosscheck": "1 or 0: build each new item from WordPress's own record of the post (REST API), its page beside",
}
CHANNELS = ("listing", "api", "sitemap")
SCHEDULER_ARGUMENTS = ("_job",)  # scrapyd adds its job id to every run


class BadArgumentError(ValueError):
    """A spider argument (``-a``) that cannot be used; the message is one line naming it."""


def read_arguments(given: Mapping[str, Any]) -> dict[str, Any]:
    """The spider's arguments, checked and typed; :class:`BadArgumentError` names the first bad one."""
    unknown = sorted(set(given) - set(ARGUMENTS) - set(SCHEDULER_ARGUMENTS))
    if unknown:
        raise BadArgumentError(f"unknown argument -a {unknown[0]}=…; the arguments are: {', '.join(ARGUMENTS)}")

    def bad(name: str) -> BadArgumentError:
        return BadArgumentError(f"bad value -a {name}={given[name]!r}: expected {ARGUMENTS[name]}")

    # `-a max_pages=$UNSET` in a cron line must not become a walk of the whole live site.
    empty = next((name for name in ARGUMENTS if name in given and not str(given[name]).strip()), None)
    if empty:
        raise BadArgumentError(
            f"empty value -a {empty}=: expected {ARGUMENTS[empty]}; leave the argument out for its default"
        )

    start_url = str(given.get("start_url", DEFAULT_START_URL))
    parts = urlsplit(start_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad("start_url")
    max_pages = given.get("max_pages")
    if max_pages is not None:
        if not str(max_pages).strip().isdigit() or int(max_pages) < 1:
            raise bad("max_pages")
        max_pages = int(max_pages)
    since = given.get("since")
    if since is not None:
        try:
            since = date.fromisoformat(str(since))
        except ValueError:
            raise bad("since") from None
    flags = {}
    for name, default in (("full", "0"), ("crosscheck", "1")):
        flags[name] = str(given.get(name, default)).strip().lower()
        if flags[name] not in TRUE + FALSE:
            raise bad(name)
    via = str(given.get("via", "listing")).strip().lower()
    if via not in CHANNELS:
        raise bad("via")
    return {
        "start_url": start_url,
        "max_pages": max_pages,
        "since": since,
        "full": flags["full"] in TRUE,
        "via": via,
        "crosscheck": flags["crosscheck"] in TRUE,
    }

"""What a JSON lines dump of articles holds, and what is wrong in it: for ``scrapy validate`` and ``scrapy report``.

A dump is checked line by line against the item's JSON Schema, the one
definition of a valid article that the crawl's pipeline checks too
(:mod:`kabarbaik_spider.validation`): a line that is not JSON, misses a key, has
a value of the wrong type, repeats an article already seen (by URL or post
id), or was cut short is named with its number and the reason.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.markup import has_value
from kabarbaik_spider.store import dump_lines
from kabarbaik_spider.validation import validator as article_validator


@dataclass
class Dump:
    """A dump read through: its good articles and its bad lines."""

    path: Path
    lines: int = 0
    articles: list[dict[str, Any]] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    duplicates: int = 0


def line_problem(validator: Draft202012Validator, line: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The line's record, or why it is not one valid article."""
    if not line.endswith(b"\n"):
        return None, "cut short: the last line has no newline (a torn write, or a crawl still writing)"
    try:
        record = json.loads(line.rstrip(b"\n"))
    except (ValueError, RecursionError) as error:
        return None, f"not JSON ({error})"
    if not isinstance(record, dict):
        return None, f"not a JSON object but {type(record).__name__}"
    errors = sorted(validator.iter_errors(record), key=lambda error: list(error.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(map(str, first.absolute_path))
        return None, f"{where + ': ' if where else ''}{first.message}"
    return record, None


def read_dump(path: Path) -> Dump:
    """Reads and checks every line of the dump at ``path``."""
    dump = Dump(path)
    validator = article_validator()
    seen_urls: dict[str, int] = {}
    seen_ids: dict[int, int] = {}
    for number, line in dump_lines(path):
        dump.lines = number
        if not line.strip():
            dump.bad.append((number, "an empty line"))
            continue
        record, problem = line_problem(validator, line)
        if record is None:
            dump.bad.append((number, problem or "not an article"))
            continue
        first = seen_urls.get(record["url"]) or seen_ids.get(record["post_id"])
        if first:
            dump.duplicates += 1
            dump.bad.append((number, f"a duplicate of line {first} ({record['url']}, post {record['post_id']})"))
            continue
        seen_urls[record["url"]], seen_ids[record["post_id"]] = number, number
        dump.articles.append(record)
    return dump


def read_dump_or_say(path: Path) -> Dump | None:
    """The dump at ``path``; or None, after one line on stderr that says why it cannot be read."""
    try:
        return read_dump(path)
    except OSError as error:
        print(f"kabarbaik: cannot read {path}: {error.strerror}", file=sys.stderr)
        return None


def filled(articles: list[dict[str, Any]]) -> dict[str, float]:
    """Per key, the share of articles that have a value."""
    if not articles:
        return {}
    count = len(articles)
    return {key: sum(has_value(article[key]) for article in articles) / count for key in ARTICLE_KEYS}


def summary(dump: Dump, top: int = 10) -> dict[str, Any]:
    """What a person wants to know of a dump first."""
    articles = dump.articles
    days = Counter(article["published_at"][:10] for article in articles)
    return {
        "file": str(dump.path),
        "lines": dump.lines,
        "articles": len(articles),
        "bad_lines": len(dump.bad) - dump.duplicates,
        "duplicates": dump.duplicates,
        "first_published": min((a["published_at"] for a in articles), default=None),
        "last_published": max((a["published_at"] for a in articles), default=None),
        "per_day": dict(sorted(days.items())),
        "per_category": dict(Counter(article["category"] or "(none)" for article in articles).most_common()),
        "filled": filled(articles),
        "top_authors": Counter(article["author"] for article in articles if article["author"]).most_common(top),
        "top_tags": Counter(tag for article in articles for tag in article["tags"]).most_common(top),
    }

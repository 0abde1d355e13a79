"""What a JSON lines dump of articles holds, and what is wrong in it: for ``scrapy validate`` and ``scrapy report``.

A dump is checked line by line against the item's JSON Schema, the one
definition of a valid article that the crawl's pipeline checks too
(:mod:`kabarbaik_spider.validation`): a line that is not JSON, misses a key, has
a value of the wrong type, repeats an article already seen (by URL or post
id), or was cut short is named with its number and the reason.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

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


Period = Literal["day", "week", "month", "year"]
PERIODS: tuple[Period, ...] = ("day", "week", "month", "year")
PERIODS_MAX = 32  # bars a chart's axis can label legibly, and rows the text report can give them


def period_start(day: date, period: Period) -> date:
    """The first day of the period holding ``day``; weeks start on Monday, as ISO weeks do."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def next_period(start: date, period: Period) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    if period == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def period_label(start: date, period: Period) -> str:
    """``2025-05-03`` for a day or the Monday of a week, ``2025-05`` for a month, ``2025`` for a year."""
    return start.isoformat()[: {"month": 7, "year": 4}.get(period, 10)]


def periods_between(first: date, last: date, period: Period) -> list[date]:
    """The start of every period from ``first``'s to ``last``'s, empty ones too (a gap is news: an outage)."""
    starts, start = [], period_start(first, period)
    while start <= last:
        starts.append(start)
        start = next_period(start, period)
    return starts


def per_period(days: list[date]) -> tuple[Period, dict[str, int]]:
    """Articles per day, week, month or year: the finest period whose count over the span fits a chart's axis."""
    if not days:
        return "day", {}
    first, last = min(days), max(days)
    period = next(p for p in PERIODS if p == "year" or len(periods_between(first, last, p)) <= PERIODS_MAX)
    counts = Counter(period_start(day, period) for day in days)
    return period, {period_label(start, period): counts[start] for start in periods_between(first, last, period)}


def summary(dump: Dump, top: int = 10) -> dict[str, Any]:
    """What a person wants to know of a dump first."""
    articles = dump.articles
    period, counts = per_period([date.fromisoformat(article["published_at"][:10]) for article in articles])
    return {
        "file": str(dump.path),
        "lines": dump.lines,
        "articles": len(articles),
        "bad_lines": len(dump.bad) - dump.duplicates,
        "duplicates": dump.duplicates,
        "first_published": min((a["published_at"] for a in articles), default=None),
        "last_published": max((a["published_at"] for a in articles), default=None),
        "period": period,
        "per_period": counts,
        "per_category": dict(Counter(article["category"] or "(none)" for article in articles).most_common()),
        "filled": filled(articles),
        "top_authors": Counter(article["author"] for article in articles if article["author"]).most_common(top),
        "top_tags": Counter(tag for article in articles for tag in article["tags"]).most_common(top),
    }


class ReaderOutput:
    """stdout for a person or a pipe: when the reader goes (``| head``), the rest is dropped without a traceback."""

    def __init__(self) -> None:
        self.reader_gone = False

    def print(self, text: str) -> None:
        if self.reader_gone:
            return
        try:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()
        except BrokenPipeError:
            self.reader_gone = True
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the interpreter's last flush: no error

    def end_if_reader_gone(self) -> None:
        """Ends the process by SIGPIPE, silently, as ``cat`` or ``grep`` end when their reader has gone."""
        if self.reader_gone:
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGPIPE)

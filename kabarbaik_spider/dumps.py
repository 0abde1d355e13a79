"""What a JSON lines dump holds, and what is wrong in it: for ``scrapy validate``, ``report`` and ``export``.

A dump is checked line by line against the store line's JSON Schema, whose
item part is the one definition of a valid article that the crawl's pipeline
checks too (:mod:`kabarbaik_spider.validation`): a line that is not JSON,
misses a key, has a value of the wrong type, repeats an article already seen
(by URL or post id), or was cut short is named with its number and the reason.
Since issue 18 a store also holds revisions and tombstones (see
:mod:`kabarbaik_spider.schema`); their numbering is checked per post as the
lines come, with memory for each post and none for each line.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft202012Validator

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.markup import has_value
from kabarbaik_spider.schema import KINDS, Kind, kind_schema, line_kind
from kabarbaik_spider.store import dump_lines

WIB = timezone(timedelta(hours=7))


@dataclass
class Post:
    """What the checker keeps of one article while reading on: enough to judge its next line, not its text."""

    first: int  # the line of its first sight: the post's name in messages
    revision: int = 1
    last: int = 0  # the line of its latest line
    item_line: int = 0  # the line of its latest item (first sight or revision)
    item_offset: int = 0  # where that line starts in the file, to read it again
    values: tuple[int, ...] = ()  # that item's values, hashed: what `changed` is checked against
    tombstone: int = 0  # the line of the tombstone it ends with; 0 while it is live
    site_edits: int = 0


@dataclass
class Line:
    """One line as checked: its record when it is a valid line of some kind, the problem when it is not."""

    number: int
    offset: int
    record: dict[str, Any] | None = None
    kind: Kind | None = None
    problem: str | None = None
    post: Post | None = None
    duplicate: bool = False


def fingerprint(record: dict[str, Any]) -> tuple[int, ...]:
    """The item's values, hashed key by key: enough to tell which keys a revision changed."""
    return tuple(hash(json.dumps(record[key], sort_keys=True)) for key in ARTICLE_KEYS)


def line_problem(validators: dict[Kind, Draft202012Validator], line: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The line's record, or why it is not one valid line of the kind it means to be."""
    if not line.endswith(b"\n"):
        return None, "cut short: the last line has no newline (a torn write, or a crawl still writing)"
    try:
        record = json.loads(line.rstrip(b"\n"))
    except (ValueError, RecursionError) as error:
        return None, f"not JSON ({error})"
    if not isinstance(record, dict):
        return None, f"not a JSON object but {type(record).__name__}"
    errors = sorted(validators[line_kind(record)].iter_errors(record), key=lambda error: list(error.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(map(str, first.absolute_path))
        return None, f"{where + ': ' if where else ''}{first.message}"
    return record, None


def listed(keys: list[str]) -> str:
    return ", ".join(keys)


class History:
    """Checks a store's lines in file order: each against its kind's schema, then against its post's lines before.

    Per post: revisions 1, 2, 3, … with no gap; nothing after a tombstone but
    a revision (a comeback); ``changed`` exactly the keys that differ from the
    post's previous item line. A line named for its numbering still becomes
    its post's latest line (its item is whole), so one gap is one bad line,
    not every line after it.
    """

    def __init__(self) -> None:
        self.validators = {kind: Draft202012Validator(kind_schema(kind)) for kind in KINDS}
        self.by_url: dict[str, Post] = {}
        self.by_id: dict[int, Post] = {}

    def check(self, number: int, offset: int, raw: bytes) -> Line:
        line = Line(number, offset)
        if not raw.strip():
            line.problem = "an empty line"
            return line
        record, line.problem = line_problem(self.validators, raw)
        if record is None:
            return line
        line.record, line.kind = record, line_kind(record)
        post = self.by_url.get(record["url"]) or self.by_id.get(record["post_id"])
        if line.kind == "article":
            if post is not None:
                line.duplicate = True
                line.problem = f"a duplicate of line {post.first} ({record['url']}, post {record['post_id']})"
                return line
            post = Post(first=number)
        else:
            line.problem = self.numbering(line, record, post)
            if post is None:
                post = Post(first=number, revision=record["revision"] - 1)
        line.post = post
        self.adopt(line, record, post)
        return line

    def numbering(self, line: Line, record: dict[str, Any], post: Post | None) -> str | None:
        """Why this revision or tombstone does not follow its post's lines before; None when it does."""
        number = record["revision"]
        what = f"a tombstone numbered {number}" if line.kind == "tombstone" else f"revision {number}"
        if post is None:
            return f"{what} of a post not seen before ({record['url']}, post {record['post_id']})"
        if line.kind == "tombstone" and post.tombstone:
            return f"a tombstone after the tombstone of line {post.tombstone}: only a revision (a comeback) may follow"
        if number != post.revision + 1:
            return f"{what} after revision {post.revision} (line {post.last}); expected {post.revision + 1}"
        if line.kind == "revision" and post.values:
            values = fingerprint(record)
            differ = [key for key, old, new in zip(ARTICLE_KEYS, post.values, values, strict=True) if old != new]
            if record["changed"] != differ:
                verb = "differ" if len(differ) > 1 else "differs"
                said = f"changed lists {listed(record['changed'])}"
                return f"{said} but {listed(differ) or 'nothing'} {verb} from line {post.item_line}"
        return None

    def adopt(self, line: Line, record: dict[str, Any], post: Post) -> None:
        """The line becomes its post's latest."""
        post.last, post.revision = line.number, record.get("revision", 1)
        if line.kind == "tombstone":
            post.tombstone = line.number
            return
        post.tombstone, post.item_line, post.item_offset = 0, line.number, line.offset
        post.values = fingerprint(record)
        if line.kind == "revision" and record["reason"] == "site":
            post.site_edits += 1
        self.by_url[record["url"]], self.by_id[record["post_id"]] = post, post


def checked_lines(path: Path) -> Iterator[Line]:
    """Every line of the store at ``path``, checked, with where it starts (to read a post's latest line again)."""
    history, offset = History(), 0
    for number, raw in dump_lines(path):
        yield history.check(number, offset, raw)
        offset += len(raw)


@dataclass
class Dump:
    """A dump read through: its articles' latest state, its bad lines, and what its history holds."""

    path: Path
    lines: int = 0
    articles: list[dict[str, Any]] = field(default_factory=list)  # the latest item of each live article
    bad: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    duplicates: int = 0
    posts: int = 0  # articles seen, deleted ones too
    revisions: int = 0  # revision lines (2, 3, …)
    parser_revisions: int = 0  # of those, re-parses of archived pages
    tombstones: int = 0
    deleted: int = 0  # articles whose last line is a tombstone
    edits_read: list[str] = field(default_factory=list)  # read_at of every site edit
    edits: dict[int, int] = field(default_factory=dict)  # site edits per article, by its first line
    most_edited: list[tuple[int, dict[str, Any], bool]] = field(default_factory=list)  # (edits, latest item, deleted)

    @property
    def has_history(self) -> bool:
        return bool(self.revisions or self.tombstones)


def read_dump(path: Path, top: int = 10) -> Dump:
    """Reads and checks every line of the dump at ``path``."""
    dump = Dump(path)
    latest: dict[int, dict[str, Any]] = {}  # each post's latest item, by its first line
    gone: set[int] = set()  # the posts whose last line is a tombstone
    for line in checked_lines(path):
        dump.lines = line.number
        if line.problem:
            dump.bad.append((line.number, line.problem))
            dump.duplicates += line.duplicate
        if line.record is None or line.post is None:
            continue
        record, first = line.record, line.post.first
        if line.kind == "tombstone":
            dump.tombstones += 1
            gone.add(first)
            continue
        latest[first] = record
        gone.discard(first)
        if line.kind == "revision":
            dump.revisions += 1
            if record["reason"] == "site":
                dump.edits_read.append(record["read_at"])
                dump.edits[first] = dump.edits.get(first, 0) + 1
            else:
                dump.parser_revisions += 1
    dump.articles = [record for first, record in latest.items() if first not in gone]
    dump.posts, dump.deleted = len(latest.keys() | gone), len(gone)
    most = sorted(dump.edits.items(), key=lambda pair: (-pair[1], pair[0]))[:top]
    dump.most_edited = [(count, latest[first], first in gone) for first, count in most if first in latest]
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


def per_period(days: list[date], edits: list[date] | None = None) -> tuple[Period, dict[str, int], dict[str, int]]:
    """Articles (and edits) per day, week, month or year: the finest period whose count over the span fits an axis.

    Edits are counted in the same periods as articles, the span covering both,
    so that one row (one bar) holds the articles published and the edits read then.
    """
    edits = edits or []
    if not days and not edits:
        return "day", {}, {}
    first, last = min(days + edits), max(days + edits)
    period = next(p for p in PERIODS if p == "year" or len(periods_between(first, last, p)) <= PERIODS_MAX)
    counts = Counter(period_start(day, period) for day in days)
    edited = Counter(period_start(day, period) for day in edits)
    starts = periods_between(first, last, period)
    return (
        period,
        {period_label(start, period): counts[start] for start in starts},
        {period_label(start, period): edited[start] for start in starts} if edits else {},
    )


def wib_day(utc: str) -> date:
    """The day in WIB of a UTC time (``read_at``): the days the report counts are the site's, as published_at's are."""
    return datetime.fromisoformat(utc).astimezone(WIB).date()


def summary(dump: Dump, top: int = 10) -> dict[str, Any]:
    """What a person wants to know of a dump first; ``history`` is None for a store without revisions or tombstones."""
    articles = dump.articles
    period, counts, edits = per_period(
        [date.fromisoformat(article["published_at"][:10]) for article in articles],
        [wib_day(read_at) for read_at in dump.edits_read],
    )
    history = None
    if dump.has_history:
        history = {
            "revisions": dump.revisions,
            "site_edits": len(dump.edits_read),
            "edited_articles": len(dump.edits),
            "parser_revisions": dump.parser_revisions,
            "tombstones": dump.tombstones,
            "deleted": dump.deleted,
            "per_period": edits,
            "most_edited": [
                (item["title"] + (" (deleted)" if deleted else ""), count) for count, item, deleted in dump.most_edited
            ],
        }
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
        "history": history,
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

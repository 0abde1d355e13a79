"""The JSON lines store: the only code that touches the store's files.

The store is the crawler's memory across runs (no JOBDIR, no deltafetch). It
appends each record as one whole line written with a single ``os.write`` on an
``O_APPEND`` descriptor, so a killed crawl leaves whole lines, and it never
rewrites a line. A write that fails (a full disk, a file size limit, a short
write) is cut back to the last whole line and stops the crawl
(:class:`StoreWriteError`). The store file itself carries the crawl's lock
(``flock``): there is no lock file that could be deleted by mistake. Beside
``articles.jsonl`` live:

- ``articles.jsonl.rejects.jsonl``: pages that could not become a valid item;
- ``articles.jsonl.gone.jsonl``: listed articles that answered 404/410;
- ``articles.jsonl.runs.jsonl``: one line per finished run, for schedulers;
- ``articles.jsonl.views.jsonl``: view counters read again at fixed ages (1, 7, 30 days);
- ``articles.jsonl.state.json``: how many lines a complete walk of the feed
  vouched for (``settled_lines``) and the articles to retry (``pending``,
  with the runs they failed in and why).

Gone and rejected articles are *given up*: not fetched again (so a broken
page fails one run loudly, not every run) until a ``full`` run retries them.
An article that failed to download is retried first by the next runs, and
given up (moved to the rejects with its last reason) after ``retry_runs``
runs in a row.

Only *settled* lines let an incremental run stop early: lines appended by a
run that did not walk the feed to its end do not, so the next run walks on
past them and fills the gap.
"""

from __future__ import annotations

import fcntl
import json
import logging
import mmap
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from kabarbaik_spider.appending import append_whole, open_for_appending
from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.learned import Tally

logger = logging.getLogger(__name__)

# Lines start with the item's first two keys, so the index needs no full JSON parse.
_KEYS_PREFIX = re.compile(rb'^\{"url": ("(?:[^"\\]|\\.)*"), "post_id": (\d+|null)')
# A whole line shaped like one record, for reading a whole store in one pass of the regex engine.
_RECORD_LINE = re.compile(rb'^\{"url": ("(?:[^"\\]|\\.)*"), "post_id": (\d+|null)[^\n]*\}\n', re.MULTILINE)
_RECORD_START = re.compile(rb'\{"url": ')
# Where a record starts inside a damaged line, and the URL it names (the URL's string must be whole).
_RECORD_URL = re.compile(rb'\{"url": ("(?:[^"\\\n]|\\.)*")')
_TAIL_CHUNK = 1 << 20
# A tombstone's third key, right after the post id: it is no item.
TOMBSTONE_MARK = b', "revision": '
# Keys whose change alone is no revision: the view counter moves by itself, and WordPress moves the modified
# time on a save that changed nothing a reader sees.
NOT_AN_EDIT = ("views", "modified_at")


def named_urls(data: bytes) -> list[str | None]:
    """The URL of every record that starts in ``data``; None for one whose URL cannot be read."""
    urls: list[str | None] = []
    for found in _RECORD_URL.findall(data):
        try:
            urls.append(json.loads(found) or None)
        except ValueError:  # not UTF-8, or a broken escape
            urls.append(None)
    return urls


def encode_line(record: dict[str, Any]) -> bytes:
    """One record as one UTF-8 line (real characters, not ``\\u`` escapes)."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def sidecar(path: Path, suffix: str) -> Path:
    """``data/articles.jsonl`` → ``data/articles.jsonl.<suffix>``."""
    return path.with_name(f"{path.name}.{suffix}")


def age_in_days(published_at: Any) -> float:
    """How many days ago ``published_at`` (ISO 8601 with an offset) was; infinite when it cannot be read."""
    try:
        return (datetime.now(UTC) - datetime.fromisoformat(published_at)).total_seconds() / 86400
    except (TypeError, ValueError):
        return float("inf")


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def dump_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Every line of a JSON lines file with its 1-based number, read as it is (for checking a dump).

    A last line without its newline comes out too: a checker must see it.
    """
    with path.open("rb") as lines:
        yield from enumerate(lines, start=1)


class StoreLockedError(RuntimeError):
    """Another process is writing to this store."""


class StoreWriteError(RuntimeError):
    """A store file could not be written; the message is one line that says which and why."""


class StoreLock:
    """An exclusive ``flock`` on the store file itself, shared by everything in one process.

    Locking the data, not a lock file beside it, means no file can be deleted to
    "clear a stale lock" and let two crawls write at once: the kernel drops the
    lock when the process ends, however it ends.
    """

    _held: ClassVar[dict[Path, tuple[int, int]]] = {}  # path → (descriptor, holders in this process)

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.resolve()

    def acquire(self) -> None:
        if self.path in self._held:
            fd, holders = self._held[self.path]
            self._held[self.path] = (fd, holders + 1)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise StoreLockedError(f"{self.path} is in use by another crawl") from None
        self._held[self.path] = (fd, 1)

    def release(self) -> None:
        fd, holders = self._held.get(self.path, (None, 0))
        if fd is None:
            return
        if holders > 1:
            self._held[self.path] = (fd, holders - 1)
            return
        del self._held[self.path]
        os.close(fd)  # closing the descriptor drops the flock


class JsonlFile:
    """An append-only JSON lines file: whole lines, each handed to the OS as written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.failure: str | None = None  # set by the first failed write; later writes fail at once

    def append(self, record: dict[str, Any]) -> int:
        """Appends one whole line and returns its offset, or raises :class:`StoreWriteError` (the file as it was)."""
        if self.failure:
            raise StoreWriteError(self.failure)
        try:
            if self._fd is None:
                self._fd = open_for_appending(self.path)
            return append_whole(self._fd, encode_line(record), "line")
        except OSError as error:
            self.failure = f"cannot write {self.path}: {getattr(error, 'message', None) or error.strerror or error}"
            raise StoreWriteError(self.failure) from error

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.endswith("\n")]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class JsonlStore:
    """Articles keyed by canonical URL and post id, and the files that live beside them."""

    def __init__(self, path: str | os.PathLike[str], retry_runs: int = 3) -> None:
        self.path = Path(path)
        self.rejects_path = sidecar(self.path, "rejects.jsonl")
        self.state_path = sidecar(self.path, "state.json")
        self.retry_runs = retry_runs
        self.lock = StoreLock(self.path)
        self.lock.acquire()
        self.url_lines: dict[str, int] = {}
        self.post_id_lines: dict[int, int] = {}
        # An article's history: its lines (revisions) so far, where its last item line starts, and whether its
        # last line is a tombstone (the post was deleted on the site).
        self.revisions: dict[str, int] = {}
        self.last_item: dict[str, int] = {}  # url → byte offset of its last item line (not a tombstone)
        self.deleted: set[str] = set()
        self.post_urls: dict[int, str] = {}
        self.lines = 0
        self.broken_lines: list[int] = []  # 1-based numbers of lines that are not one whole record
        # Articles a broken line still names (a cut line keeps its "url", a glued one holds two) → what became of
        # the line: each is fetched again, since a walk that stops at settled cards would never reach it.
        self.lost: dict[str, str] = {}
        self.unnamed_lines: list[int] = []  # broken lines that may hold an article they do not name
        self._articles = JsonlFile(self.path)
        self._rejects = JsonlFile(self.rejects_path)
        self._gone_file = JsonlFile(sidecar(self.path, "gone.jsonl"))
        self.runs = JsonlFile(sidecar(self.path, "runs.jsonl"))
        self._views = JsonlFile(sidecar(self.path, "views.jsonl"))
        # Ages (in days) at which each article's view counter was read again, from views.jsonl.
        self.views_read: dict[str, set[int]] = {}
        for seen in self._views.records():
            self.views_read.setdefault(seen["url"], set()).add(seen["age_days"])
        state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.settled_lines: int = state.get("settled_lines", 0)
        pending = state.get("pending", {})
        if isinstance(pending, list):  # the state of an earlier version: URLs only
            pending = {url: {"runs_failed": 1, "reason": "failed in an earlier run"} for url in pending}
        self.pending: dict[str, dict[str, Any]] = pending
        # Post sitemaps read whole by a settled run, with the lastmod their index gave them then.
        self.sitemaps: dict[str, str | None] = state.get("sitemaps", {})
        # Keys some stored article had a value for; None for a store kept before this was remembered.
        self.keys_seen: set[str] | None = (
            set(state["keys_seen"]) if "keys_seen" in state else (None if state else set())
        )
        # The latest modified_gmt (UTC) a settled run saw: the next runs ask for posts modified since.
        self.modified_mark: str | None = state.get("modified_mark")
        # Recent articles whose view counter is read again at fixed ages: URL → published_at.
        self.watched: dict[str, str] = state.get("watched", {})
        # Per key, the page selectors that gave WordPress's record's value, and on how many posts (pages/learned.py).
        self.learned = Tally.from_json(state.get("learned"))
        # Broken lines naming no article that a complete walk of the feed has since made good.
        self.walked_over: set[int] = set(state.get("broken_lines_walked", []))
        self.failed_now: dict[str, str] = {}  # this run's failed articles → why
        self.given_up_now: list[str] = []
        self.gone: set[str] = {record["url"] for record in self._gone_file.records()}
        self.rejected: set[str] = {record["url"] for record in self._rejects.records() if record["url"]}
        self._load()

    @property
    def failure(self) -> str | None:
        """Why a store file could not be written in this run, if one could not."""
        files = (self._articles, self._rejects, self._gone_file, self.runs, self._views)
        return next((file.failure for file in files if file.failure), None)

    # -- reading -------------------------------------------------------------

    def _load(self) -> None:
        """Indexes every line: in one regex pass over the mapped file while lines are whole records, else line by line.

        The fast pass needs every line shaped like one record and as many
        record starts in the file as lines (a second ``{"url": `` in a line is
        a cut line with another glued on: a JSON string cannot hold that
        unescaped). A store of 100,000 articles opens about twice as fast.
        """
        if not self.path.exists():
            return
        torn = self._drop_torn_tail()
        self._load_lines()
        retry = [url for url in torn if not self.has(url) and url not in self.pending]
        if retry:  # the line is gone from the file, so the state remembers its article at once
            for url in retry:
                self.pending[url] = {"runs_failed": 0, "reason": "its line in the store was cut short"}
            self.save_state(settle=False)

    def _load_lines(self) -> None:
        with self.path.open("rb") as lines:
            if os.fstat(lines.fileno()).st_size == 0:
                return
            with mmap.mmap(lines.fileno(), 0, access=mmap.ACCESS_READ) as data:
                end = 0
                for number, found in enumerate(_RECORD_LINE.finditer(data)):
                    if found.start() != end:
                        break
                    tombstone = data[found.end(2) : found.end(2) + len(TOMBSTONE_MARK)] == TOMBSTONE_MARK
                    self._index_keys(number, found[1], found[2], found.start(), tombstone)
                    self.lines, end = number + 1, found.end()
                whole = end == len(data) and sum(1 for _ in _RECORD_START.finditer(data)) == self.lines
            if not whole:  # start again, line by line, and say which lines are not records
                for index in (self.url_lines, self.post_id_lines, self.revisions, self.last_item, self.post_urls):
                    index.clear()
                self.deleted.clear()
                self.lines = 0
                lines.seek(0)
                offset = 0
                for line in lines:
                    self._index_line(self.lines, line, offset)
                    self.lines += 1
                    offset += len(line)
        self.lost = {url: why for url, why in self.lost.items() if not self.has(url)}
        if self.broken_lines:
            shown = ", ".join(map(str, self.broken_lines[:10]))
            logger.error(
                "Store %s has %d lines that are not one whole record (lines %s%s); they are kept but not indexed, "
                "so their articles are fetched again: %d named in them%s",
                self.path,
                len(self.broken_lines),
                shown,
                ", …" if len(self.broken_lines) > 10 else "",
                len(self.lost),
                f"; lines {', '.join(map(str, self.unvouched_lines))} name none, so this run walks the whole feed"
                if self.unvouched_lines
                else "",
            )

    def _salvage(self, number: int, line: bytes) -> None:
        """Notes the articles a broken line names; a line that does not start as a record may hide one unnamed."""
        named = named_urls(line)
        for url in named:
            if url:
                self.lost.setdefault(url, f"line {number} of the store holds it, but not as one whole record")
        if not line.startswith(b'{"url": "') or not named or not all(named):
            self.unnamed_lines.append(number)

    def _index_line(self, number: int, line: bytes, offset: int) -> None:
        """Indexes one line's keys; a line that is not one whole JSON record is counted, never indexed.

        The fast path reads the keys from the line's start without a full parse;
        it is taken only for a line shaped like one record: it ends with ``}``
        and holds no second ``{"url": `` (a JSON string cannot hold that
        unescaped, so a second one means a cut line with another glued on).
        """
        found = _KEYS_PREFIX.match(line)
        if found and line.endswith(b"}\n") and line.find(b'{"url": ', 1) < 0:
            self._index_keys(number, found[1], found[2], offset, line.startswith(TOMBSTONE_MARK, found.end(2)))
            return
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("not an object")
        except ValueError:
            self.broken_lines.append(number + 1)
            self._salvage(number + 1, line)
            return
        url, post_id = record.get("url"), record.get("post_id")
        valid_id = isinstance(post_id, int) and not isinstance(post_id, bool)
        url = url if isinstance(url, str) else ""
        self._index(number, url, post_id if valid_id else None, offset, "deleted_at" in record)

    def _index_keys(self, number: int, url: bytes, post_id: bytes, offset: int, tombstone: bool) -> None:
        """Indexes the keys read from a line's start: the URL as JSON string bytes, the post id as digits or null."""
        text = url[1:-1].decode("utf-8") if b"\\" not in url else json.loads(url)
        self._index(number, text, int(post_id) if post_id != b"null" else None, offset, tombstone)

    def _index(self, number: int, url: str, post_id: int | None, offset: int, tombstone: bool) -> None:
        """One line of an article's history: its first line finds it, its last one says what it is now."""
        if url:
            self.url_lines.setdefault(url, number)
            self.revisions[url] = self.revisions.get(url, 0) + 1
            if tombstone:
                self.deleted.add(url)
            else:
                self.deleted.discard(url)
                self.last_item[url] = offset
        if post_id is not None:
            self.post_id_lines.setdefault(post_id, number)
            if url:
                self.post_urls[post_id] = url

    def _drop_torn_tail(self) -> list[str]:
        """A line cut short (a power loss mid-write) is moved to the rejects, never kept half; the URLs it named."""
        size = self.path.stat().st_size
        with self.path.open("rb+") as store:
            start = max(0, size - _TAIL_CHUNK)
            store.seek(start)
            tail = store.read()
            if not tail or tail.endswith(b"\n"):
                return []
            cut = tail.rfind(b"\n")
            while cut < 0 and start > 0:  # a torn line longer than the chunk
                start = max(0, start - _TAIL_CHUNK)
                store.seek(start)
                tail = store.read()
                cut = tail.rfind(b"\n")
            keep = start + cut + 1
            torn = tail[cut + 1 :].decode("utf-8", "replace")
            store.truncate(keep)
        logger.warning(
            "Store %s ended in a partial line (%d bytes); moved it to %s", self.path, len(torn), self.rejects_path
        )
        self.reject(None, "partial line left by an interrupted run", {"fragment": torn})
        return [url for url in named_urls(torn.encode("utf-8")) if url]

    def __len__(self) -> int:
        return len(self.url_lines)

    def _line_of(self, url: str | None, post_id: int | None) -> int | None:
        line = self.url_lines.get(url) if url is not None else None
        if line is None and post_id is not None:
            line = self.post_id_lines.get(post_id)
        return line

    def has(self, url: str | None = None, post_id: int | None = None) -> bool:
        """The store holds this article."""
        return self._line_of(url, post_id) is not None

    def given_up(self, url: str) -> bool:
        """It answered 404/410, or its page could not become a valid item, in an earlier run."""
        return url in self.gone or url in self.rejected

    def wants(self, url: str | None, post_id: int | None = None, full: bool = False) -> bool:
        """The one rule for fetching a post a channel found: not stored (or deleted, and listed again: it came
        back), and not given up unless ``full`` retries it."""
        known = self.url_of(url, post_id)
        if known is not None and known not in self.deleted:
            return False
        return full or url is None or not self.given_up(url)

    @property
    def unvouched_lines(self) -> list[int]:
        """Broken lines that may hold an article they do not name, and that no complete walk has made good since."""
        return [number for number in self.unnamed_lines if number not in self.walked_over]

    def to_fetch_first(self) -> list[str]:
        """Articles to fetch before any walk: those that failed in earlier runs and those broken lines name."""
        return [url for url in {**self.pending, **self.lost} if self.wants(url)]

    def sitemap_unchanged(self, url: str, lastmod: str | None) -> bool:
        """A post sitemap read whole before, whose index still gives it the same ``lastmod``: nothing new in it."""
        return lastmod is not None and self.sitemaps.get(url) == lastmod and not self.unvouched_lines

    def settled(self, url: str, post_id: int | None = None) -> bool:
        """Known from before the last complete walk of the feed, or failed then and retried first: safe to stop at.

        Nothing is settled while a broken line may hide an article it does not
        name: only a walk to the end of the feed can find what the store lost.
        """
        if self.unvouched_lines:
            return False
        line = self._line_of(url, post_id)
        return self.given_up(url) or url in self.pending or (line is not None and line < self.settled_lines)

    # -- writing -------------------------------------------------------------

    def append(self, record: dict[str, Any], watch_days: int = 0) -> None:
        """Appends an article seen for the first time (revision 1, the item as it is).

        One published less than ``watch_days`` ago is watched: its counter is read again at fixed ages.
        """
        self._write(record)
        if watch_days and record.get("url") and age_in_days(record.get("published_at")) < watch_days:
            self.watched[record["url"]] = record["published_at"]

    def views_due(self, ages: list[int], most: int) -> list[tuple[str, int]]:
        """Up to ``most`` watched articles whose counter is due a reading now, each with the age it is read at.

        An age is due from that many days on, until the next age (the last: twice itself); one missed is
        skipped, not read late, so an article costs at most one page request an age.
        """
        due: list[tuple[str, int]] = []
        ages = sorted(ages)
        for url, published in list(self.watched.items()):
            age = age_in_days(published)
            ends = [*ages[1:], ages[-1] * 2]
            window = next(((start, end) for start, end in zip(ages, ends, strict=True) if start <= age < end), None)
            if age >= ages[-1] * 2 or url in self.deleted:
                del self.watched[url]  # past its last age: no longer watched
            elif window and window[0] not in self.views_read.get(url, set()) and len(due) < most:
                due.append((url, window[0]))
        return due

    def observe_views(self, url: str, post_id: int | None, age_days: int, views: int | None) -> None:
        """One reading of an article's counter at a fixed age, appended to ``views.jsonl`` beside the store."""
        self._views.append({"url": url, "post_id": post_id, "age_days": age_days, "views": views, "read_at": now_iso()})
        self.views_read.setdefault(url, set()).add(age_days)

    def _write(self, record: dict[str, Any]) -> None:
        offset = self._articles.append(record)
        self._index(self.lines, record.get("url") or "", record.get("post_id"), offset, "deleted_at" in record)
        self.lines += 1

    def url_of(self, url: str | None, post_id: int | None) -> str | None:
        """The stored URL of an article, found by URL or post id."""
        if url in self.revisions:
            return url
        return self.post_urls.get(post_id) if post_id is not None else None

    def latest_item(self, url: str) -> dict[str, Any] | None:
        """The article's last item line (its current state, or the one before its tombstone), read from the file."""
        offset = self.last_item.get(url)
        if offset is None:
            return None
        with self.path.open("rb") as lines:
            lines.seek(offset)
            record: dict[str, Any] = json.loads(lines.readline())
        return {key: record.get(key) for key in ARTICLE_KEYS}

    def edits(self, record: dict[str, Any]) -> list[str] | None:
        """The keys on which ``record`` differs from the stored article, when that is an edit: a key other
        than ``views`` and ``modified_at`` differs (None for an article the store lacks, [] for no edit).

        A deleted article that comes back differs at least in being there: ``["url"]`` when nothing else changed.
        """
        url = self.url_of(record.get("url"), record.get("post_id"))
        latest = self.latest_item(url) if url else None
        if latest is None:
            return None
        changed = [key for key in ARTICLE_KEYS if record.get(key) != latest[key]]
        if any(key not in NOT_AN_EDIT for key in changed):
            return changed  # an edit: every key that differs, the counter and the modified time too
        return ["url"] if url in self.deleted else []

    def changed_since(self, url: str, lastmod: str) -> bool:
        """A channel says the stored article changed after the time its last item line shows (a sitemap's
        ``<lastmod>`` against its ``modified_at``, else its ``published_at``)."""
        latest = self.latest_item(url) if url in self.last_item else None
        if latest is None:
            return False
        try:
            told = datetime.fromisoformat(lastmod.replace("Z", "+00:00"))
            held = datetime.fromisoformat(latest["modified_at"] or latest["published_at"])
            return told.tzinfo is not None and told > held
        except (TypeError, ValueError):
            return False

    def append_revision(self, record: dict[str, Any], changed: list[str], reason: str = "site") -> None:
        """Appends a new revision of a stored article: the whole item, its number, what changed, when and why."""
        url = self.url_of(record.get("url"), record.get("post_id")) or record["url"]
        number = self.revisions.get(url, 0) + 1
        self._write({**record, "revision": number, "changed": changed, "reason": reason, "read_at": now_iso()})

    def tombstone(self, url: str, status: int) -> None:
        """The article was deleted on the site (``status`` 404 or 410): a last line says so; nothing is removed."""
        latest = self.latest_item(url)
        post_id = latest["post_id"] if latest else None
        number = self.revisions.get(url, 0) + 1
        self._write({"url": url, "post_id": post_id, "revision": number, "deleted_at": now_iso(), "status": status})

    def live_urls(self) -> list[str]:
        """Every stored article not deleted, in the order first stored."""
        return [url for url in self.revisions if url not in self.deleted]

    def reject(self, url: str | None, reason: str, record: dict[str, Any] | None = None) -> None:
        self._rejects.append({"url": url, "reason": reason, "rejected_at": now_iso(), "record": record})
        if url:
            self.rejected.add(url)

    def keep_side_by_side(self, pages: tuple[tuple[str, str], ...], record: dict[str, Any], item: Any) -> Path:
        """A page whose parser disagrees with WordPress's record, kept as a fixture beside the store.

        ``<store>.disagreements/<slug>/``: the pages as inputs, the stored
        item (WordPress's values) as the expected output, the record beside
        them: ``scrapy fixture check --dir <store>.disagreements`` shows what the parser reads wrong.
        """
        from kabarbaik_spider.fixtures import Page, save, write_json  # the parser, only when a page disagrees

        root = sidecar(self.path, "disagreements")
        root.mkdir(parents=True, exist_ok=True)
        fixture = save([Page(html, url) for html, url in pages], root=root, force=True, source="WordPress's record")
        write_json(fixture.folder / "output.json", asdict(item) if is_dataclass(item) else item)
        write_json(fixture.folder / "record.json", record)
        return fixture.folder

    def mark_gone(self, url: str, status: int) -> None:
        if url not in self.gone:
            self.gone.add(url)
            self._gone_file.append({"url": url, "status": status, "seen_at": now_iso()})

    def retry_later(self, url: str, reason: str) -> None:
        """An article that failed (not gone): the next runs request it first."""
        self.failed_now[url] = reason

    def save_state(
        self,
        settle: bool,
        sitemaps: dict[str, str | None] | None = None,
        keys_seen: set[str] | None = None,
        modified_mark: str | None = None,
        learned: Tally | None = None,
    ) -> None:
        """Remembers what to retry; when ``settle``, a walk of the feed completed: vouch for every line so far.

        ``sitemaps`` are the post sitemaps the walk read whole, with their
        ``lastmod``: remembered when it settles, so that later runs skip them
        while their ``lastmod`` stays the same. ``learned`` is this run's tally of
        selectors learned from WordPress's records, added to the earlier runs' (settled or not: an
        agreement with the record holds however the walk ended).

        An article that failed in ``retry_runs`` runs in a row is given up: it
        goes to the rejects file with its last reason, until a ``full`` run.
        """
        pending: dict[str, dict[str, Any]] = {}
        for url, entry in self.pending.items():
            if url not in self.failed_now and self.wants(url):
                pending[url] = entry  # not tried in this run (it was stopped early): keep as it was
        for url, reason in self.failed_now.items():
            if self.has(url):
                continue
            runs_failed = self.pending.get(url, {}).get("runs_failed", 0) + 1
            if runs_failed >= self.retry_runs:
                self.reject(url, f"gave up after {runs_failed} runs in a row: {reason}")
                self.given_up_now.append(url)
            else:
                pending[url] = {"runs_failed": runs_failed, "reason": reason}
        settled = self.lines if settle else self.settled_lines
        known_sitemaps = {**self.sitemaps, **(sitemaps or {})} if settle else self.sitemaps
        walked_over = self.walked_over | set(self.unnamed_lines) if settle else self.walked_over
        known_learned = self.learned.merged(learned) if learned is not None else self.learned
        state = {
            "settled_lines": settled,
            "pending": pending,
            "sitemaps": known_sitemaps,
            "broken_lines_walked": sorted(walked_over),
            "modified_mark": max(filter(None, (self.modified_mark, modified_mark)), default=None),
            "watched": self.watched,
            **({"learned": known_learned.to_json()} if known_learned.seen else {}),
            **({"keys_seen": sorted(self.keys_seen | (keys_seen or set()))} if self.keys_seen is not None else {}),
            "saved_at": now_iso(),
        }
        partial = self.state_path.with_name(self.state_path.name + ".partial")
        try:
            partial.write_text(json.dumps(state, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            os.replace(partial, self.state_path)  # atomic: the state is old or new, never half
        except OSError as error:
            raise StoreWriteError(f"cannot write {self.state_path}: {error.strerror or error}") from error
        self.settled_lines, self.pending, self.sitemaps = settled, pending, known_sitemaps
        self.modified_mark = state["modified_mark"]
        self.walked_over, self.learned = walked_over, known_learned

    def close(self) -> None:
        for file in (self._articles, self._rejects, self._gone_file, self.runs, self._views):
            file.close()
        self.lock.release()

"""The JSON lines store: the only code that touches the store's files.

The store is the crawler's memory across runs (no JOBDIR, no deltafetch). It
appends each record as one whole line written with a single ``os.write`` on an
``O_APPEND`` descriptor, so a killed crawl leaves whole lines, and it never
rewrites a line. Beside ``articles.jsonl`` live:

- ``articles.jsonl.lock``: held (``flock``) by the one run that may write;
- ``articles.jsonl.rejects.jsonl``: pages that could not become a valid item;
- ``articles.jsonl.gone.jsonl``: listed articles that answered 404/410.

Gone and rejected articles are *given up*: not fetched again (so a broken
page fails one run loudly, not every run) until a ``full`` run retries them.
- ``articles.jsonl.runs.jsonl``: one line per finished run, for schedulers;
- ``articles.jsonl.state.json``: how many lines a complete walk of the feed
  vouched for (``settled_lines``) and the articles to retry (``pending``).

Only *settled* lines let an incremental run stop early: lines appended by a
run that was killed before it reached the end of its walk do not, so the next
run walks on past them and fills the gap.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

logger = logging.getLogger(__name__)

# Lines start with the item's first two keys, so the index needs no full JSON parse.
_KEYS_PREFIX = re.compile(rb'^\{"url": ("(?:[^"\\]|\\.)*"), "post_id": (\d+|null)')
_TAIL_CHUNK = 1 << 20


def encode_line(record: dict[str, Any]) -> bytes:
    """One record as one UTF-8 line (real characters, not ``\\u`` escapes)."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def sidecar(path: Path, suffix: str) -> Path:
    """``data/articles.jsonl`` → ``data/articles.jsonl.<suffix>``."""
    return path.with_name(f"{path.name}.{suffix}")


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class StoreLockedError(RuntimeError):
    """Another process is writing to this store."""


class StoreLock:
    """An exclusive ``flock`` on ``<store>.lock``, shared by everything in one process."""

    _held: ClassVar[dict[Path, tuple[int, int]]] = {}  # path → (descriptor, holders in this process)

    def __init__(self, store_path: Path) -> None:
        self.path = sidecar(store_path.resolve(), "lock")

    def acquire(self) -> None:
        if self.path in self._held:
            fd, holders = self._held[self.path]
            self._held[self.path] = (fd, holders + 1)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            store = self.path.with_suffix("")
            raise StoreLockedError(f"{store} is in use by another crawl ({holder or 'unknown'})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {now_iso()}\n".encode(), 0)
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

    def append(self, record: dict[str, Any]) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        data = encode_line(record)
        written = os.write(self._fd, data)
        if written != len(data):  # pragma: no cover - a full disk; never leave half a line behind
            raise OSError(f"short write to {self.path}: {written} of {len(data)} bytes")

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

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.rejects_path = sidecar(self.path, "rejects.jsonl")
        self.state_path = sidecar(self.path, "state.json")
        self.lock = StoreLock(self.path)
        self.lock.acquire()
        self.url_lines: dict[str, int] = {}
        self.post_id_lines: dict[int, int] = {}
        self.lines = 0
        self._articles = JsonlFile(self.path)
        self._rejects = JsonlFile(self.rejects_path)
        self._gone_file = JsonlFile(sidecar(self.path, "gone.jsonl"))
        self.runs = JsonlFile(sidecar(self.path, "runs.jsonl"))
        state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.settled_lines: int = state.get("settled_lines", 0)
        self.pending: list[str] = state.get("pending", [])
        self._failed: list[str] = []
        self.gone: set[str] = {record["url"] for record in self._gone_file.records()}
        self.rejected: set[str] = {record["url"] for record in self._rejects.records() if record["url"]}
        self._load()

    # -- reading -------------------------------------------------------------

    def _load(self) -> None:
        if not self.path.exists():
            return
        self._drop_torn_tail()
        with self.path.open("rb") as lines:
            for line in lines:
                self._index_line(self.lines, line)
                self.lines += 1

    def _index_line(self, number: int, line: bytes) -> None:
        found = _KEYS_PREFIX.match(line)
        if found:
            url, post_id = json.loads(found[1]), found[2]
        else:
            try:
                record = json.loads(line)
            except ValueError:
                logger.warning("Store %s line %d is not JSON; it is kept but not indexed", self.path, number + 1)
                return
            url, post_id = record.get("url"), record.get("post_id")
        if url:
            self.url_lines.setdefault(url, number)
        if post_id not in (None, b"null"):
            self.post_id_lines.setdefault(int(post_id), number)

    def _drop_torn_tail(self) -> None:
        """A line cut short (a power loss mid-write) is moved to the rejects, never kept half."""
        size = self.path.stat().st_size
        with self.path.open("rb+") as store:
            start = max(0, size - _TAIL_CHUNK)
            store.seek(start)
            tail = store.read()
            if not tail or tail.endswith(b"\n"):
                return
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

    def knows(self, url: str, post_id: int | None = None) -> bool:
        """Nothing to fetch: the article is stored or given up."""
        return self.given_up(url) or self.has(url, post_id)

    def settled(self, url: str, post_id: int | None = None) -> bool:
        """Known from before the last complete walk of the feed: safe to stop at."""
        line = self._line_of(url, post_id)
        return self.given_up(url) or (line is not None and line < self.settled_lines)

    # -- writing -------------------------------------------------------------

    def append(self, record: dict[str, Any]) -> None:
        self._articles.append(record)
        if record.get("url"):
            self.url_lines.setdefault(record["url"], self.lines)
        if record.get("post_id") is not None:
            self.post_id_lines.setdefault(record["post_id"], self.lines)
        self.lines += 1

    def reject(self, url: str | None, reason: str, record: dict[str, Any] | None = None) -> None:
        self._rejects.append({"url": url, "reason": reason, "rejected_at": now_iso(), "record": record})
        if url:
            self.rejected.add(url)

    def mark_gone(self, url: str, status: int) -> None:
        if url not in self.gone:
            self.gone.add(url)
            self._gone_file.append({"url": url, "status": status, "seen_at": now_iso()})

    def retry_later(self, url: str) -> None:
        """An article that failed (not gone): the next run requests it first."""
        self._failed.append(url)

    def settle(self) -> None:
        """A walk of the feed completed: vouch for every line so far; remember what to retry."""
        pending = [url for url in dict.fromkeys([*self.pending, *self._failed]) if not self.knows(url)]
        state = {"settled_lines": self.lines, "pending": pending, "settled_at": now_iso()}
        partial = self.state_path.with_name(self.state_path.name + ".partial")
        partial.write_text(json.dumps(state, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(partial, self.state_path)  # atomic: the state is old or new, never half
        self.settled_lines, self.pending = state["settled_lines"], pending

    def close(self) -> None:
        for file in (self._articles, self._rejects, self._gone_file, self.runs):
            file.close()
        self.lock.release()

"""The JSON lines store: the only code that touches the store's files.

The store is the crawler's memory across runs. It keeps an index of the keys
it holds (canonical URL and post id), appends each record as one whole line
written with a single ``os.write`` on an ``O_APPEND`` descriptor (so a killed
crawl leaves whole lines), and never rewrites a line. Beside it live
``<store>.rejects.jsonl`` (pages that could not become a valid item, with the
reason).
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Lines start with the item's first two keys, so the index needs no full JSON parse.
_KEYS_PREFIX = re.compile(rb'^\{"url": ("(?:[^"\\]|\\.)*"), "post_id": (\d+|null)')


def encode_line(record: dict[str, Any]) -> bytes:
    """One record as one UTF-8 line (real characters, not ``\\u`` escapes)."""
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def sidecar(path: Path, suffix: str) -> Path:
    """``data/articles.jsonl`` → ``data/articles.jsonl.<suffix>.jsonl``."""
    return path.with_name(f"{path.name}.{suffix}.jsonl")


class JsonlFile:
    """An append-only JSON lines file: whole lines, each flushed to the OS as written."""

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

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class JsonlStore:
    """Articles keyed by canonical URL and post id, with a rejects file beside them."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.rejects_path = sidecar(self.path, "rejects")
        self.urls: set[str] = set()
        self.post_ids: set[int] = set()
        self._articles = JsonlFile(self.path)
        self._rejects = JsonlFile(self.rejects_path)
        self._load()

    def _load(self) -> None:
        if not self.path.exists():
            return
        self._drop_torn_tail()
        with self.path.open("rb") as lines:
            for line in lines:
                self._index_line(line)

    def _index_line(self, line: bytes) -> None:
        found = _KEYS_PREFIX.match(line)
        if found:
            url, post_id = json.loads(found[1]), found[2]
        else:
            record = json.loads(line)
            url, post_id = record.get("url"), record.get("post_id")
        if url:
            self.urls.add(url)
        if post_id not in (None, b"null"):
            self.post_ids.add(int(post_id))

    def _drop_torn_tail(self) -> None:
        """A line cut short by a power loss is moved to the rejects, never kept half."""
        size = self.path.stat().st_size
        if size == 0:
            return
        with self.path.open("rb+") as store:
            store.seek(max(0, size - 1))
            if store.read(1) == b"\n":
                return
            store.seek(0)
            data = store.read()
            keep = data.rfind(b"\n") + 1
            torn = data[keep:].decode("utf-8", "replace")
            store.truncate(keep)
        logger.warning(
            "Store %s ended in a partial line (%d bytes); moved it to %s", self.path, len(torn), self.rejects_path
        )
        self.reject(None, "partial line left by an interrupted run", {"fragment": torn})

    def __len__(self) -> int:
        return len(self.urls)

    def has(self, url: str | None = None, post_id: int | None = None) -> bool:
        return (url is not None and url in self.urls) or (post_id is not None and post_id in self.post_ids)

    def append(self, record: dict[str, Any]) -> None:
        self._articles.append(record)
        if record.get("url"):
            self.urls.add(record["url"])
        if record.get("post_id") is not None:
            self.post_ids.add(record["post_id"])

    def reject(self, url: str | None, reason: str, record: dict[str, Any] | None = None) -> None:
        self._rejects.append({"url": url, "reason": reason, "rejected_at": now_iso(), "record": record})

    def close(self) -> None:
        self._articles.close()
        self._rejects.close()


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

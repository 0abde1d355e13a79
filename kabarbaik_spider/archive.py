"""The archive: every answer the crawl reads, kept as WARC (ISO 28500) records beside the store.

A parser that read a field wrongly for a week is mended by re-reading the
pages it read (``scrapy reparse``), not by fetching them again. So every
response the crawl's callbacks see (listing and article pages, continuation
pages, REST API pages, sitemaps, robots.txt, the cross-check's API pages) is
written, with its request, as WARC records in the run's own file
``<store>.warc/kabarbaik-<UTC time>-<pid>.warc.gz`` (``KABARBAIK_ARCHIVE_DIR``
moves the folder, ``KABARBAIK_ARCHIVE_ENABLED=0`` turns it off). Each stored
item gets a ``metadata`` record naming the responses it was built from, so
``reparse`` joins an article's continuation pages as the spider did.

Why these choices:

- **A downloader middleware, not a signal**, at the end of the chain (after
  decompression, the complete-page check and the retries): the response is
  written before the spider's callback sees it, so an article is stored only
  once its pages are in the archive. A write that fails drops the response
  (``IgnoreRequest``): the article is not stored from a page the archive
  lacks, it is retried by the next run, and the crawl stops loudly, exit 8,
  as for a store write failure. Items stored before stay stored.
- **One gzip member per record, one ``os.write`` per response** (its
  response and request records together) on an ``O_APPEND`` descriptor; a
  failed write is cut back to the last whole record. A killed run leaves a
  file readable up to its last whole record, as the store keeps whole lines.
  Each member states its own length in a gzip extra field (RFC 1952, as
  BGZF does), so ``reparse`` steps from record to record without inflating
  the pages between; any gzip reader ignores the field.
- **In a process of its own** (:mod:`kabarbaik_spider.archive_writer`): the
  records are built and deflated on the other core, and the middleware waits
  for the child's word that they are on disk before it hands the response on.
- **gzip level 1 of ISA-L** (the ``isal`` package, Intel's deflate; zlib
  when it is missing): any gzip reader reads it.
- **Not a store file**: the store (:mod:`kabarbaik_spider.store`) owns its
  JSON lines, their index and lock. The archive is write-once evidence with
  its own writer, here; it lives beside the store and only ``reparse`` and
  ``fixture save --from-archive`` read it. The run report counts its failure
  as a store failure (exit 8).
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import struct
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from kabarbaik_spider.archive_writer import (
    MEMBER_HEAD,
    SKIP_FIELD,
    ArchiveWriteError,
    Exchange,
    deflate,
    writer_for,
)
from kabarbaik_spider.walk import walk_of

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

UNREADABLE = (zlib.error, deflate.error, ValueError)  # a record that does not inflate, or is not a WARC record
ITEM_PROFILE = "kabarbaik-item"  # the metadata record naming what an item was built from
ARCHIVE_SUFFIX = ".warc.gz"


def archive_folder(settings: BaseSettings) -> Path | None:
    """Where this crawl's WARC files go, or None when the archive is off."""
    if not settings.getbool("KABARBAIK_ARCHIVE_ENABLED"):
        return None
    folder = str(settings.get("KABARBAIK_ARCHIVE_DIR") or "").strip()
    if folder:
        return Path(folder)
    store = Path(settings["KABARBAIK_OUTPUT"])
    return store.with_name(f"{store.name}.warc")


def archive_problem(settings: BaseSettings) -> str | None:
    """The folder cannot be made or written: one line for the crawl command to print before any request."""
    folder = archive_folder(settings)
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
    except OSError as error:
        blocker = next((parent for parent in folder.parents if parent.exists() and not parent.is_dir()), None)
        why = f"{blocker} is a file, not a folder" if blocker else f"{error.strerror or error}"
        name = "KABARBAIK_ARCHIVE_DIR" if settings.get("KABARBAIK_ARCHIVE_DIR") else "KABARBAIK_OUTPUT"
        return (
            f"cannot create the archive folder {folder} (from -s {name}): {why};"
            " -s KABARBAIK_ARCHIVE_ENABLED=0 runs without it"
        )
    return None


def new_archive_path(folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"kabarbaik-{stamp}-{os.getpid()}{ARCHIVE_SUFFIX}"


def member_length(head: bytes) -> int | None:
    """The length a member's header states (:func:`gzip_member`), or None for a member without it."""
    if len(head) < MEMBER_HEAD or head[:4] != b"\x1f\x8b\x08\x04" or head[12:16] != SKIP_FIELD + b"\x08\x00":
        return None
    return struct.unpack("<Q", head[16:24])[0]


class ArchiveMiddleware:
    """Writes every response the spider will see, with its request, before the spider sees it; a metadata
    record for every stored item. On in ``scrapy crawl`` (the store's run) and ``scrapy probe``."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.writer = writer_for(path)
        self.records: dict[str, str] = {}  # response URL → the WARC-Record-ID of its latest response record
        from scrapy import signals

        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        info = {
            "software": "kabarbaik-spider (Scrapy, warcio)",
            "format": "WARC File Format 1.1",
            "description": "every answer one crawl of kabarbaik.co read; a metadata record names each item's pages",
            "isPartOf": crawler.settings.get("KABARBAIK_OUTPUT", ""),
        }
        payload = "".join(f"{key}: {value}\r\n" for key, value in info.items()).encode("utf-8")
        with contextlib.suppress(ArchiveWriteError):  # kept by the writer: the first page's write raises it
            self.writer.send(("warcinfo", path.name, payload))
        logger.info("Archiving every response to %s", path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        if not (settings.getbool("KABARBAIK_STORE_ENABLED") or settings.getbool("KABARBAIK_ARCHIVE_ALWAYS")):
            raise NotConfigured("the archive is written by `scrapy crawl` and `scrapy probe` only")
        folder = archive_folder(settings)
        if folder is None:
            raise NotConfigured("KABARBAIK_ARCHIVE_ENABLED is off")
        folder.mkdir(parents=True, exist_ok=True)
        return cls(crawler, new_archive_path(folder))

    async def write(self, message: tuple[Any, ...]) -> bool:
        """The message's records are on disk (True), or the crawl is stopping loudly, exit 8 (False)."""
        try:
            await self.writer.write(message)
        except ArchiveWriteError as error:
            from kabarbaik_spider.crawl_store import stop_for_store_failure

            self.crawler.stats.set_value("kabarbaik/archive_failed", str(error))
            stop_for_store_failure(self.crawler, error)
            return False
        self.crawler.stats.set_value("kabarbaik/archive/bytes", self.writer.bytes_written)
        return True

    async def process_response(self, request: Request, response: Response) -> Response:
        exchange = Exchange.of(request, response)
        if not await self.write(("exchange", exchange)):
            from scrapy.exceptions import IgnoreRequest

            why = self.crawler.stats.get_value("kabarbaik/archive_failed")
            raise IgnoreRequest(f"not archived, so not read: {why}")
        self.records[response.url] = exchange.answer_id
        self.crawler.stats.inc_value("kabarbaik/archive/responses")
        return response

    async def item_scraped(self, item: Any, response: Response) -> None:
        """The item is stored: name the responses it came from, so ``reparse`` rebuilds it from them alone."""
        from kabarbaik_spider.items import as_record

        record = as_record(item)
        request = response.request
        cb_kwargs = request.cb_kwargs if request is not None else {}
        walk = walk_of(self.crawler)
        built_from = walk.records.built_from.pop(str(record.get("url")), None) if walk is not None else None
        records_answer = None
        if built_from is not None:  # its pages, merged with WordPress's record from another answer
            pages, records_answer = built_from
            channel = "records"
        elif "ask" in cb_kwargs:  # an item read from a channel page: a REST API record
            pages = [response.url]
            channel = "api"
        else:
            pages = [url for _, url in cb_kwargs.get("pages", ())] + [response.url]
            channel = "page"
        about = {
            "url": record.get("url"),
            "post_id": record.get("post_id"),
            "channel": channel,
            "pages": [{"url": url, "record": self.records.get(url)} for url in pages],
        }
        if records_answer is not None:
            about["records"] = {"url": records_answer, "record": self.records.get(records_answer)}
        payload = json.dumps(about, ensure_ascii=False).encode("utf-8")
        if await self.write(("metadata", str(record.get("url") or response.url), payload, ITEM_PROFILE)):
            self.crawler.stats.inc_value("kabarbaik/archive/items")

    def engine_stopped(self) -> None:
        self.writer.close()


def archive_failure(crawler: Crawler) -> str | None:
    """Why the archive could not be written in this run, if it could not (the run report's exit 8)."""
    return crawler.stats.get_value("kabarbaik/archive_failed")


# -- reading -------------------------------------------------------------------------------------


@dataclass
class Damage:
    """Where a WARC file stopped being readable: the file, the offset of the first bad byte, the records before."""

    path: Path
    offset: int
    records: int
    why: str

    def line(self) -> str:
        return (
            f"kabarbaik: {self.path} is cut or corrupt at byte {self.offset} ({self.why});"
            f" read its {self.records} whole records before that"
        )


@dataclass
class Entry:
    """One whole record: where it is, its WARC headers, and its block (the HTTP message, or a metadata payload)."""

    path: Path
    offset: int
    length: int  # compressed bytes, so the record can be read again alone
    headers: dict[str, str]
    block: bytes | None  # None: a response stepped over, for read_entry

    @property
    def kind(self) -> str:
        return self.headers.get("warc-type", "")

    @property
    def uri(self) -> str:
        return self.headers.get("warc-target-uri", "")

    @property
    def record_id(self) -> str:
        return self.headers.get("warc-record-id", "")


def archive_files(where: Path) -> list[Path]:
    """The WARC files of a folder (oldest first: the names start with the UTC time), or the one file named."""
    if where.is_dir():
        return sorted(path for path in where.iterdir() if path.name.endswith((".warc.gz", ".warc")))
    return [where] if where.exists() else []


def record_headers(head: bytes) -> dict[str, str]:
    """A WARC record's header lines (names lower-cased); ValueError when they are not a WARC record's."""
    if not head.startswith(b"WARC/"):
        raise ValueError("not a WARC record")
    headers = {}
    for line in head.decode("utf-8", "replace").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def parse_record(data: bytes) -> tuple[dict[str, str], bytes]:
    """A WARC record's headers (names lower-cased) and its block; ValueError when it is not one whole record."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("not a WARC record")
    headers = record_headers(head)
    length = int(headers.get("content-length", "-1"))
    if length < 0 or len(rest) < length + 4 or rest[length : length + 4] != b"\r\n\r\n":
        raise ValueError(f"a record shorter than its Content-Length ({len(rest)} of {length} bytes)")
    return headers, rest[:length]


CHUNK = 1 << 16
PEEK = 4096  # inflated bytes enough for a record's WARC headers


def entries(path: Path, damage: list[Damage]) -> Iterator[Entry]:
    """Every whole record of one WARC file (one gzip member each), in order, with its offset and length.

    A member whose header states its length (ours, :func:`gzip_member`) is
    stepped over: only its WARC headers are inflated, and the block of a
    response (a page) is left for :func:`read_entry` to read when it is
    wanted, so that the worker processes inflate the pages, not the reader.
    Any other member is inflated whole. A file cut inside a record, or a
    member that does not inflate, stops the file: the records before it come
    out, and the damage is noted in ``damage`` (file, offset, records read).
    """
    size = path.stat().st_size
    count = offset = 0
    with path.open("rb") as stream:
        while offset < size:
            stream.seek(offset)
            head = stream.read(MEMBER_HEAD)
            length = member_length(head)
            try:
                if length is not None:
                    if offset + length > size:
                        raise ValueError("the file ends inside a record")
                    entry = peek(stream, path, offset, length)
                else:
                    stream.seek(offset)
                    entry = inflate(stream, path, offset)
            except UNREADABLE as error:
                damage.append(Damage(path, offset, count, str(error).splitlines()[0][:120]))
                return
            yield entry
            count += 1
            offset += entry.length


def peek(stream: BinaryIO, path: Path, offset: int, length: int) -> Entry:
    """A member of known length: its WARC headers, and its block unless it is a response (read later)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    data = stream.read(min(length - MEMBER_HEAD, PEEK))
    text = inflater.decompress(data, PEEK)
    if b"\r\n\r\n" not in text:
        return read_entry(path, offset, length)  # headers longer than the peek: read it whole
    headers = record_headers(text.partition(b"\r\n\r\n")[0])
    if headers.get("warc-type") == "response":
        return Entry(path, offset, length, headers, None)
    return read_entry(path, offset, length)


def inflate(stream: BinaryIO, path: Path, offset: int) -> Entry:
    """A member of unknown length (another tool's): inflated whole, its length counted as it goes."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts: list[bytes] = []
    used = 0
    while not inflater.eof:
        chunk = stream.read(CHUNK)
        if not chunk:
            raise ValueError("the file ends inside a record")
        parts.append(inflater.decompress(chunk))
        used += len(chunk) - len(inflater.unused_data)
    headers, block = parse_record(b"".join(parts))
    return Entry(path, offset, used, headers, block)


def read_entry(path: Path, offset: int, length: int) -> Entry:
    """The record at ``offset`` (``length`` compressed bytes), read alone; its checksum checked."""
    with path.open("rb") as stream:
        stream.seek(offset)
        data = stream.read(length)
    inflater = deflate.decompressobj(zlib.MAX_WBITS | 16)  # ISA-L inflates three times as fast, CRC checked
    whole = inflater.decompress(data)
    if not inflater.eof:
        raise ValueError(f"the record at byte {offset} is cut short")
    headers, block = parse_record(whole)
    return Entry(path, offset, length, headers, block)


def http_parts(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """An HTTP response block: its status, headers (names lower-cased, repeated ones joined) and body."""
    head, _, body = block.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if len(lines[0].split()) > 1 else 0
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    return status, headers, body


def latest_responses(where: Path, wanted: Callable[[str], bool]) -> tuple[dict[str, Entry], list[Damage]]:
    """The latest response record of every URL ``wanted`` accepts, across the archive's files (oldest first)."""
    found: dict[str, Entry] = {}
    damage: list[Damage] = []
    for path in archive_files(where):
        for entry in entries(path, damage):
            if entry.kind == "response" and wanted(entry.uri):
                found[entry.uri] = Entry(entry.path, entry.offset, entry.length, entry.headers, None)
    return found, damage


def pages_from_archive(where: Path, url: str) -> tuple[list[tuple[str, str, int, dict[str, str]]], str]:
    """An article's first page and its continuation pages as last fetched: ``(html, url, status, headers)`` each.

    The second value says where they came from, or why there are none.
    """
    from kabarbaik_spider.pages.article import ArticleParser
    from kabarbaik_spider.reparse import page_text

    if not archive_files(where):
        return [], f"no archive at {where}"
    found, damage = latest_responses(where, lambda uri: uri.startswith(url))
    for hurt in damage:
        print(hurt.line(), file=sys.stderr)
    if url not in found:
        return [], f"{url} is not in the archive {where}"
    pages = []
    todo = [url]
    while todo:
        page_url = todo.pop(0)
        entry = found.get(page_url)
        if entry is None:
            return [], f"{page_url} (a continuation page of {url}) is not in the archive {where}"
        block = read_entry(entry.path, entry.offset, entry.length).block or b""
        status, headers, _ = http_parts(block)
        html = page_text(page_url, block)
        pages.append((html, page_url, status, headers))
        if len(pages) == 1:
            if status != 200:
                return [], f"{url} was archived as HTTP {status}, not a page to keep"
            todo = list(ArticleParser(html, url).continuation_urls())
    first = found[url]
    return pages, f"taken from the archive {first.path} (fetched {first.headers.get('warc-date', '?')})"

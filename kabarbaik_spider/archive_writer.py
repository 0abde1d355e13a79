"""The archive's writer: WARC records built, compressed and appended whole, in a process of its own.

Why a process of its own: building a response's two records (warcio, with
their SHA-1 digests) and deflating them costs about 0.75 ms a page of the
model, a quarter of the crawl's CPU, and the crawl is one Python thread on one
core. A writer thread was tried and measured slower (the GIL, and a reactor
wake-up a page). A child process runs on the other core: the crawl hands it a
page's bytes through a pipe (tens of microseconds) and waits for its word
that the records are on disk before the spider sees the page, so an article
is still stored only once its pages are in the archive.

The child is ``python -m kabarbaik_spider.archive_writer``
(:mod:`kabarbaik_spider.child_process`): it ends when the crawl closes its
pipe, after the last record it was given, so a crawl stopping gently loses no
record and a killed crawl leaves whole records only. When it dies, every
write after is refused with one line, and the crawl stops loudly (exit 8) as
for a full disk.

Without Scrapy's asyncio reactor (a project that sets another
``TWISTED_REACTOR``) the same :class:`WarcFile` writes on the crawl's thread.
"""

from __future__ import annotations

import http.client
import os
import struct
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from kabarbaik_spider.appending import append_whole, open_for_appending
from kabarbaik_spider.child_process import Child, ChildGoneError, child_arguments, serve

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response

try:  # Intel's ISA-L deflate: five times zlib's speed at its level 1, and smaller; any inflater reads it
    from isal import isal_zlib as deflate
except ImportError:  # a platform without its wheels: zlib, slower
    deflate = zlib  # type: ignore[assignment]

# gzip level 1 of ISA-L: warcio's own writer compresses with zlib at level 9, about 5 ms a page of the
# model; zlib's level 1 takes 0.4 ms, ISA-L's 0.08 ms for fewer bytes.
GZIP_LEVEL = 1
SKIP_FIELD = b"KL"  # the gzip extra subfield holding the member's length (RFC 1952, FEXTRA)
MEMBER_HEAD = 24  # 10 bytes of gzip header, 2 of extra length, 4 of subfield header, 8 of length
DROPPED_HEADERS = (b"content-encoding", b"transfer-encoding", b"content-length")
Headers = list[tuple[str, str]]


class ArchiveWriteError(RuntimeError):
    """The archive could not be written; the message is one line that says which file and why."""


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member (RFC 1952) with its own length in an extra field.

    Any gzip reader (zlib, warcio, zcat) reads it as usual; ``scrapy reparse``
    reads the length to step from record to record without inflating the
    pages between, as BGZF (samtools) does with its block size.
    """
    deflater = deflate.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflater.compress(data) + deflater.flush()
    length = MEMBER_HEAD + len(body) + 8
    extra = SKIP_FIELD + struct.pack("<HQ", 8, length)
    head = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff" + struct.pack("<H", len(extra)) + extra
    return head + body + struct.pack("<II", deflate.crc32(data), len(data) & 0xFFFFFFFF)


def warc_date() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


@dataclass(frozen=True)
class Exchange:
    """One response and its request, as plain values that cross a pipe; ``answer_id`` names the response record.

    The body is kept as Scrapy handed it to the spider: decoded, so the
    ``Content-Encoding`` and ``Transfer-Encoding`` headers are dropped and
    ``Content-Length`` is the body's length.
    """

    url: str
    date: str
    answer_id: str
    status_line: str
    headers: Headers
    body: bytes
    request_line: str
    request_headers: Headers
    request_body: bytes

    @classmethod
    def of(cls, request: Request, response: Response) -> Exchange:
        headers = [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, values in response.headers.items()
            if key.lower() not in DROPPED_HEADERS
            for value in values
        ]
        headers.append(("Content-Length", str(len(response.body))))
        reason = http.client.responses.get(response.status, "")
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        asked = [("Host", parts.netloc)] + [
            (key.decode("latin-1"), value.decode("latin-1"))
            for key, values in request.headers.items()
            for value in values
        ]
        return cls(
            url=response.url,
            date=warc_date(),
            answer_id=record_id(),
            status_line=f"{response.status} {reason}".strip(),
            headers=headers,
            body=response.body,
            request_line=f"{request.method} {target} HTTP/1.1",
            request_headers=asked,
            request_body=request.body or b"",
        )


class WarcFile:
    """An append-only WARC file: whole gzip members, each message's records handed to the OS in one write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failure: str | None = None
        self.bytes_written = 0
        self._fd: int | None = None
        self._writer = WARCWriter(BytesIO(), gzip=False, warc_version="WARC/1.1")

    def handle(self, message: tuple[Any, ...]) -> None:
        """Writes what a message asks: ``("exchange", Exchange)``, ``("metadata", uri, payload, profile)`` or
        ``("warcinfo", name, payload)``."""
        kind, *rest = message
        if kind == "exchange":
            self.write(*self.exchange(*rest))
        elif kind == "metadata":
            uri, payload, profile = rest
            self.write(
                self.record(
                    uri,
                    "metadata",
                    payload,
                    content_type="application/json",
                    **{"WARC-Date": warc_date(), "WARC-Profile": profile},
                )
            )
        elif kind == "warcinfo":
            name, payload = rest
            self.write(self.record(name, "warcinfo", payload, content_type="application/warc-fields"))
        else:
            raise ValueError(f"not a message the archive's writer knows: {kind!r}")

    def exchange(self, exchange: Exchange) -> tuple[Any, Any]:
        """The response record and its request record, concurrent."""
        http = StatusAndHeaders(exchange.status_line, exchange.headers, protocol="HTTP/1.1")
        answer = self.record(
            exchange.url,
            "response",
            exchange.body,
            http,
            **{"WARC-Date": exchange.date, "WARC-Record-ID": exchange.answer_id},
        )
        request = StatusAndHeaders(exchange.request_line, exchange.request_headers, protocol="", is_http_request=True)
        asked = self.record(
            exchange.url,
            "request",
            exchange.request_body,
            request,
            **{"WARC-Date": exchange.date, "WARC-Concurrent-To": exchange.answer_id},
        )
        return answer, asked

    def record(self, uri: str, kind: str, payload: bytes, http: StatusAndHeaders | None = None, **headers: str) -> Any:
        """A warcio record (not yet written)."""
        return self._writer.create_warc_record(
            uri,
            kind,
            payload=BytesIO(payload),
            length=len(payload),
            http_headers=http,
            warc_content_type=headers.pop("content_type", ""),
            warc_headers_dict=headers,
        )

    def encode(self, record: Any) -> bytes:
        """One record as one gzip member whose header says how long the member is (see :func:`gzip_member`)."""
        out = BytesIO()
        self._writer.out = out
        self._writer._write_warc_record(out, record)
        return gzip_member(out.getvalue())

    def write(self, *records: Any) -> None:
        """Appends the records whole, or raises :class:`ArchiveWriteError` and leaves the file as it was."""
        if self.failure:
            raise ArchiveWriteError(self.failure)
        data = b"".join(self.encode(record) for record in records)
        try:
            if self._fd is None:
                self._fd = open_for_appending(self.path)
            append_whole(self._fd, data, "record")
        except OSError as error:
            message = getattr(error, "message", None) or error.strerror or error
            self.failure = f"cannot write the archive {self.path}: {message}"
            raise ArchiveWriteError(self.failure) from error
        self.bytes_written += len(data)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


# -- the crawl's side ----------------------------------------------------------------------------


class WriterHere:
    """The records written on the crawl's own thread: without asyncio's loop."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = WarcFile(path)
        self.failure: str | None = None

    @property
    def bytes_written(self) -> int:
        return self.file.bytes_written

    def send(self, message: tuple[Any, ...]) -> None:
        """Writes now; a failure is raised by the next ``write``, as the child's would be."""
        try:
            self.file.handle(message)
        except ArchiveWriteError as error:
            self.failure = str(error)

    async def write(self, message: tuple[Any, ...]) -> None:
        if self.failure:
            raise ArchiveWriteError(self.failure)
        self.file.handle(message)

    def close(self) -> None:
        self.file.close()


class WriterProcess:
    """The records written by a child process (``python -m kabarbaik_spider.archive_writer``), in order.

    ``write`` returns once the child has appended the message's records (or
    raises :class:`ArchiveWriteError` with its one line); ``send`` does not
    wait, and its failure is raised by the next ``write``.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.failure: str | None = None
        self.bytes_written = 0
        self.child = Child("kabarbaik_spider.archive_writer", str(path), on_answer=self._answered)

    def _answered(self, answer: tuple[int, str | None]) -> None:
        self.bytes_written, failure = answer
        self.failure = self.failure or failure

    def _gone(self, gone: ChildGoneError) -> ArchiveWriteError:
        self.failure = self.failure or f"cannot write the archive {self.path}: {gone}"
        return ArchiveWriteError(self.failure)

    def send(self, message: tuple[Any, ...]) -> None:
        if self.failure:
            raise ArchiveWriteError(self.failure)
        try:
            self.child.send(message)
        except ChildGoneError as gone:
            raise self._gone(gone) from None

    async def write(self, message: tuple[Any, ...]) -> None:
        if self.failure:
            raise ArchiveWriteError(self.failure)
        try:
            await self.child.ask(message)
        except ChildGoneError as gone:
            raise self._gone(gone) from None
        if self.failure:
            raise ArchiveWriteError(self.failure)

    def close(self) -> None:
        """Lets the child write what it was given, then end."""
        self.child.close()


def writer_for(path: Path) -> WriterHere | WriterProcess:
    """A child process when Scrapy runs on asyncio's loop (its default), else the crawl's own thread."""
    from scrapy.utils.asyncio import is_asyncio_available

    return WriterProcess(path) if is_asyncio_available() else WriterHere(path)


# -- the child's side ----------------------------------------------------------------------------


def main() -> None:
    """``python -m kabarbaik_spider.archive_writer ORDERS ANSWERS PATH``: each message's records, answered with
    (bytes written, failure or None)."""
    file = WarcFile(Path(child_arguments()[0]))

    def handle(message: tuple[Any, ...]) -> tuple[int, str | None]:
        try:
            file.handle(message)
        except ArchiveWriteError as error:
            return file.bytes_written, str(error)
        return file.bytes_written, None

    try:
        serve(handle)
    finally:
        file.close()


if __name__ == "__main__":
    main()

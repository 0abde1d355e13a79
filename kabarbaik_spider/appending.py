"""Appending whole: one ``os.write`` on an ``O_APPEND`` descriptor, cut back to where it was when it fails.

The store's JSON lines and the archive's WARC records both promise that a
failed write (a full disk, a file size limit, a short write) leaves the file
as it was before it; this is that promise, once.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path


class WholeWriteError(OSError):
    """A write that did not go through whole; ``message`` says why in one line, the cut-back's fate included."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_for_appending(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)


def append_whole(fd: int, data: bytes, what: str) -> int:
    """Appends ``data`` and returns the offset it starts at; raises :class:`WholeWriteError` after cutting back.

    ``what`` names the unit for the message: "line" or "record".
    """
    size = os.fstat(fd).st_size
    try:
        written = os.write(fd, data)
        if written != len(data):
            raise OSError(errno.EIO, f"short write, {written} of {len(data)} bytes")
    except OSError as error:
        message = str(error.strerror or error)
        try:
            os.ftruncate(fd, size)  # back to the last whole line or record
        except OSError as cut:
            message += f"; and cutting the partial {what} back failed: {cut.strerror}"
        raise WholeWriteError(message) from error
    return size

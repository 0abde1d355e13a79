"""Re-extraction from the archive: every stored article rebuilt from the pages the crawl kept, no network.

The store says which articles there are (the latest line of each URL); the
archive (:mod:`kabarbaik_spider.archive`) holds their pages, and a metadata
record per stored item names the responses it was built from, so a split
article's continuation pages are joined as the spider joins them
(``ArticleParser(html, url, more)``) and an item from the REST API is
rebuilt from its API page (``ApiPost``). An item whose metadata record was
lost (a run killed just after storing it, a file cut short) is found by its
URL among the archived responses.

It streams: the archive is read once, record by record, stepping over the
pages (their gzip members state their length, :func:`kabarbaik_spider.archive_writer.gzip_member`);
only the places of the pages waiting for their item's metadata record are
held, and the worker processes read and inflate the pages themselves, by
offset. (A file another tool wrote is inflated whole as it is read; at most
:data:`WINDOW` of its bodies are held, older ones read again by offset.) A
bounded number of batches are in flight, results come in order. Memory
grows with the store's URL count (a hash a line), not with the archive's
bytes (``docs/benchmarks.md`` has reparse's peak RSS at two sizes).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kabarbaik_spider.archive import (
    ITEM_PROFILE,
    UNREADABLE,
    Damage,
    Entry,
    archive_files,
    entries,
    http_parts,
    read_entry,
)
from kabarbaik_spider.store import dump_lines, encode_line

WINDOW = 512  # response bodies held while they wait for their item's metadata record
BATCH = 16  # jobs per task sent to a worker
IN_FLIGHT = 8  # tasks queued at once: enough to keep both cores busy, few enough to keep memory flat


@dataclass
class Stored:
    """What the store holds of one article: its latest line's place, hash, and how many lines it has."""

    offset: int  # of its latest line, in bytes
    digest: bytes
    lines: int = 1


@dataclass
class Ref:
    """A response record: its URL and place, and its block while it is in the window."""

    url: str
    path: Path
    offset: int
    length: int
    block: bytes | None = None

    def read(self) -> bytes:
        if self.block is not None:
            return self.block
        return read_entry(self.path, self.offset, self.length).block or b""


@dataclass
class Job:
    """One unit of parsing: an article's pages (``page``), or one REST API page and the items it gave (``api``)."""

    channel: str
    urls: list[str]
    pages: list[Ref]
    records: Ref | None = None  # channel "records": the answer holding WordPress's record of the post


@dataclass
class Result:
    url: str
    line: bytes | None  # the item as a store line; None when the pages gave no such item
    sources: dict[str, str] = field(default_factory=dict)
    fallbacks: list[str] = field(default_factory=list)
    error: str | None = None  # a page of it could not be read again (a corrupt record)


def digest(line: bytes) -> bytes:
    return hashlib.blake2b(line, digest_size=16).digest()


def read_stored(store: Path) -> tuple[dict[str, Stored], int]:
    """The store's articles, URL → latest line; and how many lines were not whole records (skipped)."""
    stored: dict[str, Stored] = {}
    broken = 0
    offset = 0
    for _, line in dump_lines(store):
        at, offset = offset, offset + len(line)
        try:
            record = json.loads(line)
            url = record["url"]
        except (ValueError, KeyError, TypeError):
            broken += 1
            continue
        if not isinstance(url, str) or not line.endswith(b"\n"):
            broken += 1
            continue
        known = stored.get(url)
        stored[url] = Stored(at, digest(line), known.lines + 1 if known else 1)
    return stored, broken


def stored_record(store: Path, offset: int) -> dict[str, Any]:
    with store.open("rb") as lines:
        lines.seek(offset)
        return json.loads(lines.readline())


# -- the plan: the archive read once, jobs in the store's order --------------------------------------


class Planner:
    """Reads the archive files in order and yields the jobs that rebuild the stored articles."""

    def __init__(self, files: list[Path], wanted: set[str]) -> None:
        self.files = files
        self.wanted = set(wanted)  # stored URLs not yet planned
        self.damage: list[Damage] = []
        self.records = 0
        self.window: OrderedDict[str, Ref] = OrderedDict()  # record id → ref, holding its block
        self.by_id: dict[str, Ref] = {}  # this file's response records not yet used
        self.by_url: dict[str, Ref] = {}  # the latest unused response of every URL the store holds (for fallbacks)

    def jobs(self) -> Iterator[Job]:
        for path in self.files:
            self.by_id.clear()
            self.window.clear()
            api: Job | None = None
            for entry in entries(path, self.damage):
                self.records += 1
                if entry.kind == "response":
                    self.keep(entry)
                elif entry.kind == "metadata" and entry.headers.get("warc-profile") == ITEM_PROFILE:
                    job = self.job(entry)
                    if job is None:
                        continue
                    if job.channel == "api" and api is not None and api.pages[0] is job.pages[0]:
                        api.urls += job.urls  # one API page gave many items: parse its JSON once
                        continue
                    if api is not None:
                        yield api
                        api = None
                    if job.channel == "api":
                        api = job
                    else:
                        yield job
            if api is not None:
                yield api
        yield from self.fallbacks()

    def keep(self, entry: Entry) -> None:
        ref = Ref(entry.uri, entry.path, entry.offset, entry.length, entry.block)
        self.by_id[entry.record_id] = ref
        self.window[entry.record_id] = ref
        while len(self.window) > WINDOW:
            _, old = self.window.popitem(last=False)
            old.block = None
        if ref.url.split("?", 1)[0] in self.wanted or self.continues(ref.url):
            self.by_url[ref.url] = Ref(ref.url, ref.path, ref.offset, ref.length)

    def continues(self, url: str) -> bool:
        """``/slug/2/``: a continuation page of some article (kept for the fallback by URL)."""
        parts = url.rstrip("/").rsplit("/", 1)
        return len(parts) == 2 and parts[1].isdigit() and f"{parts[0]}/" in self.wanted

    def job(self, entry: Entry) -> Job | None:
        try:
            about = json.loads(entry.block)
        except ValueError:
            return None
        url = about.get("url")
        if url not in self.wanted:
            return None
        refs = [self.by_id.get(page.get("record")) for page in about.get("pages", [])]
        if not refs or any(ref is None for ref in refs):
            return None  # its pages are not in this file: the fallback by URL may still find them
        records = None
        if about.get("channel") == "records":
            found = self.by_id.get((about.get("records") or {}).get("record"))
            if found is None:
                return None
            records = Ref(found.url, found.path, found.offset, found.length)  # read by the worker: many items share it
        self.wanted.discard(url)
        channel = about.get("channel") if about.get("channel") in ("api", "records") else "page"
        if channel != "api":  # used: forget them, so that what is held stays flat in the archive's size
            for record in about["pages"]:
                self.by_id.pop(record["record"], None)
                self.by_url.pop(record.get("url"), None)
        return Job(channel, [url], [ref for ref in refs if ref is not None], records)

    def fallbacks(self) -> Iterator[Job]:
        """Stored articles no metadata record named: their page by URL, and its continuation pages after it."""
        for url in sorted(self.wanted):
            first = self.by_url.get(url)
            if first is None:
                continue
            more = []
            number = 2
            while f"{url}{number}/" in self.by_url:
                more.append(self.by_url[f"{url}{number}/"])
                number += 1
            self.wanted.discard(url)
            yield Job("page", [url], [first, *more])


# -- the work: in the worker processes --------------------------------------------------------------


def page_text(url: str, block: bytes) -> str:
    """The page's text as Scrapy's response gave it to the spider.

    When the page declares its encoding (a BOM, the Content-Type header, a
    ``<meta charset>``), w3lib's ``html_to_unicode`` alone decodes it, as
    Scrapy's ``TextResponse.text`` does, in a thirtieth of the time of
    building the response; otherwise Scrapy's own response infers it.
    """
    from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

    status, headers, body = http_parts(block)
    content_type = headers.get("content-type")
    if read_bom(body)[0] or http_content_type_encoding(content_type) or html_body_declared_encoding(body):
        return html_to_unicode(content_type, body)[1]
    from scrapy.http import HtmlResponse

    return HtmlResponse(url=url, status=status, headers=headers, body=body).text


def parse_job(job: Job) -> list[Result]:
    from kabarbaik_spider.items import as_record

    if job.channel == "api":
        from kabarbaik_spider.pages.api import ApiPost, read_posts

        _, _, body = http_parts(job.pages[0].read())
        wanted = set(job.urls)
        results = []
        for post in read_posts(body) or []:
            if not isinstance(post, dict):
                continue
            reader = ApiPost(post)
            url = reader.field("url")
            if url in wanted:
                wanted.discard(url)
                line = encode_line(as_record(reader.article()))
                results.append(Result(url, line, dict(reader.sources), list(reader.fallbacks)))
        return results + [Result(url, None) for url in sorted(wanted)]
    from kabarbaik_spider.parsing import read_article

    reading = read_article([(page_text(ref.url, ref.read()), ref.url) for ref in job.pages], whole=True)
    item = as_record(reading.article)
    sources = dict(reading.sources)
    if job.records is not None:  # as the crawl built it: WordPress's record first, the page beside it
        from kabarbaik_spider.pages.api import api_article_dict
        from kabarbaik_spider.pages.merge import RECORD, merge_with_record

        post = records_by_id(job.records.path, job.records.offset, job.records.length).get(item["post_id"])
        if post is not None and api_article_dict(post)["url"] == item["url"]:
            merged = merge_with_record(item, api_article_dict(post))
            item = merged.item
            sources = {key: RECORD if merged.taken_from[key] == RECORD else sources.get(key, "") for key in item}
    return [Result(job.urls[0], encode_line(item), sources, sorted(reading.fallbacks))]


@lru_cache(maxsize=4)
def records_by_id(path: Path, offset: int, length: int) -> dict[int, dict[str, Any]]:
    """The posts of one records answer by id, read once a worker however many of its items the worker rebuilds."""
    from kabarbaik_spider.pages.api import read_posts

    _, _, body = http_parts(read_entry(path, offset, length).block or b"")
    return {post["id"]: post for post in read_posts(body) or [] if isinstance(post, dict) and "id" in post}


def parse_batch(batch: list[Job]) -> list[Result]:
    results = []
    for job in batch:
        try:
            results += parse_job(job)
        except UNREADABLE as error:  # a record that does not inflate: named, the rest goes on
            place = f"{job.pages[0].path} at byte {job.pages[0].offset}"
            results += [Result(url, None, error=f"{place}: {error}") for url in job.urls]
    return results


def batches(jobs: Iterator[Job], size: int = BATCH) -> Iterator[list[Job]]:
    batch: list[Job] = []
    for job in jobs:
        batch.append(job)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_jobs(jobs: Iterator[Job], workers: int) -> Iterator[Result]:
    """Every job's results, in order; parsed by ``workers`` processes, at most :data:`IN_FLIGHT` batches queued."""
    if workers <= 1:
        for batch in batches(jobs):
            yield from parse_batch(batch)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        waiting: deque[Any] = deque()
        for batch in batches(jobs):
            waiting.append(pool.apply_async(parse_batch, (batch,)))
            while len(waiting) >= IN_FLIGHT:
                yield from waiting.popleft().get()
        while waiting:
            yield from waiting.popleft().get()


# -- the whole run ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    stored: int = 0
    reparsed: int = 0
    same: int = 0
    changed: list[tuple[str, list[str]]] = field(default_factory=list)  # URL, keys that differ
    missing: list[str] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # named by the archive but no item came out
    unreadable: list[str] = field(default_factory=list)  # records that did not inflate when read again
    damage: list[Damage] = field(default_factory=list)
    files: int = 0
    records: int = 0
    broken_lines: int = 0
    revisions: int = 0


def changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    from kabarbaik_spider.items import ARTICLE_KEYS

    return [key for key in ARTICLE_KEYS if old.get(key) != new.get(key)]


def reparse(
    store: Path,
    archive: Path,
    out: Path,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    revise: Callable[[dict[str, Any], list[str], int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> Outcome:
    """Rebuilds every stored article from ``archive`` into ``out``; ``revise(item, changed, revision)`` for changes.

    ``total(n)`` hears how many stored articles there are, ``progress(1)`` each one done.
    """
    stored, broken = read_stored(store)
    if total is not None:
        total(len(stored))
    files = archive_files(archive)
    outcome = Outcome(stored=len(stored), files=len(files), broken_lines=broken)
    planner = Planner(files, set(stored))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as sink:
        for result in run_jobs(planner.jobs(), workers or os.cpu_count() or 1):
            if progress is not None:
                progress(1)
            if result.line is None:
                outcome.unparsed.append(result.url)
                if result.error:
                    outcome.unreadable.append(result.error)
                continue
            sink.write(result.line)
            outcome.reparsed += 1
            known = stored[result.url]
            if digest(result.line) == known.digest:
                outcome.same += 1
                continue
            new = json.loads(result.line)
            keys = changed_keys(stored_record(store, known.offset), new)
            if not keys:  # the same values, written differently
                outcome.same += 1
                continue
            outcome.changed.append((result.url, keys))
            if revise is not None:
                revise(new, keys, known.lines + 1)
                outcome.revisions += 1
    outcome.missing = sorted(planner.wanted)
    outcome.damage = planner.damage
    outcome.records = planner.records
    return outcome

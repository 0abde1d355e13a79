"""``scrapy reparse -o OUT.jsonl``: every stored article re-extracted from the archive with today's parser.

No request is made: the pages are the ones the crawls kept
(:mod:`kabarbaik_spider.archive`). While the parser is unchanged the output
holds the same items as the store, key for key; after a parser fix it holds
the mended ones, and ``--revisions`` appends to the store, as new revisions
whose reason is the parser, the articles whose parse changed. Exit status 0
when every stored article was re-extracted, 1 when the archive lacks some
(or there is none), 2 for bad input, 75 when ``--revisions`` finds a crawl
holding the store.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from kabarbaik_spider.archive import archive_files
from kabarbaik_spider.exit_status import EXIT_STORE_LOCKED, EXIT_USAGE
from kabarbaik_spider.reparse import read_stored, reparse
from kabarbaik_spider.store import StoreLockedError

if TYPE_CHECKING:
    import argparse

EXIT_INCOMPLETE = 1  # the archive lacks some stored articles, or there is no archive


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "-o OUT.jsonl [--store STORE.jsonl] [--archive DIR|FILE.warc.gz] [--revisions]"

    def short_desc(self) -> str:
        return "Re-extract every stored article from the WARC archive with today's parser, offline"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", metavar="OUT.jsonl", help="where the re-extracted items go")
        parser.add_argument("--store", metavar="STORE.jsonl", help="the store (default: -s KABARBAIK_OUTPUT)")
        parser.add_argument(
            "--archive", metavar="DIR", help="a WARC file or folder (default: the store's, <store>.warc/)"
        )
        parser.add_argument(
            "--revisions", action="store_true", help="append the articles whose parse changed to the store"
        )
        parser.add_argument("--workers", type=int, default=0, help="parsing processes (default: one per core)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args or not opts.output:
            raise UsageError("say -o OUT.jsonl, and nothing else")
        store = Path(opts.store or self.settings["KABARBAIK_OUTPUT"])
        archive = Path(opts.archive) if opts.archive else self.default_archive(store)
        self.exitcode = self.reparse(store, archive, Path(opts.output), opts.revisions, opts.workers)

    def default_archive(self, store: Path) -> Path:
        assert self.settings is not None
        folder = str(self.settings.get("KABARBAIK_ARCHIVE_DIR") or "").strip()
        return Path(folder) if folder else store.with_name(f"{store.name}.warc")

    def reparse(self, store: Path, archive: Path, out: Path, revisions: bool, workers: int) -> int:
        def fail(line: str, status: int) -> int:
            print(f"kabarbaik: {line}", file=sys.stderr)
            return status

        if not store.is_file():
            return fail(f"no store at {store}: nothing to re-extract (--store names another)", EXIT_USAGE)
        if out.resolve() == store.resolve():
            return fail(f"-o {out} is the store itself; name another file", EXIT_USAGE)
        if not archive_files(archive):
            stored = len(read_stored(store)[0])
            return fail(
                f"no archive at {archive}: none of the {stored} stored articles can be re-extracted"
                " (crawls write one per run since the archive exists; --archive names another)",
                EXIT_INCOMPLETE,
            )
        appender = None
        if revisions:
            from kabarbaik_spider.store import JsonlStore

            try:
                appender = JsonlStore(store)
            except StoreLockedError as locked:
                return fail(f"not appending revisions: {locked}", EXIT_STORE_LOCKED)
        try:
            return self.report(*self.run_reparse(store, archive, out, workers, appender))
        finally:
            if appender is not None:
                appender.close()

    def run_reparse(self, store: Path, archive: Path, out: Path, workers: int, appender: Any) -> tuple[Any, ...]:
        from tqdm import tqdm

        revise = None
        if appender is not None:

            def revise(item: dict[str, Any], changed: list[str], revision: int) -> None:
                appender.append_revision(item, changed, reason="parser")  # numbered by the store, as a crawl's

        started = time.perf_counter()
        with tqdm(unit=" articles", disable=not sys.stderr.isatty(), file=sys.stderr, desc="reparse") as bar:

            def total(count: int) -> None:
                bar.total = count
                bar.refresh()

            outcome = reparse(
                store, archive, out, workers=workers or None, progress=bar.update, revise=revise, total=total
            )
        return outcome, time.perf_counter() - started, archive, out

    def report(self, outcome: Any, elapsed: float, archive: Path, out: Path) -> int:
        for damage in outcome.damage:
            print(damage.line(), file=sys.stderr)
        for place in outcome.unreadable[:10]:
            print(f"kabarbaik: a corrupt record in {place}", file=sys.stderr)
        rate = outcome.reparsed / elapsed if elapsed > 0 else 0.0
        print(
            f"re-extracted {outcome.reparsed} of {outcome.stored} stored articles from {outcome.files} WARC files"
            f" in {elapsed:.1f} s ({rate:.0f} articles/s) into {out}; {outcome.same} as stored,"
            f" {len(outcome.changed)} changed"
            + (f", {outcome.revisions} appended as revisions" if outcome.revisions else ""),
            file=sys.stderr,
        )
        for url, keys in outcome.changed[:10]:
            print(f"  changed {url}: {', '.join(keys)}", file=sys.stderr)
        lacking = outcome.missing + outcome.unparsed
        if lacking:
            print(
                f"kabarbaik: the archive {archive} lacks {len(lacking)} of the {outcome.stored} stored articles"
                f" (first: {lacking[0]}); they were stored before the archive, or their pages are in a lost part",
                file=sys.stderr,
            )
            return EXIT_INCOMPLETE
        return 0

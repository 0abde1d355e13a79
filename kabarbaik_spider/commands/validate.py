"""``scrapy validate FILE.jsonl``: check a dump against the article schema before reading it.

Prints the counts and the first bad lines, each with its number and reason
(not JSON, a missing key, a wrong type, a duplicate, a cut last line); exits
1 when any line is bad, 2 when the file cannot be read, 0 when all is well.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from kabarbaik_spider.dumps import read_dump_or_say

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "FILE.jsonl"

    def short_desc(self) -> str:
        return "Check a JSON lines dump against the article schema; non-zero exit on any bad line"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--show", type=int, default=10, metavar="N", help="show the first N bad lines (10)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one JSON lines file")
        path = Path(args[0])
        dump = read_dump_or_say(path)
        if dump is None:
            self.exitcode = 2
            return
        verdict = "valid" if not dump.bad else "NOT valid"
        print(
            f"{path}: {verdict}: {dump.lines} lines, {len(dump.articles)} valid articles, "
            f"{len(dump.bad) - dump.duplicates} bad lines, {dump.duplicates} duplicates"
        )
        for number, reason in dump.bad[: opts.show]:
            print(f"  line {number}: {reason}")
        if len(dump.bad) > opts.show:
            print(f"  … and {len(dump.bad) - opts.show} more (--show N)")
        self.exitcode = 1 if dump.bad else 0

"""``scrapy report FILE.jsonl``: what a dump holds, for people, without writing code.

Articles, date range, articles per day and per category, per-key fill rate,
top authors and tags, duplicates and broken lines found. The lines that are
not valid articles are counted, not read (``scrapy validate`` names them).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from kabarbaik_spider.dumps import read_dump_or_say, summary

if TYPE_CHECKING:
    import argparse


def text_report(facts: dict[str, Any]) -> str:
    """The summary as plain text, one fact a line."""
    lines = [
        f"{facts['file']}: {facts['articles']} articles, published {facts['first_published']} to "
        f"{facts['last_published']}",
        f"{facts['bad_lines']} broken lines, {facts['duplicates']} duplicates (scrapy validate names them)",
        "",
        "articles per day:",
        *(f"  {day}  {count:5d}  {'#' * min(count, 60)}" for day, count in facts["per_day"].items()),
        "",
        "articles per category:",
        *(f"  {count:5d}  {category}" for category, count in facts["per_category"].items()),
        "",
        "keys with a value:",
        *(f"  {share:6.1%}  {key}" for key, share in facts["filled"].items()),
        "",
        "top authors:",
        *(f"  {count:5d}  {author}" for author, count in facts["top_authors"]),
        "",
        "top tags:",
        *(f"  {count:5d}  {tag}" for tag, count in facts["top_tags"]),
    ]
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "FILE.jsonl [--html REPORT.html]"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--html", metavar="REPORT.html", help="also write the report as one HTML page with charts")

    def short_desc(self) -> str:
        return "Summarise a JSON lines dump: articles per day and category, fill rates, top authors and tags"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one JSON lines file")
        path = Path(args[0])
        dump = read_dump_or_say(path)
        if dump is None:
            self.exitcode = 2
            return
        facts = summary(dump)
        print(text_report(facts))
        if opts.html:
            try:
                from kabarbaik_spider.charts import html_report

                page = html_report(facts)
            except ImportError:
                print("kabarbaik: --html needs matplotlib: pip install 'kabarbaik-spider[report]'", file=sys.stderr)
                self.exitcode = 2
                return
            Path(opts.html).write_text(page, encoding="utf-8")
            print(f"\nwrote {opts.html}")

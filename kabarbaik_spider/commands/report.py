"""``scrapy report FILE.jsonl [--html REPORT.html]``: what a dump holds (:mod:`kabarbaik_spider.report`).

Scrapy finds this command only in the project's folder (``scrapy.cfg``);
``python -m kabarbaik_spider.report`` is the same report from anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from kabarbaik_spider.report import report

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "FILE.jsonl [--html REPORT.html]"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--html", metavar="REPORT.html", help="also write the report as one HTML page with charts")

    def short_desc(self) -> str:
        return "Summarise a JSON lines dump: articles per period and category, fill rates, top authors and tags"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one JSON lines file")
        self.exitcode = report(Path(args[0]), Path(opts.html) if opts.html else None)

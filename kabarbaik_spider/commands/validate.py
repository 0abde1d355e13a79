"""``scrapy validate FILE.jsonl``: check a dump against the article schema (:mod:`kabarbaik_spider.validate`).

Scrapy finds this command only in the project's folder (``scrapy.cfg``);
``python -m kabarbaik_spider.validate`` is the same check from anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from kabarbaik_spider.validate import validate

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "FILE.jsonl"

    def short_desc(self) -> str:
        return "Check a JSON lines dump against the store line schema; non-zero exit on any bad line"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--show", type=int, default=10, metavar="N", help="show the first N bad lines (10)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one JSON lines file")
        self.exitcode = validate(Path(args[0]), opts.show)

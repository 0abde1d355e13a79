"""``scrapy export --latest -o FILE.jsonl STORE`` or ``--history URL_OR_POST_ID STORE``: :mod:`kabarbaik_spider.export`.

Scrapy finds this command only in the project's folder (``scrapy.cfg``);
``python -m kabarbaik_spider.export`` is the same from anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from kabarbaik_spider.export import add_arguments, run

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "--latest -o FILE.jsonl STORE | --history URL_OR_POST_ID STORE"

    def short_desc(self) -> str:
        return "Write a store's latest state (live articles only), or print one article's revisions"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        add_arguments(parser)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give one store (a JSON lines file)")
        status = run(Path(args[0]), opts.latest, opts.history, Path(opts.output) if opts.output else None)
        if isinstance(status, str):
            raise UsageError(status)
        self.exitcode = status

"""The crawl benchmark's yardsticks: Scrapy requesting the same pages as our crawl, and parsing nothing.

    scrapy runspider benchmarks/null_spider.py -a urls=URLS.txt [-a floor=1]

``urls`` is a file with one URL a line (the listing pages and the articles).
With ``floor=1`` the spider also builds each article page's parsel tree: the
least any parsel-based crawler pays to read a page, the floor our crawl is
measured against.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Response


class NullSpider(scrapy.Spider):
    name = "null"

    def __init__(self, urls: str, floor: str = "0", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = Path(urls).read_text(encoding="utf-8").split()
        self.floor = floor == "1"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response) -> None:
        if self.floor and "/artikel-" in response.url:
            response.selector.root  # noqa: B018 - building the tree is the point

"""Body F1 on a fourth set nobody here tuned to: the article test pages of newspaper4k.

    python benchmarks/newspaper4k_pages.py NEWSPAPER4K [--show N]

NEWSPAPER4K is a clone of https://github.com/AndyTheFactory/newspaper4k (a
work tree, or a bare or mirror git directory). Its ``tests/data/html/<name>.html``
pages whose ``tests/data/txt/<name>.txt`` holds the article's text as
newspaper4k's tests expect it are scored: 23 pages of news sites in nine
languages (CNN, Time, Wired; Arabic, Burmese, Chinese, Japanese, Korean,
Latvian, Spanish and Thai sites), agreement with newspaper4k, not human
labels. The page's URL is its ``tests/data/metadata``
entry's, where it has one. The pages are read from the clone, never copied here.

Halves by md5 of the page's name: first byte even is A, odd is B. Per half, the
mean over pages of each page's bag-of-words F1, for our parser and for
trafilatura's fast and default modes (``body_table.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from body_table import print_table, score
from clones import Clone
from w3lib.encoding import html_to_unicode


class TestPages(Clone):
    """newspaper4k's test data."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "tests/data")

    def pages(self) -> Iterator[tuple[str, str, str, str]]:
        """(name, page, URL, expected text) of every page with a full expected text, by name."""
        data = "tests/data"
        files = set(self.files(data))
        names = sorted(f[len(data) + 6 : -5] for f in files if f.startswith(f"{data}/html/") and f.endswith(".html"))
        for name in (name for name in names if f"{data}/txt/{name}.txt" in files):
            meta = f"{data}/metadata/{name}.json"
            url = json.loads(self.read(meta)).get("url") if meta in files else None
            _, html = html_to_unicode(None, self.read(f"{data}/html/{name}.html"))  # decoded as Scrapy would
            yield name, html, url or f"http://fakehost/{name}.html", self.read(f"{data}/txt/{name}.txt").decode("utf-8")


def half(name: str) -> str:
    return "A" if hashlib.md5(name.encode()).digest()[0] % 2 == 0 else "B"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("newspaper4k", type=Path, help="a clone of newspaper4k (work tree or git directory)")
    parser.add_argument("--show", type=int, default=0, help="the N pages our parser reads worst, per half")
    args = parser.parse_args()
    rows = score(TestPages(args.newspaper4k).pages())
    print(f"{len(rows['ours'])} pages")
    print_table(rows, half, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())

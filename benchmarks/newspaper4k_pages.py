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
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from body_table import print_table, score
from w3lib.encoding import html_to_unicode


class Clone:
    """newspaper4k's test data: a work tree, or a git directory read with ``git show``."""

    def __init__(self, path: Path) -> None:
        self.data = path / "tests" / "data"
        self.git_dir = None if self.data.is_dir() else path

    def files(self) -> set[str]:
        if self.git_dir is None:
            return {str(p.relative_to(self.data)) for p in self.data.rglob("*") if p.is_file()}
        listing = self.git("ls-tree", "-r", "--name-only", "HEAD", "tests/data/").decode()
        return {line.removeprefix("tests/data/") for line in listing.split()}

    def read(self, file: str) -> bytes:
        if self.git_dir is None:
            return (self.data / file).read_bytes()
        return self.git("show", f"HEAD:tests/data/{file}")

    def git(self, *args: str) -> bytes:
        return subprocess.run(["git", "--git-dir", str(self.git_dir), *args], capture_output=True, check=True).stdout

    def pages(self) -> Iterator[tuple[str, str, str, str]]:
        """(name, page, URL, expected text) of every page with a full expected text, by name."""
        files = self.files()
        for name in sorted(f[5:-5] for f in files if f.startswith("html/") and f"txt/{f[5:-5]}.txt" in files):
            meta = f"metadata/{name}.json"
            url = json.loads(self.read(meta)).get("url") if meta in files else None
            _, html = html_to_unicode(None, self.read(f"html/{name}.html"))  # decoded as Scrapy would
            yield name, html, url or f"http://fakehost/{name}.html", self.read(f"txt/{name}.txt").decode("utf-8")


def half(name: str) -> str:
    return "A" if hashlib.md5(name.encode()).digest()[0] % 2 == 0 else "B"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("newspaper4k", type=Path, help="a clone of newspaper4k (work tree or git directory)")
    parser.add_argument("--show", type=int, default=0, help="the N pages our parser reads worst, per half")
    args = parser.parse_args()
    rows = score(Clone(args.newspaper4k).pages())
    print(f"{len(rows['ours'])} pages")
    print_table(rows, half, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())

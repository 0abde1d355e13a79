"""Benchmarks anyone can rerun: ``python benchmarks/run.py [--articles N]``.

- store: how long a store of N articles (default 100,000) takes to open, i.e.
  to load its index of keys, and the memory that index holds;
- parse: mean time to parse one article page of the bundled site (all 26,
  split articles with their continuation pages), and one listing page.

Numbers depend on the machine; the script prints what it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kabarbaik_spider.pages.article import continuation_urls, parse_article  # noqa: E402
from kabarbaik_spider.pages.listing import parse_listing  # noqa: E402
from kabarbaik_spider.store import JsonlStore, encode_line  # noqa: E402

SITE = ROOT / "fixtures" / "site"
EXPECTED = ROOT / "fixtures" / "expected" / "mirror.jsonl"


def page(url: str) -> str:
    return (SITE / url.split("://", 1)[1].split("/", 1)[1].strip("/") / "index.html").read_text(encoding="utf-8")


def build_store(path: Path, articles: int) -> None:
    templates = [json.loads(line) for line in EXPECTED.read_text(encoding="utf-8").splitlines()]
    with path.open("wb") as store:
        for number in range(articles):
            record = dict(templates[number % len(templates)])
            record["url"] = f"https://kabarbaik.co/artikel-{number}/"
            record["post_id"] = 200_000 + number
            store.write(encode_line(record))


def bench_store(articles: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        build_store(path, articles)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            store = JsonlStore(path)
            timings.append(time.perf_counter() - started)
            assert len(store) == articles
            store.close()
        tracemalloc.start()
        store = JsonlStore(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()
        size = path.stat().st_size
    print(f"store: {articles:,} articles, {size / 2**20:.0f} MiB on disk")
    print(f"  open (index load): best {min(timings):.3f} s, median {statistics.median(timings):.3f} s of {repeats}")
    print(f"  index memory peak while opening: {peak / 2**20:.0f} MiB")


def bench_parse(rounds: int) -> None:
    items = [json.loads(line) for line in EXPECTED.read_text(encoding="utf-8").splitlines()]
    pages = []
    for item in items:
        html = page(item["url"])
        more = [(page(url), url) for url in continuation_urls(html, item["url"])]
        pages.append((html, item["url"], more))
    for html, url, more in pages:  # warm up: imports, lxml, dateparser's first call
        parse_article(html, url, more)
    started = time.perf_counter()
    for _ in range(rounds):
        for html, url, more in pages:
            parse_article(html, url, more)
    per_page = (time.perf_counter() - started) / (rounds * len(pages))
    listing = (SITE / "index.html").read_text(encoding="utf-8")
    parse_listing(listing, "https://kabarbaik.co/")
    started = time.perf_counter()
    for _ in range(rounds):
        parse_listing(listing, "https://kabarbaik.co/")
    per_listing = (time.perf_counter() - started) / rounds
    print(f"parse: {len(pages)} article pages x {rounds} rounds")
    print(f"  parse_article: {per_page * 1000:.2f} ms per article on average")
    print(f"  parse_listing: {per_listing * 1000:.2f} ms per listing page (10 cards)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    bench_store(args.articles, args.repeats)
    bench_parse(args.rounds)


if __name__ == "__main__":
    main()

"""One table for the body benchmarks whose references are whole texts (Readability's, newspaper4k's pages).

Each page is scored by its bag-of-words F1 (``second_opinion.overlap``: lower-cased words, a Han or kana
character a word) against the reference text, for our parser and trafilatura's ``extract`` in its fast and
its default mode; per half, the mean over pages, the pages read empty, and the milliseconds a page.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable

import trafilatura

from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.second_opinion import overlap

Extract = Callable[[str, str], tuple[str | None, str]]  # (html, url) -> (body, the source that gave it)
Row = tuple[str, str, float, float, float, float]  # name, source, precision, recall, F1, ms


def ours(html: str, url: str) -> tuple[str | None, str]:
    parser = ArticleParser(html, url)
    return parser.field("body"), parser.sources.get("body", "none")


EXTRACTORS: dict[str, Extract] = {
    "ours": ours,
    "trafilatura fast": lambda html, url: (trafilatura.extract(html, url=url, fast=True), ""),
    "trafilatura": lambda html, url: (trafilatura.extract(html, url=url), ""),
}


def score(pages: Iterable[tuple[str, str, str, str]]) -> dict[str, list[Row]]:
    """Every extractor on every page: ``pages`` yields (name, html, url, the reference text)."""
    rows: dict[str, list[Row]] = {who: [] for who in EXTRACTORS}
    warm = True
    for name, html, url, want in pages:
        if warm:  # imports and first-call costs are not a page's
            for extract in EXTRACTORS.values():
                extract(html, url)
            warm = False
        for who, extract in EXTRACTORS.items():
            start = time.perf_counter()
            body, source = extract(html, url)
            ms = 1000 * (time.perf_counter() - start)
            rows[who].append((name, source, *overlap([body or ""], [want]), ms))
    return rows


def print_table(rows: dict[str, list[Row]], half: Callable[[str], str], show: int = 0) -> None:
    """The markdown table per half and in all, our body's sources, and our ``show`` worst pages per half."""
    print("| half | extractor | pages | body F1 | precision | recall | empty | ms a page |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for part in ("A", "B", "all"):
        for who, found in rows.items():
            kept = [row for row in found if part == "all" or half(row[0]) == part]
            print(
                f"| {part} | {who} | {len(kept)} | {statistics.mean(r[4] for r in kept):.3f}"
                f" | {statistics.mean(r[2] for r in kept):.3f} | {statistics.mean(r[3] for r in kept):.3f}"
                f" | {sum(1 for r in kept if r[4] == 0)} | {statistics.mean(r[5] for r in kept):.1f} |"
            )
    sources: dict[str, int] = {}
    for row in rows["ours"]:
        sources[row[1]] = sources.get(row[1], 0) + 1
    print("our body's sources:", ", ".join(f"{name} {count}" for name, count in sorted(sources.items())))
    for part in ("A", "B"):
        worst = sorted((row for row in rows["ours"] if half(row[0]) == part), key=lambda row: row[4])[:show]
        for name, source, precision, recall, f1, _ in worst:
            print(f"  {part} {name:28s} {source:12s} F1 {f1:.2f} P {precision:.2f} R {recall:.2f}")

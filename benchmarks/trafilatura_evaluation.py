"""Body text on trafilatura's own evaluation set: about 950 pages of many kinds of sites, nobody here tuned to.

    python benchmarks/trafilatura_evaluation.py TRAFILATURA

TRAFILATURA is a clone of https://github.com/adbar/trafilatura (a work tree,
or a bare or mirror git directory). Its ``tests/evaldata.json`` names, for each
page saved under ``tests/cache/`` or ``tests/eval/``, snippets the main text
must hold and snippets it must not (menus, comments' boilerplate, footers):
trafilatura's own way to measure itself (``tests/evaluate.py`` with
``tests/eval_common.py``). As there, a page counts its snippets found (true
positives), missed (false negatives) and the unwanted ones found (false
positives), white space normalised; precision, recall and F1 are over all
snippets of a half. The pages are read from the clone, never copied here.

Halves by md5 of the page's host: first byte even is A, odd is B, as for the
shared sets (docs/site.md). Our parser (the ``kabarbaik_spider`` Python
imports), on the page decoded as Scrapy would (w3lib, by the page's declared
charset); then trafilatura's ``extract`` on the page's bytes, in its fast and
its default mode with the settings its own evaluation uses (comments left
out, tables kept). "empty" counts pages an extractor read nothing of.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

import trafilatura
from clones import Clone
from w3lib.encoding import html_to_unicode

from kabarbaik_spider.pages.article import ArticleParser

# trafilatura's settings in its own evaluation (tests/eval_common.py, EXTRACT_OPTS)
EXTRACT_OPTS = {"include_comments": False, "include_tables": True, "include_formatting": False}


class EvaluationPages(Clone):
    """trafilatura's evaluation pages and what ``tests/evaldata.json`` says of each."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "tests/evaldata.json")
        self.records: dict[str, dict] = json.loads(self.read("tests/evaldata.json"))
        self.saved = {*self.files("tests/eval"), *self.files("tests/cache")}

    def page(self, record: dict) -> bytes | None:
        """The page's bytes, or None when the clone lacks its file (``cache/`` first, as trafilatura looks)."""
        path = next(
            (f"tests/{d}/{record['file']}" for d in ("cache", "eval") if f"tests/{d}/{record['file']}" in self.saved),
            None,
        )
        return self.read(path) if path else None


def half(key: str) -> str:
    """A or B by the page's host (a key without one, ``hard::name.html``, by itself)."""
    host = key.split("/")[2] if key.count("/") >= 2 else key
    return "A" if hashlib.md5(host.encode()).digest()[0] % 2 == 0 else "B"


def snippets(text: str, record: dict) -> tuple[int, int, int]:
    """(wanted found, wanted missed, unwanted found), white space normalised on both sides."""
    flat = " ".join(text.split())
    found = sum(1 for snippet in record["with"] if " ".join(snippet.split()) in flat)
    unwanted = sum(1 for snippet in record["without"] if " ".join(snippet.split()) in flat)
    return found, len(record["with"]) - found, unwanted


def ours(page: bytes, url: str) -> str:
    _, text = html_to_unicode(None, page)
    return ArticleParser(text, url).field("body") or ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trafilatura", type=Path, help="a clone of adbar/trafilatura (work tree or git directory)")
    args = parser.parse_args()
    clone = EvaluationPages(args.trafilatura)
    pages = [(key, record, page) for key, record in clone.records.items() if (page := clone.page(record))]
    extractors = {
        "ours": ours,
        "trafilatura fast": lambda page, url: trafilatura.extract(page, url=url, fast=True, **EXTRACT_OPTS) or "",
        "trafilatura": lambda page, url: trafilatura.extract(page, url=url, **EXTRACT_OPTS) or "",
    }
    for extract in extractors.values():
        extract(pages[0][2], pages[0][0])  # warm-up: imports and first-call costs are not a page's
    rows: dict[str, list[tuple[str, int, int, int, bool, float]]] = {who: [] for who in extractors}
    for key, record, html in pages:
        url = key if "://" in key else "http://fakehost/"
        for who, extract in extractors.items():
            start = time.perf_counter()
            text = extract(html, url)
            ms = 1000 * (time.perf_counter() - start)
            rows[who].append((key, *snippets(text, record), not text.strip(), ms))
    print(f"{len(pages)} pages of {len(clone.records)} in evaldata.json (the others' files are not in the clone)")
    print("| half | extractor | pages | F1 | precision | recall | empty | ms a page |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for part in ("A", "B", "all"):
        for who, found in rows.items():
            kept = [row for row in found if part == "all" or half(row[0]) == part]
            wanted, missed, unwanted = (sum(row[i] for row in kept) for i in (1, 2, 3))
            precision, recall = wanted / (wanted + unwanted), wanted / (wanted + missed)
            print(
                f"| {part} | {who} | {len(kept)} | {2 * precision * recall / (precision + recall):.3f}"
                f" | {precision:.3f} | {recall:.3f} | {sum(row[4] for row in kept)}"
                f" | {statistics.mean(row[5] for row in kept):.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

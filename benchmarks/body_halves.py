"""Body F1 on both halves of every set at once, and how it moves when one of the finder's weights does.

    python benchmarks/body_halves.py [--readability R] [--trafilatura T] [--newspaper4k N]
                                     [--sweep NAME=V1,V2 ...]

The two shared sets (``../shared/realpages`` against Fundus's values, ``../shared/zyte-dev`` with the Zyte
benchmark's own metric, both read through their ``score.py``) and, given their clones, the three sets nobody
here tuned to (the scripts beside this one say how each is scored). Halves as everywhere in docs/site.md: md5's
first byte of the publisher (real), the host (Zyte, trafilatura's set) or the page's name (Readability by site,
newspaper4k) even is A, odd is B. Only our parser runs: trafilatura's own figures are in the per-set scripts.

``--sweep NAME=V1,V2`` reruns every set with the constant ``NAME`` of ``main_text.py`` or ``second_opinion.py``
set to each value in turn (also where another module imported it by name), one row a value, after the row of
the values as they are. A rule tuned on the A halves is a gain when the B halves move with it; a weight whose
best value needs a third decimal is fitted to noise. About half a minute a row for all five sets.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import newspaper4k_pages
import readability_pages
import trafilatura_evaluation
from w3lib.encoding import html_to_unicode

from kabarbaik_spider.pages import article, main_text, second_opinion
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.second_opinion import overlap

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
TUNABLE = (main_text, second_opinion, article)  # where a constant is defined, and where it is imported by name

Page = tuple[str, str, str, Callable[[str], tuple[float, ...]]]  # half, html, url, score of a body


def load(path: Path) -> ModuleType:
    """A shared set's ``score.py``, imported from where it is (never copied here)."""
    spec = importlib.util.spec_from_file_location(f"{path.parent.name}_score", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def md5_half(key: str) -> str:
    return "A" if hashlib.md5(key.encode()).digest()[0] % 2 == 0 else "B"


def real_pages() -> list[Page]:
    score = load(SHARED / "realpages" / "score.py")
    manifest = SHARED / "realpages" / "manifest.json"
    pages = []
    for entry in json.loads(manifest.read_text(encoding="utf-8"))["pages"]:
        html = gzip.decompress((manifest.parent / entry["html_path"]).read_bytes()).decode("utf-8")
        want = score.expected_body(entry["expected"], "fundus")
        pages.append((md5_half(entry["publisher"]), html, entry["url"], lambda body, w=want: score.prf(body, w)))
    return pages


def zyte_pages() -> tuple[list[Page], ModuleType]:
    folder = SHARED / "zyte-dev"
    score = load(folder / "score.py")
    pages = []
    for item, record in json.loads((folder / "ground-truth.json").read_text(encoding="utf-8")).items():
        html = gzip.decompress((folder / "pages" / f"{item}.html.gz").read_bytes()).decode("utf-8", "replace")
        host = record["url"].split("/")[2] if record.get("url") else item
        want = record["articleBody"]
        pages.append((md5_half(host), html, score.page_url(html, item), lambda body, w=want: score.tp_fp_fn(w, body)))
    return pages, score


def readability_set(path: Path) -> list[Page]:
    clone = readability_pages.TestPages(path)
    pages = []
    for name in (n for n in clone.names() if not readability_pages.NOT_ARTICLES.match(n)):
        want = readability_pages.kept_text(clone.text(name, "expected.html"))
        html, url = clone.text(name, "source.html"), f"http://fakehost/test/{name}.html"
        pages.append((readability_pages.half(name), html, url, lambda body, w=want: overlap([body], [w])))
    return pages


def trafilatura_set(path: Path) -> list[Page]:
    clone = trafilatura_evaluation.EvaluationPages(path)
    pages = []
    for key, record in clone.records.items():
        if (page := clone.page(record)) is None:
            continue
        _, html = html_to_unicode(None, page)
        url = key if "://" in key else "http://fakehost/"
        score = lambda body, r=record: trafilatura_evaluation.snippets(body, r)  # noqa: E731
        pages.append((trafilatura_evaluation.half(key), html, url, score))
    return pages


def newspaper4k_set(path: Path) -> list[Page]:
    return [
        (newspaper4k_pages.half(name), html, url, lambda body, w=want: overlap([body], [w]))
        for name, html, url, want in newspaper4k_pages.TestPages(path).pages()
    ]


def snippet_f1(rows: list[tuple[float, ...]]) -> float:
    """trafilatura's way: precision and recall over all snippets of the half."""
    found, missed, unwanted = (sum(row[i] for row in rows) for i in range(3))
    precision, recall = found / (found + unwanted), found / (found + missed)
    return 2 * precision * recall / (precision + recall)


def measure(sets: dict[str, tuple[list[Page], Callable[[list[tuple[float, ...]]], float]]]) -> list[float]:
    """Each set's figure for its A and its B half, in order."""
    figures = []
    for pages, aggregate in sets.values():
        rows: dict[str, list[tuple[float, ...]]] = {"A": [], "B": []}
        for half, html, url, score in pages:
            rows[half].append(score(ArticleParser(html, url).field("body") or ""))
        figures += [aggregate(rows["A"]), aggregate(rows["B"])]
    return figures


def setting(name: str, value: str) -> Callable[[], None]:
    """Sets ``name`` to ``value`` (of the constant's own type) wherever it is read; returns how to undo it."""
    holders = [module for module in TUNABLE if hasattr(module, name)]
    if not holders or not name.isupper():
        raise SystemExit(f"--sweep: {name} is no constant of main_text.py or second_opinion.py")
    before = getattr(holders[0], name)
    for module in holders:
        setattr(module, name, type(before)(float(value)))

    def undo() -> None:
        for module in holders:
            setattr(module, name, before)

    return undo


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readability", type=Path, help="a clone of mozilla/readability")
    parser.add_argument("--trafilatura", type=Path, help="a clone of adbar/trafilatura")
    parser.add_argument("--newspaper4k", type=Path, help="a clone of AndyTheFactory/newspaper4k")
    parser.add_argument("--sweep", action="append", default=[], metavar="NAME=V1,V2", help="values of a constant")
    args = parser.parse_args()
    mean_f1 = lambda rows: statistics.mean(row[2] for row in rows)  # noqa: E731
    zyte, zyte_score = zyte_pages()
    sets = {"real": (real_pages(), mean_f1), "Zyte": (zyte, lambda rows: zyte_score.summary(rows)["f1"])}
    if args.readability:
        sets["Readability"] = (readability_set(args.readability), mean_f1)
    if args.trafilatura:
        sets["trafilatura's set"] = (trafilatura_set(args.trafilatura), snippet_f1)
    if args.newspaper4k:
        sets["newspaper4k"] = (newspaper4k_set(args.newspaper4k), mean_f1)
    columns = [f"{name} {half}" for name in sets for half in "AB"]
    print("| setting | " + " | ".join(columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    rows = [("as it is", None)] + [(f"{name} = {value}", (name, value))
                                   for sweep in args.sweep for name, values in [sweep.split("=", 1)]
                                   for value in values.split(",")]  # fmt: skip
    for label, change in rows:
        undo = setting(*change) if change else None
        print(f"| {label} | " + " | ".join(f"{figure:.4f}" for figure in measure(sets)) + " |", flush=True)
        if undo:
            undo()
    return 0


if __name__ == "__main__":
    sys.exit(main())

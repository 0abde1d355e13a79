"""What a dump holds, for people, without writing code: ``scrapy report`` and ``python -m kabarbaik_spider.report``.

Articles, date range, articles per day, week, month or year (chosen by the
span), per category, per-key fill rate, top authors and tags, duplicates and
broken lines found. A store with history (issue 18) is reported as it stands
now: its live articles' latest revisions; deleted articles are counted, site
edits are counted in the same periods as the articles, and the most-edited
articles are listed. The text fits one screen (50 lines of 80 columns) however
big the dump; ``--html`` writes the same facts as one page with charts. The
lines that are not valid articles are counted, not read (``validate`` names them).
``python -m`` runs from any folder; ``scrapy report`` only in the project's.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
from itertools import zip_longest
from pathlib import Path
from typing import Any

from kabarbaik_spider.dumps import ReaderOutput, read_dump_or_say, summary

SCREEN_WIDTH = 80
COLUMN = SCREEN_WIDTH // 2  # two columns fill an 80-column terminal
PERIOD_ROWS = 16  # more periods than this go in two columns
CATEGORY_ROWS = 8
KEY_COLUMNS = 3
TOP_ROWS = 10
TOP_ROWS_LEAST = 3  # what the top lists keep when a store's history takes its lines
MOST_EDITED_ROWS = 5
SCREEN_LINES = 50
PERIOD_HEADINGS = {
    "day": "articles per day:",
    "week": "articles per week (each from its Monday):",
    "month": "articles per month:",
    "year": "articles per year:",
}


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the cut shown by an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def in_columns(cells: list[str], columns: int) -> list[str]:
    """``cells`` laid out down, then across, ``columns`` side by side in :data:`SCREEN_WIDTH` characters."""
    rows = math.ceil(len(cells) / columns)
    width = SCREEN_WIDTH // columns
    return ["".join(cells[at].ljust(width) for at in range(row, len(cells), rows)).rstrip() for row in range(rows)]


def period_lines(period: str, counts: dict[str, int], edits: dict[str, int] | None = None) -> list[str]:
    """One row a period, its bar scaled to the busiest; two columns when the periods are many.

    With ``edits`` (a store with history), each row ends with the site edits
    read in that period, where there were any: one row, one period, both facts.
    """
    columns = 1 if len(counts) <= PERIOD_ROWS else 2
    bar = 40 if columns == 1 else 16 if edits is None else 7  # room for 99999 edits in 40 columns
    busiest = max(counts.values(), default=0) or 1
    cells = [f"  {label:<10} {count:6d}  {'#' * math.ceil(count * bar / busiest)}" for label, count in counts.items()]
    if edits is None:
        return [PERIOD_HEADINGS[period], *in_columns(cells, columns)]
    cells = [
        f"{cell:<{bar + 21}} {edits[label]:4d} edits" if edits.get(label) else cell
        for cell, label in zip(cells, counts, strict=True)
    ]
    heading = PERIOD_HEADINGS[period][:-1] + ", and the site edits read then:"
    return [heading, *in_columns(cells, columns)]


def history_lines(history: dict[str, Any]) -> list[str]:
    """What the store's history holds, in one line; the articles edited most, one a line."""
    said = (
        f"history: {history['site_edits']} site edits of {history['edited_articles']} articles, "
        f"{history['parser_revisions']} re-parses, {history['deleted']} deleted"
    )
    edited = [f"  {count:5d}  {fit(title, SCREEN_WIDTH - 9)}" for title, count in history["most_edited"]]
    return [said] if not edited else [said, "most-edited articles (site edits):", *edited[:MOST_EDITED_ROWS]]


def category_lines(per_category: dict[str, int]) -> list[str]:
    """Up to sixteen categories in two columns; past that, the top fourteen and one line that sums the rest."""
    many = len(per_category) > 2 * CATEGORY_ROWS
    shown = list(per_category.items())[: 2 * (CATEGORY_ROWS - 1) if many else 2 * CATEGORY_ROWS]
    cells = [f"  {count:5d}  {fit(category, COLUMN - 9)}" for category, count in shown]
    lines = ["articles per category:", *in_columns(cells, 1 if len(cells) <= CATEGORY_ROWS else 2)]
    if many:
        rest = list(per_category.values())[len(shown) :]
        lines.append(f"  {sum(rest):5d}  in {len(rest)} more categories")
    return lines


def top_lines(authors: list[tuple[str, int]], tags: list[tuple[str, int]]) -> list[str]:
    """The top authors and the top tags side by side."""
    left = [f"  {count:5d}  {fit(author, COLUMN - 9)}" for author, count in authors[:TOP_ROWS]]
    right = [f"  {count:5d}  {fit(tag, COLUMN - 9)}" for tag, count in tags[:TOP_ROWS]]
    pairs = zip_longest(left, right, fillvalue="")
    return ["top authors:".ljust(COLUMN) + "top tags:", *(f"{a.ljust(COLUMN)}{b}".rstrip() for a, b in pairs)]


def text_report(facts: dict[str, Any]) -> str:
    """The summary as plain text: one screen, however many articles and months the dump holds.

    A store's history takes its lines from the top authors and tags, which
    shorten (to three at least) so that the whole still fits 50 lines.
    """
    keys = [f"  {share:6.1%}  {key}" for key, share in facts["filled"].items()]
    history = facts.get("history")
    lines = [
        f"{facts['file']}: {facts['articles']} articles, published {facts['first_published']} to "
        f"{facts['last_published']}",
        f"{facts['bad_lines']} broken lines, {facts['duplicates']} duplicates (validate names them)",
        *(history_lines(history) if history else []),
        "",
        *period_lines(facts["period"], facts["per_period"], history["per_period"] if history else None),
        "",
        *category_lines(facts["per_category"]),
        "",
        "keys with a value:",
        *in_columns(keys, KEY_COLUMNS),
        "",
    ]
    rows = max(TOP_ROWS_LEAST, min(TOP_ROWS, SCREEN_LINES - len(lines) - 1))
    lines += top_lines(facts["top_authors"][:rows], facts["top_tags"][:rows])
    return "\n".join(lines)


def report(path: Path, html: Path | None = None) -> int:
    """Prints the report of the dump at ``path`` (and writes ``html``); the exit status: 0, or 2 with one line why.

    Whatever can fail is tried before a line of the report is printed: a report
    cut by a traceback half way would pass for a whole one.
    """
    dump = read_dump_or_say(path)
    if dump is None:
        return 2
    page = None
    if html is not None:
        if importlib.util.find_spec("matplotlib") is None:
            print("kabarbaik: --html needs matplotlib: pip install 'kabarbaik-spider[report]'", file=sys.stderr)
            return 2
        try:
            page = html.open("w", encoding="utf-8")
        except OSError as error:
            print(f"kabarbaik: cannot write {html}: {error.strerror or error}", file=sys.stderr)
            return 2
    facts = summary(dump)
    out = ReaderOutput()
    out.print(text_report(facts))
    if page is not None:
        from kabarbaik_spider.charts import html_report

        with page:
            page.write(html_report(facts))
        out.print(f"\nwrote {html}")
    out.end_if_reader_gone()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kabarbaik_spider.report",
        description="Summarise a JSON lines dump: articles per period and category, fill rates, top authors and tags.",
    )
    parser.add_argument("dump", type=Path, metavar="FILE.jsonl")
    parser.add_argument("--html", type=Path, metavar="REPORT.html", help="also write the report as one HTML page")
    args = parser.parse_args(argv)
    return report(args.dump, args.html)


if __name__ == "__main__":
    raise SystemExit(main())

"""A dump's summary as one self-contained HTML page, its charts drawn by matplotlib as inline SVG.

A store with history gets a chart of its site edits in the articles' periods
(the same bars, so the two charts line up) and its most-edited articles.

No network is needed to view it: no script, no font or stylesheet to fetch.
matplotlib is the ``report`` extra (``pip install 'kabarbaik-spider[report]'``):
a crawler's machine does not need it.
"""

from __future__ import annotations

import html
import io
from typing import Any

CSS = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
    "table{border-collapse:collapse;margin:0 0 1.5rem}td,th{padding:.2rem .8rem;border-bottom:1px solid #ddd;"
    "text-align:left}td.n{text-align:right}figure{margin:1rem 0 2rem}svg{max-width:100%;height:auto}"
)


def svg_chart(labels: list[str], counts: list[int], title: str, horizontal: bool = False) -> str:
    """A bar chart as an inline ``<svg>`` element, its text kept as text (so it can be found and read)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kabarbaik"}):
        figure = Figure(figsize=(9, max(2.5, 0.35 * len(labels)) if horizontal else 3.2), layout="constrained")
        axes = figure.subplots()
        if horizontal:
            axes.barh(labels[::-1], counts[::-1], color="#3b6ea5")
        else:
            axes.bar(labels, counts, color="#3b6ea5")
            axes.tick_params(axis="x", labelrotation=60, labelsize=8)
        axes.set_title(title)
        (axes.xaxis if horizontal else axes.yaxis).get_major_locator().set_params(integer=True)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f"<tr><td>{html.escape(str(key))}</td><td class=n>{value}</td></tr>" for key, value in pairs)


def html_report(facts: dict[str, Any]) -> str:
    """The whole page for :func:`kabarbaik_spider.dumps.summary`'s facts."""
    periods, categories = facts["per_period"], facts["per_category"]
    overview = [
        ("articles", facts["articles"]),
        ("first published", facts["first_published"]),
        ("last published", facts["last_published"]),
        ("broken lines", facts["bad_lines"]),
        ("duplicates", facts["duplicates"]),
    ]
    charts = ""
    if periods:
        per = f"articles per {facts['period']}"
        chart = svg_chart(list(periods), list(periods.values()), per.capitalize())
        charts += f'<figure id="per-period" aria-label="{per}">{chart}</figure>'
    if categories:
        chart = svg_chart(list(categories), list(categories.values()), "Articles per category", horizontal=True)
        charts += f'<figure id="per-category" aria-label="articles per category">{chart}</figure>'
    history, edited = facts.get("history"), ""
    if history:
        overview += [
            ("site edits", history["site_edits"]),
            ("articles edited", history["edited_articles"]),
            ("re-parses", history["parser_revisions"]),
            ("deleted articles", history["deleted"]),
        ]
        edits = history["per_period"]
        if edits:
            per = f"site edits per {facts['period']}"
            chart = svg_chart(list(edits), list(edits.values()), per.capitalize())
            charts += f'<figure id="edits-per-period" aria-label="{per}">{chart}</figure>'
        edited = f'<h2>Most-edited articles</h2><table id="most-edited">{rows(history["most_edited"])}</table>'
    filled = [(key, f"{share:.1%}") for key, share in facts["filled"].items()]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>kabarbaik: {html.escape(facts['file'])}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(facts['file'])}</h1>"
        f'<table id="overview">{rows(overview)}</table>{charts}{edited}'
        f'<h2>Keys with a value</h2><table id="filled">{rows(filled)}</table>'
        f'<h2>Top authors</h2><table id="authors">{rows(facts["top_authors"])}</table>'
        f'<h2>Top tags</h2><table id="tags">{rows(facts["top_tags"])}</table>'
        "</body></html>\n"
    )

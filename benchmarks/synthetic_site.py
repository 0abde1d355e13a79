"""A synthetic kabarbaik.co of N articles, built from the bundled site's own pages, for the crawl benchmark.

Every article is the model's article page ``petani-lamongan-mulai-tanam-jagung-9`` (all fourteen keys)
under a new slug, post id and title; the listing pages are the model's page 2
holding ten cards each, newest first, each linking the next with
``<link rel="next">``. The pages name their final origin, so any static file
server can serve the folder as it is.
"""

from __future__ import annotations

import re
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
LIVE_ORIGIN = "https://kabarbaik.co"
TEMPLATE_SLUG, TEMPLATE_ID = "petani-lamongan-mulai-tanam-jagung-9", "117013"
TEMPLATE_TITLE = "Petani Lamongan mulai tanam jagung (9)"
CARDS_PER_PAGE = 10
CARD = re.compile(r'<article class="post-item[^"]*post-117013.*?</article>\n', re.S)
CARDS_OPEN, CARDS_CLOSE = '<div class="posts-container infinite-container">\n', "</article>\n</div>\n"
PAGINATION = re.compile(r'<nav class="navigation pagination".*?</nav>', re.S)
NEXT_LINK = re.compile(r'<link rel="next" href="[^"]*" />\n?')


def renamed(text: str, number: int) -> str:
    """The template's slug, post id and title made the ``number``-th article's."""
    return (
        text.replace(TEMPLATE_SLUG, f"artikel-{number}")
        .replace(TEMPLATE_ID, str(300_000 + number))
        .replace(TEMPLATE_TITLE, f"Petani Lamongan mulai tanam jagung, nomor {number}")
    )


def build(folder: Path, articles: int, origin: str) -> dict[str, int]:
    """Writes the site under ``folder`` for serving at ``origin``; returns its page counts."""
    article = (SITE / TEMPLATE_SLUG / "index.html").read_text(encoding="utf-8").replace(LIVE_ORIGIN, origin)
    card = CARD.search((SITE / "page" / "2" / "index.html").read_text(encoding="utf-8"))[0].replace(LIVE_ORIGIN, origin)
    listing = (SITE / "page" / "2" / "index.html").read_text(encoding="utf-8").replace(LIVE_ORIGIN, origin)
    listing = NEXT_LINK.sub("", PAGINATION.sub("", listing))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "robots.txt").write_text("User-agent: *\nDisallow: /wp-admin/\n", encoding="utf-8")
    for number in range(articles):
        page = folder / f"artikel-{number}" / "index.html"
        page.parent.mkdir(exist_ok=True)
        page.write_text(renamed(article, number), encoding="utf-8")
    pages = -(-articles // CARDS_PER_PAGE)
    for index in range(pages):
        newest = range(articles - 1 - index * CARDS_PER_PAGE, max(-1, articles - 1 - (index + 1) * CARDS_PER_PAGE), -1)
        cards = "".join(renamed(card, number) for number in newest)
        head, rest = listing.split(CARDS_OPEN, 1)
        html = head + CARDS_OPEN + cards + "</div>\n" + rest.split(CARDS_CLOSE, 1)[1]
        if index + 1 < pages:
            html = html.replace("</head>", f'<link rel="next" href="{origin}/page/{index + 2}/" />\n</head>', 1)
        target = folder / "index.html" if index == 0 else folder / "page" / str(index + 1) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    return {"articles": articles, "listing_pages": pages}


def urls(articles: int, origin: str) -> list[str]:
    """Every page the crawl reads: the listing pages, then the articles."""
    pages = -(-articles // CARDS_PER_PAGE)
    listing = [f"{origin}/"] + [f"{origin}/page/{index}/" for index in range(2, pages + 1)]
    return listing + [f"{origin}/artikel-{number}/" for number in range(articles)]

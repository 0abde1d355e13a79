"""The crawler without the model theme's class names: copies of the site rethemed to JNews's names."""

from __future__ import annotations

import pytest
from site_fixtures import at_origin, copy_site, crawl, expected_items, last_run, read_store, retheme

from kabarbaik_spider.exit_status import EXIT_COVERAGE
from kabarbaik_spider.offline_site import OfflineSite
from kabarbaik_spider.pages.listing import parse_listing

ITEMS = expected_items()
HOME = "https://kabarbaik.co/"


def right_fields(stored: list[dict], origin: str, keys: tuple[str, ...] | None = None) -> tuple[int, int]:
    """How many of the expected (article, key) values the store holds exactly, and how many there are."""
    by_url = {item["url"]: item for item in stored}
    right = total = 0
    for expected in (at_origin(item, origin) for item in ITEMS):
        got = by_url.get(expected["url"], {})
        for key in keys or tuple(expected):
            total += 1
            right += got.get(key) == expected[key]
    return right, total


# The page parser alone, as when the REST API is closed: with it open, WordPress's record gives every key it holds.
PAGES_ALONE = ("-a", "crosscheck=0")


def test_a_rethemed_site_crawls_every_field_right_and_reports_its_fallbacks_and_sources(tmp_path) -> None:
    root, store = retheme(copy_site(tmp_path / "site")), tmp_path / "articles.jsonl"
    assert "entry-content" not in (root / "polisi-amankan-pelaku-penipuan-arisan-daring/index.html").read_text()
    with OfflineSite(root) as site:
        result = crawl(site, store, *PAGES_ALONE)
        origin = site.origin
    assert result.returncode == 0, result.stderr[-3000:]
    stored = read_store(store)
    assert {item["url"] for item in stored} == {at_origin(item, origin)["url"] for item in ITEMS}
    right, total = right_fields(stored, origin)
    assert right == total, f"{right} of {total} fields right"
    fallbacks = last_run(store)["fallbacks"]
    assert fallbacks["body"] == len(ITEMS)  # counted once per article
    assert fallbacks["listing_cards"] == 3 and fallbacks["views"] > 0
    sources = last_run(store)["sources"]
    assert sources["body"] == {"structure": len(ITEMS)}  # the main-text finder, with no theme container left
    assert sources["views"] == {"words": fallbacks["views"]}


def test_without_structured_data_either_every_dated_article_keeps_its_core_fields(tmp_path) -> None:
    root = retheme(copy_site(tmp_path / "site"), strip_structured_data=True)
    store = tmp_path / "articles.jsonl"
    with OfflineSite(root) as site:
        result = crawl(site, store, *PAGES_ALONE)
        origin = site.origin
    assert result.returncode == EXIT_COVERAGE  # loud: published_at fell below 100%
    stored = read_store(store)
    rejects = read_store(store.with_name(store.name + ".rejects.jsonl"))
    # Pages whose only dates were the JSON-LD and the article:* metas have no date left at all:
    # they are rejected for it, with their URL, and nothing else is lost.
    assert len(stored) + len(rejects) == len(ITEMS)
    assert {reject["reason"] for reject in rejects} == {"missing published_at"}
    assert len(stored) >= 19
    by_url = {item["url"]: item for item in stored}
    for expected in (at_origin(item, origin) for item in ITEMS):
        got = by_url.get(expected["url"]) or next(r["record"] for r in rejects if r["url"] == expected["url"])
        assert got["title"] == expected["title"] and got["body"] == expected["body"]
        if expected["url"] in by_url:
            assert got["published_at"] == expected["published_at"]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<link rel="next" href="/page/2/"><a rel="next" href="/page/9/">x</a>', HOME + "page/2/"),
        ('<main><a rel="next" href="/page/2/">»</a></main>', HOME + "page/2/"),
        ('<main><a href="/page/2/">Berikutnya</a></main>', HOME + "page/2/"),
        ('<main><a class="btn next" href="/page/2/">›</a></main>', HOME + "page/2/"),
        ('<main><a href="/page/1/">1</a> <a href="/page/2/">2</a></main>', HOME + "page/2/"),
        ('<main><a href="/page/1/">1</a></main>', None),
    ],
    ids=["link-rel-next", "a-rel-next", "next-words", "next-class", "page-n-plus-one", "none"],
)
def test_next_page_without_theme_classes(html: str, expected: str | None) -> None:
    card = '<main><article><h2><a href="/berita-satu/">Berita satu</a></h2></article></main>'
    assert parse_listing(card + html, HOME).next_url == expected


def test_structural_cards_leave_out_header_nav_sidebar_and_footer() -> None:
    html = (
        '<header><h2><a href="/di-header/">x</a></h2></header><nav><h3><a href="/di-nav/">x</a></h3></nav>'
        '<main><div class="grid"><article class="post-7"><h3><a href="/berita-tujuh/">Tujuh</a></h3>'
        "<span>Kamis, 15 Mei 2025</span></article>"
        '<h2><a href="/category/ekonomi/">Ekonomi</a></h2></div></main>'
        '<aside><h4><a href="/terpopuler/">x</a></h4></aside><footer><h4><a href="/di-footer/">x</a></h4></footer>'
    )
    listing = parse_listing(html, HOME)
    assert [(c.url, c.post_id, c.date) for c in listing.cards] == [
        (HOME + "berita-tujuh/", 7, "2025-05-15T00:00:00+07:00")
    ]
    assert listing.fallbacks == {"cards"}

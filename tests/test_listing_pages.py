"""Listing pages: the main loop's cards, the next page, and the end of the feed."""

from __future__ import annotations

from site_fixtures import SITE, expected_items

from kabarbaik_spider.pages.listing import parse_listing

HOME = "https://kabarbaik.co/"


def listing(path: str):
    file = SITE / path / "index.html" if path else SITE / "index.html"
    return parse_listing(file.read_text(encoding="utf-8"), HOME + path)


def test_page_one_leads_to_page_two_although_the_end_marker_is_in_its_html() -> None:
    html = (SITE / "index.html").read_text(encoding="utf-8")
    assert "No More Posts Available." in html
    assert listing("").next_url == HOME + "page/2/"


def test_cards_are_the_main_loop_only_in_page_order() -> None:
    cards = listing("").cards
    assert len(cards) == 10
    assert cards[0].url == HOME + "ini-cara-pemkab-bojonegoro-untuk-tingkatkan-kinerja-pelayanan-publik/"
    assert cards[0].date == "2025-05-15T00:00:00+07:00"
    # The sidebar's Terpopuler list links older articles; they are not page 1's feed.
    assert HOME + "harga-gabah-di-tuban-mulai-naik-16/" not in {card.url for card in cards}


def test_the_last_page_has_cards_and_no_next_page() -> None:
    last = listing("page/3/")
    assert len(last.cards) == 6
    assert last.next_url is None


def test_the_not_found_page_has_no_cards() -> None:
    page = parse_listing((SITE / "404.html").read_text(encoding="utf-8"), HOME + "page/4/")
    assert page.cards == [] and page.next_url is None


def test_the_three_pages_list_every_article_once() -> None:
    urls = [card.url for path in ("", "page/2/", "page/3/") for card in listing(path).cards]
    assert sorted(urls) == sorted(item["url"] for item in expected_items())


def test_a_category_listing_is_a_feed_too() -> None:
    page = listing("category/ekonomi/")
    assert len(page.cards) == 4 and page.next_url is None


def test_wordpress_body_classes_tell_a_listing_from_a_maintenance_or_article_page() -> None:
    assert all(listing(path).is_listing_page for path in ("", "page/2/", "page/3/", "category/ekonomi/"))
    article = "petani-madiun-mulai-tanam-jagung-4/"
    assert not parse_listing(
        (SITE / article / "index.html").read_text(encoding="utf-8"), HOME + article
    ).is_listing_page
    maintenance = "<html><body class='maintenance'><h1>Briefly unavailable for scheduled maintenance</h1></body></html>"
    assert not parse_listing(maintenance, HOME + "page/2/").is_listing_page

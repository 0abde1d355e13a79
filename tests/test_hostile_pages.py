"""The parsers never raise, whatever the page holds: a broken layer is skipped, the rest still read."""

from __future__ import annotations

import re

import pytest
from site_fixtures import expected_items, field_diff, read_page

from kabarbaik_spider.pages.article import ArticleParser, article_dict
from kabarbaik_spider.pages.listing import parse_listing

URL = "https://kabarbaik.co/petani-madiun-mulai-tanam-jagung-4/"
PAGE = read_page(URL)
EXPECTED = next(item for item in expected_items() if item["url"] == URL)
LD_BLOCK = re.compile(r'<script type="application/ld\+json"[^>]*>.*?</script>', re.S)
HOSTILE_JSON_LD = {
    "type-is-an-object": '{"@type": {}}',
    "nested-100000-deep": "[" * 100_000 + "]" * 100_000,
    "graph-in-graph": '{"@graph": {"@graph": {"@graph": [{"@graph": []}]}}}',
    "types-of-every-kind": '{"@type": ["NewsArticle", {}, null, 5], "datePublished": 5, "headline": {"a": 1},'
    ' "author": [[], {"name": {}}], "image": {"@id": {}}, "articleSection": [{}], "keywords": {}}',
    "dates-out-of-range": '{"@type": "NewsArticle", "datePublished": "9999-12-31T23:59:59-12:00",'
    ' "dateModified": "0001-01-01T00:00:00+14:00"}',
    "a-number": "5",
    "null": "null",
    "not-json": "{'@type': 'NewsArticle'",
}
HOSTILE_PAGES = {
    "empty": "",
    "nul": "<html>\x00</html>",
    "lone-surrogate": "<html><body class='single'>\ud800</body></html>",
    "open-tags-100000-deep": "<div>" * 100_000,
    "angle-brackets": "<" * 100_000,
    "views-5000-digits": PAGE.replace("14.962 Dilihat", "9" * 5000 + " Dilihat"),
}


@pytest.mark.parametrize("block", HOSTILE_JSON_LD.values(), ids=HOSTILE_JSON_LD.keys())
def test_hostile_json_ld_beside_the_real_block_changes_nothing(block) -> None:
    html = PAGE.replace("</head>", f'<script type="application/ld+json">{block}</script></head>', 1)
    diff = field_diff(article_dict(html, URL), EXPECTED)
    assert not diff, "\n".join(diff)


@pytest.mark.parametrize("block", HOSTILE_JSON_LD.values(), ids=HOSTILE_JSON_LD.keys())
def test_hostile_json_ld_instead_of_the_real_block_leaves_the_other_layers(block) -> None:
    html = LD_BLOCK.sub(lambda _: f'<script type="application/ld+json">{block}</script>', PAGE, count=1)
    got = article_dict(html, URL)
    assert (got["url"], got["title"], got["published_at"], got["body"]) == (
        EXPECTED["url"],
        EXPECTED["title"],
        EXPECTED["published_at"],
        EXPECTED["body"],
    )


@pytest.mark.parametrize("html", HOSTILE_PAGES.values(), ids=HOSTILE_PAGES.keys())
def test_no_page_makes_a_parser_raise(html) -> None:
    article = article_dict(html, URL)
    assert set(article) == set(EXPECTED)
    parse_listing(html, URL)
    parser = ArticleParser(html, URL)
    assert isinstance(parser.continuation_urls(), list)
    assert isinstance(parser.is_article_page(), bool)


def test_a_page_cut_anywhere_parses_without_raising() -> None:
    for cut in range(0, len(PAGE), 1009):
        assert article_dict(PAGE[:cut], URL)["url"]
        parse_listing(PAGE[:cut], URL)


def test_maintenance_and_error_pages_are_not_articles_but_every_fixture_page_is() -> None:
    maintenance = "<html><head><title>Maintenance</title></head><body><h1>Back soon</h1><p>Sorry.</p></body></html>"
    assert not ArticleParser(maintenance, URL).is_article_page()
    assert all(ArticleParser(read_page(item["url"]), item["url"]).is_article_page() for item in expected_items())

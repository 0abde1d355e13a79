"""REST API post records → items: equal to the page's item but for views and modified_at, from JSON alone."""

from __future__ import annotations

import pytest
from site_fixtures import api_posts, expected_items, field_diff

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.pages.api import api_article_dict, read_posts
from kabarbaik_spider.pages.article import ArticleParser

POSTS = api_posts()
FROM_API = {item["url"]: item for item in expected_items("api")}
FROM_PAGES = {item["url"]: item for item in expected_items()}


@pytest.mark.parametrize("post", POSTS, ids=[post["slug"] for post in POSTS])
def test_a_post_record_gives_its_expected_item(post) -> None:
    got = api_article_dict(post)
    assert list(got) == list(ARTICLE_KEYS)
    diff = field_diff(got, FROM_API[post["link"]])
    assert not diff, "fields differ from expected/api.jsonl:\n" + "\n".join(diff)


def test_the_api_item_is_the_page_item_but_for_views_and_modified_at() -> None:
    for post in POSTS:
        got, page = api_article_dict(post), FROM_PAGES[post["link"]]
        assert {key for key in ARTICLE_KEYS if got[key] != page[key]} <= {"views", "modified_at"}
        assert got["views"] is None and got["modified_at"]


def test_a_split_article_is_one_item_with_every_page() -> None:
    [post] = [post for post in POSTS if "<!--nextpage-->" in post["content"]["rendered"]]
    assert api_article_dict(post)["body"] == FROM_PAGES[post["link"]]["body"]


HOSTILE_RECORDS = [
    {},
    None,
    5,
    [],
    {"id": "x", "link": 5, "title": [], "content": {"rendered": None}, "_embedded": []},
    {"_embedded": {"wp:term": [[None, {"taxonomy": "category", "name": {}}]], "author": [5], "wp:featuredmedia": [[]]}},
    {"date_gmt": "9999-12-31T23:59:59", "modified_gmt": 7, "yoast_head_json": [], "excerpt": "<p>x</p>"},
]


@pytest.mark.parametrize("record", HOSTILE_RECORDS)
def test_a_hostile_record_never_raises(record) -> None:
    assert set(api_article_dict(record)) == set(ARTICLE_KEYS)


def test_only_a_json_list_is_a_page_of_posts() -> None:
    assert read_posts(b"[]") == []
    assert read_posts(b"<html>Error</html>") is None
    assert read_posts(b'[{"id": 1}, {"id"') is None
    assert read_posts(b'{"code": "rest_post_invalid_page_number"}') is None


def test_a_block_editors_table_is_read_from_the_record_and_from_the_page_alike() -> None:
    """The block editor puts a table in a ``<figure>``, which holds photos elsewhere: its rows are the post's."""
    rows = "<thead><tr><th>Calon</th><th>Suara</th></tr></thead><tbody><tr><td>Budi</td><td>1.234</td></tr></tbody>"
    table = f'<figure class="wp-block-table"><table>{rows}</table><figcaption>Hasil hitung cepat</figcaption></figure>'
    post = dict(POSTS[0], content={"rendered": POSTS[0]["content"]["rendered"] + table})
    body = api_article_dict(post)["body"]
    assert body == FROM_PAGES[post["link"]]["body"] + "\n\nCalon Suara\n\nBudi 1.234"
    content = f'<div class="entry-content">{post["content"]["rendered"]}</div>'
    page = f'<html><body class="single postid-1"><article><h1>Judul</h1>{content}</article></body></html>'
    assert ArticleParser(page, post["link"]).field("body") == body
    promotion = table.replace('"wp-block-table"', '"wp-block-table baca-juga"')
    assert (
        api_article_dict(dict(post, content={"rendered": POSTS[0]["content"]["rendered"] + promotion}))["body"]
        == (FROM_PAGES[post["link"]]["body"])
    )  # a table's figure named as boilerplate is boilerplate

"""Structured data as other themes write it: microdata, nested JSON-LD, a Person in parts, foreign bylines."""

from __future__ import annotations

import pytest

from kabarbaik_spider.pages.article import article_dict

URL = "https://kabarbaik.co/contoh/"


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body class='single postid-7'><article>{body}</article></body></html>"


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


def test_microdata_gives_the_date_and_the_author() -> None:
    body = (
        '<time itemprop="datePublished" datetime="2025-01-05T15:23:59+01:00">5.1.2025</time>'
        '<span itemprop="author">Monika Bolliger</span><p>Text.</p>'
    )
    got = article_dict(page(body=body), URL)
    assert (got["published_at"], got["author"]) == ("2025-01-05T21:23:59+07:00", "Monika Bolliger")


def test_a_microdata_author_with_its_own_name_element() -> None:
    body = '<div itemprop="author" itemscope><a href="/a"><span itemprop="name">Anna Fink</span></a> · Wien</div>'
    assert article_dict(page(body=body), URL)["author"] == "Anna Fink"


def test_a_json_ld_person_in_parts_and_a_list_of_them() -> None:
    data = '{"@type": "NewsArticle", "author": [{"@type": "Person", "givenName": "Birgit", "familyName": "Baumann"}]}'
    assert article_dict(page(head=ld(data)), URL)["author"] == "Birgit Baumann"


def test_an_article_nested_as_a_web_pages_main_entity() -> None:
    data = (
        '{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", "headline": "Judul",'
        ' "datePublished": "2025-05-01T08:00:00+07:00"}}'
    )
    got = article_dict(page(head=ld(data)), URL)
    assert (got["title"], got["published_at"]) == ("Judul", "2025-05-01T08:00:00+07:00")


@pytest.mark.parametrize(
    "byline", ["By Jane Doe", "Von Jane Doe", "View all posts by Jane Doe", "oleh Jane Doe", "Pos-pos oleh Jane Doe"]
)
def test_byline_prefixes_in_other_languages_are_dropped(byline) -> None:
    body = f'<a rel="author" href="/author/jane/" title="{byline}">x</a><p>Text.</p>'
    assert article_dict(page(body=body), URL)["author"] == "Jane Doe"

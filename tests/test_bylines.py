"""A byline that credits several people gives its first name: ``author`` is one name, the first credited."""

from __future__ import annotations

import pytest

from kabarbaik_spider.pages.article import ArticleParser, first_credited


@pytest.mark.parametrize(
    ("byline", "first"),
    [
        ("Ana Lima and Budi Santoso", "Ana Lima"),
        ("Rina Wati dan Tono", "Rina Wati"),
        ("Greta Huber und Paul Maier, Wien", "Greta Huber"),
        ("Ana Lima, Budi Santoso, Citra and Dewi", "Ana Lima"),
        ("red/abc;xyz", "red/abc"),
        ("Ana & Bo", "Ana"),
        ("Siti Aminah, S.Pd.", "Siti Aminah, S.Pd."),  # a degree after the comma is part of the name
        ("AFP, MANILA", "AFP, MANILA"),  # an agency and its place
        ("Redaksi", "Redaksi"),
    ],
)
def test_the_first_name_of_a_byline(byline: str, first: str) -> None:
    assert first_credited(byline) == first


def test_a_byline_link_that_credits_two_gives_the_first() -> None:
    html = (
        "<html><body><article><h1>Judul</h1>"
        '<a rel="author" href="/author/ana/">Ana Lima and Budi Santoso</a><p>Isi.</p></article></body></html>'
    )
    parser = ArticleParser(html, "https://news.example/judul/")
    assert parser.field("author") == "Ana Lima"

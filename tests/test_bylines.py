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


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("View all articles written by Ana Lima", "Ana Lima"),
        ("Von: Greta Huber", "Greta Huber"),
        ("Ana Lima Ana Lima", "Ana Lima"),  # a theme's hidden and shown copies of the name, read as one text
        ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", "Martin Untersinger"),
        ("( Image: Getty Images/Cultura RF)", None),  # a picture's credit is no byline: the next source is read
        ("Foto: Budi Santoso", None),
        ("Ana Lima (Foto: Budi Santoso)", "Ana Lima"),  # the credit after a name is cut, the name kept
        ("Teks: Ana Lima | Foto: Budi Santoso", "Ana Lima"),
        ("(Antara)", "(Antara)"),  # an agency's tag in brackets is a byline
        ("Abdullah Abdullah", "Abdullah Abdullah"),  # one word twice is a name, not a copy
        ("Teks/Foto: Budi Santoso", "Budi Santoso"),  # who wrote and photographed
        ("Teks dan Foto: Ana Lima", "Ana Lima"),
        ("Text Neck Ana", "Text Neck Ana"),  # a label has its colon
        ("Ana Lima | Image credit: Budi", "Ana Lima"),
    ],
)
def test_a_byline_is_a_name_not_its_label_its_copy_or_a_pictures_credit(byline: str, author: str | None) -> None:
    html = (
        "<html><body><article><h1>Judul</h1>"
        f'<a rel="author" href="/author/ana/">{byline}</a><p>Isi.</p></article></body></html>'
    )
    assert ArticleParser(html, "https://news.example/judul/").field("author") == author

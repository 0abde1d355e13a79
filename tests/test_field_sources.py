"""Each field reads named sources in order, and the parser says which one gave its value."""

from __future__ import annotations

import re
from typing import ClassVar

from site_fixtures import PROJECT_ROOT, api_posts, model_fixtures, read_page

from kabarbaik_spider.pages.api import api_article
from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.markup import composed as composed_text
from kabarbaik_spider.pages.sources import JSONLD, META, THEME, Source, Sources

PEMKAB = "https://kabarbaik.co/ini-cara-pemkab-bojonegoro-untuk-tingkatkan-kinerja-pelayanan-publik/"
DOCUMENTED_SOURCES = re.compile(r"^\| `(?P<key>\w+)` \| (?P<sources>`\w+`(?: → `\w+`)*) \|$", re.MULTILINE)


def test_the_docs_list_each_fields_sources_in_the_order_the_parser_tries_them() -> None:
    table = (PROJECT_ROOT / "docs" / "site.md").read_text(encoding="utf-8")
    documented = {m["key"]: tuple(re.findall(r"`(\w+)`", m["sources"])) for m in DOCUMENTED_SOURCES.finditer(table)}
    assert documented == ArticleParser.source_names()


def test_on_the_model_site_every_key_comes_from_the_source_expected_of_it() -> None:
    parser = ArticleParser(read_page(PEMKAB), PEMKAB)
    parser.article()
    assert parser.sources == {
        "url": "meta", "post_id": "structure", "title": "jsonld", "published_at": "jsonld",
        "modified_at": "jsonld", "author": "words", "editor": "words", "category": "jsonld", "tags": "theme",
        "views": "theme", "image_url": "theme", "image_caption": "theme", "summary": "meta", "body": "theme",
    }  # fmt: skip
    assert parser.fallbacks == set()


def test_without_the_json_ld_each_key_moves_to_its_next_source_and_says_so() -> None:
    html = re.sub(r'<script type="application/ld\+json".*?</script>', "", read_page(PEMKAB), flags=re.S)
    parser = ArticleParser(html, PEMKAB)
    item = parser.article()
    assert (parser.sources["title"], parser.sources["published_at"]) == (META, META)
    assert item.title == "Ini Cara Pemkab Bojonegoro untuk Tingkatkan Kinerja Pelayanan Publik"


def test_without_the_themes_classes_the_body_comes_from_the_main_text_and_counts_as_a_fallback() -> None:
    html = read_page(PEMKAB).replace("entry-content", "td-post-content")
    parser = ArticleParser(html, PEMKAB)
    expected = ArticleParser(read_page(PEMKAB), PEMKAB).article().body
    assert parser.article().body == expected
    assert parser.sources["body"] == "structure" and "body" in parser.fallbacks


def test_every_fixture_reports_a_source_for_every_key_it_has() -> None:
    for fixture in model_fixtures():
        item, parser = fixture.parse()
        filled = {key for key, value in item.items() if value not in (None, "", [])}
        assert set(parser.sources) == filled, fixture.name
        for key, source in parser.sources.items():
            assert source in parser.orders[key], (fixture.name, key)


class BrokenFirstSource(ArticleParser):
    """A parser whose title's best source fails on every page."""

    field_methods: ClassVar[dict[str, str]] = {**ArticleParser.field_methods, "title": "broken_title"}

    def broken_title(self) -> Sources:
        return (Source(JSONLD, lambda: 1 / 0), *ArticleParser.title(self)[1:])


def test_a_source_that_fails_costs_that_source_only() -> None:
    parser = BrokenFirstSource(read_page(PEMKAB), PEMKAB)
    assert parser.field("title") == "Ini Cara Pemkab Bojonegoro untuk Tingkatkan Kinerja Pelayanan Publik"
    assert parser.sources["title"] == META
    assert parser.errors == {"title": "jsonld: ZeroDivisionError: division by zero"}


def test_a_key_no_source_gives_has_no_source_and_is_tried_in_order() -> None:
    parser = ArticleParser("<html><body><p>Nothing here.</p></body></html>", "https://kabarbaik.co/x/")
    assert parser.field("views") is None
    assert "views" not in parser.sources
    assert parser.orders["views"] == (THEME, "words")


def test_every_channel_gives_text_in_composed_unicode() -> None:
    """An ``é`` written as ``e`` and a combining accent is one letter to a reader and two to a search: the page and
    the REST API's record give it as one code point (NFC), in the title and the body alike; a URL stays as written."""
    decomposed, composed = "Pe\u0301sta Kebudayaan", "P\u00e9sta Kebudayaan"
    html = read_page(PEMKAB).replace("Ini Cara Pemkab Bojonegoro", decomposed)
    assert decomposed in html and composed not in html
    item = ArticleParser(html, PEMKAB).article()
    assert item.title is not None and item.title.startswith(composed)
    content = f"<p>{decomposed} dibuka.</p>"
    post = {**api_posts()[0], "title": {"rendered": decomposed}, "content": {"rendered": content}}
    record = api_article(post)
    assert (record.title, record.body) == (composed, f"{composed} dibuka.")
    url = "https://kabarbaik.co/pe\u0301sta-kebudayaan/"  # a URL's characters are its identity: left as written
    assert ArticleParser(html.replace(PEMKAB, url), url).article().url == url
    assert composed_text(["Caf\u00e9", "Cafe\u0301", "Kopi"]) == ["Caf\u00e9", "Kopi"]  # two spellings of one tag, once

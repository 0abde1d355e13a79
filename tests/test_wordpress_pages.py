"""Pages a real WordPress served (fixtures/wordpress/<theme>/), and the parser's ``wordpress`` source on them.

The folders are made by ``python tests/real_wordpress.py`` from Debian's WordPress 6.1 with Twenty
Twenty-One (classic) and Twenty Twenty-Three (a block theme); each ``output.json`` is what the test
inserted, as the page shows it. They are a separate folder from fixtures/pages, which the model site
serves, so that the model's counts stay the model's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_fixtures import FIXTURES

from kabarbaik_spider.fixtures import Fixture, all_fixtures
from kabarbaik_spider.pages.article import ArticleParser, post_classes
from kabarbaik_spider.pages.sources import WORDPRESS, page_selector

WORDPRESS_PAGES = FIXTURES / "wordpress"
SAVED = [fixture for theme in sorted(WORDPRESS_PAGES.glob("*/")) for fixture in all_fixtures(theme)]


def saved(theme: str, slug: str) -> Fixture:
    return Fixture(WORDPRESS_PAGES / theme / slug)


def parse(html: str, url: str) -> ArticleParser:
    parser = ArticleParser(html, url)
    parser.article()
    return parser


def test_both_themes_are_saved() -> None:
    assert {fixture.folder.parent.name for fixture in SAVED} == {"twentytwentyone", "twentytwentythree"}
    assert len(SAVED) == 5


@pytest.mark.parametrize("fixture", SAVED, ids=[f"{f.folder.parent.name}/{f.name}" for f in SAVED])
def test_the_parser_reads_each_saved_wordpress_page_as_it_was_inserted(fixture: Fixture) -> None:
    differences = fixture.differences()
    assert not differences, "\n".join(
        f"  {key}\n    inserted {expected!r}\n    parsed   {now!r}  ({source})"
        for key, expected, now, source in differences
    )


def test_on_twenty_twenty_one_tags_and_category_come_from_core_links_not_the_category_as_a_tag() -> None:
    fixture = saved("twentytwentyone", "jalan-desa-madiun-1")
    (html, url), *_ = fixture.pages()
    parser = parse(html, url)
    assert (parser.sources["tags"], parser.sources["category"]) == (WORDPRESS, WORDPRESS)
    assert parser.field("category") not in parser.field("tags")
    # A post without tags has none, not its category: the_category()'s rel="category tag" is no tag.
    untagged = re.sub(r'<span class="tags-links">.*?</span>', "", html, flags=re.S)
    untagged = re.sub(r"\btag-[\w-]+", "", untagged)
    assert parse(untagged, url).field("tags") == []


def test_post_class_tag_classes_name_the_tags_when_no_tag_link_is_printed() -> None:
    (html, url), *_ = saved("twentytwentyone", "jalan-desa-madiun-1").pages()
    without_links = re.sub(r'<span class="tags-links">.*?</span>', "", html, flags=re.S)
    parser = parse(without_links, url)
    assert parser.field("tags") == ["Jalan Desa", "Jawa Timur 1", "Madiun"]  # from tag-jalan-desa … by slug
    assert parser.sources["tags"] == WORDPRESS


@pytest.mark.parametrize(
    ("html", "classes"),
    [
        ('<div class="x">a</div><div class="post\thentry\ntag-a">b</div>', "post\thentry\ntag-a"),  # XPath's spaces
        ('<div class="hentry-card">a</div><div class="post type-post">b</div>', "post type-post"),  # whole tokens
        ('<article>a</article><article class="post tag-b">b</article>', "post tag-b"),  # an <article> with classes
        ('<article class="card">a</article><div class="hentry">b</div>', "card"),  # the first in the page's order
        ("<div>no post here</div>", ""),
    ],
)
def test_post_classes_are_the_first_marked_element_s(html: str, classes: str) -> None:
    """post_class()'s element by its ``hentry`` or ``type-post`` token, else an ``<article>`` that has classes:
    the first in the page's order, as the XPath ``(//*[…]/@class | //article/@class)[1]`` says."""
    assert post_classes(page_selector(f"<html><body>{html}</body></html>").root) == classes


def test_on_twenty_twenty_three_the_post_blocks_give_category_tags_and_the_uncredited_author() -> None:
    (html, url), *_ = saved("twentytwentythree", "sepak-bola-lamongan-5").pages()
    parser = parse(html, url)
    assert '<h1 class="entry-title"' not in html and "<article" not in html  # no classic markup to read
    assert {key: parser.sources[key] for key in ("category", "tags", "author")} == dict.fromkeys(
        ("category", "tags", "author"), WORDPRESS
    )
    assert parser.field("author") == "Redaksi KabarBaik"  # the post-author block: this post credits no one


def test_a_query_loop_of_other_posts_is_not_the_post() -> None:
    """Related posts in a block theme repeat the post blocks; only the post's own are read."""
    (html, url), *_ = saved("twentytwentythree", "jalan-desa-madiun-1").pages()
    loop = (
        '<div class="wp-block-query"><ul class="wp-block-post-template"><li>'
        '<h2 class="wp-block-post-title">Berita Lain</h2>'
        '<div class="taxonomy-category wp-block-post-terms"><a href="/category/lain/" rel="tag">Lain</a></div>'
        '<div class="taxonomy-post_tag wp-block-post-terms"><a href="/tag/lain/" rel="tag">Lain</a></div>'
        "</li></ul></div>"
    )
    parser = parse(html.replace("<main ", loop + "<main ", 1), url)
    expected = saved("twentytwentythree", "jalan-desa-madiun-1").expected()
    assert (parser.field("category"), parser.field("tags")) == (expected["category"], expected["tags"])


def test_the_saved_pages_are_wordpress_s_not_the_model_sites() -> None:
    for fixture in SAVED:
        assert "Debian's WordPress 6.1" in fixture.meta["source"]
        assert Path(fixture.folder).parent.parent == WORDPRESS_PAGES


def test_a_modified_time_is_read_from_core_markup_but_twenty_twenty_ones_published_updated_is_not_one() -> None:
    url = "https://example.org/berita/"
    classic = '<article class="post-7 post hentry"><h1>Judul</h1><time class="entry-date published" datetime="{0}">'
    classic += '</time><time class="updated" datetime="{1}"></time><p>Isi berita yang panjang.</p></article>'
    parser = parse(classic.format("2025-05-01T09:15:00+07:00", "2025-05-02T10:00:00+07:00"), url)
    assert (parser.field("published_at"), parser.field("modified_at")) == (
        "2025-05-01T09:15:00+07:00", "2025-05-02T10:00:00+07:00"
    )  # fmt: skip
    assert parser.sources["modified_at"] == WORDPRESS
    (html, page_url), *_ = saved("twentytwentyone", "jalan-desa-madiun-1").pages()
    assert 'class="entry-date published updated"' in html and parse(html, page_url).field("modified_at") is None
    block = (
        '<main><h1 class="wp-block-post-title">Judul</h1>'
        '<div class="wp-block-post-date"><time datetime="2025-05-01T09:15:00+07:00">1 Mei</time></div>'
        '<div class="wp-block-post-date wp-block-post-date__modified-date">'
        '<time datetime="2025-05-03T08:00:00+07:00">3 Mei</time></div></main>'
    )
    parser = parse(block, url)
    assert (parser.field("published_at"), parser.field("modified_at")) == (
        "2025-05-01T09:15:00+07:00", "2025-05-03T08:00:00+07:00"
    )  # fmt: skip


def test_a_classic_themes_thumbnail_outside_a_figure_gives_its_url_and_its_wp_caption_text() -> None:
    html = (
        '<article class="post-7 post hentry"><h1>Judul</h1><div class="wp-caption thumb-box">'
        '<img class="attachment-large size-large wp-post-image" src="/wp-content/uploads/foto.jpg" />'
        '<p class="wp-caption-text">Foto: Redaksi</p></div><p>Isi berita yang panjang.</p></article>'
    )
    parser = parse(html, "https://example.org/berita/")
    assert (parser.field("image_url"), parser.field("image_caption")) == (
        "https://example.org/wp-content/uploads/foto.jpg", "Foto: Redaksi"
    )  # fmt: skip
    assert parser.sources["image_url"] == parser.sources["image_caption"] == WORDPRESS

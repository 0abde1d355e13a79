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


def test_references_a_publisher_escaped_twice_are_read_as_characters() -> None:
    """JSON-LD is never decoded by the HTML parser, and a ``<meta>``'s content once only: a reference left in
    either is an escape the publisher meant to undo (``O&#039;Donnell``, ``Politics &amp; Government``). The
    text a page shows its readers keeps what they see, and ``AT&T``, no reference, stays."""
    data = (
        '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Lindsey O&#039;Donnell"},'
        ' "articleSection": "Politics &amp; Government", "keywords": ["AT&T", "Privacy &amp; Technology"]}'
    )
    head = ld(data) + '<meta property="og:description" content="It&amp;apos;s a F&amp;uuml;r test" />'
    got = article_dict(page(head=head, body="<h1>Write &amp;amp; for an ampersand</h1><p>Text.</p>"), URL)
    assert (got["author"], got["category"], got["tags"], got["summary"]) == (
        "Lindsey O'Donnell", "Politics & Government", ["AT&T", "Privacy & Technology"], "It's a Für test"
    )  # fmt: skip
    assert got["title"] == "Write &amp; for an ampersand"


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


@pytest.mark.parametrize(
    "byline",
    ["Zeige alle Beiträge von Jane Doe", "Alle Beiträge von Jane Doe anzeigen", "Beiträge von Jane Doe",
     "Lihat semua pos oleh Jane Doe", "Voir tous les articles de Jane Doe", "Analysis by Jane Doe"],
)  # fmt: skip
def test_wordpress_view_all_posts_by_as_its_translations_say_it_is_dropped(byline) -> None:
    """WordPress's "View all posts by %s" is the author link's title in the site's language."""
    body = f'<a rel="author" href="/author/jane/" title="{byline}">x</a><p>Text.</p>'
    assert article_dict(page(body=body), URL)["author"] == "Jane Doe"


@pytest.mark.parametrize("name", ["By Jane Doe", "Von Jane Doe"])
def test_a_json_ld_or_meta_byline_loses_its_label_too(name) -> None:
    data = f'{{"@type": "NewsArticle", "author": {{"@type": "Person", "name": "{name}"}}}}'
    assert article_dict(page(head=ld(data)), URL)["author"] == "Jane Doe"
    assert article_dict(page(head=f'<meta name="author" content="{name}" />'), URL)["author"] == "Jane Doe"


def test_json_ld_wrapped_in_cdata_is_read() -> None:
    data = '//<![CDATA[\n{"@type": "NewsArticle", "datePublished": "2024-08-22T12:00:00+02:00"}\n//]]>'
    assert article_dict(page(head=ld(data)), URL)["published_at"] == "2024-08-22T17:00:00+07:00"


def test_a_live_blog_gives_its_dates_but_not_its_search_headline() -> None:
    data = '{"@type": "LiveBlogPosting", "headline": "LIVE: semua kabar", "datePublished": "2024-08-04T13:23:00Z"}'
    head = ld(data) + '<meta property="og:title" content="Kabar terkini dari lokasi" />'
    got = article_dict(page(head=head), URL)
    assert (got["published_at"], got["title"]) == ("2024-08-04T20:23:00+07:00", "Kabar terkini dari lokasi")


def test_a_fact_check_gives_its_date_and_an_updated_time_its_offset() -> None:
    data = (
        '{"@type": "ClaimReview", "name": "Angst vor dem Virus", "datePublished": "2026-05-13 15:44",'
        ' "itemReviewed": {"@type": "Claim", "datePublished": "2026-05-07"}}'
    )
    head = ld(data) + '<meta property="og:updated_time" content="2026-05-13T15:50:00+02:00" />'
    assert article_dict(page(head=head), URL)["published_at"] == "2026-05-13T20:44:00+07:00"


@pytest.mark.parametrize("name", ["publishdate", "pubdate", "parsely-pub-date", "sailthru.date", "DC.date.issued"])
def test_publication_metas_of_other_cms(name) -> None:
    head = f'<meta name="{name}" content="2024-04-24T23:52:00+08:00" />'
    assert article_dict(page(head=head), URL)["published_at"] == "2024-04-24T22:52:00+07:00"


def test_open_graphs_publication_time_comes_before_other_metas() -> None:
    head = '<meta name="date" content="2024-04-01" />'
    head += '<meta property="article:published_time" content="2024-04-27T07:39+0200" />'
    assert article_dict(page(head=head), URL)["published_at"] == "2024-04-27T12:39:00+07:00"


def test_times_without_an_offset_are_the_pages_own_and_a_date_alone_keeps_its_day() -> None:
    head = '<meta property="article:modified_time" content="2024-08-23T09:00:00+02:00" />'
    naive = article_dict(page(head=head, body='<time datetime="2024-08-22T12:00:00">22.8.</time>'), URL)
    assert naive["published_at"] == "2024-08-22T17:00:00+07:00"  # 12:00 at +02:00, the page's offset
    day = article_dict(page(head=head, body='<time datetime="2024-08-22">22.8.</time>'), URL)
    assert day["published_at"].startswith("2024-08-22T")
    # A page that states no offset anywhere is on the site's own time, WIB.
    assert article_dict(page(body='<time datetime="2024-08-22T12:00">x</time>'), URL)["published_at"] == (
        "2024-08-22T12:00:00+07:00"
    )


@pytest.mark.parametrize(
    ("headline", "og_site_name"),
    [("Harga cabai turun - KabarBaik.co", "KabarBaik.co"), ("Golem.de | Harga cabai turun", ""),
     ("Harga cabai turun | kabarbaik.co", "")],
)  # fmt: skip
def test_a_title_loses_the_sites_name(headline, og_site_name) -> None:
    head = ld(f'{{"@type": "NewsArticle", "headline": "{headline}", "publisher": {{"name": "Golem.de"}}}}')
    head += f'<meta property="og:site_name" content="{og_site_name}" />' if og_site_name else ""
    assert article_dict(page(head=head), URL)["title"] == "Harga cabai turun"


def test_the_first_byline_link_of_the_article_names_its_author() -> None:
    teaser = '<div><a rel="author" href="/a/9/">Someone Else</a></div>'
    body = (
        '<a rel="author" href="/a/1/">Amy Gibbons</a> <a rel="author" href="/a/1/" title="By Amy Gibbons">x</a>'
        ' <a rel="author" href="/a/2/">Jan Novak</a><p>Text.</p>'
    )
    html = page(body=body).replace("</article>", "</article>" + teaser)
    assert article_dict(html, URL)["author"] == "Amy Gibbons"  # once, not "Amy Gibbons Amy Gibbons Jan Novak"


def test_bylines_from_yoasts_labels_from_author_pages_and_never_a_number() -> None:
    yoast = '<meta name="twitter:label1" content="Ditulis oleh" /><meta name="twitter:data1" content="Gregor Meier" />'
    assert article_dict(page(head=yoast), URL)["author"] == "Gregor Meier"
    link = '<div class="meta"><a href="https://news.example/author/john-nichols/">John Nichols</a></div>'
    assert article_dict(page(body=link), URL)["author"] == "John Nichols"
    assert article_dict(page(head='<meta name="author" content="105092" />'), URL)["author"] is None


def test_tags_from_article_tag_metas() -> None:
    head = '<meta property="article:tag" content="Venezuela" /><meta property="article:tag" content="Donald Trump" />'
    head += '<meta name="keywords" content="berita, terkini" />'
    assert article_dict(page(head=head), URL)["tags"] == ["Venezuela", "Donald Trump"]


PLACEHOLDER = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E"


@pytest.mark.parametrize(
    ("img", "expected"),
    [
        (f'<img src="{PLACEHOLDER}" data-lazy-src="/up/a.jpg" data-lazy-srcset="/up/a-300.jpg 300w">', "https://kabarbaik.co/up/a.jpg"),
        ('<img src="/theme/lazyload-placeholder.png" data-src="/up/b.jpg">', "https://kabarbaik.co/up/b.jpg"),
        (f'<img src="{PLACEHOLDER}" data-zeen-src="/up/c.jpg">', "https://kabarbaik.co/up/c.jpg"),
        (f'<img src="{PLACEHOLDER}" data-srcset="/up/d-300.jpg 300w, /up/d-1024.jpg 1024w">', "https://kabarbaik.co/up/d-1024.jpg"),
        ('<img src="/up/e-750.jpg" data-fullscreen-src="/up/e-1600.jpg">', "https://kabarbaik.co/up/e-750.jpg"),
        (f'<img src="{PLACEHOLDER}">', "https://kabarbaik.co/og.jpg"),
    ],
)  # fmt: skip
def test_a_lazy_loaders_image_is_the_image_and_its_placeholder_is_none(img: str, expected: str) -> None:
    """Lazy loaders keep the address in their own attribute (WP Rocket's ``data-lazy-src``, ``data-src``, a
    theme's ``data-zeen-src``, a ``srcset``) and put a ``data:`` URI in ``src``: no image's address, so where
    nothing else names the image the next source (``og:image``) is read. Another ``data-*-src`` beside a real
    ``src`` is a larger copy's or a viewer's, and ``src`` stays."""
    head = '<meta property="og:image" content="https://kabarbaik.co/og.jpg" />'
    got = article_dict(page(head=head, body=f"<figure>{img}<figcaption>Foto</figcaption></figure><p>Teks.</p>"), URL)
    assert got["image_url"] == expected

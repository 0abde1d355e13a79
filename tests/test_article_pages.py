"""Every article page of the bundled site parses to exactly its expected item."""

from __future__ import annotations

import re
import subprocess
import sys

from site_fixtures import SITE, expected_items, field_diff, read_page

from kabarbaik_spider.pages.article import article_dict, continuation_urls, parse_article
from kabarbaik_spider.pages.markup import collapsed

EXPECTED_ITEMS = expected_items()
CABAI = "https://kabarbaik.co/harga-cabai-rawit-di-pasar-kota-bojonegoro-turun-jelang-panen-raya/"
PEMKAB = "https://kabarbaik.co/ini-cara-pemkab-bojonegoro-untuk-tingkatkan-kinerja-pelayanan-publik/"
BATIK = "https://kabarbaik.co/menengok-geliat-umkm-batik-jonegoroan-di-era-belanja-daring/"


def parse_fixture(url: str, html: str | None = None) -> dict:
    """Parse a fixture article with its continuation pages, as the spider does."""
    html = read_page(url) if html is None else html
    more = [(read_page(page), page) for page in continuation_urls(html, url)]
    return article_dict(html, url, more)


def test_every_article_of_the_site_has_an_expected_item() -> None:
    pages = {p.parent.name for p in SITE.glob("*/index.html")} - {"feed"}  # the RSS feed is stored as feed/index.html
    assert {item["url"].split("/")[-2] for item in EXPECTED_ITEMS} == pages
    assert len(EXPECTED_ITEMS) == 26


def test_parser_needs_no_scrapy() -> None:
    code = (
        "import sys; from kabarbaik_spider.pages.article import parse_article; "
        "from kabarbaik_spider.pages.listing import parse_listing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'scrapy', 'twisted'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_split_article_is_one_item_with_the_whole_body() -> None:
    html = read_page(BATIK)
    assert continuation_urls(html, BATIK) == [BATIK + "2/"]
    item = parse_fixture(BATIK)
    assert item["url"] == BATIK
    assert item["body"].startswith("KabarBaik.co – Di sebuah rumah produksi")
    assert item["body"].endswith("sekaligus menjaga kualitas. (*)")
    assert item["author"] == "Shohibul Umam"  # the credit box is on page 2 only
    assert "Halaman" not in item["body"]


def test_body_leaves_out_ads_related_links_promotions_and_credits() -> None:
    body = parse_article(read_page(CABAI), CABAI).body
    for noise in ("Baca Juga", "Google News", "WhatsApp Channel", "Penulis", "Editor", "adsbygoogle"):
        assert noise not in body
    assert body.count("\n\n") == 3  # four paragraphs of text


def test_credit_line_beats_the_byline_account() -> None:
    item = parse_article(read_page(PEMKAB), PEMKAB)
    assert (item.author, item.editor) == ("Shohibul Umam", "Hairul Faisal")


def without(html: str, *patterns: str) -> str:
    for pattern in patterns:
        html, count = re.subn(pattern, "", html, flags=re.S)
        assert count, f"pattern not found: {pattern}"
    return html


JSON_LD = r'<script type="application/ld\+json".*?</script>'
ARTICLE_METAS = r'<meta property="article:[a-z_]+" content="[^"]*" />'


def test_without_json_ld_the_metas_and_markup_carry_every_field() -> None:
    expected = next(item for item in EXPECTED_ITEMS if item["url"] == PEMKAB)
    got = parse_fixture(PEMKAB, without(read_page(PEMKAB), JSON_LD))
    diff = field_diff(got, expected)
    assert not diff, "\n".join(diff)


def test_metas_after_an_element_that_ends_the_head_are_still_the_heads() -> None:
    """A tag manager's ``<iframe>`` (or a pixel's ``<img>``, a widget's ``<div>``) in the ``<head>`` ends it, in
    libxml2 as in a browser: the ``<meta>``s, ``<link>``s and ``<title>`` after it stand at the top of the
    ``<body>``. They are still the page's own: without JSON-LD, the metas carry the dates and the summary."""
    expected = next(item for item in EXPECTED_ITEMS if item["url"] == PEMKAB)
    tag_manager = '<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-X" height="0" width="0"></iframe>'
    html = without(read_page(PEMKAB), JSON_LD).replace("<head>", f"<head>{tag_manager}", 1)
    assert tag_manager in html
    diff = field_diff(parse_fixture(PEMKAB, html), expected)
    assert not diff, "\n".join(diff)


def test_without_json_ld_and_metas_dates_come_from_the_visible_date() -> None:
    url = "https://kabarbaik.co/sd-negeri-di-tuban-terapkan-kelas-literasi-digital/"
    html = without(read_page(CABAI), JSON_LD, ARTICLE_METAS)
    assert parse_article(html, CABAI).published_at == "2025-05-14T08:41:10+07:00"  # <time datetime>
    assert parse_article(read_page(url), url).published_at == "2025-05-12T19:02:00+07:00"  # words only


def test_malformed_json_ld_costs_that_layer_only() -> None:
    html = read_page(PEMKAB).replace('"headline":', '"headline" ', 1)
    item = parse_article(html, PEMKAB)
    assert item.title == "Ini Cara Pemkab Bojonegoro untuk Tingkatkan Kinerja Pelayanan Publik"
    assert item.modified_at == "2025-05-15T14:20:02+07:00"  # from article:modified_time now


def test_missing_optional_elements_leave_the_rest() -> None:
    figure, views = r'<figure class="post-thumbnail.*?</figure>', r'<span class="meta-views">.*?</span>'
    html = without(read_page(PEMKAB), figure, views)
    item = parse_article(html, PEMKAB)
    assert item.views is None
    assert item.image_url.endswith("WhatsApp-Image-2025-05-15-at-11.56.03.jpeg")  # og:image
    assert item.image_caption.endswith("(Foto: Shohibul Umam)")  # JSON-LD ImageObject caption
    assert item.title and item.body


def test_without_credit_lines_the_author_is_the_byline_account() -> None:
    html = without(read_page(PEMKAB), r"<p><strong>Penulis</strong>.*?</p>")
    item = parse_article(html, PEMKAB)
    assert (item.author, item.editor) == ("Redaksi", None)


def test_credit_lines_written_with_character_references_are_read_as_a_reader_sees_them() -> None:
    """``&#80;enulis`` shows as Penulis: the credit lines are found in the parsed text, not in the raw HTML."""
    html = read_page(PEMKAB).replace("<strong>Penulis</strong>", "<strong>&#80;enulis</strong>")
    html = html.replace("<strong>Editor</strong>", "<strong>Edi&#x74;or</strong>")
    assert "Penulis" not in html and "Editor" not in html
    item = parse_article(html, PEMKAB)
    assert (item.author, item.editor) == ("Shohibul Umam", "Hairul Faisal")


def test_characters_a_reader_never_sees_are_left_out_of_every_text() -> None:
    """A soft hyphen (where a word may break), a zero-width space, a word joiner, a byte-order mark or a control
    character changes nothing a reader sees; in the store they would only break a search for the word. Written
    as characters or as references, in the markup and in JSON-LD, the item is the page's expected one."""
    expected = next(item for item in EXPECTED_ITEMS if item["url"] == PEMKAB)
    html = read_page(PEMKAB).replace("Bojonegoro", "Bo\u00adjo\u200bne\u2060go\ufeffro\x07")
    html = html.replace("Tingkatkan", "Ting&shy;kat&#173;kan")  # JSON-LD's headline holds references too
    head, body = html.split("<body", 1)
    body = body.replace("Pelayanan", "Pe&shy;la&#173;ya&#x200B;nan")
    html = f"{head}<body{body}"
    assert "Bojonegoro" not in html and "Pelayanan" not in body and '"headline": "Ini Cara Pemkab Bo\u00ad' in html
    diff = field_diff(parse_fixture(PEMKAB, html), expected)
    assert not diff, "\n".join(diff)


def test_joiners_and_direction_marks_stay_in_a_text() -> None:
    """The zero-width non-joiner and joiner change how Persian or Indic words are shown, the Mongolian vowel
    separator how the letter before it is shaped, and direction marks how mixed-direction text runs: they are
    the text, not noise."""
    words = "می\u200cخواهم \u0915\u094d\u200d\u0937 \u1822\u180e\u1820 \u200fUSA\u200e \u2067abc\u2069"
    assert collapsed(f" {words}\u00ad ") == words


def test_windows_1252_punctuation_read_as_latin_1_is_shown_as_that_code_page_shows_it() -> None:
    """A text's U+0080 to U+009F are control characters no page means: Windows-1252's dashes and quotes that
    were read as Latin-1. They are shown as Windows-1252 shows them, as HTML5 reads ``&#150;``; its unassigned
    five show nothing and are left out. (U+0085 is a line break to Python, as to Unicode: a space.)"""
    assert collapsed("2010\x962011: don\x92t say \x93no\x94 \x81") == "2010\u20132011: don\u2019t say \u201cno\u201d"


def test_a_page_that_is_not_an_article_yields_empty_required_fields() -> None:
    item = parse_article((SITE / "404.html").read_text(encoding="utf-8"), "https://kabarbaik.co/nope/")
    assert item.post_id is None and item.published_at is None

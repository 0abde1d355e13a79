"""The main-text finder on pages of themes it has never seen: the article's text as a whole, nothing around it."""

from __future__ import annotations

import json

from lxml import html as lxml_html

from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.main_text import text_blocks
from kabarbaik_spider.pages.markup import visible_text
from kabarbaik_spider.pages.second_opinion import SHORT_TEXT, shown_width
from kabarbaik_spider.pages.sources import page_selector

URL = "https://news.example/2025/05/berita/"
LONG = (
    "Pemerintah kabupaten mengumumkan program baru untuk memperbaiki jalan desa, dan warga menyambutnya dengan "
    "antusias karena jalan rusak sudah bertahun-tahun menghambat pengangkutan hasil panen ke pasar kota."
)


def paragraphs(count: int, word: str = "Paragraf") -> list[str]:
    return [f"{word} {n}. {LONG}" for n in range(1, count + 1)]


def body_of(html: str) -> str | None:
    parser = ArticleParser(html, URL)
    body = parser.field("body")
    assert body is None or parser.sources["body"] == "structure"
    return body


def page(body: str) -> str:
    return (
        "<html><head><title>Berita</title></head><body>"
        '<header><nav><a href="/">Beranda</a> <a href="/politik/">Politik</a></nav></header>'
        f"{body}"
        "<footer><p>Hak cipta dilindungi undang-undang, semua isi situs ini milik redaksi.</p></footer>"
        "</body></html>"
    )


def teaser(n: int) -> str:
    return f'<article class="card"><h2><a href="/t{n}/">Teaser {n}</a></h2><p>Ringkasan {n} singkat.</p></article>'


def test_the_articles_paragraphs_are_found_when_the_first_article_is_a_teaser() -> None:
    text = paragraphs(4)
    html = page(
        teaser(1) + teaser(2) + "<main><article><h1>Judul berita</h1>"
        + "".join(f"<p>{p}</p>" for p in text) + "</article></main>" + teaser(3)
    )  # fmt: skip
    assert body_of(html) == "\n\n".join(text)


def test_paragraphs_that_are_the_articles_own_children_count() -> None:
    text = paragraphs(3)
    html = page("<article><h1>Judul</h1>" + "".join(f"<p>{p}</p>" for p in text) + "</article>")
    assert body_of(html) == "\n\n".join(text)


def test_a_body_split_into_chunks_by_ads_is_read_whole() -> None:
    text = paragraphs(6)
    chunks = [text[0:2], text[2:4], text[4:6]]
    html = page(
        '<article><h1>Judul</h1><div class="grid">'
        + '<div class="ad-slot"><ins class="adsbygoogle"></ins></div>'.join(
            '<div class="grid__item"><div class="body__inner">' + "".join(f"<p>{p}</p>" for p in chunk) + "</div></div>"
            for chunk in chunks
        )
        + "</div></article>"
    )
    assert body_of(html) == "\n\n".join(text)


def test_text_written_in_divs_and_between_line_breaks_is_read() -> None:
    text = paragraphs(3)
    html = page(
        '<div class="story"><h1>Judul</h1>'
        f'<div class="lead">{text[0]}</div><div class="text">{text[1]}<br><br><b>Penting:</b> {text[2]}</div></div>'
    )
    assert body_of(html) == "\n\n".join([text[0], f"{text[1]} Penting: {text[2]}"])


def test_boilerplate_inside_the_article_is_left_out_by_its_class_names() -> None:
    text = paragraphs(4)
    html = page(
        '<article><div class="sidebar-grid"><header class="sidebar-grid__header"><h1>Judul</h1></header>'
        '<div class="sidebar-grid__content">'
        + "".join(f"<p>{p}</p>" for p in text[:2])
        + f'<div class="related-posts"><p>Baca berita terkait yang lain: {LONG}</p></div>'
        + f'<div class="newsletter-signup"><p>Berlangganan kabar harian kami: {LONG}</p></div>'
        + f'<blockquote class="twitter-tweet"><p>Cuitan yang disematkan {LONG}</p></blockquote>'
        + "".join(f"<p>{p}</p>" for p in text[2:])
        + "</div></div></article>"
        + f'<div id="onetrust-consent-sdk"><p>Kami memakai cookie. {LONG}</p><p>Setuju? {LONG}</p></div>'
    )
    assert body_of(html) == "\n\n".join(text)


def test_a_box_named_after_the_article_and_then_boilerplate_is_boilerplate() -> None:
    """``post-content`` and ``article-body`` name the article, but ``content-related-stories``, ``post-share`` and
    ``entry-author-box`` name boxes in it: what follows the article's word says what the box is."""
    text = paragraphs(3)
    boxes = "".join(
        f'<div class="{name}"><p>Kotak lain {n}: {LONG}</p></div>'
        for n, name in enumerate(("content-related-stories", "post-share", "entry-author-box"))
    )
    html = page(f'<div class="post-content"><h1>Judul</h1>{"".join(f"<p>{p}</p>" for p in text)}{boxes}</div>')
    assert body_of(html) == "\n\n".join(text)


def test_an_article_written_as_sibling_divs_in_a_column_of_much_else_is_read_whole() -> None:
    """The column holds the article's two ``<div class="block">`` s and a long list of other stories' links; it
    loses to the first ``<div>`` alone, and the second, beside it, is read with it. A promotion box there, holding
    blocks of its own, is not a text block beside it and stays out."""
    first = f"Gempa mengguncang pesisir selatan pada Senin malam. {LONG}"
    second = "Warga diminta tetap tenang dan menjauhi pantai sampai ada kabar resmi dari petugas."
    promo = (
        "<div class='box'><p>Artikel ini khusus untuk pelanggan kami.</p><p>Daftar sekarang, gratis sebulan.</p></div>"
    )
    stories = "".join(
        f"<li><a href='/b{n}/'>Berita lain nomor {n} dari seluruh Nusantara hari ini</a></li>" for n in range(30)
    )
    blocks = f"<div class='block'>{first}</div><div class='block'>{second}</div>"
    column = f"<div id='entry'>{blocks}{promo}<ul>{stories}</ul></div>"
    assert body_of(page(f"<main><h1>Judul</h1>{column}</main>")) == f"{first}\n\n{second}"


def test_only_the_blocks_of_the_winners_own_kind_beside_it_are_read_with_it() -> None:
    """A one-paragraph story among a photo's credit line, a view counter and an ad's table cell: blocks of another
    kind than the paragraph (a ``<p>`` without the site's paragraph class, a ``<td>``) stay out. Read with the
    blocks beside it, the story keeps its standfirst."""
    story = f"BOJONEGORO - Jembatan gantung baru diresmikan di tepi Bengawan Solo. {LONG} {LONG}"
    stories = "".join(
        f"<li><a href='/b{n}/'>Berita lain nomor {n} dari seluruh Jawa Timur hari ini</a></li>" for n in range(30)
    )
    lines = (
        "<p>Foto: Warga melintasi jembatan gantung baru di Desa Kanor (ANTARA/Budi Santoso)</p>"
        f"<p>{story}</p><p>Dibaca 1.234 kali. Ikuti kami di Google News untuk kabar terbaru setiap hari.</p>"
    )
    assert body_of(page(f"<div class='detail'><h1>Judul</h1>{lines}<ul>{stories}</ul></div>")) == story
    ad = "Pasang iklan Anda di sini! Hubungi bagian pemasaran kami di nomor yang tertera di bawah."
    cells = f"<table><tr><td><h1>Judul</h1><p>{story}</p></td><td>{ad}</td><td><ul>{stories}</ul></td></tr></table>"
    assert body_of(page(cells)) == story
    menu = "<br>".join(f"<a href='/k{n}/'>Kanal berita daerah nomor {n} untuk pembaca</a>" for n in range(30))
    row = f"<td class='style1'>{menu}</td><td class='style1'><h1>Judul</h1>{story}</td><td class='style1'>{ad}</td>"
    assert body_of(page(f"<table><tr>{row}</tr></table>")) == story  # a row's cells are columns, one class or not
    first, second = f"Gempa mengguncang pesisir selatan pada Senin malam. {LONG}", f"Petugas mendata kerusakan. {LONG}"
    blocks = f"<div class='block'>{first}</div><div class='block'>{second}</div>"
    header = f"<header><h1>Judul gempa</h1><p class='standfirst'>{STANDFIRST}</p></header>"
    column = f"<main>{header}<div id='entry'>{blocks}<ul>{stories}</ul></div></main>"
    assert body_of(page(column)) == "\n\n".join([STANDFIRST, first, second])


def test_a_bem_variant_of_the_articles_block_is_the_article_and_of_a_list_of_posts_boilerplate() -> None:
    """``article-body--sponsored`` is the article's body in a variant; ``post-list--inline-related-stories`` a
    list of posts in its variant of related stories."""
    text = paragraphs(4)
    related = f'<div class="post-list post-list--inline-related-stories"><p>Berita terkait: {LONG}</p></div>'
    body = f'<div class="article-body article-body--sponsored">{"".join(f"<p>{p}</p>" for p in text)}</div>'
    assert body_of(page(f"<h1>Judul</h1>{body}{related}")) == "\n\n".join(text)


def test_a_layout_wrapper_named_after_its_sidebar_is_not_boilerplate() -> None:
    """``content-sidebar-wrap`` (Genesis) and ``content-with-sidebar`` hold the article and the sidebar: a token
    that starts with the article's word and goes on with a layout's word is layout, where ``post-share`` is a box."""
    text = paragraphs(4)
    boxes = (
        f'<div class="related-posts"><p>Berita terkait: {LONG}</p></div>'
        f'<div class="share-box"><p>Bagikan berita ini ke teman Anda: {LONG}</p></div>'
    )
    for wrapper in ("content-sidebar-wrap", "content-with-sidebar"):
        html = page(
            f'<div class="hero"><h1>Judul</h1></div><div class="{wrapper}"><main class="content">'
            f'{"".join(f"<p>{p}</p>" for p in text)}{boxes}</main><aside class="sidebar"><p>{LONG}</p></aside></div>'
        )
        assert body_of(html) == "\n\n".join(text)


def test_a_video_players_fallback_text_is_not_the_articles() -> None:
    """What a ``<video>`` or ``<audio>`` holds is shown only by a browser that cannot play it (video.js's
    "please enable JavaScript" paragraph): never text of the article."""
    text = paragraphs(3)
    fallback = "To view this video please enable JavaScript, and consider a browser that supports HTML5 video"
    html = page(
        f"<article><h1>Judul</h1><p>{text[0]}</p>"
        f'<video class="video-js"><source src="/v.mp4"><p class="vjs-no-js">{fallback}</p></video>'
        f"<p>{text[1]}</p><audio controls><p>{fallback}</p></audio><p>{text[2]}</p></article>"
    )
    assert body_of(html) == "\n\n".join(text)


def test_fact_boxes_and_expandable_boxes_are_left_out_by_trafilaturas_words_for_them() -> None:
    text = paragraphs(4)
    html = page(
        f"<article><h1>Judul</h1><p>{text[0]}</p>"
        f'<div class="fact-box"><h3>Fakta</h3><p>Kotak fakta tentang jalan desa. {LONG}</p></div><p>{text[1]}</p>'
        f'<div class="js-box--expandable"><h2>Berita berikutnya</h2><p>Cerita lain. {LONG}</p></div><p>{text[2]}</p>'
        f'<div class="social-media-buttons"><p>Ikuti kami di media sosial, bagikan ke teman {LONG}</p></div>'
        f"<p>{text[3]}</p></article>"
    )
    assert body_of(html) == "\n\n".join(text)


def test_article_text_in_blocks_named_by_state_or_animation_is_still_read() -> None:
    """trafilatura's words that also name the article's own blocks are not taken: a "show more" block, an
    open accordion, an animated box, a paywalled article's own container (``premium``)."""
    text = paragraphs(5)
    html = page(
        f'<article><h1>Judul</h1><div class="p402_premium"><p>{text[0]}</p>'
        f'<div class="ub-expand-portion"><p>{text[1]}</p></div>'
        f'<div class="accordion-item expanded"><p>{text[2]}</p></div>'
        f'<div class="wow slideInUp"><p>{text[3]}</p></div>'
        f'<div class="operating-hours has-overlay"><p>{text[4]}</p></div></div></article>'
    )
    assert body_of(html) == "\n\n".join(text)


def test_subheadings_and_lists_in_the_article_are_part_of_its_text() -> None:
    text = paragraphs(3)
    html = page(
        f"<article><h1>Judul</h1><p>{text[0]}</p><h2>Latar belakang</h2><p>{text[1]}</p>"
        f"<ul><li>Butir pertama</li><li>Butir kedua</li></ul><p>{text[2]}</p></article>"
    )
    assert body_of(html) == "\n\n".join([text[0], "Latar belakang", text[1], "Butir pertama", "Butir kedua", text[2]])


def related_links(count: int) -> str:
    return "".join(f'<li><a href="/lain-{n}/">Judul berita lain yang dibaca warga {n}</a></li>' for n in range(count))


def test_a_heading_over_nothing_but_links_is_left_out_with_them() -> None:
    text = paragraphs(4)
    html = page(
        f"<article><h1>Judul</h1><p>{text[0]}</p><h2>Latar belakang</h2><p>{text[1]}</p>"
        f'<div class="judul-kecil"><h3>Berita terkait</h3></div><ul>{related_links(2)}</ul>'
        f"<h2>Tanggapan warga</h2><p>{text[2]}</p><p>{text[3]}</p>"
        f'<h3>Baca juga</h3><div class="related">{related_links(3)}</div></article>'
    )  # fmt: skip
    assert body_of(html) == "\n\n".join([text[0], "Latar belakang", text[1], "Tanggapan warga", text[2], text[3]])


def test_a_heading_over_anything_read_one_cited_link_a_photo_or_page_links_is_kept() -> None:
    text = paragraphs(4)
    two = '<a href="/a/">ppdb.jatimprov.go.id</a> atau <a href="/b/">aplikasi PPDB Jatim</a>'
    html = page(
        f"<article><h1>Judul</h1><p>{text[0]}</p>"
        '<h2>Sumber resmi</h2><p><a href="https://bps.go.id/x">https://bps.go.id/publikasi/2025/statistik-desa</a></p>'
        f"<h3>Di mana mendaftar?</h3><div><p>Melalui {two}.</p></div>"
        f'<h2>Kronologi</h2><p>Lihat: {two}</p><div class="wp-block-group"><div>{text[1]}<h3>Pukul 02.00</h3>'
        f"{text[2]}</div></div>"
        '<h2>Suasana</h2><figure><img src="/f.jpg"><figcaption>Foto: <a href="/x/">Antara</a>/'
        '<a href="/y/">Budi Santoso Wibowo</a></figcaption></figure>'
        f'<h2>Bagian berikutnya</h2><div class="page-links"><a class="post-page-numbers" href="1/">Halaman '
        f'sebelumnya</a> <a class="post-page-numbers" href="3/">Halaman berikutnya</a></div>'
        f"<p>{text[3]}</p></article>"
    )  # fmt: skip
    headings = [line for line in (body_of(html) or "").split("\n\n") if not line.startswith("Paragraf")]
    assert headings == [
        "Sumber resmi", "Di mana mendaftar?", f"Melalui {'ppdb.jatimprov.go.id atau aplikasi PPDB Jatim'}.",
        "Kronologi", "Lihat: ppdb.jatimprov.go.id atau aplikasi PPDB Jatim", "Pukul 02.00", "Suasana",
        "Bagian berikutnya",
    ]  # fmt: skip


def test_a_heading_over_links_reads_alike_split_into_pages_and_whole_and_heads_its_subsections() -> None:
    text = paragraphs(5)

    def blocks(html: str) -> list[str]:
        return text_blocks(lxml_html.fromstring(f"<div>{html}</div>"))

    first = f"<p>{text[0]}</p><h3>Berita terkait</h3><ul>{related_links(2)}</ul>"
    second = f"<p>{text[1]}</p>"
    assert blocks(first) + blocks(second) == blocks(f"{first}<!--nextpage-->{second}") == text[:2]
    jumps = '<ul><li><a href="#l1">Langkah 1: buka situs resmi</a></li><li><a href="#l2">Langkah 2: isi</a></li></ul>'
    guide = f"<h2>Cara mendaftar</h2>{jumps}<h3>Langkah 1</h3><p>{text[2]}</p>"
    assert blocks(guide) == ["Cara mendaftar", "Langkah 1", text[2]]
    sources = '<a href="/a/">Kementerian Kesehatan</a><br><a href="/b/">BPS</a>'
    own_text = f"<div>{text[3]}<br><h3>Referensi</h3>{sources}</div>"  # the links are the block's own text, read
    assert blocks(own_text) == [f"{text[3]} Kementerian Kesehatan BPS", "Referensi"]
    video = '<h3>Simak videonya</h3><iframe src="https://www.youtube.com/embed/x"></iframe>'
    theme_links = f'<div class="post-nav">{related_links(2)}</div>'
    assert blocks(f"<p>{text[4]}</p>{video}{theme_links}") == [text[4], "Simak videonya"]


def test_a_heading_over_links_reads_alike_with_what_only_the_page_or_only_the_api_holds() -> None:
    text = paragraphs(3)

    def blocks(html: str) -> list[str]:
        return text_blocks(lxml_html.fromstring(f"<div>{html}</div>"))

    related = f"<h3>Berita terkait</h3><ul>{related_links(2)}</ul>"
    first, second = f"<p>{text[0]}</p>{related}", f"<p>{text[1]}</p>"
    assert blocks(f"{first}<p><!--nextpage--></p>{second}") == blocks(first) + blocks(second) == text[:2]
    page_links = '<p class="post-nav-links">Halaman: <span>1</span> <a class="post-page-numbers" href="2/">2</a></p>'
    assert blocks(f"{first}{page_links}") == [*blocks(first), "Halaman: 1 2"]  # the page's links go by their words
    ad = '<div class="ads"><a href="https://iklan.example/"><img src="/banner.jpg"></a></div>'
    assert blocks(f"{first}{ad}") == blocks(first)
    lazy_video = (
        '<div class="rll-youtube-player"></div><noscript><iframe src="https://youtube.com/embed/x"></iframe></noscript>'
    )
    video = f"<h3>Video terkait</h3>{lazy_video}<p>{related_links(1)}</p>"
    assert blocks(f"<p>{text[2]}</p>{video}") == [text[2], "Video terkait"]
    caption = '<div class="wp-caption"><img src="/b.jpg"><p class="wp-caption-text">Banjir merendam desa.</p></div>'
    photo = f"<h3>Suasana banjir</h3>{caption}<p>{related_links(2)}</p>"
    assert blocks(f"<p>{text[2]}</p>{photo}") == [text[2], "Suasana banjir"]  # the caption's box is boilerplate
    winners = '<h3>Juara 1</h3><p><a href="/a/">Budi Santoso, SMA Negeri 1 Madiun</a></p>'
    assert blocks(f"<h2>Daftar pemenang</h2>{winners}{winners.replace('1', '2')}<p>{text[2]}</p>")[:3] == [
        "Daftar pemenang", "Juara 1", "Juara 2"
    ]  # fmt: skip


def test_the_next_story_loaded_below_the_article_is_not_its_text() -> None:
    first, second = paragraphs(3, "Pertama"), paragraphs(5, "Kedua")
    html = page(
        '<main><article><h1>Berita pertama</h1>' + "".join(f"<p>{p}</p>" for p in first) + "</article>"
        '<div class="next"><article><h2>Berita kedua</h2>' + "".join(f"<p>{p}</p>" for p in second)
        + "</article></div></main>"
    )  # fmt: skip
    assert body_of(html) == "\n\n".join(first)


def test_a_page_without_text_has_no_body() -> None:
    assert body_of(page("<main><h1>Judul</h1><p>Pendek.</p></main>")) is None


def test_a_live_blog_with_a_content_container_per_entry_has_every_entry_in_its_body() -> None:
    entries = paragraphs(3, "Entri")
    html = page("<article><h1>Live</h1>" + "".join(f'<div class="entry-content"><p>{e}</p></div>' for e in entries))
    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(entries) and parser.sources["body"] == "theme"


def test_visible_text_joins_inline_elements_and_spaces_blocks() -> None:
    def text(html: str) -> str:
        return visible_text(lxml_html.fromstring(html))

    assert text("<h1><span>LTE-Patent</span>: Samsung</h1>") == "LTE-Patent: Samsung"
    assert text("<p>satu<br>dua <a href='#'>tiga</a>, empat</p>") == "satu dua tiga, empat"
    assert text("<div><p>a</p><p>b</p></div>") == "a b"
    assert text("<p>x<!-- komentar -->y<script>var z = 1;</script>z</p>") == "xyz"
    assert visible_text(page_selector("<p>kosong</p>").root) == "kosong"


def test_a_rubys_reading_is_left_out_unless_the_page_writes_it_in_parentheses_too() -> None:
    """Furigana (or pinyin) stand above the words they read, not in the line: ``<rt>`` is left out and the ruby
    flows inside its line, in the title and in the body. A page that also gives the line without ruby (the
    reading in ``<rp>`` parentheses) is read as that line, as a reader without ruby sees it."""
    sentence = "子どもへの虐待をなくすための法律ができて、親が子どもを教育するために、体罰を禁止することになりました。"
    ruby = (
        sentence.replace("子ども", "<ruby>子<rt>こ</rt></ruby>ども", 1)
        .replace("虐待", "<ruby>虐待<rt>ぎゃくたい</rt></ruby>")
        .replace("法律", "<ruby><rb>法律</rb><rt>ほうりつ</rt></ruby>")
    )
    named = (
        "韓国の<ruby><rb>尹錫悦</rb><rp>（</rp><rt>ユンソンニョル</rt><rp>）</rp></ruby>"
        "大統領は３日夜、緊急談話を出した。"
    )
    html = (
        "<html><body><h1><ruby>体罰<rt>たいばつ</rt></ruby>の禁止</h1>"
        f'<div class="entry-content"><p>{ruby}</p><p>{named}</p></div></body></html>'
    )
    parser = ArticleParser(html, URL)
    assert parser.field("title") == "体罰の禁止"
    assert parser.field("body") == f"{sentence}\n\n韓国の尹錫悦（ユンソンニョル）大統領は３日夜、緊急談話を出した。"


def test_a_boilerplate_word_inside_another_word_does_not_hide_the_article() -> None:
    text = paragraphs(3)
    html = page(
        '<div class="PageBuilder-pageRow"><div class="ArticleBody-articleBody">'
        + "".join(f"<p>{p}</p>" for p in text)
        + '</div></div><div class="pager"><p>Halaman berikutnya dari daftar berita populer hari ini di kanal.</p></div>'
    )
    assert body_of(html) == "\n\n".join(text)


def test_teaser_cards_whose_text_is_inside_a_link_are_not_the_article() -> None:
    text = paragraphs(3)
    cards = "".join(
        f'<li><a href="/lain-{n}/"><h3>Berita lain {n}</h3><p>{LONG} Ringkasan {n}.</p></a></li>' for n in range(6)
    )
    html = page('<div class="story"><h1>Judul</h1>' + "".join(f"<p>{p}</p>" for p in text) + f"</div><ul>{cards}</ul>")
    assert body_of(html) == "\n\n".join(text)


def test_an_article_inside_elements_a_page_builder_names_widgets_is_still_read() -> None:
    text = paragraphs(3)
    html = page(
        '<div class="builder"><div class="builder-widget builder-widget-title"><h1>Judul</h1></div>'
        '<div class="builder-widget builder-widget-post-content"><div class="widget-container">'
        + "".join(f"<p>{p}</p>" for p in text)
        + '</div></div><div class="widget-comments"><p>Komentar pembaca yang panjang sekali: '
        + LONG
        + "</p></div></div>"
    )
    assert body_of(html) == "\n\n".join(text)


def test_names_read_as_layout_only_when_they_hid_every_paragraph() -> None:
    text = paragraphs(3)
    sidebar = f'<div class="sidebar"><p>Berita populer lainnya di sisi halaman: {LONG}</p></div>'
    html = page(f"<main><h1>Judul</h1>{''.join(f'<p>{p}</p>' for p in text)}{sidebar}</main>")
    assert body_of(html) == "\n\n".join(text)


def test_a_post_whose_container_a_theme_names_share_is_read_not_the_newsletter_box() -> None:
    """Hueman adds ``share`` to the post's own ``entry`` when sharing is on; the one good block left was a popup."""
    text = paragraphs(6)
    popup = (
        '<div class="pum-content"><p>Dengan langganan gratis kami Anda tidak akan ketinggalan berita lagi, dan setiap '
        "pekan kami kirimkan tips terbaik untuk bepergian hemat dengan kereta api ke seluruh penjuru negeri.</p></div>"
    )
    html = page(
        f'<article class="post"><h1>Judul</h1><div class="entry themeform share">'
        f"{''.join(f'<p>{p}</p>' for p in text)}</div></article>{popup}"
    )
    assert body_of(html) == "\n\n".join(text)


def test_a_short_post_beside_a_sidebar_is_read_without_it() -> None:
    """A short reading gives way only to a block elsewhere, not to one around it that adds the sidebar."""
    for count, extra in ((2, 2), (1, 3)):
        text = paragraphs(count)
        sidebar = '<div class="sidebar">' + "".join(f"<p>Tentang kami {n}: {LONG}</p>" for n in range(extra)) + "</div>"
        html = page(
            f"<div class='wrap'><main><h1>Judul</h1>{''.join(f'<p>{p}</p>' for p in text)}</main>{sidebar}</div>"
        )
        assert body_of(html) == "\n\n".join(text)


def test_a_short_post_is_not_given_up_for_an_about_box_in_the_footer_an_aside_or_a_related_box() -> None:
    """The frame's tags are read as layout only where nothing else was found; a box elsewhere must hold six
    times the short post's text to be read instead of it."""
    post = (
        "Warga Desa Sukamaju bergotong royong memperbaiki jembatan bambu yang rusak diterjang banjir pekan lalu, kata "
        "kepala desa. Jembatan itu satu-satunya jalan anak-anak menuju sekolah di seberang sungai."
    )
    about = "".join(
        f"<p>Tentang kami {n}: Kabar Baik adalah portal berita positif dari seluruh Nusantara, terbit sejak 2015.</p>"
        for n in range(8)
    )  # four times the post: more than a short reading gave way to (three times), less than it needs (six)
    menu = "<nav><ul>" + "".join(f"<li><a href='/c{n}/'>Rubrik nomor {n}</a></li>" for n in range(60)) + "</ul></nav>"
    story = f'<header>{menu}</header><main><article><h1>Judul</h1><div class="isi"><p>{post}</p></div></article></main>'
    for around in (f'<footer><div class="about">{about}</div>{menu}</footer>', f"<aside>{about}</aside>",
                   f'<div class="related-posts">{about}</div>'):  # fmt: skip
        assert body_of(f"<html><body>{story}{around}</body></html>") == post


def test_a_page_wrapped_whole_in_a_form_or_an_unclosed_header_is_still_read() -> None:
    """An ASP.NET page is one ``<form>``; an unclosed ``<header>`` holds all that follows it."""
    text = paragraphs(3)
    story = f"<h1>Judul</h1>{''.join(f'<p>{p}</p>' for p in text)}"
    aspnet = f'<html><body><form id="aspnetForm" method="post"><div class="main">{story}</div></form></body></html>'
    unclosed = f'<html><body><header id="branding"><a href="/">Beranda</a><div id="content">{story}</div></body></html>'
    assert body_of(aspnet) == body_of(unclosed) == "\n\n".join(text)


def test_a_post_written_inside_noscript_is_read_when_nothing_else_holds_text() -> None:
    """Blogger writes the post with a script and puts the same post in ``<noscript>`` for readers without it."""
    text = paragraphs(3)
    post = "".join(f"<p>{p}</p>" for p in text)
    html = page(f'<h1>Judul</h1><div class="post-body"><script>render()</script><noscript>{post}</noscript></div>')
    assert body_of(html) == "\n\n".join(text)


def test_the_frames_tags_still_hide_their_text_where_the_page_holds_an_article() -> None:
    text = paragraphs(3)
    menu = f"<noscript><p>Aktifkan JavaScript untuk membaca menu situs. {LONG}</p></noscript>"
    html = page(f"<main><h1>Judul</h1>{''.join(f'<p>{p}</p>' for p in text)}</main>{menu}")
    assert body_of(html) == "\n\n".join(text)


STANDFIRST = "Warga tiga desa kini bisa mengangkut hasil panen lebih cepat setelah jalan selesai diperbaiki."


def test_the_standfirst_in_the_articles_header_is_the_bodys_first_paragraph() -> None:
    text = paragraphs(3)
    html = page(
        f'<article><header class="article-header"><h1>Judul</h1><p class="article-intro">{STANDFIRST}</p>'
        '<span class="date">1 Mei 2025</span></header>' + "".join(f"<p>{p}</p>" for p in text) + "</article>"
    )
    assert body_of(html) == "\n\n".join([STANDFIRST, *text])


def test_a_standfirst_in_a_box_named_teaser_between_the_headline_and_the_text_is_read() -> None:
    text = paragraphs(3)
    html = page(
        f'<h1>Judul</h1><div class="teaser-text"><p>{STANDFIRST}</p></div>'
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in text)}</div>'
    )
    assert body_of(html) == "\n\n".join([STANDFIRST, *text])


def test_a_lead_images_caption_and_a_teaser_after_the_text_are_no_standfirst() -> None:
    text = paragraphs(3)
    caption = "Warga melintas di jalan desa yang baru diperbaiki, Selasa (1/5/2025). (Foto: Redaksi)"
    html = page(
        f'<h1>Judul</h1><div class="LeadFeature"><img src="/a.jpg"><div class="lead-caption">{caption}</div></div>'
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in text)}</div>'
        f'<div class="teaser-text"><p>Cerita lain: {STANDFIRST}</p></div>'
    )
    assert body_of(html) == "\n\n".join(text)


def test_the_sites_tagline_another_storys_teaser_and_a_list_of_excerpts_are_no_standfirst() -> None:
    text = paragraphs(3)
    story = "".join(f"<p>{p}</p>" for p in text)
    tagline = f'<p class="site-description">{STANDFIRST}</p>'
    masthead = page(
        f'<div class="site"><header id="masthead"><h1>Kabar</h1>{tagline}</header><main>{story}</main></div>'
    )
    teaser = f'<div class="related teaser"><p>{STANDFIRST}</p></div>'
    related = page(f'<div class="story"><h1>Judul</h1>{teaser}<div class="text">{story}</div></div>')
    excerpts = "".join(f'<div class="post-excerpt">Ringkasan {n}: warga desa kini mengangkut panen lebih cepat.</div>'
                       for n in range(3))  # fmt: skip
    column = page(
        f'<div class="row"><h1>Judul</h1><div class="col-4">{excerpts}</div><div class="col-8">{story}</div></div>'
    )
    banner = f'<div class="privacy-summary">{STANDFIRST}</div>'
    privacy = page(f"<article><header><h1>Judul</h1>{banner}</header>{story}</article>")
    blogger = page(
        f'<div id="header"><h1 class="title">Kabar</h1><div class="descriptionwrapper"><p class="description">'
        f"{STANDFIRST}</p></div></div><h3 class='post-title'>Judul</h3><div class='post-body'>{story}</div>"
    )
    pages = [masthead, related, column, privacy, blogger]
    for names in ("related-teaser", "baca-juga-intro", "newsletter-intro", "sidebar-summary", "promo-teaser"):
        pages.append(
            page(f'<div class="story"><h1>Judul</h1><div class="{names}"><p>{STANDFIRST}</p></div>{story}</div>')
        )
    assert [body_of(html) for html in pages] == len(pages) * ["\n\n".join(text)]


def test_a_standfirst_the_first_paragraph_repeats_is_read_once() -> None:
    text = [f"JAKARTA - {STANDFIRST} {LONG}", *paragraphs(2)]
    excerpts = (STANDFIRST, f"JAKARTA - {STANDFIRST} [&hellip;]", f"JAKARTA - {STANDFIRST} {LONG} Paragraf 1.")
    for excerpt in excerpts:  # WordPress's excerpt: the first words ("[…]"), past the first paragraph too
        header = f'<header><h1>Judul</h1><p class="excerpt">{excerpt}</p></header>'
        html = page(f"<article>{header}{''.join(f'<p>{p}</p>' for p in text)}</article>")
        assert body_of(html) == "\n\n".join(text)


def test_a_subhead_of_a_name_and_a_date_is_no_standfirst() -> None:
    text = paragraphs(3)
    subhead = (
        '<div class="article-subhead"><span class="subhead-name">Ana Lima</span>'
        '<div class="subhead-date">Selasa, 1 Mei 2025 pukul 10.00 WIB, diperbarui Rabu, 2 Mei 2025</div></div>'
    )
    html = page(f"<article><h1>Judul</h1>{subhead}{''.join(f'<p>{p}</p>' for p in text)}</article>")
    assert body_of(html) == "\n\n".join(text)


def test_a_standfirst_under_an_article_header_named_like_a_masthead_part_is_read() -> None:
    """Twenty Twenty's ``entry-header-inner`` is the article's header; an unclosed masthead holds the whole page."""
    text = paragraphs(3)
    story = "".join(f"<p>{p}</p>" for p in text)
    twenty = page(
        f'<article><header class="entry-header"><div class="entry-header-inner"><h1>Judul</h1></div>'
        f'<div class="intro-text">{STANDFIRST}</div></header><div class="post-inner">{story}</div></article>'
    )
    unclosed = (
        f'<html><body><header id="masthead"><a href="/">Kabar</a><main><h1>Judul</h1>'
        f'<p class="lead">{STANDFIRST}</p><div class="text">{story}</div></main></body></html>'
    )
    assert body_of(twenty) == body_of(unclosed) == "\n\n".join([STANDFIRST, *text])


def test_a_standfirst_the_block_holds_is_read_once() -> None:
    text = paragraphs(3)
    html = page(
        f'<div class="story"><h1>Judul</h1><p class="lead">{STANDFIRST}</p>{"".join(f"<p>{p}</p>" for p in text)}</div>'
    )
    assert body_of(html) == "\n\n".join([STANDFIRST, *text])


def test_a_bare_paragraph_right_after_the_headline_in_the_articles_header_is_the_standfirst() -> None:
    """HTML's ``<header>`` of an article holds its headline, byline and dek; a dek written as a bare ``<p>`` (the
    names a CSS-in-JS build made up) is the standfirst by where it stands: the first thing the header shows after
    the ``<h1>``, a paragraph's worth, the only one there."""
    text = paragraphs(3)
    story = "".join(f"<p>{p}</p>" for p in text)
    byline = '<div class="sc-x1"><span>Oleh Ana Lima</span> <time>1 Mei 2025</time></div>'
    dek = f'<div class="sc-f7"><p>{STANDFIRST}</p></div>{byline}'
    emphasised = f"<p><em>{STANDFIRST}</em></p>{byline}"
    hgroup = f"<hgroup><h1>Judul</h1><p>{STANDFIRST}</p></hgroup>"
    pages = [article_page(dek, story), article_page(emphasised, story), article_page(hgroup, story, headline="")]
    assert [body_of(html) for html in pages] == 3 * ["\n\n".join([STANDFIRST, *text])]


def test_what_else_an_articles_header_holds_is_no_standfirst() -> None:
    """A subtitle, two paragraphs, a header that holds the text too, a photo's caption or a bio after the byline,
    a byline or a date line, a player's blurb beside its button, a masthead's tagline, a widget's own header."""
    text = paragraphs(3)
    story = "".join(f"<p>{p}</p>" for p in text)
    byline = '<div class="sc-x1"><span>Oleh Ana Lima</span> <time>1 Mei 2025</time></div>'
    caption = "Warga memuat karung beras ke truk di jalan desa yang rusak, Senin (1/5/2025). Foto: Ana Lima/Redaksi"
    bio = "Ana Lima adalah wartawan senior yang meliput pertanian dan jalan desa di Jawa Timur sejak tahun 2010."
    headers = [
        f"<p>Jalan desa selesai diperbaiki</p>{byline}",  # a subtitle: a line, not a paragraph's worth
        f"<p>{STANDFIRST}</p><p>Sementara itu, {STANDFIRST.lower()}</p>",  # two: neither is the one dek
        f'{byline}<div class="sc-q1"><div><img src="/a.jpg"></div><p>{caption}</p></div>',
        f"<p>Jalan desa selesai diperbaiki</p>{byline}<p>{bio}</p>",
        '<p>Oleh <a href="/author/ana-lima/">Ana Lima</a>, wartawan yang meliput pertanian dan jalan desa.</p>',
        "<p>Terbit <time>1 Mei 2025 10.15 WIB</time>, diperbarui 2 Mei 2025 pukul 08.00 WIB setelah rapat.</p>",
        '<div class="sc-aud"><button>Putar</button><p>Dengarkan artikel ini: dibacakan oleh suara buatan, '
        "mungkin ada salah ucap pada nama orang dan tempat.</p></div>",
    ]
    pages = [article_page(header, story) for header in headers]
    pages.append(page(f'<header class="sc-a9b"><h1>Judul</h1><p>{STANDFIRST}</p><div class="sc-k2">{story}</div>'))
    widget = f'<aside class="sc-w"><header><h1>Nawala</h1><p>{STANDFIRST}</p></header></aside>'
    pages.append(page(f'<article><h1>Judul</h1>{widget}<div class="sc-k2">{story}</div></article>'))
    assert [body_of(html) for html in pages] == len(pages) * ["\n\n".join(text)]
    tagline = "Kabar dari desa-desa di Jawa Timur, setiap hari, oleh warga dan untuk warga di seluruh Nusantara."
    masthead = (
        f"<html><body><header><h1><a href='/'>Kabar Desa</a></h1><p>{tagline}</p></header>"
        f"<main><article><h2>Judul</h2>{story}</article></main></body></html>"
    )  # the page's header, not an article's: its tagline is no standfirst
    assert body_of(masthead) == "\n\n".join(["Judul", *text])


def test_a_standfirst_named_as_one_goes_before_a_bare_paragraph_of_the_header() -> None:
    text = paragraphs(3)
    story = "".join(f"<p>{p}</p>" for p in text)
    caption = "Warga memuat karung beras ke truk di jalan desa yang rusak, Senin (1/5/2025). Foto: Ana Lima/Redaksi"
    named = article_page(f'<p>{caption}</p><p class="dek">{STANDFIRST}</p>', story)
    assert body_of(named) == "\n\n".join([STANDFIRST, *text])


def article_page(header: str, story: str, headline: str = "<h1>Judul</h1>") -> str:
    """An article whose ``<header>`` holds ``headline`` and then ``header``, and whose text is ``story``."""
    head = f'<header class="sc-a9b">{headline}{header}</header>'
    return page(f'<article>{head}<div class="sc-k2">{story}</div></article>')


def test_a_code_block_in_the_article_is_part_of_its_text() -> None:
    text = paragraphs(2)
    code = "<pre><code>pip install kabarbaik-spider\nscrapy crawl kabarbaik</code></pre>"
    html = page(f"<article><h1>Judul</h1><p>{text[0]}</p>{code}<p>{text[1]}</p></article>")
    assert body_of(html) == "\n\n".join([text[0], "pip install kabarbaik-spider scrapy crawl kabarbaik", text[1]])


def test_text_in_spans_inside_a_div_counts_once() -> None:
    """A ``<div><span><span>…`` paragraph is one block, not one per level: read once, weighed once."""
    text = paragraphs(3)
    html = page(
        '<div class="story"><h1>Judul</h1>'
        + "".join(f"<div><span><span>{p}</span></span></div>" for p in text)
        + "</div>"
    )  # fmt: skip
    assert body_of(html) == "\n\n".join(text)


def test_a_table_of_data_in_the_article_is_read_row_by_row() -> None:
    text = paragraphs(2)
    rows = "".join(f"<tr><td>Kecamatan {n}</td><td>{n * 120} jiwa</td><td>{n}%</td></tr>" for n in range(1, 4))
    html = page(
        f"<article><h1>Judul</h1><p>{text[0]}</p><table><tr><th>Wilayah</th><th>Penduduk</th><th>Naik</th></tr>"
        f"{rows}</table><p>{text[1]}</p></article>"
    )
    lines = ["Wilayah Penduduk Naik", "Kecamatan 1 120 jiwa 1%", "Kecamatan 2 240 jiwa 2%", "Kecamatan 3 360 jiwa 3%"]
    assert body_of(html) == "\n\n".join([text[0], *lines, text[1]])


def test_a_layout_table_is_not_a_row_of_text() -> None:
    text = paragraphs(3)
    html = page(
        "<table><tr><td><h1>Judul</h1>"
        + "".join(f"<p>{p}</p>" for p in text)
        + "</td><td><p>Iklan.</p></td></tr></table>"
    )
    assert body_of(html) == "\n\n".join(text)


def test_a_page_whose_scripts_write_the_text_has_json_ld_s_article_body() -> None:
    text = paragraphs(2)
    record = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Judul",
              "articleBody": f"{text[0]}\n{text[1]} &amp; lagi\nBaca Juga: berita lain"}  # fmt: skip
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(record)}</script></head>'
        '<body><h1>Judul</h1><div id="app"></div></body></html>'
    )
    parser = ArticleParser(html, URL)
    assert parser.field("body") == f"{text[0]}\n\n{text[1]} & lagi" and parser.sources["body"] == "jsonld"


def test_json_ld_s_article_body_waits_behind_the_text_on_the_page() -> None:
    text = paragraphs(3)
    record = {"@type": "NewsArticle", "headline": "Judul", "articleBody": "<p>Potongan pendek.</p>"}
    html = (
        f'<html><head><script type="application/ld+json">{json.dumps(record)}</script></head>'
        "<body><article><h1>Judul</h1>" + "".join(f"<p>{p}</p>" for p in text) + "</article></body></html>"
    )
    assert body_of(html) == "\n\n".join(text)


def test_a_caption_is_no_body_where_json_ld_holds_the_article() -> None:
    """The page's scripts write the text, and the markup holds only the lead photo's caption. A short reading
    where JSON-LD's ``articleBody`` holds six times its text gives way to it, before trafilatura is asked. A
    short post that JSON-LD repeats stands."""
    caption = (
        "Presiden berbicara dalam debat yang disiarkan televisi di Taipei pada 29 Desember, menjelang pemilihan "
        "presiden bulan depan, di hadapan para kandidat lain. Foto: AP"
    )

    def parsed(shown: str, written: list[str]) -> tuple[str | None, str]:
        record = {"@type": "NewsArticle", "headline": "Judul", "articleBody": "\n".join(written)}
        ld = f'<script type="application/ld+json">{json.dumps(record)}</script>'
        body = f'<body><h1>Judul</h1><div class="lead"><p>{shown}</p></div><div id="app"></div></body>'
        parser = ArticleParser(f"<html><head>{ld}</head>{body}</html>", URL)
        return parser.field("body"), parser.sources["body"]

    eight, two = paragraphs(8), paragraphs(2)
    assert 6 * len(caption) <= len("".join(eight))
    assert parsed(caption, eight) == ("\n\n".join(eight), "jsonld")
    assert parsed(two[0], two[:1]) == (two[0], "structure")
    # Short is counted in columns: about 600 Japanese characters (1,200 columns) are an article, not a caption.
    sentence = "市議会は火曜日、二冬前の嵐で支柱が損傷して以来通行止めになっている古い港の橋を架け替えることを決めた。"
    japanese = sentence * 12
    many = paragraphs(40)
    assert len(japanese) < SHORT_TEXT <= shown_width(japanese) and 6 * len(japanese) <= len("".join(many))
    assert parsed(japanese, many) == (japanese, "structure")


def test_json_ld_that_names_another_page_gives_no_body() -> None:
    """A theme's footer schema after a custom loop that did not reset the post describes the loop's last post:
    its ``url`` names another page, and its ``articleBody`` is no body of this one, however long."""
    other = paragraphs(8, "Cabai")
    post = paragraphs(1)
    elsewhere = "https://news.example/2025/05/harga-cabai/"
    record = {"@type": "NewsArticle", "headline": "Harga cabai turun", "articleBody": "\n".join(other),
              "url": elsewhere, "mainEntityOfPage": elsewhere}  # fmt: skip
    ld = f'<script type="application/ld+json">{json.dumps(record)}</script>'
    shown = f"<html><head>{ld}</head><body><h1>Judul</h1><div class='isi'><p>{post[0]}</p></div></body></html>"
    assert body_of(shown) == post[0]
    empty = f"<html><head>{ld}</head><body><h1>Judul</h1><div id='app'></div></body></html>"
    assert ArticleParser(empty, URL).field("body") is None  # rejected, not stored with another post's text
    record["url"] = record["mainEntityOfPage"] = URL
    named = f'<script type="application/ld+json">{json.dumps(record)}</script>'
    assert ArticleParser(empty.replace(ld, named), URL).field("body") == "\n\n".join(other)


def test_a_wordpress_post_tagged_with_a_word_of_boilerplate_is_still_the_post() -> None:
    """post_class() names the post's element by its terms: ``tag-share``, ``category-social`` and a custom
    taxonomy's ``rubrik-social-media`` are the post's tags, not its role. Read as boilerplate, they hid the post,
    and the names read as layout added the related box."""
    text = paragraphs(3)
    related = '<div class="related-posts">' + "".join(f"<p>Berita lain {n}: {LONG}</p>" for n in range(2)) + "</div>"
    post = (
        '<div class="post-7 post type-post status-publish format-standard hentry category-social tag-share'
        ' rubrik-social-media">'
        f"{''.join(f'<p>{p}</p>' for p in text)}</div>"
    )  # the headline stands above it, as many themes write it (an element holding the <h1> is never boilerplate)
    assert body_of(page(f'<div id="main"><h1>Judul</h1>{post}{related}</div>')) == "\n\n".join(text)

"""trafilatura as the main-text finder's second opinion: asked only where the finder is unsure of its block."""

from __future__ import annotations

import logging

import pytest

from kabarbaik_spider.pages.article import ArticleParser
from kabarbaik_spider.pages.main_text import Found, find_main_text
from kabarbaik_spider.pages.second_opinion import (
    MAX_HTML_CHARACTERS,
    MIN_AGREEMENT,
    SHORT_TEXT,
    UNSURE_OTHER_TEXT,
    UNSURE_SHARE,
    agreement,
    is_short,
    second_opinion,
    shown_width,
    trafilatura_paragraphs,
    without_headline,
)
from kabarbaik_spider.pages.sources import page_selector

URL = "https://news.example/2025/05/harbour-bridge/"
HEADLINE = "Harbour bridge to be rebuilt"
ARTICLE = [
    "The city council voted on Tuesday to rebuild the old harbour bridge, which has been closed to traffic since a "
    "storm damaged its supports two winters ago.",
    "Engineers told the council that the new bridge would carry trams as well as cars, and that the work would take "
    "about three years once the contracts are signed.",
    "Shop owners on both banks said the closure had cost them customers, and several spoke in favour of the plan at "
    "the meeting, which ran late into the evening.",
    "The council will put the work out to tender in the spring; a first estimate puts the cost at forty million, most "
    "of it paid by the regional government.",
]
# A video player's settings menu: the many short lines that made the finder's block unsure on real pages.
PLAYER_MENU = 6 * [
    "Georgia", "Arial", "Verdana", "Tahoma", "Impact", "Courier New", "Times New Roman", "Palatino", "Bottom", "Top",
    "Presets", "Text", "Background", "Effects", "100% (opaque)", "75% (transparency)", "50% (transparency)",
    "25% (transparency)",
]  # fmt: skip


def other_stories(first: int) -> list[str]:
    return [
        f"Story {n} of the day: a longer summary of another story that readers of this site may also want to read "
        "about, with enough words to look like prose to anyone."
        for n in range(first, first + 8)
    ]


def page(article: list[str], stream: list[str], headline: str = HEADLINE) -> str:
    """A column holding a player's menu, the story and a stream of other stories' summaries (no class names
    of boilerplate: a page builder's layout, as on the real pages where the finder took the whole column).
    The story's class is one trafilatura knows an article by (``story``), as the real pages' were."""
    menu = "".join(f"<li>{word}</li>" for word in PLAYER_MENU)
    items = "".join(f'<li class="item"><h3><a href="/s{n}/">Other story {n}</a></h3><p>{text}</p></li>'
                    for n, text in enumerate(stream))  # fmt: skip
    return (
        f'<html><head><title>{headline}</title></head><body><div id="page"><div class="col">'
        f'<div class="player"><div class="controls"><ul>{menu}</ul></div></div>'
        f'<div class="story"><h1>{headline}</h1>' + "".join(f"<p>{text}</p>" for text in article) + "</div>"
        f'<div class="stream"><ul>{items}</ul></div>'
        "</div></div></body></html>"
    )


def test_where_the_finder_is_unsure_and_trafilatura_reads_another_text_the_body_is_trafilaturas() -> None:
    html = page(ARTICLE, other_stories(1))
    found = find_main_text(page_selector(html).root)
    assert found.other_text > UNSURE_OTHER_TEXT  # the player's menu is in the finder's block
    assert agreement(found.paragraphs, ARTICLE) < MIN_AGREEMENT  # and so are the other stories

    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(ARTICLE)  # the headline trafilatura puts first is left out
    assert parser.sources["body"] == "trafilatura"
    assert "body" in parser.fallbacks  # below the theme's container, counted as such by the crawl


def test_a_sure_finder_of_a_long_reading_is_never_second_guessed() -> None:
    article = [f"{text} (part {n})" for n in range(1, 7) for text in ARTICLE]  # 24 paragraphs
    paragraphs = "".join(f"<p>{text}</p>" for text in article)
    html = f'<html><body><div class="story"><h1>Bridge</h1>{paragraphs}</div></body></html>'
    found = find_main_text(page_selector(html).root)
    assert found.other_text <= UNSURE_OTHER_TEXT and found.paragraphs == article
    # A sure reading of a third of it, long enough, where trafilatura would read it all (agreement 0.5): not asked.
    third = article[:8]
    assert len("".join(third)) >= SHORT_TEXT
    assert agreement(third, trafilatura_paragraphs(html, URL)) < MIN_AGREEMENT
    assert second_opinion(Found(third, found.other_text), html, URL) is None


def test_a_reading_is_short_by_the_columns_it_takes_so_a_japanese_article_is_not() -> None:
    """Full-width characters take two columns each: about 600 Japanese ones run as long as 1,200 Latin ones, and
    are not a short reading to second-guess. The other text a short English reading gives way to leaves it
    standing."""
    japanese = (
        "市議会は火曜日、二冬前の嵐で支柱が損傷して以来通行止めになっている古い港の橋を架け替えることを決めた。" * 12
    )
    assert len(japanese) < SHORT_TEXT <= shown_width(japanese)
    assert not is_short(japanese) and is_short(ARTICLE[0])
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE)
    four = f'<html><body><div class="story"><h1>Bridge</h1>{paragraphs}</div></body></html>'
    english = "Our new podcast episode is out now: listen wherever you get your podcasts, and tell a friend about it!"
    assert second_opinion(Found([english], 0.0, 1.0, (english, *ARTICLE)), four, URL) is not None
    assert second_opinion(Found([japanese], 0.0, 1.0, (japanese, *ARTICLE)), four, URL) is None


def test_a_short_reading_gives_way_only_to_another_text_where_the_finder_sees_text_or_six_times_as_long() -> None:
    """A short reading is second-guessed though the finder is sure of it: the names of boilerplate may have hid
    the article around it. trafilatura's reading of the same text and more is how it adds a sidebar or a menu to
    a short post (it reads every paragraph of a page whose text it finds short): refused, even at seven times.
    Another text is taken where it stands in blocks the finder sees, or holds six times as much."""
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE)
    four = f'<html><body><div class="story"><h1>Bridge</h1>{paragraphs}</div></body></html>'
    assert len(ARTICLE[0]) < SHORT_TEXT
    assert agreement(ARTICLE[:1], trafilatura_paragraphs(four, URL)) < MIN_AGREEMENT
    assert second_opinion(Found(ARTICLE[:1], 0.0), four, URL) is None  # the same text and three times more
    eight = four.replace("</div>", "".join(f"<p>{t} Again.</p>" for t in ARTICLE) + "</div>")
    assert second_opinion(Found(ARTICLE[:1], 0.0), eight, URL) is None  # the same text and seven times more
    tweet = "Our new podcast episode is out now: listen wherever you get your podcasts, and tell a friend about it!"
    assert second_opinion(Found([tweet], 0.0), four, URL) is not None  # another text, six times as long
    assert second_opinion(Found([tweet], 0.0, 1.0, (tweet, *ARTICLE)), four, URL) is not None  # seen by the finder
    short = f'<html><body><div class="story"><h1>Bridge</h1><p>{ARTICLE[0]}</p></div></body></html>'
    assert second_opinion(Found([tweet], 0.0), short, URL) is None  # another text, unseen and not six times


def test_a_short_post_is_not_given_up_for_a_related_teaser_or_the_sidebar_beside_it() -> None:
    """Below a short post, a related box of ``<article>`` cards (trafilatura reads the first card: another text,
    in a box the finder's names call boilerplate, and shorter); beside it, unnamed boxes of the site's notices
    (trafilatura reads the post and all of them)."""
    post = ARTICLE[:2]
    cards = "".join(
        f'<article class="card"><h3><a href="/r{n}/">Related story {n}</a></h3><p>Summary of related story {n}: '
        "the harbour authority opened a new ferry line to the islands, with boats every hour in summer and twice "
        "a day in winter, and the fishermen's union says the timetable leaves the early boats too little room "
        "at the old quay.</p></article>"
        for n in range(3)
    )
    story = f"<h1>{HEADLINE}</h1>" + '<div class="isi-berita">' + "".join(f"<p>{t}</p>" for t in post) + "</div>"
    related = f'<html><body><div class="main">{story}<div class="related-posts">{cards}</div></div></body></html>'
    notices = "".join(
        f"<div class='box'><h3>Notice {n}</h3><p>The town library opens a reading room for children on Saturday {n}; "
        "bring a library card and a friend, and ask at the desk for the new picture books.</p></div>"
        for n in range(12)
    )  # seven times the post's text
    beside = f"<html><body><div class='left'>{story}</div><div class='right'>{notices}</div></body></html>"
    for html in (related, beside):
        parser = ArticleParser(html, URL)
        assert parser.field("body") == "\n\n".join(post)
        assert parser.sources["body"] == "structure"


def test_a_short_reading_is_not_given_up_for_a_part_of_itself() -> None:
    """The article in two boxes around an ad: the finder reads both, trafilatura only the first. Its reading is
    all the finder's own text, so it stands where the finder sees text, but it is a part of the finder's
    reading, not another text: refused."""
    first = [
        "BOJONEGORO - Pemerintah Kabupaten Bojonegoro meresmikan jembatan gantung baru yang menghubungkan dua desa "
        "di tepi Bengawan Solo pada Senin pagi, disaksikan ratusan warga dari kedua desa.",
        "Jembatan sepanjang 120 meter itu dibangun selama delapan bulan dengan dana desa dan bantuan provinsi.",
    ]
    second = [
        "Bupati mengatakan jembatan itu akan memangkas waktu tempuh warga ke pasar kecamatan dari satu jam menjadi "
        "sepuluh menit saja, terutama bagi petani yang membawa hasil panen.",
        "Kepala desa setempat berharap pemerintah provinsi juga memperbaiki jalan menuju jembatan yang masih berupa "
        "tanah dan licin ketika musim hujan tiba setiap tahunnya.",
        "Sejumlah pelajar yang biasa menyeberang dengan perahu kini bisa berangkat sekolah lebih aman, kata seorang "
        "guru sekolah dasar yang ikut hadir dalam peresmian itu.",
    ]
    boxes = (
        '<div class="post-text">' + "".join(f"<p>{t}</p>" for t in first) + "</div>"
        '<div class="iklan-tengah"><a href="/x">Pasang iklan</a></div>'
        '<div class="post-text">' + "".join(f"<p>{t}</p>" for t in second) + "</div>"
    )
    html = (
        '<html><head><title>Jembatan</title></head><body><div id="page"><header><a href="/">Kabar Desa</a></header>'
        f'<div class="kolom"><h1>Jembatan gantung baru diresmikan</h1><div class="isi">{boxes}</div></div>'
        "<footer>Kabar Desa 2025</footer></div></body></html>"
    )
    found = find_main_text(page_selector(html).root)
    assert found.paragraphs == first + second
    assert trafilatura_paragraphs(html, URL, "Jembatan gantung baru diresmikan") == first  # the first box only
    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(first + second)
    assert parser.sources["body"] == "structure"


def test_a_post_of_short_lines_is_read_and_not_the_tweet_beside_it() -> None:
    """A poem's lines are each too short to be an article's text, so the finder read the one long text on the page,
    a tweet in a sidebar widget; its reading is short, and trafilatura reads the poem."""
    lines = ["Hujan turun pelan", "di atas genteng tua,", "ibu menanak nasi,", "ayah membaca koran,",
             "adik menggambar kapal", "di buku yang basah.", "Sore yang biasa", "di rumah kami."]  # fmt: skip
    tweet = (
        "Puisi baru untuk minggu ini sudah terbit di blog, terima kasih kepada semua pembaca yang setia menunggu dan "
        "mengirim pesan hangat setiap pekan, sampai jumpa!"
    )
    widget = f"<ul class='widgets'><li class='widget twitter'><h2>Twitter</h2><ul><li>{tweet}</li></ul></li></ul>"
    poem = "".join(f"<p>{line}</p>" for line in lines)
    html = f"<html><body><div class='wrap'><div class='post'><h1>Sore</h1>{poem}</div>{widget}</div></body></html>"
    assert find_main_text(page_selector(html).root).paragraphs == [tweet]
    parser = ArticleParser(html, "https://blog.example/2025/05/sore/")
    assert parser.field("body") == "\n\n".join(lines)
    assert parser.sources["body"] == "trafilatura"


def test_an_unsure_finder_that_trafilatura_agrees_with_keeps_its_own_reading() -> None:
    links = "".join(f'<a href="/tag/{n}/">Topic number {n}</a> ' for n in range(60))
    html = (
        f'<html><body><div class="col"><h1>{HEADLINE}</h1>' + "".join(f"<p>{t}</p>" for t in ARTICLE)
        + f'<div class="topics">{links}</div></div></body></html>'
    )  # fmt: skip
    found = find_main_text(page_selector(html).root)
    assert found.other_text > UNSURE_OTHER_TEXT  # the links are other text in the block
    assert found.paragraphs == ARTICLE  # but not paragraphs of it
    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(ARTICLE)
    assert parser.sources["body"] == "structure"


def test_a_finder_that_read_one_box_of_a_story_in_four_takes_trafilaturas_whole_reading() -> None:
    """A story whose paragraphs stand in four boxes with lists of topic links between them: the finder's block
    is one box, a quarter of the good text (unsure, though its block holds no other text); trafilatura reads
    all four boxes."""
    topics = "".join(f'<li><a href="/topic/{n}/">Topic number {n} of the week</a></li>' for n in range(40))
    boxes = f'<div class="topics"><ul>{topics}</ul></div>'.join(f"<section><p>{text}</p></section>" for text in ARTICLE)
    html = f"<html><body><article><h1>{HEADLINE}</h1>{boxes}</article></body></html>"
    found = find_main_text(page_selector(html).root)
    assert len(found.paragraphs) == 1 and found.paragraphs[0] in ARTICLE
    assert found.other_text <= UNSURE_OTHER_TEXT and found.share < UNSURE_SHARE
    assert agreement(found.paragraphs, trafilatura_paragraphs(html, URL, HEADLINE)) < MIN_AGREEMENT
    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(ARTICLE)
    assert parser.sources["body"] == "trafilatura"


def test_the_finders_share_is_of_the_headlines_article_not_of_the_stories_listed_beside_it() -> None:
    stories = "".join(f"<article><h2>Other {n}</h2><p>{text}</p></article>" for n, text in enumerate(other_stories(1)))
    html = (
        f"<html><body><article><h1>{HEADLINE}</h1>" + "".join(f"<p>{text}</p>" for text in ARTICLE)
        + f"</article>{stories[: stories.index('<article><h2>Other 4')]}</body></html>"
    )  # fmt: skip
    found = find_main_text(page_selector(html).root)
    assert found.paragraphs == ARTICLE
    assert found.share == 1.0  # the four other stories' summaries are outside the scope, not text it missed
    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(ARTICLE)
    assert parser.sources["body"] == "structure"


def test_where_trafilatura_reads_nothing_the_finders_reading_stands() -> None:
    empty = "<html><body><div></div></body></html>"
    assert trafilatura_paragraphs(empty, URL) == []
    assert second_opinion(Found(ARTICLE, 5.0), empty, URL) is None


def test_a_page_the_finder_read_nothing_of_is_left_to_json_ld() -> None:
    assert second_opinion(Found([], float("inf")), page(ARTICLE, other_stories(1)), URL) is None


def test_an_article_of_several_pages_is_read_by_one_voice() -> None:
    second = [text.replace("council", "assembly") for text in ARTICLE]
    first_page, next_page = page(ARTICLE, other_stories(1)), page(second, other_stories(9))
    parser = ArticleParser(first_page, URL, [(next_page, URL + "2/")])
    assert parser.field("body") == "\n\n".join(ARTICLE + second)
    assert parser.sources["body"] == "trafilatura"


def test_a_body_the_themes_container_gives_never_asks_the_finder_or_trafilatura() -> None:
    html = page(ARTICLE, other_stories(1)).replace('<div class="story">', '<div class="entry-content">')
    parser = ArticleParser(html, URL)
    parser.article()
    assert parser.sources["body"] == "theme"
    assert "found_text" not in parser.__dict__  # the finder's reading (and the second opinion) never ran


def test_a_second_opinion_of_nothing_but_promotion_lines_leaves_the_finders_reading() -> None:
    menu = "<ul>" + "".join(f"<li>{word}</li>" for word in PLAYER_MENU[:30]) + "</ul>"
    promotions = "".join(
        f"<p>Baca Juga: Another long related story number {n} about the bridge and the harbour and the council</p>"
        for n in range(8)
    )
    text = "".join(f"<p>{paragraph}</p>{menu}" for paragraph in ARTICLE)
    column = f'<div class="col"><h1>{HEADLINE}</h1>{text}<div class="story">{promotions}</div></div>'
    html = f"<html><body>{column}</body></html>"
    assert all(line.startswith("Baca Juga") for line in trafilatura_paragraphs(html, URL, HEADLINE))
    parser = ArticleParser(html, URL)
    assert parser.field("body") == "\n\n".join(parser.found_text[1][0])
    assert parser.sources["body"] == "structure"
    assert ARTICLE[0] in parser.field("body")


def test_a_headline_split_over_lines_is_left_out_whole() -> None:
    lines = ["Harbour", "Bridge  to be REBUILT", ARTICLE[0]]
    assert without_headline(lines, HEADLINE) == [ARTICLE[0]]
    assert without_headline(["Harbour", ARTICLE[0]], HEADLINE) == ["Harbour", ARTICLE[0]]  # a start of it only
    assert without_headline(lines, None) == lines


def test_a_page_larger_than_any_measured_is_not_second_guessed() -> None:
    html = page(ARTICLE, other_stories(1))
    found = find_main_text(page_selector(html).root)
    assert second_opinion(found, html, URL, HEADLINE) is not None
    padded = html.replace("</body>", f"<!-- {'x' * MAX_HTML_CHARACTERS} --></body>")
    assert second_opinion(found, padded, URL, HEADLINE) is None


def test_trafilaturas_complaints_about_a_page_stay_out_of_the_crawls_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        assert trafilatura_paragraphs("just text, no markup at all", URL) == []
    assert not [record for record in caplog.records if record.name.startswith("trafilatura")]

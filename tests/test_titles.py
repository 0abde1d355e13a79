"""Titles as other publishers write them: site names mid-title, kickers, search titles cut short."""

from __future__ import annotations

from kabarbaik_spider.pages.article import ArticleParser, completed, shared_headline, site_name_anywhere

URL = "https://www.example.org/2025/05/kabar/"


def title_of(head: str = "", body: str = "") -> str | None:
    html = f"<html><head>{head}</head><body><article>{body}<p>Teks berita.</p></article></body></html>"
    return ArticleParser(html, URL).field("title")


def og(title: str) -> str:
    return f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="Kabar Contoh">'


def ld(headline: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{headline}"}}</script>'


def test_the_site_name_mid_title_is_cut_with_what_follows_it() -> None:
    assert site_name_anywhere("Banjir di Kota | Kabar Contoh | by Siti", "Kabar Contoh") == "Banjir di Kota"
    assert site_name_anywhere("Banjir di Kota * Kabar Contoh * by Siti", "kabar contoh") == "Banjir di Kota"
    assert title_of(og("Banjir di Kota * Kabar Contoh * by Siti")) == "Banjir di Kota"
    assert site_name_anywhere("Banjir - Pagi | Kabar Contoh", "Kabar Contoh") == "Banjir - Pagi"  # its separator
    # A name as JSON-LD's WebSite may write it, with a space first: the space after the separator is the name's.
    assert site_name_anywhere("Banjir di Kota｜ Kabar Contoh ｜by Siti", " Kabar Contoh") == "Banjir di Kota"


def test_a_title_without_the_site_name_keeps_its_separators() -> None:
    assert site_name_anywhere("Abnehmspritze kommt - So teuer wird sie", "waz.de") == (
        "Abnehmspritze kommt - So teuer wird sie"
    )
    assert site_name_anywhere("Kabar Contoh: Banjir", "Kabar Contoh") == "Kabar Contoh: Banjir"  # a start, not mid
    assert site_name_anywhere("Banjir | Kabar Contoh Hari Ini", "Kabar Contoh") == "Banjir | Kabar Contoh Hari Ini"


def test_two_kickers_before_one_headline_leave_the_headline() -> None:
    assert shared_headline("Iran: Die Lage ist ernst heute", "Nahost - Die Lage ist ernst heute") == (
        "Die Lage ist ernst heute"
    )
    assert shared_headline("Bei Protesten: Bericht: A getötet", "Bericht: A getötet") is None  # one holds the other
    assert shared_headline("Iran: Lage ernst", "Nahost - Lage ernst") is None  # two words: a phrase
    assert shared_headline("Ein Tag voller Sorgen", "Zwei Tage voller Sorgen") is None  # no separator


def test_one_kicker_written_two_ways_is_not_two_kickers() -> None:
    """An og:title and an ``<h1>`` that punctuate the same start differently keep it: it is the headline's."""
    assert (
        shared_headline("Loriot 100: Eine Hommage an Vicco von Bülow", "Loriot 100 - Eine Hommage an Vicco von Bülow")
        is None
    )
    headline = "Die Lage im Nahen Osten bleibt ernst"
    assert shared_headline(f"Im Interview: {headline}", f"Im Livestream - {headline}") == headline  # one word of three
    head = og("How we designed Dropbox’s ATF - an async task framework")
    body = "<h1>How we designed Dropbox ATF: an async task framework</h1>"
    assert title_of(head, body) == "How we designed Dropbox’s ATF - an async task framework"


def test_an_og_title_loses_its_kicker_when_the_h1_has_another() -> None:
    head = og("Iranischer Angriff: «Die Zurückhaltung hat viel mit den USA zu tun»")
    body = "<h1>Eskalation im Nahen Osten - «Die Zurückhaltung hat viel mit den USA zu tun»</h1>"
    assert title_of(head, body) == "«Die Zurückhaltung hat viel mit den USA zu tun»"


def test_json_ld_keeps_its_kicker() -> None:
    body = "<h1>Neue Regierung: Drusen fordern Teilhabe statt Schutz</h1>"
    assert title_of(ld("Minderheit in Syrien: Drusen fordern Teilhabe statt Schutz"), body) == (
        "Minderheit in Syrien: Drusen fordern Teilhabe statt Schutz"
    )


def test_a_title_cut_short_is_completed_from_another() -> None:
    assert completed("Pemkab luncurkan program baru untuk…", "Pemkab luncurkan program baru untuk warga desa") == (
        "Pemkab luncurkan program baru untuk warga desa"
    )
    assert completed("Pemkab luncurkan program", "Pemkab luncurkan program baru") is None  # not cut short
    body = "<h1>Pemkab luncurkan program baru untuk warga desa</h1>"
    whole = "Pemkab luncurkan program baru untuk warga desa"
    assert title_of(ld("Pemkab luncurkan program baru untuk..."), body) == whole


def test_a_full_width_colon_before_the_site_name_is_a_separator() -> None:
    head = '<meta property="og:title" content="南海トラフ、一時調査：中日新聞Web">'
    head += '<meta property="og:site_name" content="中日新聞Web">'
    assert title_of(head) == "南海トラフ、一時調査"


def test_the_h1_decides_a_kicker_json_ld_and_og_title_disagree_on() -> None:
    headline = "Der Juli naht: Gewerkschaften zeigen Einheit"
    head = og(f"Nationale Demo / {headline}")
    shown = f"<h1><span>Nationale Demo</span>{headline}</h1>"
    assert title_of(ld(headline) + head, shown) == f"Nationale Demo / {headline}"
    assert title_of(ld(f"Nationale Demo / {headline}") + og(headline), f"<h1>{headline}</h1>") == headline
    assert title_of(ld(headline) + head, "<h1>Etwas ganz anderes steht hier</h1>") == headline  # neither: JSON-LD's
    assert title_of(ld(headline) + head) == headline  # no <h1>: JSON-LD's


def test_a_doubled_separator_before_the_site_name_goes_whole() -> None:
    """``T -- Site`` and ``Site :: T`` are the site's name and one separator written twice; a guillemet that
    closes a quote before a spaced separator is the headline's own."""
    assert title_of(og("Banjir di Kota -- Kabar Contoh")) == "Banjir di Kota"
    assert title_of(og("Kabar Contoh :: Banjir di Kota")) == "Banjir di Kota"
    assert title_of(og("Banjir di Kota -- Pagi -- Kabar Contoh")) == "Banjir di Kota -- Pagi"
    assert site_name_anywhere("Banjir di Kota || Kabar Contoh || by Siti", "Kabar Contoh") == "Banjir di Kota"
    assert title_of(og("«Banjir di Kota» » Kabar Contoh")) == "«Banjir di Kota»"

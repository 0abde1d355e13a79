"""The parser's fixtures: every folder under fixtures/pages is a test, and `scrapy fixture` keeps them.

A folder added there is a test, with no code to write; a failure shows each
key that differs, the expected value, the value now and the source that gave it.
"""

from __future__ import annotations

import json

import pytest
from site_fixtures import SITE, at_origin, read_page, run_scrapy

from kabarbaik_spider.fixtures import all_fixtures, slug_for
from kabarbaik_spider.offline_site import OfflineSite

FIXTURES = all_fixtures()
SPLIT = "https://kabarbaik.co/menengok-geliat-umkm-batik-jonegoroan-di-era-belanja-daring/"
SINGLE = "https://kabarbaik.co/petani-lamongan-mulai-tanam-jagung-9/"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture.name for fixture in FIXTURES])
def test_the_parser_gives_each_fixture_its_expected_item(fixture) -> None:
    differences = fixture.differences()
    assert not differences, f"{fixture.folder}: keys that differ from output.json:\n" + "\n".join(
        f"  {key}\n    expected {expected!r}\n    now      {now!r}  ({source})"
        for key, expected, now, source in differences
    )


def test_every_article_of_the_model_site_is_a_fixture() -> None:
    articles = {path.parent.name for path in SITE.glob("*/index.html")} - {"feed"}
    assert len(articles) == 26
    assert articles <= {fixture.name for fixture in FIXTURES}  # fixtures saved from the live site come on top


def test_a_page_saved_in_a_browser_becomes_a_fixture_that_check_and_update_keep(tmp_path) -> None:
    page = tmp_path / "saved.html"
    page.write_text(read_page(SINGLE), encoding="utf-8")
    pages = tmp_path / "pages"
    saved = run_scrapy("fixture", "save", "--from-file", str(page), "--url", SINGLE, "--dir", str(pages))
    assert saved.returncode == 0, saved.stderr
    folder = pages / "petani-lamongan-mulai-tanam-jagung-9"
    assert saved.stdout.strip() == f"saved {folder} (1 pages); review output.json before committing it"
    assert json.loads((folder / "output.json").read_text()) == next(
        f.expected() for f in FIXTURES if f.name == folder.name
    )
    assert json.loads((folder / "meta.json").read_text())["inputs"] == [
        {"file": "page-1.html", "url": SINGLE, "status": 200, "headers": {}}
    ]
    assert run_scrapy("fixture", "check", "--dir", str(pages)).returncode == 0

    # The site retitles its JSON-LD and changes the words of its view counter. check names each key, both
    # values and the source that gave the value now, or the sources tried when none did.
    html = (folder / "inputs" / "page-1.html").read_text()
    html = html.replace('"headline": "Petani Lamongan mulai tanam jagung (9)"', '"headline": "Petani Lamongan"')
    (folder / "inputs" / "page-1.html").write_text(html.replace("Dilihat", "pembaca"), encoding="utf-8")
    checked = run_scrapy("fixture", "check", "--dir", str(pages))
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [
        "petani-lamongan-mulai-tanam-jagung-9:",
        "  title",
        "    expected 'Petani Lamongan mulai tanam jagung (9)'",
        "    now      'Petani Lamongan'  (source jsonld)",
        "  views",
        "    expected 10330",
        "    now      None  (no source (tried theme, words))",
        "1 fixtures, 1 differ; scrapy fixture update pins",
    ]
    updated = run_scrapy("fixture", "update", "petani-lamongan-mulai-tanam-jagung-9", "--dir", str(pages))
    assert updated.returncode == 0 and "updated" in updated.stdout
    assert json.loads((folder / "output.json").read_text())["views"] is None
    assert json.loads((folder / "output.json").read_text())["title"] == "Petani Lamongan"
    assert run_scrapy("fixture", "check", "--dir", str(pages)).returncode == 0


def test_save_fetches_the_article_and_its_continuation_pages_with_the_project_settings(tmp_path) -> None:
    pages = tmp_path / "pages"
    with OfflineSite(SITE) as site:
        url = SPLIT.replace("https://kabarbaik.co", site.origin)
        saved = run_scrapy("fixture", "save", url, "--dir", str(pages))
        again = run_scrapy("fixture", "save", url, "--dir", str(pages))
        assert site.requested("/robots.txt") == 2  # robots.txt obeyed, as in a crawl
    assert saved.returncode == 0, saved.stderr
    folder = pages / "menengok-geliat-umkm-batik-jonegoroan-di-era-belanja-daring"
    meta = json.loads((folder / "meta.json").read_text())
    assert [entry["url"] for entry in meta["inputs"]] == [url, url + "2/"]
    assert meta["inputs"][0]["headers"]["content-type"] == "text/html; charset=utf-8"
    expected = next(f.expected() for f in FIXTURES if f.name == folder.name)
    assert json.loads((folder / "output.json").read_text()) == at_origin(expected, url.split("/m")[0])
    assert again.returncode == 1 and "exists; --force replaces it" in again.stderr


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("https://kabarbaik.co/../../etc/passwd", "passwd"),
        ("https://kabarbaik.co/a/b/..", "page"),
        ("https://kabarbaik.co/", "home"),
        ("https://kabarbaik.co/Berita%20Baru!/", "berita-20baru"),
        ("https://kabarbaik.co/...", "page"),
    ],
)
def test_no_url_names_a_folder_outside_fixtures(url, slug) -> None:
    assert slug_for(url) == slug

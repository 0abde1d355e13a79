"""The real ``scrapy crawl kabarbaik`` against copies of the site on 127.0.0.1, faults made by the server."""

from __future__ import annotations

import shutil

import pytest
from site_fixtures import (
    SITE,
    at_origin,
    card_block,
    copy_site,
    crawl,
    expected_items,
    field_diff,
    last_run,
    model_fixtures,
    read_store,
    source_counts,
)

from kabarbaik_spider.offline_site import Fault, OfflineSite

ITEMS = expected_items()
GONE = "/petani-madiun-mulai-tanam-jagung-3/"
FLAKY = "/harga-gabah-di-tuban-mulai-naik-16/"  # answers 500 twice, then the page
BUSY = "/warga-nganjuk-menggelar-kerja-bakti-massal-14/"  # answers 503 with Retry-After: 2 once
REPEATED_POST = 117017  # page 1's last card, shown again at the top of page 2
REPEATED = "/pemkab-gresik-meluncurkan-program-layanan-terpadu-8/"


def assert_store_matches(store_items: list[dict], expected: list[dict], origin: str) -> None:
    urls = [item["url"] for item in store_items]
    assert len(urls) == len(set(urls)), "an article was stored twice"
    by_url = {item["url"]: item for item in store_items}
    wanted = {item["url"]: item for item in (at_origin(e, origin) for e in expected)}
    assert set(by_url) == set(wanted)
    problems = {url: diff for url, item in wanted.items() if (diff := field_diff(by_url[url], item))}
    assert not problems, "\n".join(f"{url}\n" + "\n".join(diff) for url, diff in problems.items())


@pytest.fixture(scope="module")
def faulty_site(tmp_path_factory):
    """A copy of the site with a listed article gone and page 2 repeating page 1's last card."""
    root = copy_site(tmp_path_factory.mktemp("faulty") / "site")
    shutil.rmtree(root / GONE.strip("/"))
    home = (root / "index.html").read_text(encoding="utf-8")
    page2 = root / "page" / "2" / "index.html"
    opening = '<div class="posts-container infinite-container">\n'
    page2.write_text(
        page2.read_text(encoding="utf-8").replace(opening, opening + card_block(home, REPEATED_POST), 1),
        encoding="utf-8",
    )
    return root


def test_crawl_survives_the_faults_and_stores_every_article_once(faulty_site, tmp_path) -> None:
    faults = {FLAKY: [Fault(500), Fault(500)], BUSY: [Fault(503, {"Retry-After": "2"})]}
    store = tmp_path / "articles.jsonl"
    with OfflineSite(faulty_site, faults=faults) as site:
        result = crawl(site, store)
        assert result.returncode == 0, result.stderr[-3000:]
        assert_store_matches(read_store(store), [i for i in ITEMS if not i["url"].endswith(GONE)], site.origin)
        assert site.requested(FLAKY) == 3
        first, retry = site.times(BUSY)
        assert retry - first >= 2.0, "the retry came before Retry-After allowed"
        assert site.requested(REPEATED) == 1
        assert site.requested(GONE) == 1
        assert [site.requested(p) for p in ("/", "/page/2/", "/page/3/", "/page/4/")] == [1, 1, 1, 0]
    assert "Listed article is gone (HTTP 404)" in result.stderr
    assert "'kabarbaik/article_gone': 1" in result.stderr


def test_a_second_run_over_an_unchanged_site_appends_nothing(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store)
        assert result.returncode == 0
        first = store.read_bytes()
        assert_store_matches(read_store(store), ITEMS, site.origin)
        # Each key's source is counted in the run's line: WordPress's record for every key it holds, the
        # page (as the parser reports it page by page) for the view counter.
        parsed = source_counts(model_fixtures())
        record_first = {key: names if key == "views" else {"api": sum(names.values())} for key, names in parsed.items()}
        assert last_run(store)["sources"] == record_first
        assert "'kabarbaik/source/body/api': 26" in result.stderr  # in the crawl's stats too
        again = crawl(site, store)
    assert again.returncode == 0
    assert store.read_bytes() == first


def test_scrapys_own_feed_export_keeps_working_beside_the_store(tmp_path) -> None:
    store, feed = tmp_path / "articles.jsonl", tmp_path / "feed.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-O", str(feed))
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(read_store(feed), key=lambda i: i["url"]) == sorted(read_store(store), key=lambda i: i["url"])
    assert b"\\u" not in feed.read_bytes()


def test_max_pages_and_since_limit_the_listing_pages(tmp_path) -> None:
    with OfflineSite(SITE) as site:
        limited = crawl(site, tmp_path / "one.jsonl", "-a", "max_pages=1")
        assert limited.returncode == 0, limited.stderr[-3000:]
        assert len(read_store(tmp_path / "one.jsonl")) == 10
        assert site.requested("/page/2/") == 0
        recent = crawl(site, tmp_path / "recent.jsonl", "-a", "since=2025-05-09")
        assert recent.returncode == 0, recent.stderr[-3000:]
        assert site.requested("/page/2/") == 1 and site.requested("/page/3/") == 0
    dates = [item["published_at"][:10] for item in read_store(tmp_path / "recent.jsonl")]
    assert len(dates) == 10 and min(dates) >= "2025-05-09"


def test_a_category_listing_crawls_its_articles(tmp_path) -> None:
    store = tmp_path / "ekonomi.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, start_path="/category/ekonomi/")
        assert result.returncode == 0, result.stderr[-3000:]
        origin = site.origin
    ekonomi = [item for item in ITEMS if item["category"] == "Ekonomi"]
    assert_store_matches(read_store(store), ekonomi, origin)

"""The rough edges a newcomer met (issue 15): each one made for real, with the real commands."""

from __future__ import annotations

from site_fixtures import SITE, crawl, expected_items, read_store

from kabarbaik_spider.offline_site import OfflineSite


def test_a_sitemap_run_passes_robots_txt_as_bytes_and_warns_of_nothing(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-a", "via=sitemap")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(read_store(store)) == len(expected_items())
    assert "robots_text" not in result.stderr and "ScrapyDeprecationWarning" not in result.stderr

"""WordPress's own channels: the REST API backfill, sitemap discovery, and the cross-check of every new item.

All against the offline site on 127.0.0.1, which serves the model's REST API
(paging, headers, ``include``, 400 past the end, 401 when closed), its Yoast
sitemaps and its feed, with the real ``scrapy crawl``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from site_fixtures import (
    SITE,
    assert_every_article_once,
    at_origin,
    copy_api,
    copy_site,
    crawl,
    expected_items,
    field_diff,
    last_run,
    publish,
    publish_posts,
    read_store,
    run_scrapy,
)

from kabarbaik_spider.exit_status import EXIT_COVERAGE, EXIT_ERRORS, EXIT_OK
from kabarbaik_spider.offline_site import Fault, OfflineSite

ITEMS = expected_items()
API_ITEMS = expected_items("api")
POSTS = "/wp-json/wp/v2/posts"
LISTING = re.compile(r"^/(page/\d+/)?$")


def page_requests(site: OfflineSite) -> list[str]:
    """Every request but robots.txt and the API's: listing, article and sitemap pages."""
    return [path for _, path in site.requests if path != "/robots.txt" and not path.startswith("/wp-json/")]


def assert_store_is(store, expected: list[dict], origin: str) -> None:
    stored = {item["url"]: item for item in read_store(store)}
    assert len(stored) == len(read_store(store)) == len(expected)
    problems = {
        item["url"]: diff
        for item in (at_origin(e, origin) for e in expected)
        if (diff := field_diff(stored[item["url"]], item))
    }
    assert not problems, "\n".join(f"{url}\n" + "\n".join(diff) for url, diff in problems.items())


# -- the REST API ----------------------------------------------------------------------------------------


def test_an_api_backfill_is_api_jsonl_field_for_field_in_one_request(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-a", "via=api")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert page_requests(site) == [] and site.api_queries == [f"{POSTS}?per_page=100&_embed=1&page=1"]
        assert_store_is(store, API_ITEMS, site.origin)
    run = last_run(store)
    assert (run["api"], run["api_requests"], run["settled"]) == ("used", 1, True)
    assert run["crosscheck"]["requests"] == 0  # nothing to check: the items are WordPress's own


def test_an_api_walk_pages_to_the_end_by_its_headers(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-a", "via=api", "-s", "KABARBAIK_API_PAGE_SIZE=10")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert [query.rsplit("page=", 1)[1] for query in site.api_queries] == ["1", "2", "3"]
        assert_store_is(store, API_ITEMS, site.origin)
    assert last_run(store)["feed_end"] == "the API's last page (X-WP-TotalPages)"


def test_an_api_rerun_after_three_new_posts_costs_one_or_two_api_requests_and_no_page(tmp_path) -> None:
    root, api, store = copy_site(tmp_path / "site"), copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    with OfflineSite(root, api=api) as site:
        assert crawl(site, store, "-a", "via=api").returncode == EXIT_OK
        port = site.port
    publish(root, 3)
    publish_posts(api, 3)
    with OfflineSite(root, api=api, port=port) as site:
        result = crawl(site, store, "-a", "via=api")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert page_requests(site) == [] and 1 <= len(site.api_queries) <= 2
    run = last_run(store)
    assert (run["items_new"], run["articles_requested"], run["listing_pages_requested"]) == (3, 0, 0)
    new = read_store(store)[26:]
    assert sorted(item["post_id"] for item in new) == [117018 + 2001, 117018 + 2002, 117018 + 2003]
    assert all(item["body"] and item["title"].endswith(f"baru {item['post_id'] - 119018}") for item in new)


def test_an_api_rerun_of_settled_posts_stops_at_the_first_page(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store, "-a", "via=api", "-s", "KABARBAIK_API_PAGE_SIZE=10").returncode == EXIT_OK
        before = len(site.api_queries)
        result = crawl(site, store, "-a", "via=api", "-s", "KABARBAIK_API_PAGE_SIZE=10")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert len(site.api_queries) - before == 1
    assert last_run(store)["feed_end"] == "every post on this API page is already stored"


def test_a_closed_api_falls_back_to_the_listing_with_every_item_right(tmp_path) -> None:
    for closed in (401, 403, None):
        store = tmp_path / f"articles-{closed}.jsonl"
        with OfflineSite(SITE, api=closed) as site:
            result = crawl(site, store, "-a", "via=api")
            assert result.returncode == EXIT_OK, result.stderr[-3000:]
            assert_every_article_once(store, ITEMS, site.origin)
        run = last_run(store)
        assert run["api"].startswith("closed: HTTP") and run["api"].endswith("walked the HTML listing instead")
        assert result.stderr.count("The REST API at") == 1, "said once"
        assert run["crosscheck"]["requests"] == 0
    assert "rest_login_required" in last_run(tmp_path / "articles-401.jsonl")["api"]


def test_an_api_answering_html_on_its_first_page_falls_back_to_the_listing(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    error_page = Fault(
        headers={"Content-Type": "text/html; charset=UTF-8"},
        body=b"<html><body><h1>Error establishing a database connection</h1></body></html>",
    )
    with OfflineSite(SITE, faults={POSTS: [error_page]}) as site:
        result = crawl(site, store, "-a", "via=api")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)
    assert "an answer that is not a list of posts (HTTP 200, text/html" in last_run(store)["api"]


def test_a_malformed_api_page_later_in_the_walk_is_a_clear_failure(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    truncated = Fault(headers={"Content-Type": "application/json"}, body=b'[{"id": 117011, "link": "http')
    with OfflineSite(SITE, faults={POSTS: [Fault(), truncated]}) as site:
        result = crawl(site, store, "-a", "via=api", "-s", "KABARBAIK_API_PAGE_SIZE=10")
    assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]
    [failure] = last_run(store)["listing_failures"]
    assert failure["url"].endswith("page=2") and "not a list of posts" in failure["reason"]
    assert "Traceback" not in result.stderr
    assert len(read_store(store)) == 10


# -- the sitemaps ---------------------------------------------------------------------------------------------


def test_a_sitemap_crawl_finds_every_article_and_reads_no_listing_page(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-a", "via=sitemap")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)
        asked = page_requests(site)
    assert not [path for path in asked if LISTING.match(path) or path.startswith(("/category/", "/tag/"))]
    assert sorted(path for path in asked if path.endswith(".xml")) == [
        "/post-sitemap.xml", "/post-sitemap2.xml", "/post-sitemap3.xml", "/sitemap_index.xml",
    ]  # fmt: skip
    assert asked[0] == "/sitemap_index.xml"
    run = last_run(store)
    assert (run["sitemaps_requested"], run["rejects"], run["settled"]) == (4, 0, True)


def test_a_sitemap_rerun_skips_the_unchanged_sitemaps(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    with OfflineSite(root) as site:
        assert crawl(site, store, "-a", "via=sitemap").returncode == EXIT_OK
        port = site.port
    index = root / "sitemap_index.xml"  # post-sitemap3.xml changed: a new lastmod in the index
    index.write_text(
        index.read_text().replace("2025-05-15T07:20:02+00:00</lastmod>", "2025-05-16T00:00:00+00:00</lastmod>", 1)
    )
    with OfflineSite(root, port=port) as site:
        result = crawl(site, store, "-a", "via=sitemap")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert page_requests(site) == ["/sitemap_index.xml", "/post-sitemap3.xml"]
    assert last_run(store)["sitemaps_unchanged"] == 2


def test_without_a_sitemap_line_the_usual_places_are_tried(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    robots = root / "robots.txt"
    robots.write_text(re.sub(r"Sitemap: .*\n?", "", robots.read_text()))
    with OfflineSite(root) as site:
        result = crawl(site, store, "-a", "via=sitemap")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)


# -- the cross-check --------------------------------------------------------------------------------------------


def test_every_new_item_is_checked_against_the_api_one_request_per_hundred(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store)
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        [query] = site.api_queries
    assert query.startswith(f"{POSTS}?include=") and len(query.split("include=")[1].split("&")[0].split(",")) == 26
    check = last_run(store)["crosscheck"]
    assert (check["requests"], check["checked"], check["disagreements"]) == (1, 26, [])


def plant(api: Path, post_id: int, change: Callable[[dict], None]) -> None:
    """Changes one post's record in the API copy at ``api``."""
    posts = json.loads((api / "posts.json").read_text(encoding="utf-8"))
    change(next(post for post in posts if post["id"] == post_id))
    (api / "posts.json").write_text(json.dumps(posts), encoding="utf-8")


def test_a_page_that_disagrees_with_its_api_record_is_stored_from_the_record_and_named(tmp_path) -> None:
    """WordPress's record is right: the item takes its value; the parser's drift is a warning, kept as a fixture."""
    api, store = copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    plant(api, 117018, lambda post: post["title"].update(rendered="Judul yang lain"))
    with OfflineSite(SITE, api=api) as site:
        result = crawl(site, store)
        origin = site.origin
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    url = f"{origin}/petani-madiun-mulai-tanam-jagung-4/"
    run = last_run(store)
    [found] = run["crosscheck"]["disagreements"]
    assert found == {
        "url": url,
        "key": "title",
        "page": "Petani Madiun mulai tanam jagung (4)",
        "api": "Judul yang lain",
    }
    assert run["crosscheck"]["page_disagrees"] == {"title": 1} and run["problems"] == []
    assert "The page parser disagrees with WordPress's record (posts per key: title 1)" in result.stderr
    stored = {item["url"]: item for item in read_store(store)}
    assert len(stored) == 26 and stored[url]["title"] == "Judul yang lain"
    # The page and the record, side by side, as a fixture the parser's tools read.
    [kept] = run["crosscheck"]["fixtures"]
    check = run_scrapy("fixture", "check", "--dir", str(Path(kept).parent))
    assert check.returncode != 0 and "title" in check.stdout and "Judul yang lain" in check.stdout, check.stdout


def test_a_record_with_empty_or_broken_fields_leaves_those_keys_to_the_page(tmp_path) -> None:
    api, store = copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"

    def empty(post: dict) -> None:
        post["title"]["rendered"] = ""
        post["excerpt"]["rendered"] = "<p><b>unclosed <i>"
        post.pop("_embedded", None)

    plant(api, 117018, empty)
    with OfflineSite(SITE, api=api) as site:
        result = crawl(site, store)
        origin = site.origin
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert_every_article_once(store, ITEMS, origin)  # the page's values serve where the record has none


def test_a_record_naming_another_post_is_not_used_and_the_run_says_so(tmp_path) -> None:
    api, store = copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    plant(api, 117018, lambda post: post.update(link=post["link"].replace("jagung-4", "jagung-3")))
    with OfflineSite(SITE, api=api) as site:
        result = crawl(site, store)
        origin = site.origin
    assert result.returncode == EXIT_COVERAGE, result.stderr[-3000:]
    url = f"{origin}/petani-madiun-mulai-tanam-jagung-4/"
    assert last_run(store)["crosscheck"]["mismatched"] == [url]
    assert any("names another URL" in problem for problem in last_run(store)["problems"])
    assert_every_article_once(store, ITEMS, origin)  # stored from its page, which is right here


def test_an_api_closing_in_the_middle_of_a_run_leaves_the_later_items_to_their_pages(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    closed = Fault(401, {"Content-Type": "application/json"}, b'{"code": "rest_login_required"}')
    with OfflineSite(SITE, faults={POSTS: [Fault(), closed]}) as site:
        result = crawl(site, store, "-s", "KABARBAIK_RECORDS_BATCH=10")
        origin = site.origin
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    check = last_run(store)["crosscheck"]
    assert (check["requests"], check["checked"]) == (2, 10) and "HTTP 401" in check["skipped"]
    assert result.stderr.count("the cross-check is skipped") == 1
    assert_every_article_once(store, ITEMS, origin)


def test_a_closed_or_broken_api_skips_the_cross_check_without_changing_the_verdict(tmp_path) -> None:
    broken = Fault(body=b"<html>Error</html>")
    for name, site in (("closed", OfflineSite(SITE, api=401)), ("broken", OfflineSite(SITE, faults={POSTS: [broken]}))):
        store = tmp_path / f"{name}.jsonl"
        with site:
            result = crawl(site, store)
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert result.stderr.count("the cross-check is skipped") == 1
        assert last_run(store)["crosscheck"]["skipped"]


def test_crosscheck_0_asks_the_api_nothing(tmp_path) -> None:
    with OfflineSite(SITE) as site:
        assert crawl(site, tmp_path / "articles.jsonl", "-a", "crosscheck=0").returncode == EXIT_OK
        assert site.api_queries == []


class SiteWithoutPageCounts(OfflineSite):
    """An API that sends no X-WP-TotalPages (a proxy strips it): only the 400 past the end ends the walk."""

    def answer(self, path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super().answer(path, query)
        return status, {name: value for name, value in headers.items() if name != "X-WP-TotalPages"}, body


def test_a_400_past_the_last_page_ends_the_api_walk_not_the_run(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with SiteWithoutPageCounts(SITE) as site:
        result = crawl(site, store, "-a", "via=api", "-s", "KABARBAIK_API_PAGE_SIZE=10")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert len(site.api_queries) == 4
        assert_store_is(store, API_ITEMS, site.origin)
    assert last_run(store)["feed_end"] == "past the API's last page (rest_post_invalid_page_number)"


def test_an_api_record_that_cannot_be_an_item_is_rejected_with_its_reason(tmp_path) -> None:
    api, store = copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    posts = json.loads((api / "posts.json").read_text(encoding="utf-8"))
    broken = next(post for post in posts if post["id"] == 117018)
    del broken["date_gmt"]
    (api / "posts.json").write_text(json.dumps(posts), encoding="utf-8")
    with OfflineSite(SITE, api=api) as site:
        result = crawl(site, store, "-a", "via=api")
    assert result.returncode == EXIT_COVERAGE  # published_at 96% < 100%, as for a page
    [reject] = read_store(store.with_name(store.name + ".rejects.jsonl"))
    assert reject["url"].endswith("/petani-madiun-mulai-tanam-jagung-4/") and reject["reason"] == "missing published_at"
    assert len(read_store(store)) == 25

"""Scheduled crawls: incremental, safe to kill, safe to overlap, loud when wrong.

Every test runs the real ``scrapy crawl kabarbaik`` in a subprocess against a
copy of the site served on 127.0.0.1; request counts are the server's own.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
from pathlib import Path

import pytest
from site_fixtures import (
    SITE,
    as_asked,
    assert_every_article_once,
    at_origin,
    copy_site,
    crawl,
    expected_items,
    last_run,
    publish,
    read_store,
    start_crawl,
    store_lines,
    wait_until,
)

from kabarbaik_spider.exit_status import EXIT_COVERAGE, EXIT_INTERRUPTED, EXIT_STORE_LOCKED
from kabarbaik_spider.offline_site import OfflineSite

ITEMS = expected_items()
LISTING = re.compile(r"^/(page/\d+/)?$")


def article_paths(site: OfflineSite) -> list[str]:
    return [
        path
        for _, path in site.requests
        if not LISTING.match(path) and path != "/robots.txt" and not path.startswith("/wp-json/")
    ]


def listing_paths(site: OfflineSite) -> list[str]:
    return [path for _, path in site.requests if LISTING.match(path)]


def test_a_rerun_fetches_only_the_new_articles(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    with OfflineSite(root) as site:
        assert crawl(site, store).returncode == 0
        assert_every_article_once(store, ITEMS, site.origin)
        port = site.port
    new = publish(root, 3)
    with OfflineSite(root, port=port) as site:  # the same origin, as the live site keeps
        result = crawl(site, store)
        assert result.returncode == 0, result.stderr[-3000:]
        assert listing_paths(site) == ["/", "/page/2/"]
        assert sorted(article_paths(site)) == sorted(item["url"].removeprefix("https://kabarbaik.co") for item in new)
        stored = read_store(store)
        assert len(stored) == 29
        assert {item["post_id"] for item in stored[26:]} == {item["post_id"] for item in new}
        run = last_run(store)
        origin = site.origin
    assert (run["listing_pages_requested"], run["articles_requested"], run["items_new"]) == (2, 3, 3)
    assert run["exit_status"] == 0 and run["feed_end"] == "every card on this page is already stored"
    assert_every_article_once(store, ITEMS + new, origin)


def test_a_gone_article_is_remembered_and_retried_only_by_a_full_run(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    gone = "/petani-madiun-mulai-tanam-jagung-3/"
    shutil.move(root / gone.strip("/"), tmp_path / "kept")
    with OfflineSite(root) as site:
        assert crawl(site, store).returncode == 0
        assert crawl(site, store).returncode == 0
        assert site.requested(gone) == 1  # not fetched again by the second run
        shutil.move(tmp_path / "kept", root / gone.strip("/"))
        assert crawl(site, store).returncode == 0
        assert site.requested(gone) == 1
        full = crawl(site, store, "-a", "full=1")
        assert full.returncode == 0, full.stderr[-3000:]
        assert site.requested(gone) == 2
        assert listing_paths(site).count("/page/3/") == 2  # the first run and the full one walked to the end
        assert_every_article_once(store, ITEMS, site.origin)
    assert last_run(store)["items_new"] == 1


def test_a_crawl_killed_with_sigkill_leaves_whole_lines_and_the_next_run_completes(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        killed = start_crawl(site, store)
        wait_until(lambda: store_lines(store) >= 5, what="a few stored articles")
        killed.kill()
        killed.communicate(timeout=30)
        assert killed.returncode == -signal.SIGKILL
        survivors = read_store(store)  # asserts the file ends with a whole line
        assert 5 <= len(survivors) < len(ITEMS)
        again = crawl(site, store)
        assert again.returncode == 0, again.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)


def test_a_second_run_on_the_same_store_exits_at_once_and_leaves_it_alone(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        first = start_crawl(site, store)
        wait_until(lambda: store_lines(store) >= 1, what="the first run to start storing")
        second = crawl(site, store)
        assert second.returncode == EXIT_STORE_LOCKED
        assert "in use by another crawl" in second.stderr
        assert "Spider opened" not in second.stderr
        assert first.wait(timeout=120) == 0
        assert_every_article_once(store, ITEMS, site.origin)
    runs = store.with_name(store.name + ".runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(runs) == 1  # the refused run wrote nothing, not even its run line
    assert not store.with_name(store.name + ".rejects.jsonl").exists()


def test_a_backfill_paused_with_sigterm_resumes_from_its_jobdir(tmp_path) -> None:
    store, jobdir = tmp_path / "articles.jsonl", tmp_path / "job"
    with OfflineSite(SITE) as site:
        paused = start_crawl(site, store, "-s", f"JOBDIR={jobdir}")
        wait_until(lambda: store_lines(store) >= 5, what="a few stored articles")
        paused.send_signal(signal.SIGTERM)
        _, log = paused.communicate(timeout=60)
        assert paused.returncode == EXIT_INTERRUPTED, log[-3000:]
        assert "(shutdown)" in log
        assert store_lines(store) < len(ITEMS)
        resumed = crawl(site, store, "-s", f"JOBDIR={jobdir}")
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert "Resuming crawl" in resumed.stderr
        assert_every_article_once(store, ITEMS, site.origin)
        fetched = article_paths(site)
        assert last_run(store)["settled"] is True  # the resumed run vouches for the whole walk
        before = len(site.requests)
        assert crawl(site, store).returncode == 0
        # So the next run stops at page 1, and asks WordPress once for posts edited since.
        assert as_asked(site.requests[before:]) == (["/robots.txt"], ["/", "/wp-json/wp/v2/posts"])
    assert len(fetched) == len(set(fetched)) == len(ITEMS) + 1  # each page once; the split article has two


@pytest.fixture(scope="module")
def drifted_site(tmp_path_factory):
    """A copy of the site whose credit lines and views counters are gone."""
    root = copy_site(tmp_path_factory.mktemp("drift") / "site")
    credit = re.compile(
        r'<p><strong>(Penulis|Reporter|Editor)</strong>.*?</p>|<div class="post-credit">.*?</div>'
        r'|<span class="meta-views">.*?</span>',
        re.S,
    )
    for page in root.rglob("index.html"):
        page.write_text(credit.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def before_the_drift(store: Path) -> int:
    """A store that held the first listing page's articles, view counts and all, before the site drifted; its port."""
    with OfflineSite(SITE) as site:
        assert crawl(site, store, "-a", "max_pages=1").returncode == 0
        return site.port


def test_a_run_whose_fields_lost_coverage_exits_non_zero_and_names_them(drifted_site, tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    port = before_the_drift(store)
    with OfflineSite(drifted_site, port=port) as site:
        result = crawl(site, store, "-a", "crosscheck=0")  # the pages alone, as when the REST API is closed
    assert result.returncode == EXIT_COVERAGE
    run = last_run(store)
    assert run["exit_status"] == EXIT_COVERAGE
    [problem] = run["problems"]
    assert "editor 0% < 35%" in problem and "views 0% < 40%" in problem
    assert "editor 0% < 35%" in result.stderr
    assert run["coverage"]["title"] == 1.0 and run["items_new"] == len(ITEMS) - 10


def test_with_wordpress_records_a_drifted_page_is_stored_right_and_only_what_the_record_lacks_fails(
    drifted_site, tmp_path
) -> None:
    """The credit lines left the pages, not WordPress's record: the items keep them, the parser's drift is a warning."""
    store = tmp_path / "articles.jsonl"
    port = before_the_drift(store)
    with OfflineSite(drifted_site, port=port) as site:
        result = crawl(site, store)
        origin = site.origin
    assert result.returncode == EXIT_COVERAGE  # the view counter, which the store held before, is the page's alone
    run = last_run(store)
    [problem] = run["problems"]
    assert "views 0% < 40%" in problem and "editor" not in problem
    by_url = {item["url"]: item for item in read_store(store)}
    for expected in (at_origin(item, origin) for item in ITEMS):
        assert {key: by_url[expected["url"]][key] for key in ("author", "editor")} == {
            key: expected[key] for key in ("author", "editor")
        }
    # The byline account stood in for the lost credit line on the page; WordPress's record still has the writer.
    assert set(run["crosscheck"]["page_disagrees"]) == {"author", "editor"}
    assert "The page parser disagrees with WordPress's record (posts per key: author" in result.stderr


def test_every_run_appends_one_line_for_the_scheduler(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store, "-a", "max_pages=1").returncode == 0
        assert crawl(site, store).returncode == 0
    runs = (tmp_path / "articles.jsonl.runs.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(runs) == 2
    first = json.loads(runs[0])
    assert first["arguments"]["max_pages"] == 1
    assert first["listing_pages_requested"] == 1 and first["items_new"] == 10
    assert first["coverage"]["body"] == 1.0 and first["exit_status"] == 0
    assert {"started_at", "finished_at", "http_errors", "duplicates_skipped", "rejects"} <= first.keys()


def test_a_crawl_of_an_unreachable_listing_exits_non_zero(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, start_path="/no-such-listing/")
    assert result.returncode != 0
    assert last_run(store)["problems"]
    assert not store.exists() or read_store(store) == []


def test_a_rejected_page_fails_one_run_loudly_and_is_retried_only_by_a_full_run(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    undated = "/petani-tuban-mulai-tanam-jagung-11/"
    page = root / undated.strip("/") / "index.html"
    page.write_text(re.sub(r'<meta property="article:[a-z_]+" content="[^"]*" />', "", page.read_text()))
    pages_alone = ("-a", "crosscheck=0")  # as when the REST API is closed: its record would give the date
    with OfflineSite(root) as site:
        first = crawl(site, store, *pages_alone)
        assert first.returncode == EXIT_COVERAGE
        assert "published_at 96% < 100%" in last_run(store)["problems"][0]
        assert crawl(site, store, *pages_alone).returncode == 0
        assert site.requested(undated) == 1
        assert crawl(site, store, "-a", "full=1", *pages_alone).returncode == EXIT_COVERAGE
        assert site.requested(undated) == 2
    [reject, again] = read_store(store.with_name(store.name + ".rejects.jsonl"))
    assert reject["reason"] == again["reason"] == "missing published_at"
    assert len(read_store(store)) == len(ITEMS) - 1

"""No silent loss: every fault is survived or reported, never an exit 0 that hides a missing article.

Each test makes its fault for real (a server on 127.0.0.1 that misbehaves, a
file size limit, a small tmpfs), runs the real ``scrapy crawl kabarbaik``,
checks the exit status, the run's line and the store, then crawls the healthy
site again: every article must end up stored exactly once.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from site_fixtures import (
    CARD,
    SITE,
    assert_every_article_once,
    copy_site,
    crawl,
    expected_items,
    last_run,
    read_page,
    read_store,
    store_state,
)

from kabarbaik_spider.exit_status import (
    EXIT_ARTICLES_FAILED,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_STORE_FAILED,
)
from kabarbaik_spider.offline_site import LIVE_ORIGIN, Fault, OfflineSite
from kabarbaik_spider.pages.listing import parse_listing

ITEMS = expected_items()
ARTICLE = "/petani-madiun-mulai-tanam-jagung-4/"  # on page 1, a single-page article
MAINTENANCE = (
    b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body class='maintenance'>"
    b"<h1>Briefly unavailable for scheduled maintenance</h1><p>Check back in a minute.</p></body></html>"
)
CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='challenge'><p>Checking your browser before accessing kabarbaik.co.</p></div></body></html>"
)


def healthy_rerun(store: Path, port: int, root: Path = SITE, *extra: str) -> dict:
    """Crawl the healthy site at the same origin: exit 0 and every article stored once; the run's line."""
    with OfflineSite(root, port=port) as site:
        result = crawl(site, store, *extra)
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)
    return last_run(store)


def faulty_crawl(store: Path, faults: dict[str, list[Fault]], *extra: str, root: Path = SITE, port: int = 0):
    """One crawl against the site with ``faults``; the result, the run's line and the server's port."""
    with OfflineSite(root, faults=faults, port=port) as site:
        result = crawl(site, store, *extra)
        return result, last_run(store), site.port


# -- 1. a listing page that answers 200 without cards -------------------------------------------------


@pytest.mark.parametrize(
    ("path", "faults"),
    [
        ("/page/2/", [Fault(body=MAINTENANCE)]),
        ("/page/2/", [Fault(body=CHALLENGE)]),
        ("/page/2/", [Fault(body=b"")] * 3),
        ("/page/2/", [Fault(keep=0.2)] * 3),  # HTML cut off before the cards
        ("/", [Fault(body=MAINTENANCE)]),
    ],
    ids=["maintenance", "bot-challenge", "empty-body", "cut-before-cards", "maintenance-on-page-1"],
)
def test_a_listing_page_without_cards_is_a_failure_not_the_end_of_the_feed(tmp_path, path, faults) -> None:
    store = tmp_path / "articles.jsonl"
    result, run, port = faulty_crawl(store, {path: faults})
    assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]
    [failure] = run["listing_failures"]
    assert failure["url"].endswith(path) and failure["reason"]
    assert f"Listing page {failure['url']} failed: {failure['reason']}" in result.stderr
    assert run["settled"] is False and store_state(store).get("settled_lines", 0) == 0
    assert len(read_store(store)) == (10 if path == "/page/2/" else 0)
    healthy_rerun(store, port)


def test_a_real_listing_page_without_cards_or_next_link_ends_the_feed(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    page3 = root / "page" / "3" / "index.html"
    page3.write_text(CARD.sub("", page3.read_text()), encoding="utf-8")
    with OfflineSite(root) as site:
        result = crawl(site, store)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    run = last_run(store)
    assert run["feed_end"] == "no cards" and run["settled"] is True
    assert len(read_store(store)) == 20


# -- 2. a store that cannot be written ------------------------------------------------------------------


def assert_store_is_whole_and_unsettled(store: Path) -> list[dict]:
    raw = store.read_bytes()
    assert raw.endswith(b"\n"), "the store must end in a whole line"
    records = [json.loads(line) for line in raw.splitlines()]  # every line is one whole record
    assert 0 < len(records) < len(ITEMS)
    assert store_state(store).get("settled_lines", 0) == 0
    return records


def test_a_file_size_limit_stops_the_run_at_once_and_keeps_whole_lines(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        # The limit holds for every file; the archive's own limit is tests/test_archive.py's.
        result = crawl(site, store, "-s", "KABARBAIK_ARCHIVE_ENABLED=0", file_size_limit=12_000)
        port = site.port
    assert result.returncode == EXIT_STORE_FAILED, result.stderr[-3000:]
    [stop] = [line for line in result.stderr.splitlines() if "Stopping the crawl" in line]
    assert f"cannot write {store}" in stop
    assert "(store_write_failed)" in result.stderr
    assert_store_is_whole_and_unsettled(store)
    assert last_run(store)["exit_status"] == EXIT_STORE_FAILED
    healthy_rerun(store, port)


@pytest.fixture
def small_tmpfs(tmpfs):
    """A 32 KiB tmpfs: a disk that fills for real (root only)."""
    return tmpfs("32k")


def test_a_full_disk_stops_the_run_at_once_and_keeps_whole_lines(small_tmpfs) -> None:
    store = small_tmpfs / "articles.jsonl"
    with OfflineSite(SITE) as site:  # the archive off the small disk: tests/test_archive.py fills it
        result = crawl(site, store, "-s", f"KABARBAIK_ARCHIVE_DIR={small_tmpfs.parent / 'warc'}")
        port = site.port
    assert result.returncode == EXIT_STORE_FAILED, result.stderr[-3000:]
    assert "No space left on device" in result.stderr or "short write" in result.stderr
    assert_store_is_whole_and_unsettled(store)
    subprocess.run(["mount", "-o", "remount,size=16m", str(small_tmpfs)], check=True)
    healthy_rerun(store, port)


def damage(lines: list[bytes], at: int, how: str) -> list[bytes]:
    """The store's lines with line ``at`` damaged as an older writer or a disk might have left it."""
    damaged = list(lines)
    if how == "glued":  # a write cut short, then the next append glued onto it
        damaged[at : at + 2] = [lines[at][: len(lines[at]) // 2] + lines[at + 1]]
    elif how == "not-json":
        damaged[at] = b"\x00\xfe\x13 not a record \xff\n"
    else:  # cut in half, the newline kept
        damaged[at] = lines[at][: len(lines[at]) // 2] + b"\n"
    return damaged


@pytest.mark.parametrize(("how", "lost"), [("glued", 2), ("not-json", 1), ("cut-in-half", 1)])
def test_a_damaged_line_among_the_oldest_articles_is_restored_whole_and_once(tmp_path, how, lost) -> None:
    """The walk stops at page 1 (settled), so only the store can say what a damaged line lost."""
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == EXIT_OK
        port, origin = site.port, site.origin
    healthy = store.read_bytes().splitlines(keepends=True)
    page_3 = f"{LIVE_ORIGIN}/page/3/"
    oldest = {card.url.replace(LIVE_ORIGIN, origin) for card in parse_listing(read_page(page_3), page_3).cards}
    urls = [json.loads(line)["url"] for line in healthy]
    at = next(i for i in range(len(urls) - 1) if {urls[i], urls[i + 1]} <= oldest)  # two of page 3's, in a row
    damaged = b"".join(damage(healthy, at, how))
    store.write_bytes(damaged)

    with OfflineSite(SITE, port=port) as site:
        restoring = crawl(site, store)
        again = crawl(site, store)
    assert restoring.returncode == EXIT_OK, restoring.stderr[-3000:]
    assert f"(lines {at + 1})" in restoring.stderr and "fetched again" in restoring.stderr
    after = store.read_bytes()
    assert after.startswith(damaged), "a byte stored before the run changed"
    whole = [line for line in after.splitlines(keepends=True) if line.startswith(b"{") and line.endswith(b"}\n")]
    whole = [line for line in whole if line not in damaged.splitlines(keepends=True)[at : at + 1]]
    assert sorted(whole) == sorted(healthy), "every article again whole, and once"
    runs = [json.loads(line) for line in store.with_name(store.name + ".runs.jsonl").read_text().splitlines()]
    restored, second = runs[-2], runs[-1]
    assert restored["store_broken_lines"] == [at + 1] and restored["items_new"] == lost
    assert restored["listing_pages_requested"] == (3 if how == "not-json" else 1)  # a line naming nothing: walk it all
    assert again.returncode == EXIT_OK and second["items_new"] == 0 and second["listing_pages_requested"] == 1


def test_a_line_cut_at_the_end_of_a_settled_store_is_fetched_again(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == EXIT_OK
        healthy = store.read_bytes()
        last = healthy.splitlines(keepends=True)[-1]
        store.write_bytes(healthy[: len(healthy) - len(last) // 2])  # the disk lost the end of the last line
        result = crawl(site, store)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert "ended in a partial line" in result.stderr
    assert sorted(store.read_bytes().splitlines()) == sorted(healthy.splitlines())
    assert last_run(store)["items_new"] == 1


# -- 3. redirects and requests Scrapy filters ---------------------------------------------------------------


def off_site(path: str) -> dict[str, str]:
    """Headers of a redirect to another host (localhost is not 127.0.0.1 to the crawler)."""
    return {"Location": f"http://localhost:9/{path.strip('/')}/"}


@pytest.mark.parametrize(
    ("path", "faults", "listed"),
    [
        ("/", [Fault(302, off_site("/"))], 0),
        ("/page/2/", [Fault(302, off_site("/page/2/"))], 10),
        ("/page/2/", [Fault(301, {"Location": "/page/2/?loop=1"}), Fault(301, {"Location": "/page/2/"})], 10),
    ],
    ids=["start-url-off-site", "listing-off-site", "listing-redirect-loop"],
)
def test_a_listing_page_redirected_away_fails_the_walk(tmp_path, path, faults, listed) -> None:
    store = tmp_path / "articles.jsonl"
    result, run, port = faulty_crawl(store, {path: faults})
    assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]
    [failure] = run["listing_failures"]
    assert failure["url"].endswith(path)
    assert "off the site" in failure["reason"] or "already made" in failure["reason"], failure
    assert run["settled"] is False and len(read_store(store)) == listed
    healthy_rerun(store, port)


def test_a_next_link_back_to_an_earlier_page_fails_the_walk(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    page2 = root / "page" / "2" / "index.html"
    page2.write_text(page2.read_text().replace(f"{LIVE_ORIGIN}/page/3/", f"{LIVE_ORIGIN}/"), encoding="utf-8")
    result, run, port = faulty_crawl(store, {}, root=root)
    assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]
    [failure] = run["listing_failures"]
    assert failure["url"].endswith("/page/2/") and "points back" in failure["reason"]
    assert run["settled"] is False and len(read_store(store)) == 20
    healthy_rerun(store, port)


@pytest.mark.parametrize(
    "faults",
    [
        [Fault(302, off_site(ARTICLE))],
        [Fault(301, {"Location": ARTICLE + "?loop=1"}), Fault(301, {"Location": ARTICLE})],
    ],
    ids=["off-site", "loop"],
)
def test_an_article_redirected_away_is_counted_and_named(tmp_path, faults) -> None:
    store = tmp_path / "articles.jsonl"
    result, run, port = faulty_crawl(store, {ARTICLE: faults})
    assert result.returncode == EXIT_ARTICLES_FAILED, result.stderr[-3000:]
    [failure] = run["articles_failed"]
    assert failure["url"].endswith(ARTICLE) and failure["reason"]
    assert store_state(store)["pending"][failure["url"]]["runs_failed"] == 1
    assert len(read_store(store)) == len(ITEMS) - 1
    rerun = healthy_rerun(store, port)
    assert rerun["items_new"] == 1 and rerun["articles_to_retry"] == 0


# -- 4. hostile JSON-LD ---------------------------------------------------------------------------------------


def test_hostile_json_ld_costs_nothing(tmp_path) -> None:
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    page = root / ARTICLE.strip("/") / "index.html"
    hostile = '{"@type": {}}', "[" * 100_000 + "]" * 100_000
    blocks = "".join(f'<script type="application/ld+json">{block}</script>\n' for block in hostile)
    page.write_text(page.read_text().replace("</head>", blocks + "</head>", 1), encoding="utf-8")
    with OfflineSite(root) as site:
        result = crawl(site, store)
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)


# -- 5 and 6. truncated pages, and articles that fail after every retry ----------------------------------------


@pytest.mark.parametrize(
    ("faults", "extra", "reason"),
    [
        ([Fault(keep=0.93)] * 3, (), "incomplete HTML"),
        ([Fault(keep=0.93, short=True)] * 3, (), "closed before the whole body (its Content-Length) arrived"),
        ([Fault(500)] * 3, (), "HTTP 500 after 3 tries"),
        ([Fault(reset=True)] * 3, (), "Connection"),
        ([Fault(delay=3)] * 3, ("-s", "DOWNLOAD_TIMEOUT=1"), "took longer than 1"),
        ([Fault(body=b"x" * 200_000)] * 3, ("-s", "DOWNLOAD_MAXSIZE=100000"), "larger than download max size"),
        ([Fault(503, {"Retry-After": "600"})], (), "Retry-After 600 s, over RETRY_AFTER_MAX"),
        ([Fault(body=MAINTENANCE)], (), "not an article"),
    ],
    ids=[
        "cut-html",
        "cut-short-of-content-length",
        "http-500",
        "reset",
        "timeout",
        "over-maxsize",
        "retry-after-too-long",
        "maintenance-page",
    ],
)
def test_an_article_that_fails_after_every_retry_is_counted_named_and_retried_next_run(
    tmp_path, faults, extra, reason
) -> None:
    store = tmp_path / "articles.jsonl"
    result, run, port = faulty_crawl(store, {ARTICLE: faults}, *extra)
    assert result.returncode == EXIT_ARTICLES_FAILED, result.stderr[-3000:]
    [failure] = run["articles_failed"]
    assert failure["url"].endswith(ARTICLE) and reason in failure["reason"], failure
    assert f"Article {failure['url']} failed: {failure['reason']}" in result.stderr
    assert run["rejects"] == 0 and not store.with_name(store.name + ".rejects.jsonl").exists()
    assert run["settled"] is True  # the walk was whole; the failed article is remembered instead
    assert store_state(store)["pending"] == {failure["url"]: {"runs_failed": 1, "reason": failure["reason"]}}
    rerun = healthy_rerun(store, port)
    assert (rerun["listing_pages_requested"], rerun["articles_requested"], rerun["items_new"]) == (1, 1, 1)


def test_a_page_cut_once_is_fetched_again_not_stored_cut(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE, faults={ARTICLE: [Fault(keep=0.93)]}) as site:
        result = crawl(site, store)
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert site.requested(ARTICLE) == 2
        assert_every_article_once(store, ITEMS, site.origin)


def test_an_article_failing_run_after_run_is_given_up_loudly(tmp_path) -> None:
    store, port = tmp_path / "articles.jsonl", 0
    for _ in range(2):
        faults = {ARTICLE: [Fault(body=MAINTENANCE)]}
        result, run, port = faulty_crawl(store, faults, "-s", "KABARBAIK_RETRY_RUNS=2", port=port)
        assert result.returncode == EXIT_ARTICLES_FAILED, result.stderr[-3000:]
    [given_up] = run["articles_given_up"]
    assert given_up.endswith(ARTICLE) and f"Gave up on {given_up} after 2 failed runs" in result.stderr
    [reject] = read_store(store.with_name(store.name + ".rejects.jsonl"))
    assert reject["reason"].startswith("gave up after 2 runs in a row: the page is not an article")
    assert store_state(store)["pending"] == {}
    healthy_rerun(store, port, SITE, "-a", "full=1")


# -- 8. a walk without bound, and a 429 that must slow the whole host ---------------------------------------------


class EndlessSite(OfflineSite):
    """Page 3 links to itself with a new query every time (``?r=1``, ``?r=2``, …), as a broken theme may."""

    def answer(self, path: str, query: str = "") -> tuple[int, dict[str, str], bytes]:
        status, headers, body = super().answer(path, query)
        if path == "/page/3/":
            number = int(query.removeprefix("r=") or 0) + 1
            link = f'<link rel="next" href="{self.origin}/page/3/?r={number}" />'.encode()
            body = body.replace(b"</head>", link + b"</head>", 1)
        return status, headers, body


def test_next_links_that_change_forever_stop_at_the_first_repeat(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with EndlessSite(SITE) as site:
        result = crawl(site, store)
        listing_requests = [path for _, path in site.requests if path.startswith("/page/") or path == "/"]
        port = site.port
    assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]
    assert len(listing_requests) == 4
    [failure] = last_run(store)["listing_failures"]
    assert "repeats only cards already listed" in failure["reason"]
    healthy_rerun(store, port)


def test_the_listing_page_limit_stops_a_run_and_grows_with_the_store(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    result, run, port = faulty_crawl(store, {}, "-s", "KABARBAIK_LISTING_PAGES_MIN=2")
    assert result.returncode == EXIT_ERRORS, result.stderr[-3000:]
    assert run["listing_pages_limit"] == 2 and run["listing_pages_requested"] == 2
    assert "this run's limit of 2 listing pages" in run["listing_failures"][0]["reason"]
    rerun = healthy_rerun(store, port, SITE, "-s", "KABARBAIK_LISTING_PAGES_MIN=2")
    assert rerun["listing_pages_limit"] == 2 + 2 * 2


def test_a_429_pauses_every_request_to_the_host(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE, faults={ARTICLE: [Fault(429, {"Retry-After": "2"})]}) as site:
        result = crawl(site, store, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        [refused, retried] = site.times(ARTICLE)
        during = [path for when, path in site.requests if refused + 0.3 < when < refused + 1.9]
        after = [path for when, path in site.requests if when >= refused + 1.9]
        assert_every_article_once(store, ITEMS, site.origin)
    assert retried - refused >= 2.0
    assert during == [], "requests reached the host while it asked to wait"
    assert len(after) > 1, "the crawl went on after the wait"

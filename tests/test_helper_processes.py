"""The crawl's two helper processes (the page parser and the archive's writer): real crawls, real signals.

Article pages are parsed in a child process (kabarbaik_spider/parsing.py);
the items must be the same as when the crawl's own thread parses them, and a
parser process that dies must cost only the articles it was reading, named.
The archive writer's faults are in tests/test_archive.py.
"""

from __future__ import annotations

import os
import signal

from site_fixtures import (
    SITE,
    assert_every_article_once,
    child_running,
    crawl,
    crawl_losing_a_helper,
    expected_items,
    last_run,
    read_store,
    start_crawl,
    store_lines,
    wait_until,
)

from kabarbaik_spider.exit_status import EXIT_OK
from kabarbaik_spider.offline_site import OfflineSite

ITEMS = expected_items()


def test_pages_parsed_on_the_crawls_own_thread_give_the_same_store(tmp_path) -> None:
    beside, here = tmp_path / "beside.jsonl", tmp_path / "here.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, beside).returncode == EXIT_OK
        result = crawl(site, here, "-s", "KABARBAIK_PARSE_PROCESS=0")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
        assert_every_article_once(here, ITEMS, site.origin)
    by_url = {item["url"]: item for item in read_store(beside)}
    assert {item["url"]: item for item in read_store(here)} == by_url  # stored in another order, maybe
    assert last_run(here)["sources"] == last_run(beside)["sources"]


def test_a_page_parser_that_dies_is_started_again_and_its_pages_read_again(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        status, log = crawl_losing_a_helper(site, store, "kabarbaik_spider.parsing", stored=2)
        assert "the kabarbaik_spider.parsing process was killed by SIGKILL; starting it again (1 of 3)" in log
        assert status == EXIT_OK, log[-3000:]
        assert last_run(store)["articles_failed"] == []
        assert_every_article_once(store, ITEMS, site.origin)  # the pages it held were read by the new one


def test_a_page_parser_stuck_on_a_page_is_killed_started_again_and_the_page_read_again(tmp_path) -> None:
    """A stopped process (SIGSTOP) answers nothing, as one stuck on a page: past the timeout it is killed."""
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        running = start_crawl(site, store, "-s", "KABARBAIK_PARSE_TIMEOUT=2")
        wait_until(lambda: store_lines(store) >= 2, what="the crawl to store a few articles")
        os.kill(child_running(running.pid, "kabarbaik_spider.parsing"), signal.SIGSTOP)
        _, log = running.communicate(timeout=120)
        stuck = "the kabarbaik_spider.parsing process took over 2 s on one page, and was killed"
        assert f"{stuck}; starting it again (1 of 3)" in log
        assert running.returncode == EXIT_OK, log[-3000:]
        assert last_run(store)["articles_failed"] == []
        assert_every_article_once(store, ITEMS, site.origin)

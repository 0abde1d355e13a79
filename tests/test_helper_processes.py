"""The crawl's two helper processes (the page parser and the archive's writer): real crawls, real signals.

Article pages are parsed in a child process (kabarbaik_spider/parsing.py);
the items must be the same as when the crawl's own thread parses them, and a
parser process that dies must cost only the articles it was reading, named.
The archive writer's faults are in tests/test_archive.py.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from site_fixtures import (
    SITE,
    assert_every_article_once,
    crawl,
    expected_items,
    last_run,
    read_store,
    start_crawl,
    store_lines,
    wait_until,
)

from kabarbaik_spider.exit_status import EXIT_ARTICLES_FAILED, EXIT_OK
from kabarbaik_spider.offline_site import OfflineSite

ITEMS = expected_items()


def child_running(parent: int, module: str) -> int:
    """The pid of ``parent``'s child process running ``python -m module``."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().split(b"\0")
            ppid = int((cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and module.encode() in command:
            return int(cmdline.parent.name)
    raise AssertionError(f"process {parent} has no child running {module}")


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


def test_a_page_parser_that_dies_costs_only_the_articles_it_was_reading(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        running = start_crawl(site, store)
        wait_until(lambda: store_lines(store) >= 2, what="the crawl to store a few articles")
        os.kill(child_running(running.pid, "kabarbaik_spider.parsing"), signal.SIGKILL)
        _, log = running.communicate(timeout=120)
        assert "the kabarbaik_spider.parsing process was killed by SIGKILL; starting it again (1 of 3)" in log
        assert running.returncode in (EXIT_OK, EXIT_ARTICLES_FAILED), log[-3000:]
        failed = last_run(store)["articles_failed"]
        assert (running.returncode == EXIT_ARTICLES_FAILED) == bool(failed)
        assert all("killed by SIGKILL" in failure["reason"] for failure in failed)  # the one in hand, named
        assert len(read_store(store)) + len(failed) == len(ITEMS)  # every other article stored
        again = crawl(site, store)
        assert again.returncode == EXIT_OK, again.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)

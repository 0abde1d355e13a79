"""What the person at the keyboard meets: a bad argument or setting is one line and exit 2, touching nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from site_fixtures import SITE, at_origin, crawl, expected_items, run_scrapy

from kabarbaik_spider.demo import PROJECT_ROOT
from kabarbaik_spider.exit_status import EXIT_USAGE
from kabarbaik_spider.offline_site import OfflineSite
from kabarbaik_spider.store import StoreLock

ARTICLE = "/petani-madiun-mulai-tanam-jagung-4/"


@pytest.mark.parametrize(
    ("given", "named"),
    [
        (("-a", "start_url=notaurl"), "-a start_url='notaurl': expected an http(s) URL"),
        (("-a", "max_pages=abc"), "-a max_pages='abc': expected a whole number"),
        (("-a", "max_pages=0"), "-a max_pages='0': expected a whole number of listing pages, 1 or more"),
        (("-a", "since=yesterday"), "-a since='yesterday': expected a day as YYYY-MM-DD"),
        (("-a", "max_page=1"), "unknown argument -a max_page=…; the arguments are: start_url, max_pages, since, full"),
        (("-a", "full=maybe"), "-a full='maybe': expected 1 or 0"),
        (("-s", "KABARBAIK_COVERAGE_MIN=0.9"), "-s KABARBAIK_COVERAGE_MIN='0.9': expected a JSON object"),
        (("-s", 'KABARBAIK_COVERAGE_MIN={"editr": 0.3}'), "KABARBAIK_COVERAGE_MIN: 'editr': 0.3; expected"),
        (("-s", "KABARBAIK_RETRY_RUNS=often"), "-s KABARBAIK_RETRY_RUNS='often': expected a whole number, 1 or more"),
        (("-s", "RETRY_AFTER_MAX=-1"), "-s RETRY_AFTER_MAX='-1': expected a number, 0 or more"),
        (("-s", "KABARBAIK_PARSE_TIMEOUT=0"), "-s KABARBAIK_PARSE_TIMEOUT='0': expected a number, 1 or more"),
        (("-s", "KABARBAIK_PARSE_PROCESS=maybe"), "-s KABARBAIK_PARSE_PROCESS='maybe': expected 1 or 0"),
        # An empty value (`-a max_pages=$UNSET` in a cron line) is a bad value, not "unset": never a full walk.
        (("-a", "max_pages="), "empty value -a max_pages=: expected a whole number of listing pages"),
        (("-a", "since="), "empty value -a since=: expected a day as YYYY-MM-DD"),
        (("-a", "full="), "empty value -a full=: expected 1 or 0"),
        (("-a", "crosscheck="), "empty value -a crosscheck=: expected 1 or 0"),
        (("-a", "via= "), "empty value -a via=: expected listing"),
        # A misspelt setting of ours would be ignored, and the run would write to the default store.
        (("-s", "KABARBAIK_OUPUT=/srv/x.jsonl"), "unknown setting -s KABARBAIK_OUPUT (did you mean KABARBAIK_OUTPUT?)"),
        (("-s", "KABARBAIK_RETRIES=2"), "unknown setting -s KABARBAIK_RETRIES; the settings of ours are: KABARBAIK_"),
    ],
    ids=lambda value: value[-1] if isinstance(value, tuple) else None,
)
def test_a_bad_argument_or_setting_is_one_line_naming_it(tmp_path, given, named) -> None:
    store = tmp_path / "data" / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, *given)
        assert site.requests == []
    assert result.returncode == EXIT_USAGE
    [line] = result.stderr.splitlines()
    assert line.startswith("kabarbaik: ") and named in line, line
    assert not store.parent.exists(), "nothing is touched"
    assert list(tmp_path.iterdir()) == [], "nothing may be touched"


def test_a_store_path_under_a_regular_file_is_one_line(tmp_path) -> None:
    (tmp_path / "file").write_text("not a folder")
    store = tmp_path / "file" / "articles.jsonl"
    result = run_scrapy("crawl", "kabarbaik", "-s", f"KABARBAIK_OUTPUT={store}")
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip() == (
        f"kabarbaik: bad setting -s KABARBAIK_OUTPUT='{store}': {tmp_path / 'file'} is a file, not a folder"
    )


def test_a_store_path_that_cannot_be_created_is_one_line() -> None:
    result = run_scrapy("crawl", "kabarbaik", "-s", "KABARBAIK_OUTPUT=/proc/kabarbaik/articles.jsonl")
    assert result.returncode == EXIT_USAGE
    [line] = result.stderr.splitlines()
    assert line.startswith("kabarbaik: bad setting -s KABARBAIK_OUTPUT='/proc/kabarbaik/articles.jsonl': cannot create")


def test_an_unknown_spider_is_one_line() -> None:
    result = run_scrapy("crawl", "nonexistent")
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip() == "kabarbaik: no spider named 'nonexistent'; the spiders are: kabarbaik"


def test_other_scrapy_commands_neither_lock_nor_write_the_store(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    held = StoreLock(store)
    held.acquire()  # a crawl is running on this store
    try:
        with OfflineSite(SITE) as site:
            parsed = run_scrapy(
                "parse", "--spider", "kabarbaik", "-c", "parse_article", "-s", f"KABARBAIK_OUTPUT={store}",
                "-a", f"start_url={site.origin}/", site.origin + ARTICLE,
            )  # fmt: skip
    finally:
        held.release()
    assert parsed.returncode == 0, parsed.stderr[-3000:]
    assert "'post_id': 117018" in parsed.stdout
    assert sorted(os.listdir(tmp_path)) == ["articles.jsonl"] and store.read_bytes() == b""


def test_scrapy_parse_reads_a_listing_page_without_a_store(tmp_path) -> None:
    with OfflineSite(SITE) as site:
        parsed = run_scrapy(
            "parse", "--spider", "kabarbaik", "-c", "parse_channel_page", "-s", f"KABARBAIK_OUTPUT={tmp_path / 's'}",
            "-a", f"start_url={site.origin}/", site.origin + "/",
        )  # fmt: skip
    assert parsed.returncode == 0, parsed.stderr[-3000:]
    assert "Traceback" not in parsed.stderr and "ERROR" not in parsed.stderr, parsed.stderr[-3000:]
    assert parsed.stdout.count(f"<GET {site.origin}/") == 11  # ten cards and the next page
    assert f"<GET {site.origin}/page/2/>" in parsed.stdout and not os.listdir(tmp_path)


SCRIPT = """
import sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

settings = get_project_settings()
settings.set("FEEDS", {sys.argv[2]: {"format": "jsonlines"}})
settings.set("AUTOTHROTTLE_ENABLED", False)
settings.set("DOWNLOAD_DELAY", 0)
process = CrawlerProcess(settings)
process.crawl("kabarbaik", start_url=sys.argv[1])
process.start()
"""


def test_a_crawler_process_script_crawls_the_site_without_the_store(tmp_path) -> None:
    """A script of a user's own: no store, so every post is new and nothing of the store is touched."""
    feed = tmp_path / "items.jsonl"
    with OfflineSite(SITE) as site:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, site.origin + "/", str(feed)],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert sorted(item["url"] for item in items) == sorted(at_origin(e, site.origin)["url"] for e in expected_items())

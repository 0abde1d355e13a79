"""Under a real scrapyd, a crawl that refuses its input says why in the job's own log."""

from __future__ import annotations

import urllib.request

from site_fixtures import wait_until
from test_scrapyd import call  # skips this module too where scrapyd is not installed
from test_scrapyd import scrapyd as scrapyd  # the fixture: scrapyd beside the project's scrapy.cfg

from kabarbaik_spider.store import StoreLock


def job_log(base: str, job: str) -> str:
    """The log scrapyd shows for a finished ``job``, fetched as a person clicks it."""
    entry: dict = {}

    def finished() -> bool:
        entry.update(next((e for e in call(base, "listjobs.json")["finished"] if e["id"] == job), {}))
        return bool(entry)

    wait_until(finished, timeout=120, what="the scrapyd job to finish")
    assert entry["log_url"], "scrapyd lists the job without a log"
    with urllib.request.urlopen(base + entry["log_url"], timeout=10) as answer:
        return answer.read().decode()


def schedule(base: str, store, *arguments: tuple[str, str]) -> str:
    fields = [("project", "kabarbaik_spider"), ("spider", "kabarbaik"), ("setting", f"KABARBAIK_OUTPUT={store}")]
    return call(base, "schedule.json", [*fields, *arguments])["jobid"]


def test_a_refused_argument_is_the_one_line_of_the_jobs_log(scrapyd, tmp_path) -> None:
    store = tmp_path / "store" / "articles.jsonl"
    log = job_log(scrapyd, schedule(scrapyd, store, ("max_page", "1")))
    assert log.count("\n") == 1 and log.endswith(
        " [kabarbaik] ERROR: unknown argument -a max_page=…; "
        "the arguments are: start_url, max_pages, since, full, via, crosscheck\n"
    )
    assert not store.exists(), "nothing touched"


def test_a_store_held_by_another_crawl_is_said_in_the_jobs_log(scrapyd, tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    lock = StoreLock(store)
    lock.acquire()
    try:
        log = job_log(scrapyd, schedule(scrapyd, store))
    finally:
        lock.release()
    assert log.endswith(f" [kabarbaik] ERROR: not crawling: {store} is in use by another crawl\n"), log

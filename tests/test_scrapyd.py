"""A real scrapyd (from PyPI) on 127.0.0.1 schedules the spider through schedule.json."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from site_fixtures import SITE, expected_items, last_run, read_store, wait_until

from kabarbaik_spider.demo import PROJECT_ROOT
from kabarbaik_spider.offline_site import OfflineSite

pytest.importorskip("scrapyd")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as answer:
        return json.load(answer)


def answers(base: str) -> bool:
    try:
        return call(base, "daemonstatus.json")["status"] == "ok"
    except OSError:
        return False


@pytest.fixture
def scrapyd(tmp_path):
    """scrapyd started beside the project's scrapy.cfg, which names the installed project."""
    port = free_port()
    shutil.copy(PROJECT_ROOT / "scrapy.cfg", tmp_path / "scrapy.cfg")
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        f"logs_dir = {tmp_path / 'logs'}\ndbs_dir = {tmp_path / 'dbs'}\neggs_dir = {tmp_path / 'eggs'}\n",
        encoding="utf-8",
    )
    daemon = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(base) or daemon.poll() is not None, what="scrapyd to answer")
        assert daemon.poll() is None, daemon.stderr.read()
        yield base
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def test_scrapyd_schedules_a_crawl_that_fills_the_store(scrapyd, tmp_path) -> None:
    store = tmp_path / "store" / "articles.jsonl"
    assert "kabarbaik" in call(scrapyd, "listspiders.json?project=kabarbaik_spider")["spiders"]
    with OfflineSite(SITE) as site:
        job = call(
            scrapyd,
            "schedule.json",
            [
                ("project", "kabarbaik_spider"),
                ("spider", "kabarbaik"),
                ("start_url", f"{site.origin}/"),
                ("setting", f"KABARBAIK_OUTPUT={store}"),
                ("setting", "AUTOTHROTTLE_ENABLED=False"),
                ("setting", "DOWNLOAD_DELAY=0"),
            ],
        )["jobid"]

        def finished() -> bool:
            jobs = call(scrapyd, "listjobs.json?project=kabarbaik_spider")
            return any(entry["id"] == job for entry in jobs["finished"])

        wait_until(finished, timeout=120, what="the scrapyd job to finish")
    assert len(read_store(store)) == len(expected_items())
    run = last_run(store)
    assert run["exit_status"] == 0 and run["items_new"] == len(expected_items())

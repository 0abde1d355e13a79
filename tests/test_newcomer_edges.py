"""The rough edges a newcomer met (issue 15): each one made for real, with the real commands."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from site_fixtures import SITE, api_posts, crawl, expected_items, read_store

from kabarbaik_spider.demo import PROJECT_ROOT
from kabarbaik_spider.offline_site import OfflineSite


def run_module(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m kabarbaik_spider.MODULE ARGS`` as a person types it, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", f"kabarbaik_spider.{module}", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_sitemap_run_passes_robots_txt_as_bytes_and_warns_of_nothing(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-a", "via=sitemap")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(read_store(store)) == len(expected_items())
    assert "robots_text" not in result.stderr and "ScrapyDeprecationWarning" not in result.stderr


def test_the_demo_answers_help_and_crawls_nothing(tmp_path) -> None:
    result = run_module("demo", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m kabarbaik_spider.demo [-h] [STORE]")
    assert "Serving" not in result.stdout
    assert list(tmp_path.iterdir()) == [] and not (PROJECT_ROOT / "--help").exists()


@pytest.mark.parametrize("option", ["--store=x.jsonl", "-v"])
def test_the_demo_refuses_an_unknown_option(tmp_path, option) -> None:
    result = run_module("demo", option, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"python -m kabarbaik_spider.demo: error: unrecognized arguments: {option}"
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_the_offline_site_serves_on_its_own_until_ctrl_c(tmp_path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "kabarbaik_spider.offline_site", "--port", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = server.stdout.readline()  # printed once the socket listens: the URL is the signal to go
        found = re.fullmatch(r"Serving the bundled copy of kabarbaik\.co at (http://127\.0\.0\.1:\d+/)\n", first)
        assert found, first + server.stderr.read() if server.poll() is not None else first
        origin = found[1]
        with urllib.request.urlopen(origin, timeout=10) as home:
            page = home.read().decode()
            assert home.status == 200 and home.headers["Content-Type"].startswith("text/html")
        assert f'href="{origin}' in page and "https://kabarbaik.co/" not in page, "links point at the local copy"
        with urllib.request.urlopen(f"{origin}wp-json/wp/v2/posts?per_page=2", timeout=10) as api:
            posts = json.load(api)
            assert api.headers["X-WP-Total"] == str(len(api_posts()))
        assert [post["id"] for post in posts] == [post["id"] for post in api_posts()[:2]]
        assert posts[0]["link"].startswith(origin)
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0 and err == "", err
    assert out.splitlines()[-1] == "stopped"


def test_the_offline_site_on_a_taken_port_is_one_line(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_module("offline_site", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"kabarbaik: cannot serve on 127.0.0.1:{port}: Address already in use\n"
    assert result.stdout == ""

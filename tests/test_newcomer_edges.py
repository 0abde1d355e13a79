"""The rough edges a newcomer met (issue 15): each one made for real, with the real commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from site_fixtures import SITE, crawl, expected_items, read_store

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

"""The bundled copy of the site and its expected items, and a way to crawl it for real."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from kabarbaik_spider.demo import PROJECT_ROOT, crawl_command
from kabarbaik_spider.offline_site import LIVE_ORIGIN, OfflineSite

FIXTURES = PROJECT_ROOT / "fixtures"
SITE = FIXTURES / "site"
EXPECTED = FIXTURES / "expected"


def expected_items() -> list[dict]:
    """Every article of the bundled site, as ``expected/mirror.jsonl`` holds it."""
    with (EXPECTED / "mirror.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def page_file(url: str, root: Path = SITE) -> Path:
    return root / urlsplit(url).path.strip("/") / "index.html"


def read_page(url: str, root: Path = SITE) -> str:
    return page_file(url, root).read_text(encoding="utf-8")


def field_diff(got: dict, expected: dict) -> list[str]:
    """One readable line per key whose value differs."""
    return [
        f"{key}:\n    got      {got.get(key)!r}\n    expected {expected[key]!r}"
        for key in expected
        if got.get(key) != expected[key]
    ]


def at_origin(item: dict, origin: str) -> dict:
    """An expected item as a copy of the site served at ``origin`` shows it."""
    return json.loads(json.dumps(item, ensure_ascii=False).replace(LIVE_ORIGIN, origin))


def copy_site(destination: Path) -> Path:
    """A writable copy of the bundled site, for tests that change it."""
    shutil.copytree(SITE, destination)
    for path in destination.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return destination


def card_block(listing_html: str, post_id: int) -> str:
    """The whole ``<article class="post-item ...">`` card of one post on a listing page."""
    found = re.search(rf'<article class="post-item[^"]*\bpost-{post_id}\b".*?</article>\n', listing_html, re.S)
    assert found, f"no card for post {post_id}"
    return found[0]


def read_store(path: Path) -> list[dict]:
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), "the store must end with a whole line"
    return [json.loads(line) for line in raw.splitlines()]


def crawl(site: OfflineSite, store: Path, *extra: str, start_path: str = "/") -> subprocess.CompletedProcess[str]:
    """The real ``scrapy crawl kabarbaik`` against ``site``, in a subprocess."""
    return subprocess.run(
        crawl_command(site.origin + start_path, store, *extra),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

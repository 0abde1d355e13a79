"""The offline demo: crawl the bundled copy of the site with the real ``scrapy crawl``.

``python -m kabarbaik_spider.demo [STORE]`` serves ``fixtures/site`` on
127.0.0.1, crawls it as the live site would be crawled (politeness delays off,
nothing leaves this machine) and says where the JSON lines went and how many.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from kabarbaik_spider.offline_site import LOCAL_PORT, OfflineSite

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = PROJECT_ROOT / "data" / "demo" / "articles.jsonl"
DEMO_PORT = LOCAL_PORT  # a fixed origin keeps the demo store's URLs stable from run to run
LOCAL_SETTINGS = ("AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=8")


def count_lines(path: Path) -> int:
    return sum(1 for _ in path.open("rb")) if path.exists() else 0


def crawl_command(start_url: str, store: Path, *extra: str) -> list[str]:
    """The ``scrapy crawl`` command line for a local copy of the site."""
    settings = [arg for setting in (*LOCAL_SETTINGS, f"KABARBAIK_OUTPUT={store}") for arg in ("-s", setting)]
    return [sys.executable, "-m", "scrapy", "crawl", "kabarbaik", "-a", f"start_url={start_url}", *settings, *extra]


def argument_parser() -> argparse.ArgumentParser:
    """The demo's one optional argument; ``--help`` and unknown options are answered, never taken as a store."""
    parser = argparse.ArgumentParser(
        prog="python -m kabarbaik_spider.demo",
        description="Crawl the bundled offline copy of kabarbaik.co with the real `scrapy crawl`.",
    )
    parser.add_argument(
        "store",
        nargs="?",
        type=Path,
        default=DEFAULT_STORE,
        metavar="STORE",
        help=f"the JSON lines store to append to (default: {DEFAULT_STORE.relative_to(PROJECT_ROOT)})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    store = argument_parser().parse_args(argv).store.resolve()
    before = count_lines(store)
    try:
        site = OfflineSite(port=DEMO_PORT)
    except OSError:  # the port is taken: any free one will do
        site = OfflineSite()
    with site:
        print(f"Serving the bundled copy of kabarbaik.co at {site.origin}/", flush=True)
        status = subprocess.call(crawl_command(f"{site.origin}/", store), cwd=PROJECT_ROOT)
    after = count_lines(store)
    print(f"\nscrapy crawl exited with {status}.")
    print(f"{after - before} new articles appended to {store} ({after} lines in all).")
    rejects = store.with_name(store.name + ".rejects.jsonl")
    if rejects.exists():
        print(f"{count_lines(rejects)} pages could not become an article; see {rejects}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())

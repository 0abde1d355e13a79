"""For analysts: the item's JSON Schema, ``scrapy validate`` and ``scrapy report`` on real dumps."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from parsel import Selector
from site_fixtures import SITE, crawl, run_scrapy

from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.offline_site import OfflineSite
from kabarbaik_spider.schema import DIALECT, SCHEMA_FILE, article_schema, schema_text


def test_the_committed_schema_is_the_item_class() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), "run: python -m kabarbaik_spider.schema"
    item = json.loads(schema_text())["$defs"]["article"]  # the store line's schema holds the item's as it was
    assert {"$schema": DIALECT, **item} == article_schema(), "the item's schema, unchanged, is the first-sight line's"
    assert list(item["properties"]) == list(ARTICLE_KEYS) == item["required"]
    assert all(prop.get("description") for prop in item["properties"].values()), "every field has its doc"


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    """A dump of the whole bundled site, as a crawl writes it."""
    store = tmp_path_factory.mktemp("dump") / "articles.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == 0
    return store


def test_a_dump_of_the_site_validates(dump) -> None:
    result = run_scrapy("validate", str(dump))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == f"{dump}: valid: 26 lines, 26 valid articles, 0 bad lines, 0 duplicates"


def test_a_corrupted_dump_fails_with_each_bad_line_named(dump, tmp_path) -> None:
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    wrong_type = json.loads(lines[3]) | {"views": "banyak", "url": "https://kabarbaik.co/lain/", "post_id": 1}
    missing = {key: value for key, value in json.loads(lines[4]).items() if key != "published_at"}
    missing |= {"url": "https://kabarbaik.co/lain-2/", "post_id": 2}
    broken = tmp_path / "broken.jsonl"
    broken.write_text(
        "".join(lines[:2]) + lines[2][:40] + "\n" + json.dumps(wrong_type) + "\n" + json.dumps(missing) + "\n"
        + lines[0] + lines[5][:30],
        encoding="utf-8",
    )  # fmt: skip
    result = run_scrapy("validate", str(broken))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{broken}: NOT valid: 7 lines, 2 valid articles, 4 bad lines, 1 duplicates",
        "  line 3: not JSON (Unterminated string starting at: line 1 column 9 (char 8))",
        "  line 4: views: 'banyak' is not of type 'null', 'integer'",
        "  line 5: 'published_at' is a required property",
        f"  line 6: a duplicate of line 1 ({json.loads(lines[0])['url']}, post {json.loads(lines[0])['post_id']})",
        "  line 7: cut short: the last line has no newline (a torn write, or a crawl still writing)",
    ]


def test_a_missing_file_is_one_line_and_exit_2(tmp_path) -> None:
    result = run_scrapy("validate", str(tmp_path / "nothing.jsonl"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"kabarbaik: cannot read {tmp_path / 'nothing.jsonl'}: No such file or directory"


def test_the_report_says_what_the_dump_holds(dump) -> None:
    result = run_scrapy("report", str(dump))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(f"{dump}: 26 articles, published 2025-05-02T18:43:00+07:00 to 2025-05-15T12:05:43+07:00")
    assert "0 broken lines, 0 duplicates" in text
    assert "      4  Ekonomi" in text and "      2  Hukum & Kriminal" in text
    assert "  2025-05-03      3  ###" in text
    assert "  100.0%  body" in text and "   34.6%  modified_at" in text
    assert "      9  Shohibul Umam" in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As root on a machine without a display or a network: no sandbox, no GPU, nothing fetched in the background.
HEADLESS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync")  # fmt: skip


@pytest.mark.skipif(not CHROMIUM, reason="Debian's chromium is not installed here (.ci/run installs it)")
def test_the_html_report_shows_its_charts_and_numbers_in_a_real_browser(dump, tmp_path) -> None:
    page = tmp_path / "report.html"
    made = run_scrapy("report", str(dump), "--html", str(page))
    assert made.returncode == 0, made.stderr
    shown = subprocess.run(
        [CHROMIUM, *HEADLESS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    dom = Selector(text=shown.stdout)
    assert dom.css("#overview tr:first-child td::text").getall() == ["articles", "26"]
    per_day, per_category = dom.css("figure#per-period svg"), dom.css("figure#per-category svg")
    assert per_day and per_category, "both charts are drawn"
    assert "2025-05-03" in per_day.xpath("string()").get() and "Ekonomi" in per_category.xpath("string()").get()
    assert len(per_category.css("g[id^=patch]")) >= 8, "a bar for each of the eight categories"
    assert "Shohibul Umam" in dom.css("#authors").get()

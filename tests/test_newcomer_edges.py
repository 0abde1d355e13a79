"""The rough edges a newcomer met (issue 15): each one made for real, with the real commands."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from parsel import Selector
from site_fixtures import SITE, api_posts, crawl, expected_items, read_store, run_scrapy

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
        assert found, first + (server.stderr.read() if server.poll() is not None else "")
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


def synthetic_dump(path: Path, articles: int, first: datetime, days: int, categories: int = 0) -> Path:
    """``articles`` valid articles made from the site's, published evenly over ``days`` days from ``first``.

    With ``categories``, each article is in one of that many made-up categories with long names.
    """
    templates = expected_items()
    with path.open("w", encoding="utf-8") as out:
        for number in range(articles):
            published = first + timedelta(days=days * number / articles)
            article = templates[number % len(templates)] | {
                "url": f"https://kabarbaik.co/berita-{number}/",
                "post_id": 500_000 + number,
                "published_at": published.isoformat(timespec="seconds"),
                "modified_at": None,
            }
            if categories:
                article["category"] = f"Kategori nomor {number % categories} dengan nama yang sangat panjang sekali"
            out.write(json.dumps(article | {"body": article["body"][:300]}, ensure_ascii=False) + "\n")
    return path


WIB = timezone(timedelta(hours=7))
THIRTY_MONTHS_FROM = datetime(2023, 1, 1, 8, tzinfo=WIB)
MONTHS_2023_TO_MID_2025 = [f"{year}-{month:02d}" for year in (2023, 2024, 2025) for month in range(1, 13)][:30]


@pytest.fixture(scope="module")
def thirty_months(tmp_path_factory) -> Path:
    """5,000 articles from 2023-01-01 to 2025-06-30 in 20 categories: the store that made the per-day chart a smear."""
    folder = tmp_path_factory.mktemp("thirty-months")
    return synthetic_dump(folder / "articles.jsonl", 5000, THIRTY_MONTHS_FROM, 911, categories=20)


def report_rows(lines: list[str], heading: str) -> dict[str, int]:
    """The ``label count`` cells under ``heading``, by label (the columns read down, then across)."""
    start = lines.index(heading) + 1
    block = lines[start : lines.index("", start)]
    cells = [cell for row in block for cell in re.findall(r"(\d{4}(?:-\d\d){0,2}) +(\d+)", row)]
    return {label: int(count) for label, count in sorted(cells)}


def test_the_text_report_of_thirty_months_is_one_screen_of_months(thirty_months) -> None:
    result = run_scrapy("report", str(thirty_months))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= 50, f"{len(lines)} lines: more than a screen"
    assert all(len(line) <= 80 for line in lines[1:]), max(lines[1:], key=len)
    months = report_rows(lines, "articles per month:")
    assert list(months) == MONTHS_2023_TO_MID_2025 and sum(months.values()) == 5000
    categories = lines[lines.index("articles per category:") + 1 : lines.index("keys with a value:") - 1]
    assert len(categories) == 8 and categories[-1] == "   1500  in 6 more categories"
    assert categories[0].startswith("    250  Kategori nomor 0 dengan nama y…    250  Kategori nomor 7")
    last = (THIRTY_MONTHS_FROM + timedelta(days=911 * 4999 / 5000)).isoformat(timespec="seconds")
    assert lines[0] == f"{thirty_months}: 5000 articles, published 2023-01-01T08:00:00+07:00 to {last}"


def test_the_html_chart_of_thirty_months_has_a_bar_and_a_label_a_month(thirty_months, tmp_path) -> None:
    page = tmp_path / "report.html"
    result = run_scrapy("report", str(thirty_months), "--html", str(page))
    assert result.returncode == 0, result.stderr
    chart = Selector(text=page.read_text(encoding="utf-8")).css("figure#per-period svg")
    assert chart.css("g[id^=xtick_] text::text").getall() == MONTHS_2023_TO_MID_2025
    assert len(chart.css("g[id^=patch_] path")) >= 30 and "Articles per month" in chart.xpath("string()").get()


def test_a_span_of_three_months_is_counted_by_week_from_monday(tmp_path) -> None:
    dump = synthetic_dump(tmp_path / "articles.jsonl", 300, datetime(2025, 3, 5, 9, tzinfo=WIB), 90)
    result = run_module("report", str(dump), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    weeks = report_rows(result.stdout.splitlines(), "articles per week (each from its Monday):")
    assert min(weeks) == "2025-03-03" and len(weeks) == 14 and sum(weeks.values()) == 300
    assert all(date.fromisoformat(week).weekday() == 0 for week in weeks)


@pytest.mark.parametrize("where", ["no/such/dir/r.html", "."])
def test_a_report_page_that_cannot_be_written_is_one_line_before_any_report(thirty_months, tmp_path, where) -> None:
    target = tmp_path / where
    result = run_scrapy("report", str(thirty_months), "--html", str(target))
    assert result.returncode == 2
    reason = "No such file or directory" if where != "." else "Is a directory"
    assert result.stderr == f"kabarbaik: cannot write {target}: {reason}\n"
    assert result.stdout == "", "nothing of the report is printed"


def test_a_report_whose_reader_closed_the_pipe_ends_quietly_and_still_writes_its_page(thirty_months, tmp_path) -> None:
    page = tmp_path / "report.html"
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the first line: every write meets a closed pipe
    try:
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "report", str(thirty_months), "--html", str(page)],
            cwd=PROJECT_ROOT, stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert result.returncode == -signal.SIGPIPE, result.stderr
    assert result.stderr == ""
    assert "Articles per month" in page.read_text(encoding="utf-8")


def test_report_piped_to_head_prints_its_first_lines_and_no_traceback(thirty_months) -> None:
    report = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "report", str(thirty_months)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    head = subprocess.run(["head", "-n", "4"], stdin=report.stdout, capture_output=True, text=True, check=True)
    report.stdout.close()
    assert report.wait(timeout=120) in (0, -signal.SIGPIPE)
    assert report.stderr.read() == b""
    assert head.stdout.splitlines()[1:] == [
        "0 broken lines, 0 duplicates (validate names them)",
        "",
        "articles per month:",
    ]


def test_validate_piped_to_head_ends_quietly_when_head_has_read_enough(tmp_path) -> None:
    """Five thousand bad lines named: far more than a pipe holds, so head's exit is met for sure."""
    dump = tmp_path / "broken.jsonl"
    dump.write_text("{not json\n" * 5000, encoding="utf-8")
    validate = subprocess.Popen(
        [sys.executable, "-m", "kabarbaik_spider.validate", str(dump), "--show", "5000"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    head = subprocess.run(["head", "-n", "2"], stdin=validate.stdout, capture_output=True, text=True, check=True)
    validate.stdout.close()
    assert validate.wait(timeout=120) == -signal.SIGPIPE
    assert validate.stderr.read() == b""
    assert head.stdout.splitlines() == [
        f"{dump}: NOT valid: 5000 lines, 0 valid articles, 5000 bad lines, 0 duplicates",
        "  line 1: not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
    ]


def test_the_dump_tools_run_from_any_folder_as_python_modules(thirty_months, tmp_path) -> None:
    assert "Unknown command: validate" in run_scrapy("validate", str(thirty_months), cwd=tmp_path).stdout
    checked = run_module("validate", str(thirty_months), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == f"{thirty_months}: valid: 5000 lines, 5000 valid articles, 0 bad lines, 0 duplicates\n"
    page = tmp_path / "report.html"
    reported = run_module("report", str(thirty_months), "--html", "report.html", cwd=tmp_path)
    assert reported.returncode == 0, reported.stderr
    assert reported.stdout == run_scrapy("report", str(thirty_months)).stdout + "\nwrote report.html\n"
    assert "Articles per month" in page.read_text(encoding="utf-8")
    missing = run_module("validate", "nothing.jsonl", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr == "kabarbaik: cannot read nothing.jsonl: No such file or directory\n"

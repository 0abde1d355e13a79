"""The archive and ``scrapy reparse``: real crawls of the offline site, then re-extraction with the server stopped.

Every fault is made for real: a file size limit (``RLIMIT_FSIZE``), a small
tmpfs (root only), a crawl killed with SIGKILL, a WARC file cut short.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from site_fixtures import (
    PROJECT_ROOT,
    SITE,
    SLOW,
    assert_every_article_once,
    child_running,
    copy_site,
    crawl,
    crawl_losing_a_helper,
    expected_items,
    last_run,
    read_store,
    run_scrapy,
    start_crawl,
    store_lines,
    wait_until,
)
from warcio.archiveiterator import ArchiveIterator

from kabarbaik_spider.archive import ITEM_PROFILE, archive_files
from kabarbaik_spider.exit_status import EXIT_INTERRUPTED, EXIT_OK, EXIT_STORE_FAILED, EXIT_USAGE
from kabarbaik_spider.offline_site import LIVE_ORIGIN, OfflineSite

ITEMS = expected_items()
SPLIT = "/menengok-geliat-umkm-batik-jonegoroan-di-era-belanja-daring/"  # the bundled article with a /2/ page


def warc_folder(store: Path) -> Path:
    return store.with_name(store.name + ".warc")


def warcio_records(store: Path) -> list[dict]:
    """Every record of every WARC file of the store, as warcio reads it (digests checked)."""
    records = []
    for path in archive_files(warc_folder(store)):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, check_digests="raise"):
                body = record.content_stream().read()
                records.append(
                    {
                        "type": record.rec_type,
                        "uri": record.rec_headers.get_header("WARC-Target-URI"),
                        "id": record.rec_headers.get_header("WARC-Record-ID"),
                        "to": record.rec_headers.get_header("WARC-Concurrent-To"),
                        "profile": record.rec_headers.get_header("WARC-Profile"),
                        "status": record.http_headers.get_statuscode() if record.rec_type == "response" else None,
                        "body": body,
                    }
                )
    return records


def reparse(store: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_scrapy("reparse", "--store", str(store), "-o", str(out), *extra)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def archived_article_urls(store: Path) -> set[str]:
    return {record["uri"] for record in warcio_records(store) if record["type"] == "response"}


# -- the archive ------------------------------------------------------------------------------------


def test_a_crawl_archives_every_answer_it_read_with_its_request(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store)
        origin = site.origin
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert len(archive_files(warc_folder(store))) == 1
    records = warcio_records(store)
    kinds = Counter(record["type"] for record in records)
    responses = {record["uri"]: record for record in records if record["type"] == "response"}
    # robots.txt, 3 listing pages, 27 article pages (one has two), 1 cross-check page of the REST API
    assert kinds == {"warcinfo": 1, "response": 32, "request": 32, "metadata": 26}
    assert {f"{origin}/robots.txt", f"{origin}/", f"{origin}/page/2/", f"{origin}/page/3/"} <= set(responses)
    assert any("/wp-json/wp/v2/posts?include=" in uri for uri in responses)
    requests = {record["to"] for record in records if record["type"] == "request"}
    assert requests == {record["id"] for record in responses.values()}, "every response has its request record"
    for item in read_store(store):  # a response record for every stored article, its body the page served
        page = responses[item["url"]]
        assert page["status"] == "200"
        assert item["title"].split()[0].encode() in page["body"]
    split = next(record for record in records if record["type"] == "metadata" and record["uri"].endswith(SPLIT))
    about = json.loads(split["body"])
    assert split["profile"] == ITEM_PROFILE
    assert [page["url"] for page in about["pages"]] == [f"{origin}{SPLIT}", f"{origin}{SPLIT}2/"]
    assert last_run(store)["exit_status"] == EXIT_OK


def test_the_archive_can_be_moved_or_turned_off(tmp_path) -> None:
    store, moved = tmp_path / "articles.jsonl", tmp_path / "elsewhere" / "warc"
    with OfflineSite(SITE) as site:
        off = crawl(site, store, "-s", "KABARBAIK_ARCHIVE_ENABLED=0", "-a", "max_pages=1")
        assert off.returncode != EXIT_USAGE, off.stderr[-3000:]
        assert not warc_folder(store).exists()
        on = crawl(site, store, "-s", f"KABARBAIK_ARCHIVE_DIR={moved}")
        assert on.returncode == EXIT_OK, on.stderr[-3000:]
    assert len(archive_files(moved)) == 1
    assert not warc_folder(store).exists()


def test_an_archive_folder_that_cannot_be_made_is_one_line_and_no_request(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-s", f"KABARBAIK_ARCHIVE_DIR={blocker}/warc")
        assert site.requests == []
    assert result.returncode == EXIT_USAGE
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kabarbaik: cannot create the archive folder") and f"{blocker} is a file" in line
    assert not read_store(store)


# A request at a time, a quarter second apart, and WordPress's records two posts a request: items reach the
# store as the crawl goes, long before the archive fills (the page parser's process starts in a fraction of it).
STORE_AS_IT_GOES = SLOW


def test_a_file_size_limit_on_the_archive_stops_the_run_and_loses_no_stored_item(tmp_path) -> None:
    """The archive outgrows the limit long before the store: exit 8, and every stored item's page is archived."""
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, *STORE_AS_IT_GOES, file_size_limit=400_000)
        port = site.port
    assert result.returncode == EXIT_STORE_FAILED, result.stderr[-3000:]
    [stop] = [line for line in result.stderr.splitlines() if "Stopping the crawl" in line]
    assert "cannot write the archive" in stop and ("File too large" in stop or "short write" in stop)
    stored = read_store(store)
    assert 0 < len(stored) < len(ITEMS)
    assert {item["url"] for item in stored} <= archived_article_urls(store)  # warcio reads the cut-back file
    assert last_run(store)["exit_status"] == EXIT_STORE_FAILED
    assert "the archive could not be written" in last_run(store)["problems"][0]
    with OfflineSite(SITE, port=port) as site:  # a healthy run completes the store, every article once
        again = crawl(site, store)
        assert again.returncode == EXIT_OK, again.stderr[-3000:]
        assert_every_article_once(store, ITEMS, site.origin)
    assert {item["url"] for item in read_store(store)} <= archived_article_urls(store)


@pytest.fixture
def small_tmpfs(tmpfs):
    """A 256 KiB tmpfs: a disk that fills for real (root only)."""
    return tmpfs("256k")


def test_a_full_disk_under_the_archive_is_loud_like_the_store(tmp_path, small_tmpfs) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, *STORE_AS_IT_GOES, "-s", f"KABARBAIK_ARCHIVE_DIR={small_tmpfs}")
    assert result.returncode == EXIT_STORE_FAILED, result.stderr[-3000:]
    assert "No space left on device" in result.stderr or "short write" in result.stderr
    stored = read_store(store)
    assert 0 < len(stored) < len(ITEMS)
    pages = set()
    for path in archive_files(small_tmpfs):
        with path.open("rb") as stream:
            pages |= {
                r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream) if r.rec_type == "response"
            }
    assert {item["url"] for item in stored} <= pages


def test_an_archive_writer_that_dies_stops_the_crawl_loudly_and_loses_no_stored_item(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        status, log = crawl_losing_a_helper(site, store, "kabarbaik_spider.archive_writer", stored=3)
    assert status == EXIT_STORE_FAILED, log[-3000:]
    [stop] = [line for line in log.splitlines() if "Stopping the crawl" in line]
    assert "the kabarbaik_spider.archive_writer process was killed by SIGKILL" in stop
    stored = read_store(store)
    assert 3 <= len(stored) < len(ITEMS)
    assert {item["url"] for item in stored} <= archived_article_urls(store)
    assert "the archive could not be written" in last_run(store)["problems"][0]


def test_a_stop_signal_to_the_whole_process_group_lets_the_writer_finish(tmp_path) -> None:
    """Ctrl-C and systemd signal every process of the group: the writer waits for the crawl to close its pipe."""
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        running = start_crawl(site, store)
        wait_until(lambda: store_lines(store) >= 3, what="the crawl to store a few articles")
        writer = child_running(running.pid, "kabarbaik_spider.archive_writer")
        os.kill(writer, signal.SIGTERM)
        running.send_signal(signal.SIGTERM)
        _, log = running.communicate(timeout=120)
    assert running.returncode == EXIT_INTERRUPTED, log[-3000:]
    assert "could not be written" not in log
    stored = read_store(store)
    assert {item["url"] for item in stored} <= archived_article_urls(store)  # warcio reads every record
    metadata = [record for record in warcio_records(store) if record["profile"] == ITEM_PROFILE]
    assert len(metadata) == len(stored)


def test_a_killed_crawl_leaves_an_archive_readable_to_its_last_record_with_every_stored_page(tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    with OfflineSite(SITE) as site:
        running = start_crawl(site, store)
        wait_until(lambda: store_lines(store) >= 4, what="the crawl to store a few articles")
        running.send_signal(signal.SIGKILL)
        running.communicate()
    stored = read_store(store)
    assert {item["url"] for item in stored} <= archived_article_urls(store)
    out = tmp_path / "out.jsonl"
    result = reparse(store, out)
    assert result.returncode == EXIT_OK, result.stderr
    assert read_jsonl(out) == stored


# -- reparse ---------------------------------------------------------------------------------------


def test_reparse_with_the_server_stopped_gives_the_stored_items_key_for_key(tmp_path) -> None:
    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == EXIT_OK
    result = reparse(store, out)  # the server is stopped: nothing to fetch from
    assert result.returncode == EXIT_OK, result.stderr
    assert read_jsonl(out) == read_store(store)
    assert out.read_bytes() == store.read_bytes()  # the same lines, in the store's order
    [summary] = result.stderr.strip().splitlines()
    assert summary.startswith(f"re-extracted {len(ITEMS)} of {len(ITEMS)} stored articles from 1 WARC files")
    assert f"{len(ITEMS)} as stored, 0 changed" in summary


def test_reparse_rebuilds_rest_api_items_from_their_api_pages(tmp_path) -> None:
    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(SITE) as site:
        result = crawl(site, store, "-a", "via=api")
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert len(read_store(store)) == len(ITEMS)
    result = reparse(store, out)
    assert result.returncode == EXIT_OK, result.stderr
    assert read_jsonl(out) == read_store(store)


def test_reparse_of_runs_over_several_files_and_a_warc_cut_by_200_bytes(tmp_path) -> None:
    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store, "-a", "max_pages=1").returncode != EXIT_USAGE
        assert crawl(site, store).returncode == EXIT_OK
    files = archive_files(warc_folder(store))
    assert len(files) == 2
    cut = files[0]
    os.truncate(cut, cut.stat().st_size - 200)
    result = reparse(store, out)
    lines = result.stderr.strip().splitlines()
    [named] = [line for line in lines if "cut or corrupt" in line]
    assert named.startswith(f"kabarbaik: {cut} is cut or corrupt at byte ")
    got = read_jsonl(out)
    stored = {item["url"]: item for item in read_store(store)}
    assert all(stored[item["url"]] == item for item in got)
    missing = set(stored) - {item["url"] for item in got}
    if missing:  # the cut took the last page of an article with it
        assert result.returncode == 1
        assert f"lacks {len(missing)} of the {len(stored)} stored articles" in lines[-1]
    else:  # the cut took a record no item needs, or one the fallback by URL made good
        assert result.returncode == EXIT_OK, result.stderr
    assert len(missing) <= 1


def test_reparse_names_a_store_whose_archive_lacks_articles_and_a_missing_archive(tmp_path) -> None:
    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(SITE) as site:
        crawl(site, store, "-a", "max_pages=1", "-s", "KABARBAIK_ARCHIVE_ENABLED=0")
        before = len(read_store(store))
        no_archive = reparse(store, out)
        assert crawl(site, store).returncode == EXIT_OK
    assert no_archive.returncode == 1
    [line] = no_archive.stderr.strip().splitlines()
    assert line.startswith(f"kabarbaik: no archive at {warc_folder(store)}: none of the {before} stored articles")
    result = reparse(store, out)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith(f"kabarbaik: the archive {warc_folder(store)} lacks {before} of the {len(ITEMS)} stored articles")
    )
    assert len(read_jsonl(out)) == len(ITEMS) - before


def test_reparse_revisions_append_what_the_parser_now_reads_differently(tmp_path) -> None:
    """A store written by an older parser (a title read wrongly) gets one revision line, reason parser, once."""
    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(copy_site(tmp_path / "site")) as site:
        assert crawl(site, store).returncode == EXIT_OK
    lines = store.read_bytes().splitlines(keepends=True)
    first = json.loads(lines[0])
    lines[0] = (json.dumps({**first, "title": "Judul yang salah"}, ensure_ascii=False) + "\n").encode()
    store.write_bytes(b"".join(lines))
    result = reparse(store, out, "--revisions")
    assert result.returncode == EXIT_OK, result.stderr
    assert f"{len(ITEMS) - 1} as stored, 1 changed, 1 appended as revisions" in result.stderr
    revision = read_store(store)[-1]
    assert {key: revision.pop(key) for key in ("revision", "changed", "reason")} == {
        "revision": 2,
        "changed": ["title"],
        "reason": "parser",
    }
    assert revision.pop("read_at")
    assert revision == first
    again = reparse(store, out, "--revisions")
    assert again.returncode == EXIT_OK and f"{len(ITEMS)} as stored, 0 changed" in again.stderr
    assert len(read_store(store)) == len(ITEMS) + 1


# -- fixtures from the archive ----------------------------------------------------------------------


def test_fixture_save_from_archive_takes_the_pages_as_fetched_with_no_second_request(tmp_path) -> None:
    store, fixtures = tmp_path / "articles.jsonl", tmp_path / "fixtures"
    fixtures.mkdir()
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == EXIT_OK
        origin = site.origin
    url = f"{origin}{SPLIT}"  # the server is stopped: the pages can only come from the archive
    archive = ("--archive", str(warc_folder(store)), "--dir", str(fixtures))
    result = run_scrapy("fixture", "save", "--from-archive", url, *archive)
    assert result.returncode == 0, result.stderr
    folder = fixtures / SPLIT.strip("/")
    assert f"saved {folder} (2 pages)" in result.stdout
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert [page["url"] for page in meta["inputs"]] == [url, f"{url}2/"]
    assert meta["source"].startswith(f"taken from the archive {warc_folder(store)}/kabarbaik-")
    for number, page in enumerate((SPLIT, f"{SPLIT}2/"), start=1):
        served = (SITE / page.strip("/") / "index.html").read_text(encoding="utf-8").replace(LIVE_ORIGIN, origin)
        assert (folder / "inputs" / f"page-{number}.html").read_text(encoding="utf-8") == served
    stored = next(item for item in read_store(store) if item["url"] == url)
    assert json.loads((folder / "output.json").read_text(encoding="utf-8")) == stored
    unknown = run_scrapy("fixture", "save", "--from-archive", f"{origin}/tidak-ada/", *archive)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == f"kabarbaik: {origin}/tidak-ada/ is not in the archive {warc_folder(store)}"


# -- reading WARC files ------------------------------------------------------------------------------


def test_the_reader_reads_warcio_s_own_files_and_stops_at_a_cut_one(tmp_path) -> None:
    """A member without our length field (written by warcio itself, or Browsertrix) is inflated whole."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from kabarbaik_spider.archive import entries, http_parts

    path = tmp_path / "theirs.warc.gz"
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for number in range(3):
            body = f"<html><body>halaman {number}</body></html>".encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            uri = f"https://kabarbaik.co/{number}/"
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=headers))
    damage: list = []
    records = list(entries(path, damage))
    assert damage == []
    assert [record.uri for record in records] == [f"https://kabarbaik.co/{number}/" for number in range(3)]
    assert http_parts(records[2].block)[2] == b"<html><body>halaman 2</body></html>"
    os.truncate(path, path.stat().st_size - 20)
    assert len(list(entries(path, damage))) == 2
    [cut] = damage
    assert cut.records == 2 and cut.offset == records[2].offset


def test_reparse_names_a_corrupt_record_inside_the_file_and_reads_the_rest(tmp_path) -> None:
    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == EXIT_OK
        origin = site.origin
    [path] = archive_files(warc_folder(store))
    from kabarbaik_spider.archive import entries

    victim = f"{origin}/petani-madiun-mulai-tanam-jagung-4/"
    [record] = [entry for entry in entries(path, []) if entry.kind == "response" and entry.uri == victim]
    data = bytearray(path.read_bytes())
    middle = record.offset + record.length // 2
    data[middle : middle + 16] = bytes(16)  # sixteen bytes zeroed inside the page's compressed body
    path.write_bytes(bytes(data))
    result = reparse(store, out)
    assert result.returncode == 1
    assert f"kabarbaik: a corrupt record in {path} at byte {record.offset}: " in result.stderr
    assert "lacks 1 of the 26 stored articles (first: " + victim in result.stderr
    stored = [item for item in read_store(store) if item["url"] != victim]
    assert read_jsonl(out) == stored


def test_reparse_shows_its_progress_on_a_terminal_and_only_there(tmp_path) -> None:
    import fcntl
    import pty
    import struct
    import sys
    import termios

    store, out = tmp_path / "articles.jsonl", tmp_path / "out.jsonl"
    with OfflineSite(SITE) as site:
        assert crawl(site, store).returncode == EXIT_OK
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a terminal 100 columns wide
    command = [sys.executable, "-m", "scrapy", "reparse", "--store", str(store), "-o", str(out)]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stderr=follower, stdout=subprocess.DEVNULL)
    os.close(follower)
    shown = b""
    while True:  # read the terminal until the command closes it
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=60) == EXIT_OK
    assert b"reparse: 100%" in shown and f"{len(ITEMS)}/{len(ITEMS)}".encode() in shown
    piped = reparse(store, out)  # not a terminal: the one summary line, no progress bar
    assert piped.stderr.strip().splitlines()[0].startswith("re-extracted ")
    assert "100%" not in piped.stderr

"""The store and the three pipelines, each on its own job."""

from __future__ import annotations

import json

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from site_fixtures import expected_items, read_store

from kabarbaik_spider.dumps import read_dump
from kabarbaik_spider.items import Article
from kabarbaik_spider.pipelines import DedupePipeline, StorePipeline, ValidatePipeline
from kabarbaik_spider.spiders.kabarbaik import KabarbaikSpider
from kabarbaik_spider.store import JsonlStore

ITEMS = expected_items()


def pipelines(store: JsonlStore) -> list:
    stats = get_crawler(KabarbaikSpider).stats
    return [ValidatePipeline(store, stats), DedupePipeline(store, stats), StorePipeline(store, stats)]


def run_items(store: JsonlStore, items: list[dict]) -> tuple[int, list[str]]:
    """Pass items through the chain as Scrapy does; how many got stored, and the drop reasons."""
    stored, dropped = 0, []
    chain = pipelines(store)
    for data in items:
        item = Article(**data)
        try:
            for pipeline in chain:
                item = pipeline.process_item(item)
            stored += 1
        except DropItem as drop:
            dropped.append(str(drop))
    return stored, dropped


def test_store_lines_are_whole_utf8_json_in_key_order(tmp_path) -> None:
    path = tmp_path / "articles.jsonl"
    store = JsonlStore(path)
    assert run_items(store, ITEMS[:3]) == (3, [])
    store.close()
    raw = path.read_bytes()
    assert raw.count(b"\n") == 3 and raw.endswith(b"\n")
    assert b"\\u" not in raw and "–".encode() in raw  # an en dash, not \u2013
    assert read_store(path) == ITEMS[:3]
    assert list(json.loads(raw.splitlines()[0])) == list(ITEMS[0])


def test_dedupe_within_a_run_by_url_and_by_post_id(tmp_path) -> None:
    store = JsonlStore(tmp_path / "articles.jsonl")
    moved = dict(ITEMS[0], url=ITEMS[0]["url"] + "?amp=1")  # same post, another URL
    stored, dropped = run_items(store, [ITEMS[0], ITEMS[0], moved])
    assert stored == 1
    assert len(dropped) == 2 and all(reason.startswith("Duplicate") for reason in dropped)


def test_a_second_run_over_the_same_items_appends_nothing(tmp_path) -> None:
    path = tmp_path / "articles.jsonl"
    first = JsonlStore(path)
    run_items(first, ITEMS)
    first.close()
    before = path.read_bytes()
    second = JsonlStore(path)
    assert len(second) == len(ITEMS)
    assert run_items(second, ITEMS)[0] == 0
    second.close()
    assert path.read_bytes() == before


def test_an_invalid_item_goes_to_the_rejects_file_with_url_and_reason(tmp_path) -> None:
    store = JsonlStore(tmp_path / "articles.jsonl")
    broken = dict(ITEMS[1], title=None, published_at="15 Mei 2025")
    stored, dropped = run_items(store, [broken])
    store.close()
    assert stored == 0 and dropped[0].startswith("Rejected")
    [reject] = read_store(store.rejects_path)
    assert reject["url"] == ITEMS[1]["url"]
    assert reject["reason"] == "missing title; published_at is not ISO 8601 with an offset"
    assert reject["record"]["post_id"] == ITEMS[1]["post_id"]
    assert read_store(store.path) == []


def test_a_torn_last_line_is_moved_to_the_rejects_and_the_rest_kept(tmp_path) -> None:
    path = tmp_path / "articles.jsonl"
    whole = (json.dumps(ITEMS[0], ensure_ascii=False) + "\n").encode()
    path.write_bytes(whole + whole[:50])
    store = JsonlStore(path)
    assert len(store) == 1
    store.close()
    assert path.read_bytes() == whole
    [reject] = read_store(store.rejects_path)
    assert reject["record"]["fragment"] == whole[:50].decode()


@pytest.mark.parametrize("key", ["url", "post_id", "title", "published_at", "body"])
def test_each_required_key_is_required(tmp_path, key) -> None:
    store = JsonlStore(tmp_path / "articles.jsonl")
    url = None if key == "url" else ITEMS[2]["url"]
    assert run_items(store, [dict(ITEMS[2], **{key: None})])[1] == [f"Rejected {url}: missing {key}"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"views": -5}, "views is -5, less than 0"),
        ({"post_id": 0}, "post_id is 0, less than 1"),
        ({"image_url": "/wp-content/x.jpg"}, "image_url is not an absolute http(s) URL"),
        ({"published_at": "2025-05-15T11:56+07:00"}, "published_at is not ISO 8601 with an offset"),
        ({"modified_at": "2025-05-15 11:56:00"}, "modified_at is not ISO 8601 with an offset"),
        ({"post_id": True}, "post_id is not an integer"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_the_pipeline_rejects_what_scrapy_validate_rejects(tmp_path, change, reason) -> None:
    """One definition of a valid article: the store never holds a line its own validator rejects."""
    store = JsonlStore(tmp_path / "articles.jsonl")
    record = dict(ITEMS[2], **change)
    assert run_items(store, [record]) == (0, [f"Rejected {record['url']}: {reason}"])
    store.close()
    [reject] = read_store(store.rejects_path)
    assert reject["reason"] == reason and reject["record"] == record
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_dump(dump).bad, "scrapy validate rejects it too"
    assert not read_dump(tmp_path / "articles.jsonl").bad and read_store(store.path) == []

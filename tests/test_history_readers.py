"""Issue 18's readers: validate, export and report on stores with revisions and tombstones, and data.md's recipes."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from parsel import Selector
from site_fixtures import expected_items, run_scrapy

from kabarbaik_spider.demo import PROJECT_ROOT
from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.schema import line_schema

DOCS = PROJECT_ROOT / "docs" / "data.md"


def revision(item: dict, number: int, changed: list[str], read_at: str, reason: str = "site") -> dict:
    return item | {"revision": number, "changed": changed, "reason": reason, "read_at": read_at}


def tombstone(item: dict, number: int, deleted_at: str, status: int = 404) -> dict:
    return {
        "url": item["url"],
        "post_id": item["post_id"],
        "revision": number,
        "deleted_at": deleted_at,
        "status": status,
    }


def write(path: Path, lines: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def history_lines() -> list[dict]:
    """Four articles: one edited, re-parsed, then deleted; one deleted; one deleted and back; one never changed."""
    a, b, c, d = expected_items("api")[:4]
    a2 = a | {"title": a["title"] + " (ralat)"}
    a3 = a2 | {"views": 99}
    return [
        a, b, c,
        revision(a2, 2, ["title"], "2026-12-01T03:00:00+00:00"),
        d,
        tombstone(b, 2, "2026-12-01T04:00:00+00:00"),
        revision(a3, 3, ["views"], "2026-12-02T03:00:00+00:00", reason="parser"),
        tombstone(c, 2, "2026-12-01T04:00:00+00:00", status=410),
        tombstone(a3, 4, "2026-12-03T04:00:00+00:00"),
        revision(c | {"tags": ["Literasi"]}, 3, ["tags"], "2026-12-03T03:00:00+00:00"),
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path) -> Path:
    return write(tmp_path / "data" / "articles.jsonl", history_lines())


def test_every_line_of_a_history_is_valid_under_the_committed_schema_and_mixtures_are_not(store) -> None:
    whole = Draft202012Validator(line_schema())
    lines = history_lines()
    assert all(whole.is_valid(line) for line in lines)
    first, edited, gone = lines[0], lines[3], lines[5]
    assert not whole.is_valid(first | {"revision": 1}), "a first sight has no revision key"
    assert not whole.is_valid(edited | {"deleted_at": gone["deleted_at"]}), "a revision is no tombstone"
    assert not whole.is_valid(gone | {"title": "x"}), "a tombstone holds no item"
    assert not whole.is_valid(edited | {"changed": []}) and not whole.is_valid(edited | {"reason": "typo"})
    assert not whole.is_valid(gone | {"status": 500})


def test_validate_accepts_a_good_history_and_counts_its_revisions_and_tombstones(store) -> None:
    result = run_scrapy("validate", str(store))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        f"{store}: valid: 10 lines, 4 valid articles, 0 bad lines, 0 duplicates, 3 revisions, 3 tombstones\n"
    )


def test_validate_names_each_kind_of_bad_numbering(tmp_path) -> None:
    lines = history_lines()
    a, d = lines[0], lines[4]
    a3 = lines[6]
    other = expected_items("api")[5]
    bad = write(tmp_path / "bad.jsonl", [
        *lines[:8],
        revision(a3 | {"title": "Lain"}, 5, ["title"], "2026-12-04T03:00:00+00:00"),  # 9: a gap (4 is missing)
        tombstone(lines[1], 3, "2026-12-05T04:00:00+00:00"),  # 10: b was deleted at line 6 already
        revision(d | {"title": "Baru"}, 2, ["title", "views"], "2026-12-04T03:00:00+00:00"),  # 11: views did not
        revision(d | {"title": "Baru"}, 2, ["title"], "2026-12-05T03:00:00+00:00"),  # 12: 2 again
        revision(other, 2, ["title"], "2026-12-04T03:00:00+00:00"),  # 13: a post never seen
        tombstone(expected_items("api")[6], 2, "2026-12-04T03:00:00+00:00"),  # 14: a post never seen
        a,  # 15: a second first sight
        revision(d | {"title": "Baru"}, 3, ["views"], "2026-12-05T03:00:00+00:00"),  # 16: nothing differs
    ])  # fmt: skip
    result = run_scrapy("validate", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{bad}: NOT valid: 16 lines, 6 valid articles, 7 bad lines, 1 duplicates, 7 revisions, 4 tombstones",
        "  line 9: revision 5 after revision 3 (line 7); expected 4",
        "  line 10: a tombstone after the tombstone of line 6: only a revision (a comeback) may follow",
        "  line 11: changed lists title, views but title differs from line 5",
        "  line 12: revision 2 after revision 2 (line 11); expected 3",
        f"  line 13: revision 2 of a post not seen before ({other['url']}, post {other['post_id']})",
        f"  line 14: a tombstone numbered 2 of a post not seen before ({expected_items('api')[6]['url']}, "
        f"post {expected_items('api')[6]['post_id']})",
        f"  line 15: a duplicate of line 1 ({a['url']}, post {a['post_id']})",
        "  line 16: changed lists views but nothing differs from line 12",
    ]


def test_a_revision_line_missing_a_key_is_named_by_its_own_schema(tmp_path) -> None:
    lines = history_lines()
    broken = {key: value for key, value in lines[3].items() if key != "read_at"} | {"views": "banyak"}
    dump = write(tmp_path / "broken.jsonl", [*lines[:3], broken])
    result = run_scrapy("validate", str(dump))
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == ["  line 4: 'read_at' is a required property"], "as an item's missing key"


def test_export_latest_writes_the_live_articles_latest_items_only(store, tmp_path) -> None:
    out = tmp_path / "latest.jsonl"
    result = run_scrapy("export", "--latest", "-o", str(out), str(store))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {out}: 2 articles, their latest revisions; 2 deleted left out\n"
    lines = history_lines()
    c_back = {key: lines[9][key] for key in ARTICLE_KEYS}
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == [c_back, lines[4]]
    assert run_scrapy("validate", str(out)).returncode == 0, "the export is a store of the old shape"


def test_export_latest_of_a_store_without_history_is_the_store_itself(tmp_path) -> None:
    plain = write(tmp_path / "plain.jsonl", expected_items("api"))
    out = tmp_path / "latest.jsonl"
    assert run_scrapy("export", "--latest", "-o", str(out), str(plain)).returncode == 0
    assert out.read_bytes() == plain.read_bytes()


def test_export_refuses_a_missing_store_an_unwritable_output_and_the_store_itself(store, tmp_path) -> None:
    missing = run_scrapy("export", "--latest", "-o", str(tmp_path / "out.jsonl"), str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2 and not (tmp_path / "out.jsonl").exists()
    assert missing.stderr == f"kabarbaik: cannot read {tmp_path / 'none.jsonl'}: No such file or directory\n"
    nowhere = tmp_path / "no" / "such" / "out.jsonl"
    unwritable = run_scrapy("export", "--latest", "-o", str(nowhere), str(store))
    assert unwritable.returncode == 2 and unwritable.stdout == ""
    assert unwritable.stderr == f"kabarbaik: cannot write {nowhere}: No such file or directory\n"
    before = store.read_bytes()
    itself = run_scrapy("export", "--latest", "-o", str(store), str(store))
    assert itself.returncode == 2 and store.read_bytes() == before
    assert itself.stderr == f"kabarbaik: cannot write {store}: it is the store itself; name another file\n"


def test_export_of_a_store_with_bad_lines_writes_what_it_can_and_exits_1(tmp_path) -> None:
    lines = history_lines()
    dump = tmp_path / "torn.jsonl"
    dump.write_text("".join(json.dumps(line) + "\n" for line in lines[:5]) + '{"url": "https://kab', encoding="utf-8")
    out = tmp_path / "latest.jsonl"
    result = run_scrapy("export", "--latest", "-o", str(out), str(dump))
    assert result.returncode == 1
    assert (
        result.stderr
        == f"kabarbaik: {dump} has 1 bad lines (scrapy validate names them); {out} holds what could be read\n"
    )
    assert [json.loads(line)["post_id"] for line in out.read_text().splitlines()] == [
        line["post_id"] for line in [*lines[:3], lines[4]]
    ]


def run_module(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m kabarbaik_spider.MODULE``: what ``scrapy MODULE`` prints, in a folder that is not the project's."""
    return subprocess.run(
        [sys.executable, "-m", f"kabarbaik_spider.{module}", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def console_block(after: str) -> tuple[str, list[str]]:
    """The command and the output of the first ``console`` block of docs/data.md after the text ``after``."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"```console\n\$ (.*?)\n(.*?)```", text[text.index(after) :], re.S)
    assert block, f"no console block after {after!r}"
    return block[1], block[2].splitlines()


def test_export_history_prints_what_the_docs_show(store) -> None:
    command, shown = console_block("`--history URL_OR_POST_ID STORE` prints")
    assert command == "scrapy export --history 118452 data/articles.jsonl"
    result = run_module("export", "--history", "118452", "data/articles.jsonl", cwd=store.parent.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == shown
    by_url = run_scrapy("export", "--history", history_lines()[0]["url"], str(store))
    assert by_url.stdout == result.stdout


def test_export_history_of_an_article_not_in_the_store_is_one_line_and_exit_1(store) -> None:
    result = run_scrapy("export", "--history", "999", str(store))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"kabarbaik: no article 999 in {store}\n"


def test_validate_says_what_the_docs_show(store) -> None:
    command, shown = console_block("Its first line ends with the revisions")
    assert command == "scrapy validate data/articles.jsonl"
    result = run_module("validate", "data/articles.jsonl", cwd=store.parent.parent)
    assert result.stdout.splitlines() == shown


def test_report_counts_edits_per_period_the_most_edited_and_the_deleted(store, tmp_path) -> None:
    result = run_scrapy("report", str(store))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{store}: 2 articles, published "), "the live ones"
    assert lines[1:5] == [
        "0 broken lines, 0 duplicates (validate names them)",
        "history: 2 site edits of 2 articles, 1 re-parses, 2 deleted",
        "most-edited articles (site edits):",
        "      1  Ini Cara Pemkab Bojonegoro untuk Tingkatkan Kinerja Pelayanan Publik (…",
    ]
    at = lines.index("articles per month, and the site edits read then:")
    december = next(line for line in lines[at:] if "2026-12" in line)
    assert december.rstrip().endswith("2026-12         0             2 edits")
    page = tmp_path / "report.html"
    assert run_scrapy("report", str(store), "--html", str(page)).returncode == 0
    dom = Selector(text=page.read_text(encoding="utf-8"))
    chart = dom.css("figure#edits-per-period svg")
    assert chart and "Site edits per month" in chart.xpath("string()").get()
    assert chart.css("g[id^=xtick_] text::text").getall()[-1] == "2026-12"
    assert dom.css("#most-edited td::text").getall()[1] == "1"
    assert "deleted articles" in dom.css("#overview td::text").getall()


def test_the_report_of_a_long_busy_history_is_still_one_screen(tmp_path) -> None:
    """Thirty months of articles in twenty categories, edits on many days: the most lines a report can have."""
    templates = expected_items("api")
    lines = []
    for number in range(600):
        month = number % 30
        item = templates[number % len(templates)] | {
            "url": f"https://kabarbaik.co/berita-{number}/", "post_id": 500_000 + number,
            "published_at": f"{2023 + month // 12}-{month % 12 + 1:02d}-10T08:00:00+07:00",
            "category": f"Kategori nomor {number % 20} dengan nama yang panjang", "author": f"Penulis {number % 15}",
            "tags": [f"tag-{number % 25}"],
        }  # fmt: skip
        lines.append(item)
        if number % 3 == 0:
            lines.append(
                revision(item | {"title": "Ralat"}, 2, ["title"], f"2025-{month % 6 + 1:02d}-20T03:00:00+00:00")
            )
    dump = write(tmp_path / "busy.jsonl", lines)
    result = run_scrapy("report", str(dump))
    assert result.returncode == 0, result.stderr
    shown = result.stdout.splitlines()
    assert len(shown) <= 50, f"{len(shown)} lines: more than a screen"
    assert all(len(line) <= 80 for line in shown[1:]), max(shown[1:], key=len)
    assert "history: 200 site edits of 200 articles, 0 re-parses, 0 deleted" in shown
    assert "articles per month, and the site edits read then:" in shown
    top = shown.index("top authors:".ljust(40) + "top tags:")
    assert len(shown) - top - 1 >= 3, "the top lists keep three rows at least"
    assert shown[top + 1].startswith("     40  Penulis 0"), shown[top + 1]


def recipe(language: str, heading: str) -> list[str]:
    """The code blocks in ``language`` of docs/data.md's section under ``heading``, as written."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    section = section[: section.find("\n#", 1) if "\n#" in section[1:] else None]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


HISTORY_RECIPES = "### Latest state and history, with pandas and DuckDB"


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas is the analysis extra")
@pytest.mark.parametrize("kind", ["history", "plain"])
def test_the_pandas_recipe_of_data_md_runs_as_written(store, kind) -> None:
    if kind == "plain":
        write(store, expected_items("api")[:4])
    (code,) = recipe("python", HISTORY_RECIPES)
    check = (
        "\nprint(json.dumps({'latest': [[int(r.post_id), r.title, None if pd.isna(r.views) else int(r.views)]"
        " for r in latest.itertuples()], 'history': [[int(p), int(n)] for p, n in"
        " zip(history['post_id'], history['revision'])], 'columns': list(latest.columns)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + code + check],
        cwd=store.parent.parent, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["columns"] == list(ARTICLE_KEYS)
    items = expected_items("api")[:4]
    if kind == "plain":
        assert sorted(got["latest"]) == sorted([[i["post_id"], i["title"], i["views"]] for i in items])
        assert all(number == 1 for _, number in got["history"])
        return
    c = history_lines()[9]
    assert sorted(got["latest"]) == sorted(
        [[c["post_id"], c["title"], c["views"]], [items[3]["post_id"], items[3]["title"], None]]
    )
    assert sorted(got["history"]) == sorted([[line["post_id"], line.get("revision", 1)] for line in history_lines()])


@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="duckdb is the analysis extra")
def test_the_duckdb_recipe_of_data_md_runs_as_written(store, monkeypatch) -> None:
    import duckdb

    (sql,) = recipe("sql", HISTORY_RECIPES)
    monkeypatch.chdir(store.parent.parent)
    connection = duckdb.connect()
    statements = [statement for statement in sql.split(";\n") if statement.strip()]
    for statement in statements[:-1]:
        connection.execute(statement)
    latest = connection.execute(statements[-1])
    columns = [column[0] for column in latest.description]
    rows = latest.fetchall()
    assert columns == list(ARTICLE_KEYS)
    c, d = history_lines()[9], history_lines()[4]
    assert sorted((row[1], row[2], row[8]) for row in rows) == sorted(
        [(c["post_id"], c["title"], c["tags"]), (d["post_id"], d["title"], d["tags"])]
    )
    revisions = connection.execute("SELECT post_id, revision FROM history").fetchall()
    assert sorted(revisions) == sorted((line["post_id"], line.get("revision", 1)) for line in history_lines())


def test_export_history_to_a_closed_pipe_ends_quietly(store) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone before the first line
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kabarbaik_spider.export", "--history", "118452", str(store)],
            stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert result.returncode == -signal.SIGPIPE and result.stderr == ""

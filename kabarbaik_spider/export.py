"""A store's current state, or one article's history: ``scrapy export`` and ``python -m kabarbaik_spider.export``.

``--latest -o FILE.jsonl STORE`` writes one line per live article, its latest
revision as a plain item (the fourteen keys, as a first-sight line holds
them): the file is itself a valid store of today's shape, so every reader of
a store without history reads it unchanged. Deleted articles are left out.
The store is read twice, its lines never held: the first pass checks the
lines and keeps, per article, where its latest item line starts; the second
reads only those lines. Memory grows with the articles, not with the file.

``--history URL_OR_POST_ID STORE`` prints one article's lines: each revision
with its number, when it was read, why, and each changed key old → new.
Exit statuses: 0; 1 when the article is not in the store, or when the store
has bad lines (they are left out, ``scrapy validate`` names them); 2 when the
store cannot be read or the output cannot be written.
``python -m`` runs from any folder; ``scrapy export`` only in the project's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from kabarbaik_spider.dumps import Line, Post, ReaderOutput, checked_lines
from kabarbaik_spider.items import ARTICLE_KEYS
from kabarbaik_spider.report import fit
from kabarbaik_spider.store import encode_line

VALUE_WIDTH = 34  # old → new on one line of 80 columns, with the key before them


def say(message: str) -> None:
    print(f"kabarbaik: {message}", file=sys.stderr)


def readable(store: Path) -> bool:
    """Whether the store can be read; if not, one line on stderr says why."""
    try:
        with store.open("rb"):
            return True
    except OSError as error:
        say(f"cannot read {store}: {error.strerror}")
        return False


def open_output(target: Path, store: Path) -> IO[bytes] | None:
    """The output file, opened for writing; or None, after one line that says why it cannot be."""
    if target.exists() and store.exists() and os.path.samefile(target, store):
        say(f"cannot write {target}: it is the store itself; name another file")
        return None
    try:
        return target.open("wb")
    except OSError as error:
        say(f"cannot write {target}: {error.strerror or error}")
        return None


def export_latest(store: Path, target: Path) -> int:
    """Writes the latest item of every live article of ``store`` to ``target``, in first-sight order."""
    if not readable(store):
        return 2
    output = open_output(target, store)
    if output is None:
        return 2
    posts: dict[int, Post] = {}
    bad = 0
    with output:
        try:
            for line in checked_lines(store):
                bad += line.problem is not None
                if line.post is not None:
                    posts.setdefault(line.post.first, line.post)
            live = [post for post in posts.values() if not post.tombstone]
            with store.open("rb") as lines:
                for post in live:
                    lines.seek(post.item_offset)
                    record = json.loads(lines.readline())
                    output.write(encode_line({key: record[key] for key in ARTICLE_KEYS}))
        except OSError as error:
            say(f"cannot export {store} to {target}: {error.strerror or error}")
            return 2
    out = ReaderOutput()
    deleted = len(posts) - len(live)
    out.print(f"wrote {target}: {len(live)} articles, their latest revisions; {deleted} deleted left out")
    out.end_if_reader_gone()
    if bad:
        say(f"{store} has {bad} bad lines (scrapy validate names them); {target} holds what could be read")
        return 1
    return 0


def shortened(old: Any, new: Any, width: int = VALUE_WIDTH) -> tuple[str, str]:
    """Both values as JSON, cut to ``width``, starting a little before where they first differ (so it shows)."""
    texts = [json.dumps(value, ensure_ascii=False) for value in (old, new)]
    same = next((at for at, (a, b) in enumerate(zip(*texts, strict=False)) if a != b), min(map(len, texts)))
    start = max(0, same - 12) if same > width - 16 else 0
    old_text, new_text = (("…" if start else "") + text[start:] for text in texts)
    return fit(old_text, width), fit(new_text, width)


def is_the(query: str, record: dict[str, Any]) -> bool:
    """Whether a line is of the article asked for: a post id if all digits, else its URL."""
    return record["post_id"] == int(query) if query.isdigit() else record["url"] == query


def history_lines(lines: list[Line]) -> list[str]:
    """The article's lines in words: a heading, then each revision and what it changed."""
    items = [line.record for line in lines if line.kind != "tombstone" and line.record is not None]
    last = lines[-1]
    state = f"deleted ({last.record['deleted_at']})" if last.kind == "tombstone" and last.record else "live"
    shown = [f"{items[-1]['url']} (post {items[-1]['post_id']}): {len(lines)} revisions, {state}"]
    previous: dict[str, Any] | None = None
    for line in lines:
        record = line.record or {}
        number = record.get("revision", 1)
        if line.kind == "tombstone":
            seen = f"seen {record['deleted_at']} ({record['status']})"
            shown.append(f"revision {number} (line {line.number}): deleted, {seen}")
        elif line.kind == "revision":
            shown.append(f"revision {number} (line {line.number}): read {record['read_at']}, reason {record['reason']}")
            for key in record["changed"]:
                old, new = shortened(previous.get(key) if previous else None, record[key])
                shown.append(f"  {key}: {old} → {new}")
        else:
            title = fit(json.dumps(record["title"], ensure_ascii=False), 50)
            shown.append(f"revision 1 (line {line.number}): first sight, {title}")
        if line.problem:
            shown.append(f"  (a bad line: {line.problem})")
        if line.kind != "tombstone":
            previous = record
    return shown


def print_history(store: Path, query: str) -> int:
    """Prints the history of the article whose URL or post id is ``query``; exit 1 when the store has none."""
    if not readable(store):
        return 2
    target = next(
        (line.post.first for line in checked_lines(store) if line.post and line.record and is_the(query, line.record)),
        None,
    )
    if target is None:
        say(f"no article {query} in {store}")
        return 1
    lines = [line for line in checked_lines(store) if line.post is not None and line.post.first == target]
    out = ReaderOutput()
    for text in history_lines(lines):
        out.print(text)
    out.end_if_reader_gone()
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options, the same for ``scrapy export`` and ``python -m``."""
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--latest", action="store_true", help="write the latest revision of every live article")
    what.add_argument("--history", metavar="URL_OR_POST_ID", help="print one article's revisions")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.jsonl", help="--latest: the file to write")


def run(store: Path, latest: bool, history: str | None, output: Path | None) -> int | str:
    """The exit status; or a usage error's words, for the caller's parser to say."""
    if history is not None:
        if output is not None:
            return "--history prints; -o is for --latest"
        return print_history(store, history.strip())
    if not latest:
        return "say --latest -o FILE.jsonl, or --history URL_OR_POST_ID"
    if output is None:
        return "--latest needs -o FILE.jsonl"
    return export_latest(store, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kabarbaik_spider.export",
        description="A store's current state (--latest -o FILE.jsonl) or one article's revisions (--history).",
    )
    add_arguments(parser)
    parser.add_argument("store", type=Path, metavar="STORE.jsonl")
    args = parser.parse_args(argv)
    status = run(args.store, args.latest, args.history, args.output)
    if isinstance(status, str):
        parser.error(status)
    return status


if __name__ == "__main__":
    raise SystemExit(main())

"""Check a dump against the store line's schema: ``scrapy validate`` and ``python -m kabarbaik_spider.validate``.

Prints the counts and the first bad lines, each with its number and reason
(not JSON, a missing key, a wrong type, a duplicate, a cut last line, a
revision or tombstone out of its post's numbering, a ``changed`` that does
not say what changed); a store with revisions or tombstones gets their
counts at the end of the first line, a store without keeps its words. Exits
1 when any line is bad, 2 when the file cannot be read, 0 when all is well.
``python -m`` runs from any folder; ``scrapy validate`` only in the project's.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kabarbaik_spider.dumps import ReaderOutput, read_dump_or_say


def validate(path: Path, show: int = 10) -> int:
    """Prints the verdict on the dump at ``path`` and its first ``show`` bad lines; returns the exit status."""
    dump = read_dump_or_say(path)
    if dump is None:
        return 2
    out = ReaderOutput()
    verdict = "valid" if not dump.bad else "NOT valid"
    history = f", {dump.revisions} revisions, {dump.tombstones} tombstones" if dump.has_history else ""
    out.print(
        f"{path}: {verdict}: {dump.lines} lines, {dump.posts} valid articles, "
        f"{len(dump.bad) - dump.duplicates} bad lines, {dump.duplicates} duplicates{history}"
    )
    for number, reason in dump.bad[:show]:
        out.print(f"  line {number}: {reason}")
    if len(dump.bad) > show:
        out.print(f"  … and {len(dump.bad) - show} more (--show N)")
    out.end_if_reader_gone()
    return 1 if dump.bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kabarbaik_spider.validate",
        description="Check a JSON lines dump against the store line schema; non-zero exit on any bad line.",
    )
    parser.add_argument("dump", type=Path, metavar="FILE.jsonl")
    parser.add_argument("--show", type=int, default=10, metavar="N", help="show the first N bad lines (10)")
    args = parser.parse_args(argv)
    return validate(args.dump, args.show)


if __name__ == "__main__":
    raise SystemExit(main())

"""What the article parser costs a real page of another site, in milliseconds or in instructions.

    python benchmarks/parse_cost.py [--half A|B|all] [--rounds N] [--instructions] [--against DIR ...]

The pages are ``../shared/realpages``' (the halves as in docs/site.md: md5's first byte of the publisher even
is A). Each version of the code runs in a process of its own: this checkout, then each ``--against`` folder (a
checkout of another commit, ``git worktree add --detach DIR COMMIT``), in turn, ``--rounds`` times.

- Time: each page's best of the rounds, in ms, their mean and median (what ``score.py`` reports, without its
  per-page subprocess). On a shared machine a page's time moves by half from one minute to the next, so
  versions are compared within one invocation, alternated, never across invocations.
- ``--instructions``: valgrind's cachegrind counts the instructions of a run that parses the pages and of one
  that only reads them; their difference a page is the parse's. The count is the same for the same code on
  any run, so two versions compare to the percent where their times cannot. About a minute a version.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "manifest.json"
INSTRUCTIONS = re.compile(r"I\s+refs:\s+([\d,]+)")


def half(publisher: str) -> str:
    return "A" if hashlib.md5(publisher.encode()).digest()[0] % 2 == 0 else "B"


def pages(which: str) -> list[tuple[str, str]]:
    """The real pages of one half (or all), as (HTML, URL)."""
    manifest = json.loads(REAL_PAGES.read_text(encoding="utf-8"))
    return [
        (gzip.decompress((REAL_PAGES.parent / entry["html_path"]).read_bytes()).decode("utf-8"), entry["url"])
        for entry in manifest["pages"]
        if which == "all" or half(entry["publisher"]) == which
    ]


def measure(which: str, rounds: int, parse: bool) -> None:
    """In the child: parse the pages (once to warm up, then ``rounds`` times) and print each page's best ms."""
    from kabarbaik_spider.pages.article import article_dict

    read = pages(which)
    article_dict(*read[0])
    if not parse:
        return
    best = [float("inf")] * len(read)
    for _ in range(rounds):
        for number, (html, url) in enumerate(read):
            started = time.perf_counter()
            article_dict(html, url)
            best[number] = min(best[number], (time.perf_counter() - started) * 1000)
    print(json.dumps(best))


def child(version: Path, arguments: list[str], valgrind: bool = False) -> subprocess.CompletedProcess[str]:
    """This script in a process of its own that imports the parser from ``version``."""
    environment = {**os.environ, "PYTHONPATH": str(version)}
    command = [sys.executable, __file__, "--child", *arguments]
    if valgrind:
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", *command]
    done = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=False, cwd=tempfile.gettempdir()
    )
    if done.returncode:
        sys.exit(f"{version}: the parse failed:\n{done.stderr[-2000:]}")
    return done


def instructions(version: Path, which: str) -> float:
    """Instructions a page: a run that parses the pages once less one that only reads them."""
    counts = []
    for parse in ("1", "0"):
        done = child(version, ["--half", which, "--rounds", "1", "--parse", parse], valgrind=True)
        found = INSTRUCTIONS.search(done.stderr)
        if not found:
            sys.exit(f"valgrind gave no instruction count:\n{done.stderr[-2000:]}")
        counts.append(int(found[1].replace(",", "")))
    return (counts[0] - counts[1]) / len(pages(which))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=("A", "B", "all"), default="all")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each version (time: each page's best)")
    parser.add_argument("--instructions", action="store_true", help="count instructions with valgrind instead")
    parser.add_argument("--against", type=Path, action="append", default=[], help="another checkout to compare")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parse", default="1", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        measure(options.half, options.rounds, options.parse == "1")
        return
    if not REAL_PAGES.exists():
        sys.exit(f"no real pages: {REAL_PAGES} is missing")
    versions = [ROOT, *(folder.resolve() for folder in options.against)]
    if options.instructions:
        if shutil.which("valgrind") is None:
            sys.exit("--instructions needs valgrind (Debian's package valgrind)")
        for version in versions:
            print(f"{version}: {instructions(version, options.half) / 1e6:.1f} million instructions a page")
        return
    best: dict[Path, list[float]] = {}
    for _ in range(options.rounds):  # the versions alternate, so a slow minute costs each alike
        for version in versions:
            timings = json.loads(child(version, ["--half", options.half, "--rounds", "1"]).stdout)
            best[version] = [min(pair) for pair in zip(best.get(version, timings), timings, strict=True)]
    for version in versions:
        timings = best[version]
        print(
            f"{version}: mean {statistics.mean(timings):.1f} ms, median {statistics.median(timings):.1f} ms"
            f" a page ({len(timings)} pages, {options.half}, best of {options.rounds})"
        )


if __name__ == "__main__":
    main()

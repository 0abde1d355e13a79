"""Benchmarks anyone can rerun: ``python benchmarks/run.py``; writes ``docs/benchmarks.md``.

- crawl: a synthetic site of N articles (200, 2,000 and 10,000) built from the
  bundled pages and served by nginx on 127.0.0.1 (installed with apt-get when
  missing and run as root; else Python's http.server, named in the report). For
  each N, alternating, in this one invocation: (a) our ``scrapy crawl``,
  politeness off; (b) a null spider requesting the same pages and parsing
  nothing; (c) the floor: the null spider that also builds each article page's
  parsel tree; (d) our crawl with the archive off, so that the archive's CPU
  and bytes per page are a paired difference. Pages/s, CPU ms per page
  (Scrapy's start-up left out), peak RSS, the ratios, the server's own CPU.
- reparse: ``scrapy reparse`` of each size's crawl from its archive (two
  cores), articles/s, beside trafilatura's ``extract`` on the same pages
  (two processes too) when trafilatura is installed.
- parse: ms per page for the model's article and listing pages, and for the
  real pages in ``../shared/realpages`` when that folder is there.
- store: the time to open a store of 100,000 articles (its index load) and the
  memory that index holds.

Numbers depend on the machine; the report says what it ran on.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import lxml.etree  # noqa: E402
import scrapy  # noqa: E402
import synthetic_site  # noqa: E402

from kabarbaik_spider.fixtures import all_fixtures  # noqa: E402
from kabarbaik_spider.pages.article import article_dict, continuation_urls, parse_article  # noqa: E402
from kabarbaik_spider.pages.listing import parse_listing  # noqa: E402
from kabarbaik_spider.store import JsonlStore, encode_line  # noqa: E402

SITE = ROOT / "fixtures" / "site"
REAL_PAGES = ROOT.parent / "shared" / "realpages" / "manifest.json"
NULL_SPIDER = ROOT / "benchmarks" / "null_spider.py"
POLITENESS_OFF = (
    "AUTOTHROTTLE_ENABLED=False",
    "DOWNLOAD_DELAY=0",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "LOG_LEVEL=INFO",
)
MODES = ("crawl", "no-archive", "null", "floor")
ELAPSED = re.compile(r"'elapsed_time_seconds': ([\d.]+)")
RESPONSES = re.compile(r"'response_received_count': (\d+)")


def page(url: str) -> str:
    return (SITE / url.split("://", 1)[1].split("/", 1)[1].strip("/") / "index.html").read_text(encoding="utf-8")


# -- the crawl ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def find_nginx() -> tuple[str | None, str]:
    """nginx's path, installing Debian's nginx-light when it is missing and we are root; and what was done."""
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if path:
        return path, f"nginx found at {path}"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        for step in (["install"], ["update"], ["install"]):  # a new machine has no package lists yet
            arguments = ["-y", "-q", "nginx-light"] if step == ["install"] else ["-q"]
            subprocess.run(["apt-get", *step, *arguments], capture_output=True, check=False)
            if Path("/usr/sbin/nginx").exists():
                return "/usr/sbin/nginx", "nginx-light installed with apt-get"
    return None, "nginx is not installed and could not be"


class Server:
    """Serves a folder on 127.0.0.1: nginx when there is one, else Python's http.server (slower, and said so)."""

    def __init__(self, folder: Path, port: int, work: Path) -> None:
        self.nginx, self.how = find_nginx()
        if self.nginx:
            config = work / "nginx.conf"
            config.write_text(
                f"""worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    types {{ text/html html; text/plain txt; }}
    default_type text/html;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {folder};
        index index.html;
        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
""",
                encoding="utf-8",
            )
            command = [self.nginx, "-c", str(config), "-p", str(work)]
            self.name = subprocess.run([self.nginx, "-v"], capture_output=True, text=True).stderr.strip()
        else:
            command = [
                sys.executable,
                "-m",
                "http.server",
                str(port),
                "--bind",
                "127.0.0.1",
                "--directory",
                str(folder),
            ]
            self.name = "Python's http.server (nginx missing: a slower server, so the ratios understate the crawl)"
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {command}") from None
                time.sleep(0.05)  # polling a port until it listens, not timing anything

    def cpu(self) -> float:
        return process_cpu([self.process.pid, *children(self.process.pid)])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@dataclass
class Run:
    mode: str
    pages: int
    elapsed: float
    cpu: float
    rss_mb: float
    server_cpu: float
    archive_bytes: int = 0


def run_mode(mode: str, origin: str, urls_file: Path, work: Path, server: Server, number: int) -> Run:
    settings = [arg for setting in POLITENESS_OFF for arg in ("-s", setting)]
    store = work / f"store-{mode}-{number}.jsonl"
    if mode in ("crawl", "no-archive"):
        command = ["crawl", "kabarbaik", "-a", f"start_url={origin}/", "-a", "crosscheck=0"]
        pages = len(urls_file.read_text().split())  # a bound above the site's listing pages
        command += ["-s", f"KABARBAIK_OUTPUT={store}", "-s", f"KABARBAIK_LISTING_PAGES_MIN={pages}"]
        if mode == "no-archive":
            command += ["-s", "KABARBAIK_ARCHIVE_ENABLED=0"]
    else:
        command = ["runspider", str(NULL_SPIDER), "-a", f"urls={urls_file}", "-a", f"floor={int(mode == 'floor')}"]
    log = work / f"{mode}-{number}.log"
    server_before = server.cpu()
    with log.open("w") as err:
        process = subprocess.Popen([sys.executable, "-m", "scrapy", *command, *settings], cwd=ROOT, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
    text = log.read_text()
    if status != 0 or not ELAPSED.search(text):
        errors = [line for line in text.splitlines() if " ERROR: " in line][:5]
        raise RuntimeError(f"{mode} run failed (status {os.waitstatus_to_exitcode(status)}): {errors}")
    return Run(
        mode=mode,
        pages=int(RESPONSES.search(text)[1]),
        elapsed=float(ELAPSED.search(text)[1]),
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=usage.ru_maxrss / 1024,
        server_cpu=server.cpu() - server_before,
        archive_bytes=sum(path.stat().st_size for path in store.with_name(store.name + ".warc").glob("*.warc.gz")),
    )


def startup_cpu(work: Path) -> float:
    """CPU seconds of a Scrapy run that requests nothing: imports and start-up, left out of CPU per page."""
    empty = work / "no-urls.txt"
    empty.write_text("")
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "runspider", str(NULL_SPIDER), "-a", f"urls={empty}"],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
    )
    _, _, usage = os.wait4(process.pid, 0)
    return usage.ru_utime + usage.ru_stime


def bench_crawl(articles: int, repeats: int) -> tuple[dict[str, dict[str, float]], str]:
    """Median figures per mode for a site of ``articles`` (and ``reparse`` of its archive); and the server's name."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        work.chmod(0o755)  # nginx's worker runs as an unprivileged user: it must read the site
        port = free_port()
        origin = f"http://127.0.0.1:{port}"
        synthetic_site.build(work / "site", articles, origin)
        urls_file = work / "urls.txt"
        urls_file.write_text("\n".join(synthetic_site.urls(articles, origin)) + "\n")
        server = Server(work / "site", port, work)
        try:
            baseline = startup_cpu(work)
            runs: dict[str, list[Run]] = {mode: [] for mode in MODES}
            for number in range(repeats):
                turn = number % len(MODES)
                order = MODES[turn:] + MODES[:turn]  # alternate who goes first
                for mode in order:
                    run = run_mode(mode, origin, urls_file, work, server, number)
                    runs[mode].append(run)
                    print(f"  N={articles:,} {mode:10}: {run.pages / run.elapsed:7.1f} pages/s", flush=True)
        finally:
            server.stop()
        reparse = bench_reparse(work / "store-crawl-0.jsonl", work, repeats)  # the server is stopped: offline
    figures = {}
    for mode, done in runs.items():
        figures[mode] = {
            "pages": statistics.median(run.pages for run in done),
            "pages_per_s": statistics.median(run.pages / run.elapsed for run in done),
            "cpu_ms_per_page": statistics.median(1000 * max(0.0, run.cpu - baseline) / run.pages for run in done),
            "rss_mb": statistics.median(run.rss_mb for run in done),
            "server_cpu_s": statistics.median(run.server_cpu for run in done),
            "elapsed_s": statistics.median(run.elapsed for run in done),
            "archive_bytes": statistics.median(run.archive_bytes for run in done),
        }
    figures["archive"] = {  # paired within this invocation: the crawl with and without its archive
        "articles": articles,
        "bytes_per_page": figures["crawl"]["archive_bytes"] / figures["crawl"]["pages"],
        "bytes_per_1000_articles": figures["crawl"]["archive_bytes"] * 1000 / articles,
        "cpu_ms_per_page": figures["crawl"]["cpu_ms_per_page"] - figures["no-archive"]["cpu_ms_per_page"],
    }
    figures["reparse"] = reparse
    return figures, server.name


REPARSED = re.compile(r"re-extracted (\d+) of (\d+) stored articles .* in ([\d.]+) s \((\d+) articles/s\)")


def bench_reparse(store: Path, work: Path, repeats: int) -> dict[str, float]:
    """``scrapy reparse`` of a crawl's store from its archive, as a person runs it; trafilatura on the same pages."""
    timings, rss = [], []
    for number in range(repeats):
        out = work / f"reparsed-{number}.jsonl"
        started = time.perf_counter()
        log = work / f"reparse-{number}.log"
        with log.open("w") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "reparse", "--store", str(store), "-o", str(out)],
                cwd=ROOT,
                stderr=sink,
            )
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        err = log.read_text()
        found = REPARSED.search(err)
        if status != 0 or not found or found[1] != found[2]:
            raise RuntimeError(f"reparse failed (status {os.waitstatus_to_exitcode(status)}): {err[-500:]}")
        rss.append(usage.ru_maxrss / 1024)
        if out.read_bytes() != store.read_bytes():
            raise RuntimeError("reparse did not give the stored items back")
        timings.append((int(found[1]), float(found[4]), wall))  # its own rate: the seconds it prints are rounded
    articles = timings[0][0]
    figures = {
        "articles": articles,
        "per_s": statistics.median(rate for _, rate, _ in timings),
        "per_s_wall": statistics.median(count / wall for count, _, wall in timings),
        "rss_mb": statistics.median(rss),
        "warc_mib": sum(path.stat().st_size for path in store.with_name(store.name + ".warc").glob("*")) / 2**20,
    }
    figures.update(bench_trafilatura(store))
    return figures


def trafilatura_pages(html_pages: list[str]) -> int:
    import trafilatura

    return sum(1 for html in html_pages if trafilatura.extract(html, fast=True) is not None)


def bench_trafilatura(store: Path, sample: int = 600) -> dict[str, float]:
    """trafilatura's ``extract`` (fast mode) on the archived article pages, in two processes like reparse."""
    try:
        import trafilatura  # noqa: F401
    except ImportError as missing:
        return {"trafilatura": f"not installed ({missing})"}
    import multiprocessing

    from kabarbaik_spider.archive import archive_files, entries, read_entry
    from kabarbaik_spider.reparse import page_text

    pages = []
    for path in archive_files(store.with_name(store.name + ".warc")):
        for entry in entries(path, []):
            if entry.kind == "response" and "/artikel-" in entry.uri and len(pages) < sample:
                pages.append(page_text(entry.uri, read_entry(path, entry.offset, entry.length).block or b""))
    halves = [pages[0::2], pages[1::2]]
    trafilatura_pages(pages[:5])  # warm up
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(trafilatura_pages, [pages[:4], pages[4:8]])  # warm up both
        started = time.perf_counter()
        extracted = sum(pool.map(trafilatura_pages, halves))
        elapsed = time.perf_counter() - started
    import trafilatura as module

    return {
        "trafilatura": module.__version__,
        "trafilatura_per_s": len(pages) / elapsed,
        "trafilatura_pages": len(pages),
        "trafilatura_extracted": extracted,
    }


# -- parsing and the store ---------------------------------------------------------------------


def bench_parse(rounds: int) -> dict[str, float]:
    items = [fixture.expected() for fixture in all_fixtures() if (SITE / fixture.name / "index.html").is_file()]
    pages = []
    for item in items:
        html = page(item["url"])
        more = [(page(url), url) for url in continuation_urls(html, item["url"])]
        pages.append((html, item["url"], more))
    for html, url, more in pages:  # warm up: imports, lxml, dateparser's first call
        parse_article(html, url, more)
    started = time.perf_counter()
    for _ in range(rounds):
        for html, url, more in pages:
            parse_article(html, url, more)
    per_page = (time.perf_counter() - started) / (rounds * len(pages))
    listing = (SITE / "index.html").read_text(encoding="utf-8")
    parse_listing(listing, "https://kabarbaik.co/")
    started = time.perf_counter()
    for _ in range(rounds):
        parse_listing(listing, "https://kabarbaik.co/")
    per_listing = (time.perf_counter() - started) / rounds
    return {"article_ms": per_page * 1000, "listing_ms": per_listing * 1000, "pages": len(pages)}


def bench_real_pages() -> dict[str, float] | None:
    """Mean ms per page of the whole article parser on ../shared/realpages, when present."""
    if not REAL_PAGES.exists():
        return None
    manifest = json.loads(REAL_PAGES.read_text(encoding="utf-8"))
    pages = [
        (gzip.decompress((REAL_PAGES.parent / entry["html_path"]).read_bytes()).decode("utf-8"), entry["url"])
        for entry in manifest["pages"]
    ]
    article_dict(*pages[0])  # warm up
    timings = []
    for html, url in pages:
        started = time.perf_counter()
        article_dict(html, url)
        timings.append((time.perf_counter() - started) * 1000)
    return {"pages": len(pages), "mean_ms": statistics.mean(timings), "median_ms": statistics.median(timings)}


def build_store(path: Path, articles: int) -> None:
    templates = [fixture.expected() for fixture in all_fixtures()]
    with path.open("wb") as store:
        for number in range(articles):
            record = dict(templates[number % len(templates)])
            record["url"] = f"https://kabarbaik.co/artikel-{number}/"
            record["post_id"] = 200_000 + number
            store.write(encode_line(record))


def bench_store(articles: int, repeats: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        build_store(path, articles)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            store = JsonlStore(path)
            timings.append(time.perf_counter() - started)
            assert len(store) == articles
            store.close()
        tracemalloc.start()
        store = JsonlStore(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        store.close()
        size = path.stat().st_size
    return {"articles": articles, "mib": size / 2**20, "best_s": min(timings), "median_s": statistics.median(timings),
            "index_mib": peak / 2**20}  # fmt: skip


# -- the report --------------------------------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.machine(),
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, Scrapy {scrapy.__version__}, "
        f"lxml {'.'.join(map(str, lxml.etree.LXML_VERSION))}, {platform.system()} {platform.release()}"
    )


def report(command: str, crawls: dict[int, dict], server: str, parse: dict, real: dict | None, store: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())};"
        " rerun it to check any number here.",
        "",
        f"Machine: {machine()}. Server: {server}.",
        "",
        "On a shared machine the figures move by a fifth or more from one invocation to the next; compare",
        "figures of one invocation (the ratios), not across invocations.",
        "",
        "## Crawl",
        "",
        "A synthetic site of N articles (the model's article page under new slugs, ten cards a listing",
        "page), served on 127.0.0.1. Politeness off (no AutoThrottle, no delay, 16 requests at a time),",
        "robots.txt obeyed, WordPress's records off (`-a crosscheck=0`: the static server has no REST API). Each",
        "figure is the",
        "median of the runs, the modes alternating. *crawl* is `scrapy crawl kabarbaik` with all",
        "fourteen fields, validation, dedupe, the store and the run report; *null* requests the same",
        "pages and parses nothing; *floor* is null plus each article page's parsel tree. CPU per page",
        "leaves out Scrapy's start-up (a run that requests nothing) and counts the crawl's helper",
        "processes (the page parser and the archive's writer, on the other core: docs/operations.md);",
        "peak RSS is the largest process's.",
        "",
        "| N | mode | pages | pages/s | CPU ms/page | peak RSS MB | server CPU s | crawl/mode pages/s |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for articles, figures in crawls.items():
        for mode in MODES:
            row = figures[mode]
            ratio = "" if mode == "crawl" else f"{figures['crawl']['pages_per_s'] / row['pages_per_s']:.2f}"
            lines.append(
                f"| {articles:,} | {mode} | {row['pages']:,.0f} | {row['pages_per_s']:.0f}"
                f" | {row['cpu_ms_per_page']:.2f} | {row['rss_mb']:.0f} | {row['server_cpu_s']:.1f} | {ratio} |"
            )
    lines += [
        "",
        "*crawl* has every default on, the archive included; *no-archive* is the same crawl with",
        "`-s KABARBAIK_ARCHIVE_ENABLED=0`. The crawl against the floor, with and without the archive:",
        "",
        "| N | crawl/floor pages/s | no-archive/floor pages/s | archive CPU ms/page | archive bytes/page"
        " | archive per 1,000 articles |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for articles, figures in crawls.items():
        archive, floor = figures["archive"], figures["floor"]["pages_per_s"]
        lines.append(
            f"| {articles:,} | {figures['crawl']['pages_per_s'] / floor:.2f}"
            f" | {figures['no-archive']['pages_per_s'] / floor:.2f} | {archive['cpu_ms_per_page']:.2f}"
            f" | {archive['bytes_per_page'] / 1024:.1f} KiB | {archive['bytes_per_1000_articles'] / 2**20:.1f} MiB |"
        )
    lines += [
        "",
        "## Re-extraction from the archive",
        "",
        "`scrapy reparse --store STORE -o OUT.jsonl` of the crawl's store from its WARC file, the server",
        "stopped, two worker processes; its output checked equal to the store, byte for byte. Beside it,",
        "trafilatura's `extract(html, fast=True)` (the body text alone) on the same archived pages, in",
        "two processes too. Peak RSS is the largest of reparse's processes.",
        "",
        "| N | archive MiB | reparse articles/s | reparse articles/s, wall (with start-up) | reparse peak RSS MB"
        " | trafilatura pages/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for articles, figures in crawls.items():
        reparse = figures["reparse"]
        other = (
            f"{reparse['trafilatura_per_s']:.0f} (trafilatura {reparse['trafilatura']},"
            f" {reparse['trafilatura_pages']} pages)"
            if "trafilatura_per_s" in reparse
            else reparse["trafilatura"]
        )
        lines.append(
            f"| {articles:,} | {reparse['warc_mib']:.1f} | {reparse['per_s']:.0f}"
            f" | {reparse['per_s_wall']:.0f} | {reparse['rss_mb']:.0f} | {other} |"
        )
    lines += [
        "",
        "## Parsing",
        "",
        f"- the model's article pages ({parse['pages']}, split articles with their continuation pages):"
        f" {parse['article_ms']:.2f} ms per article",
        f"- the model's listing page (10 cards): {parse['listing_ms']:.2f} ms",
    ]
    if real:
        lines.append(
            f"- real article pages of other sites (`../shared/realpages`, {real['pages']} pages):"
            f" mean {real['mean_ms']:.1f} ms, median {real['median_ms']:.1f} ms per page"
        )
    lines += [
        "",
        "## Store",
        "",
        f"- a store of {store['articles']:,} articles ({store['mib']:.0f} MiB) opens (loads its index) in"
        f" {store['best_s']:.3f} s at best, {store['median_s']:.3f} s median;"
        f" the index holds {store['index_mib']:.0f} MiB",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 10000], help="articles per synthetic site")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each crawl mode per size")
    parser.add_argument("--store-articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=40, help="rounds over the model's pages when parsing")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    command = "python benchmarks/run.py" + "".join(f" {arg}" for arg in sys.argv[1:])
    print(f"machine: {machine()}", flush=True)
    crawls, server = {}, ""
    for articles in args.sizes:
        crawls[articles], server = bench_crawl(articles, args.repeats)
    parse = bench_parse(args.rounds)
    real = bench_real_pages()
    store = bench_store(args.store_articles, 5)
    text = report(command, crawls, server, parse, real, store)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(
        f"written to {args.out}; this script's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )


if __name__ == "__main__":
    main()

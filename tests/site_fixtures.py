"""The bundled copy of the site and its expected items, and a way to crawl it for real."""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from kabarbaik_spider.demo import PROJECT_ROOT, crawl_command
from kabarbaik_spider.fixtures import Fixture, all_fixtures
from kabarbaik_spider.offline_site import LIVE_ORIGIN, OfflineSite

FIXTURES = PROJECT_ROOT / "fixtures"
SITE = FIXTURES / "site"
EXPECTED = FIXTURES / "expected"


def expected_items(channel: str = "pages") -> list[dict]:
    """Every article of the bundled site, as its fixture's ``output.json`` (from the pages) or ``api.jsonl`` has it."""
    if channel == "pages":  # the fixtures the offline site serves (fixtures saved from the live site are more)
        return [fixture.expected() for fixture in all_fixtures() if (SITE / fixture.name / "index.html").is_file()]
    with (EXPECTED / f"{channel}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def api_posts() -> list[dict]:
    """The REST API's post records of the bundled site (``?_embed``), newest first."""
    return json.loads((FIXTURES / "api" / "posts.json").read_text(encoding="utf-8"))


def page_file(url: str, root: Path = SITE) -> Path:
    return root / urlsplit(url).path.strip("/") / "index.html"


def read_page(url: str, root: Path = SITE) -> str:
    return page_file(url, root).read_text(encoding="utf-8")


def field_diff(got: dict, expected: dict) -> list[str]:
    """One readable line per key whose value differs."""
    return [
        f"{key}:\n    got      {got.get(key)!r}\n    expected {expected[key]!r}"
        for key in expected
        if got.get(key) != expected[key]
    ]


def at_origin(item: dict, origin: str) -> dict:
    """An expected item as a copy of the site served at ``origin`` shows it."""
    return json.loads(json.dumps(item, ensure_ascii=False).replace(LIVE_ORIGIN, origin))


def copy_site(destination: Path) -> Path:
    """A writable copy of the bundled site, for tests that change it."""
    shutil.copytree(SITE, destination)
    for path in destination.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return destination


def card_block(listing_html: str, post_id: int) -> str:
    """The whole ``<article class="post-item ...">`` card of one post on a listing page."""
    found = re.search(rf'<article class="post-item[^"]*\bpost-{post_id}\b".*?</article>\n', listing_html, re.S)
    assert found, f"no card for post {post_id}"
    return found[0]


def read_store(path: Path) -> list[dict]:
    if not path.exists():
        return []
    raw = path.read_bytes()
    assert not raw or raw.endswith(b"\n"), "the store must end with a whole line"
    return [json.loads(line) for line in raw.splitlines()]


def assert_every_article_once(store: Path, expected: list[dict], origin: str) -> None:
    """The store holds each expected article exactly once, every field right."""
    stored = read_store(store)
    assert len(stored) == len({item["url"] for item in stored}), "an article was stored twice"
    by_url = {item["url"]: item for item in stored}
    for item in (at_origin(e, origin) for e in expected):
        assert item["url"] in by_url, f"missing {item['url']}"
        assert not field_diff(by_url[item["url"]], item), "\n".join(field_diff(by_url[item["url"]], item))
    assert len(stored) == len(expected)


# Slow enough for a test to act in the middle of a crawl, with WordPress's records asked two posts a request
# so that items reach the store as the crawl goes (a batch of 100 would hold the model's 26 to the end).
SLOW = (
    "-s", "DOWNLOAD_DELAY=0.25", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "-s", "KABARBAIK_RECORDS_BATCH=2",
)  # fmt: skip


def start_crawl(site: OfflineSite, store: Path, *extra: str) -> subprocess.Popen[str]:
    """The real crawl in the background, slowed down so that a test can act in the middle of it."""
    return subprocess.Popen(
        crawl_command(site.origin + "/", store, *SLOW, *extra),
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def child_running(parent: int, module: str) -> int:
    """The pid of ``parent``'s child process running ``python -m module``."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = cmdline.read_bytes().split(b"\0")
            ppid = int((cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and module.encode() in command:
            return int(cmdline.parent.name)
    raise AssertionError(f"process {parent} has no child running {module}")


def crawl_losing_a_helper(site: OfflineSite, store: Path, module: str, stored: int) -> tuple[int, str]:
    """The real crawl, its helper process ``module`` killed (SIGKILL) once ``stored`` articles are stored;
    its exit status and log."""
    running = start_crawl(site, store)
    wait_until(lambda: store_lines(store) >= stored, what=f"the crawl to store {stored} articles")
    os.kill(child_running(running.pid, module), signal.SIGKILL)
    _, log = running.communicate(timeout=120)
    return running.returncode, log


def store_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def model_fixtures() -> list[Fixture]:
    """The fixtures of the articles the offline site serves (fixtures saved from the live site come on top)."""
    served = {path.parent.name for path in SITE.glob("*/index.html")}
    return [fixture for fixture in all_fixtures() if fixture.name in served]


def source_counts(fixtures: list[Fixture]) -> dict[str, dict[str, int]]:
    """``{key: {source: articles}}`` over ``fixtures``, as the parser reports each one's sources."""
    counts: dict[str, Counter[str]] = {}
    for fixture in fixtures:
        for key, source in fixture.parse()[1].sources.items():
            counts.setdefault(key, Counter())[source] += 1
    return {key: dict(sorted(names.items())) for key, names in sorted(counts.items())}


def last_run(store: Path) -> dict:
    return json.loads(store.with_name(store.name + ".runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def store_state(store: Path) -> dict:
    path = store.with_name(store.name + ".state.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def crawl(
    site: OfflineSite, store: Path, *extra: str, start_path: str = "/", file_size_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``scrapy crawl kabarbaik`` against ``site``, in a subprocess.

    ``file_size_limit`` caps the size of any file the crawl writes (``RLIMIT_FSIZE``):
    a disk that fills, without needing root.
    """

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        crawl_command(site.origin + start_path, store, *extra),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limit_file_size if file_size_limit else None,
    )


def as_asked(requests: list[tuple[float, str]]) -> tuple[list[str], list[str]]:
    """A run's requests (``site.requests``) in the order a crawl fixes: ``/robots.txt`` first, then the rest sorted.

    Scrapy asks a host nothing before its robots.txt is read; what follows is in flight together (the local
    settings allow 8 at once: the listing's first page and the REST API's question on edits leave within a
    millisecond), so the order in which the server's threads log them is a race, not the crawler's.
    """
    paths = [path for _, path in requests]
    return paths[:1], sorted(paths[1:])


def run_scrapy(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    """Any ``scrapy`` command of the project, as a person types it."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


CARD = re.compile(r'<article class="post-item.*?</article>\n', re.S)
CARDS_OPEN = '<div class="posts-container infinite-container">\n'
CARDS_CLOSE = "</article>\n</div>\n"
LISTING_PAGES = ("index.html", "page/2/index.html", "page/3/index.html")
TEMPLATE_URL = f"{LIVE_ORIGIN}/petani-madiun-mulai-tanam-jagung-4/"


def copy_api(destination: Path) -> Path:
    """A writable copy of the bundled REST API's JSON, for tests that change it."""
    shutil.copytree(FIXTURES / "api", destination)
    return destination


def publish_posts(api: Path, count: int) -> None:
    """Publish in the API copy at ``api`` the posts :func:`publish` adds to the pages, newest first."""
    posts = json.loads((api / "posts.json").read_text(encoding="utf-8"))
    template = next(post for post in posts if post["link"] == TEMPLATE_URL)
    slug, post_id, title = template["slug"], template["id"], template["title"]["rendered"]
    for number in range(1, count + 1):
        text = json.dumps(template, ensure_ascii=False)
        text = text.replace(slug, f"{slug}-baru-{number}").replace(str(post_id), str(post_id + 2000 + number))
        post = json.loads(text.replace(title, f"{title} baru {number}"))
        post["date"], post["date_gmt"] = f"2025-05-16T07:0{number}:00", f"2025-05-16T00:0{number}:00"
        posts.insert(0, post)
    (api / "posts.json").write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")


def publish(root: Path, count: int) -> list[dict]:
    """Publish ``count`` new articles at the top of the feed of the site copy at ``root``.

    Each is a copy of one fixture article under a new slug, post id and title;
    older cards move down the pages as they do on the live site. Returns the
    new articles' expected items, newest first.
    """
    template = next(item for item in expected_items() if item["url"] == TEMPLATE_URL)
    slug, post_id, title = template["url"].split("/")[-2], template["post_id"], template["title"]
    listings = [(root / page).read_text(encoding="utf-8") for page in LISTING_PAGES]
    cards = [block for html in listings for block in CARD.findall(html)]
    template_card = card_block(listings[0], post_id)
    published = []
    for number in range(count, 0, -1):

        def renamed(text: str, number: int = number) -> str:
            return (
                text.replace(slug, f"{slug}-baru-{number}")
                .replace(str(post_id), str(post_id + 2000 + number))
                .replace(title, f"{title} baru {number}")
            )

        source = page_file(TEMPLATE_URL, root).read_text(encoding="utf-8")
        target = root / f"{slug}-baru-{number}" / "index.html"
        target.parent.mkdir()
        target.write_text(renamed(source), encoding="utf-8")
        published.append(json.loads(renamed(json.dumps(template, ensure_ascii=False))))
        cards.insert(0, renamed(template_card))
    for page, html in enumerate(listings):
        head, rest = html.split(CARDS_OPEN, 1)
        tail = rest.split(CARDS_CLOSE, 1)[1]
        page_cards = cards[page * 10 : (page + 1) * 10] if page < len(listings) - 1 else cards[page * 10 :]
        (root / LISTING_PAGES[page]).write_text(
            head + CARDS_OPEN + "".join(page_cards) + CARDS_CLOSE.split("\n", 1)[1] + tail, encoding="utf-8"
        )
    return published


# The model theme's class names → JNews's (a popular WordPress news theme, common on
# Indonesian portals). WordPress core classes (post-N, postid-N, category-x, wp-caption,
# menu-item, widget) and rel/id attributes stay: a real theme keeps them too.
JNEWS_CLASSES = {
    "site": "jeg_viewport", "site-header": "jeg_header", "site-branding": "jeg_logo",
    "main-navigation": "jeg_main_menu", "menu": "jeg_menu", "site-content": "jeg_container",
    "site-main": "jeg_main_content", "headline-slider": "jeg_slider_wrapper", "slides": "jeg_slider",
    "slide": "jeg_slide_item", "slide-title": "jeg_slide_caption", "posts-container": "jeg_posts",
    "infinite-container": "jeg_load_more_flag", "post-item": "jeg_post", "infinite-item": "jeg_pl_md_2",
    "post-thumb": "jeg_thumb", "post-body": "jeg_postblock_content", "post-cat": "jeg_post_category",
    "post-title": "jeg_post_title", "post-meta": "jeg_post_meta", "post-date": "jeg_meta_date",
    "post-excerpt": "jeg_post_excerpt", "lazy": "lazyload", "pagination": "jeg_pagination",
    "navigation": "jeg_navigation", "nav-links": "jeg_navigation_links", "page-numbers": "page_number",
    "page-load-status": "jeg_block_loadmore", "loader-ellips": "jeg_loader", "loader-ellips__dot": "jeg_loader_dot",
    "infinite-scroll-request": "jeg_loading", "infinite-scroll-last": "jeg_no_more",
    "infinite-scroll-error": "jeg_load_error", "infinite-next": "jeg_next_post_loader",
    "breadcrumbs": "jeg_breadcrumbs", "breadcrumb_last": "breadcrumb_last_link", "entry-header": "jeg_inner_content",
    "entry-title": "jeg_post_title", "entry-meta": "jeg_meta_container", "meta-author": "jeg_meta_author",
    "meta-views": "jeg_meta_views", "icon-eye": "fa fa-eye", "meta-date": "jeg_meta_date",
    "entry-date": "jeg_meta_date_time", "published": "jeg_published", "post-thumbnail": "jeg_featured featured_image",
    "entry-content": "content-inner", "kabar-ads-inline": "jeg_ad jeg_ad_article",
    "code-block": "jnews_content_inline_ads", "baca-juga": "jnews_inline_related_post", "bj-label": "jeg_block_title",
    "page-links": "jeg_page_links", "post-credit": "jeg_post_source", "entry-footer": "jeg_post_footer",
    "post-tags": "jeg_post_tags", "tags-title": "jeg_tags_title", "share-buttons": "jeg_share_button",
    "share-wa": "jeg_btn-whatsapp", "share-fb": "jeg_btn-facebook", "share-x": "jeg_btn-twitter",
    "related-posts": "jnews_related_post_container", "widget-area": "jeg_sidebar",
    "widget-popular": "jeg_popular_widget", "widget-title": "jeg_block_title", "popular-item": "jeg_post_popular",
    "rank": "jeg_post_rank", "widget-ads": "jeg_ad_widget", "kabar-ads-sidebar": "jeg_ad_sidebar",
    "site-footer": "jeg_footer", "footer-links": "jeg_footer_menu", "site-info": "jeg_footer_copyright",
    "page-title": "jeg_cat_title", "not-found": "jeg_404_content",
}  # fmt: skip
CLASS_ATTRIBUTE = re.compile(r"""class=(["'])(.*?)\1""")
LD_JSON = re.compile(r'<script type="application/ld\+json".*?</script>\n?', re.S)
ARTICLE_METAS = re.compile(r'<meta property="article:[a-z_]+" content="[^"]*" />\n?')


def retheme(root: Path, *, strip_structured_data: bool = False) -> Path:
    """Rename every theme class of the site copy at ``root`` to JNews's; optionally drop JSON-LD and article metas."""

    def renamed(match: re.Match[str]) -> str:
        tokens = " ".join(JNEWS_CLASSES.get(token, token) for token in match[2].split())
        return f"class={match[1]}{tokens}{match[1]}"

    for page in root.rglob("*.html"):
        html = CLASS_ATTRIBUTE.sub(renamed, page.read_text(encoding="utf-8"))
        if strip_structured_data:
            html = ARTICLE_METAS.sub("", LD_JSON.sub("", html))
        page.write_text(html, encoding="utf-8")
    return root

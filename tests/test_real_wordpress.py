"""The crawler against a real WordPress (tests/real_wordpress.py): every channel with the real ``scrapy crawl``.

Each store is compared field by field with what the test inserted. The
offline model site stays for what a stock WordPress cannot show: the theme's
view counter, Yoast's sitemaps and JSON-LD, the faults.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from real_wordpress import Sites, WordPress, stored_vs_inserted, wrong_keys
from site_fixtures import crawl, last_run, read_store

from kabarbaik_spider.exit_status import EXIT_OK

pytestmark = pytest.mark.real_wordpress

# What a post's page holds as WordPress prints it: the ten fields WordPress keeps, less the summary
# (core prints no meta description; the excerpt is the REST API's) and the modified time (Twenty
# Twenty-One prints the published one only). Also the URL and the post id.
PAGE_KEYS = ("url", "post_id", "title", "published_at", "author", "editor", "category", "tags", "image_url",
             "image_caption", "body")  # fmt: skip


@pytest.fixture(scope="module")
def twenty_twenty_one(wordpress_sites: Sites) -> WordPress:
    """This module's own Twenty Twenty-One site: its tests close and open the REST API."""
    return wordpress_sites.make(theme="twentytwentyone")


@pytest.fixture(scope="module")
def twenty_twenty_three(wordpress_sites: Sites) -> WordPress:
    """A block theme, and another permalink structure: no ``entry-*`` classes, no post_class() on an article."""
    return wordpress_sites.make(theme="twentytwentythree", permalinks="/%year%/%monthnum%/%postname%/")


def get_bytes(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def get(url: str) -> tuple[int, str]:
    status, body = get_bytes(url)
    return status, body.decode("utf-8")


def assert_right(store: Path, site: WordPress, keys: tuple[str, ...], channel: str = "pages") -> None:
    """Every post stored once, and each of ``keys`` exactly as the test inserted it."""
    stored = read_store(store)
    assert sorted(item["url"] for item in stored) == sorted(site.url(post) for post in site.posts)
    wrong = wrong_keys(stored_vs_inserted(stored, site, channel), keys)
    assert not wrong, json.dumps(wrong, ensure_ascii=False, indent=1)


# -- the helpers themselves --------------------------------------------------------------------------------


def test_the_site_serves_its_posts_sitemaps_and_api_and_closes_the_api_as_a_security_plugin_does(
    twenty_twenty_one: WordPress,
) -> None:
    site = twenty_twenty_one
    status, robots = get(site.origin + "/robots.txt")
    assert status == 200 and f"Sitemap: {site.origin}/wp-sitemap.xml" in robots
    status, posts = get(site.origin + "/wp-json/wp/v2/posts?per_page=100")
    assert status == 200 and {post["id"] for post in json.loads(posts)} == {post.post_id for post in site.posts}
    paged = next(post for post in site.posts if len(post.paragraphs) > 1)
    status, second = get(site.url(paged) + "2/")
    assert status == 200 and paged.paragraphs[1][0] in second
    status, image = get_bytes(site.posts[0].image_url)
    assert status == 200 and image.startswith(b"\xff\xd8")  # the JPEG php-gd drew for it
    with site.api_closed():
        for path in ("/wp-json/wp/v2/posts", "/?rest_route=/wp/v2/posts"):
            status, body = get(site.origin + path)
            assert (status, json.loads(body)["code"]) == (401, "rest_login_required"), path
        assert get(site.url(site.posts[0]))[0] == 200  # the pages stay open
    assert get(site.origin + "/wp-json/wp/v2/posts")[0] == 200


def test_posts_can_be_edited_trashed_and_deleted_during_a_test(wordpress_sites: Sites) -> None:
    site = wordpress_sites.make()
    edited, trashed, deleted = site.posts[:3]
    before = edited.published
    modified = site.update_post(edited.post_id, post_title="Judul Baru Setelah Disunting")
    assert modified > before and edited.title == "Judul Baru Setelah Disunting"
    assert "Judul Baru Setelah Disunting" in get(site.url(edited))[1]
    record = json.loads(get(f"{site.origin}/wp-json/wp/v2/posts/{edited.post_id}")[1])
    assert record["modified_gmt"] == modified.strftime("%Y-%m-%dT%H:%M:%S")
    assert site.expected(edited, "api")["modified_at"] != site.expected(edited, "api")["published_at"]
    site.trash_post(trashed.post_id)
    assert get(site.url(trashed))[0] == 404 and site.trashed == [trashed] and trashed not in site.posts
    assert get(f"{site.origin}/wp-json/wp/v2/posts/{trashed.post_id}")[0] == 401  # in the trash: not public
    url = site.url(deleted)
    site.delete_post(deleted.post_id)
    assert get(url)[0] == 404 and deleted not in site.posts
    assert site.php(f"echo get_post_status({deleted.post_id}) ?: 'gone';") == "gone"


# -- Twenty Twenty-One, the REST API closed from the first run ---------------------------------------------------


@pytest.mark.parametrize("via", ["listing", "sitemap"])
def test_with_the_api_closed_every_field_of_every_post_is_read_from_its_page(
    twenty_twenty_one: WordPress, tmp_path: Path, via: str
) -> None:
    site, store = twenty_twenty_one, tmp_path / "articles.jsonl"
    with site.api_closed():
        result = crawl(site, store, "-a", f"via={via}")
    assert result.returncode in (EXIT_OK, 5), result.stderr[-3000:]  # 5: the summary only (see below)
    assert_right(store, site, (*PAGE_KEYS, "modified_at", "views", "summary"))
    run = last_run(store)
    assert run["crosscheck"]["skipped"] and run["rejects"] == 0
    # No source gives the summary on these pages, so its coverage is the one that fails the run.
    assert not [problem for problem in run["problems"] if "summary" not in problem], run["problems"]
    sources = run["sources"]
    assert sources["tags"] == {"wordpress": len(site.posts)}  # the_tags()'s links, never the category's
    assert sources["category"] == {"wordpress": len(site.posts)}  # the_category()'s rel="category tag" link


def test_an_api_backfill_against_a_closed_api_walks_the_pages_instead(twenty_twenty_one: WordPress, tmp_path) -> None:
    site, store = twenty_twenty_one, tmp_path / "articles.jsonl"
    with site.api_closed():
        crawl(site, store, "-a", "via=api")
    assert_right(store, site, PAGE_KEYS)
    run = last_run(store)
    assert "rest_login_required" in run["api"] and run["api"].endswith("walked the HTML listing instead")


# -- the REST API open ----------------------------------------------------------------------------------------


def test_an_api_backfill_stores_every_field_right_and_exits_0(wordpress: WordPress, tmp_path: Path) -> None:
    site, store = wordpress, tmp_path / "articles.jsonl"
    result = crawl(site, store, "-a", "via=api")
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert_right(store, site, tuple(site.expected(site.posts[0], "api")), channel="api")
    run = last_run(store)
    assert (run["api"], run["articles_requested"]) == ("used", 0)


ALL_BUT_VIEWS = (*PAGE_KEYS, "summary", "modified_at")


@pytest.mark.parametrize("via", ["listing", "sitemap"])
def test_a_default_run_with_the_api_open_stores_every_field_right_from_wordpress_record(
    wordpress: WordPress, tmp_path: Path, via: str
) -> None:
    """The theme's pages lack the summary and misread nothing else now; WordPress's record is the source."""
    store = tmp_path / "articles.jsonl"
    result = crawl(wordpress, store, "-a", f"via={via}")
    assert result.returncode == EXIT_OK, last_run(store)["problems"]
    assert_right(store, wordpress, ALL_BUT_VIEWS, channel="records")
    run = last_run(store)
    assert run["crosscheck"]["requests"] == 1 and run["crosscheck"]["checked"] == len(wordpress.posts)
    assert run["crosscheck"]["page_disagrees"] == {"summary": len(wordpress.posts)}  # core prints no description
    assert run["sources"]["tags"] == {"api": len(wordpress.posts)}


# -- a block theme, and dated permalinks --------------------------------------------------------------------


@pytest.mark.parametrize("via", ["listing", "sitemap"])
def test_on_a_block_theme_with_the_api_closed_the_core_blocks_give_every_field_its_pages_show(
    twenty_twenty_three: WordPress, tmp_path: Path, via: str
) -> None:
    site, store = twenty_twenty_three, tmp_path / "articles.jsonl"
    with site.api_closed():
        crawl(site, store, "-a", f"via={via}")
    stored = {item["post_id"]: item for item in read_store(store)}
    assert set(stored) == {post.post_id for post in site.posts}
    # Twenty Twenty-Three prints no page links (so a post's second page cannot be found) and WordPress
    # 6.1's featured-image block no caption: neither is on the pages to read.
    paged = next(post for post in site.posts if len(post.paragraphs) > 1)
    problems = {}
    for post in site.posts:
        expected = site.expected(post)
        keys = [key for key in PAGE_KEYS if key != "image_caption"]
        if post is paged:
            keys = [key for key in keys if key not in ("author", "editor", "body")]
        problems.update({f"{post.slug} {key}": stored[post.post_id][key] for key in keys if
                         stored[post.post_id][key] != expected[key]})  # fmt: skip
    assert not problems, problems
    assert stored[paged.post_id]["body"] == "\n\n".join(paged.paragraphs[0])  # its first page, whole
    assert last_run(store)["sources"]["category"] == {"wordpress": len(site.posts)}


def test_on_a_block_theme_with_the_api_open_every_field_is_right_even_what_the_pages_lack(
    twenty_twenty_three: WordPress, tmp_path: Path
) -> None:
    """The caption, the summary and the second page of the post in pages are WordPress's, not the theme's."""
    store = tmp_path / "articles.jsonl"
    result = crawl(twenty_twenty_three, store)
    assert result.returncode == EXIT_OK, last_run(store)["problems"]
    assert_right(store, twenty_twenty_three, ALL_BUT_VIEWS, channel="records")
    assert {"image_caption", "summary"} <= set(last_run(store)["crosscheck"]["page_disagrees"])


# -- plain permalinks (/?p=N): no pretty URLs, and the REST API at /?rest_route= -----------------------------


@pytest.fixture(scope="module")
def plain_permalinks(wordpress_sites: Sites) -> WordPress:
    return wordpress_sites.make(theme="twentytwentyone", permalinks="")


def test_with_plain_permalinks_a_default_run_stores_every_field_right(plain_permalinks: WordPress, tmp_path) -> None:
    store = tmp_path / "articles.jsonl"
    result = crawl(plain_permalinks, store)
    assert result.returncode == EXIT_OK, (last_run(store)["problems"], result.stderr[-2000:])
    assert_right(store, plain_permalinks, ALL_BUT_VIEWS, channel="records")


@pytest.mark.parametrize("via", ["listing", "sitemap", "api"])
def test_with_plain_permalinks_every_channel_finds_every_post(plain_permalinks: WordPress, tmp_path, via) -> None:
    store = tmp_path / "articles.jsonl"
    result = crawl(plain_permalinks, store, "-a", f"via={via}")
    assert result.returncode == EXIT_OK, (last_run(store)["problems"], result.stderr[-2000:])
    assert len(read_store(store)) == len(plain_permalinks.posts)


# -- living articles: edits, deletions ---------------------------------------------------------------------


def test_edits_become_revisions_a_deletion_a_tombstone_and_nothing_stored_changes(
    wordpress_sites: Sites, tmp_path: Path
) -> None:
    """Edited as an editor's save does (wp_update_post moves modified_gmt), deleted with wp_delete_post."""
    site, store = wordpress_sites.make(theme="twentytwentyone"), tmp_path / "articles.jsonl"
    assert crawl(site, store).returncode == EXIT_OK
    before = store.read_bytes()
    # The oldest posts, on listing page 2, which an incremental run no longer reads.
    retitled, corrected, saved, deleted = site.posts[-1], site.posts[-2], site.posts[-3], site.posts[-4]
    site.update_post(retitled.post_id, post_title=retitled.title + " (Diperbarui)")
    corrected.paragraphs[-1].append("Redaksi menambahkan keterangan setelah koreksi dari narasumber.")
    site.update_post(corrected.post_id, post_content=corrected.content())
    site.update_post(saved.post_id)  # a save that changes nothing a reader sees: its modified time alone moves
    deleted_url = site.url(deleted)
    site.delete_post(deleted.post_id)

    result = crawl(site, store)
    assert result.returncode == EXIT_OK, last_run(store)["problems"]
    after = store.read_bytes()
    assert after.startswith(before), "a byte stored before changed"
    revisions = [json.loads(line) for line in after[len(before) :].splitlines()]
    by_url = {line["url"]: line for line in revisions}
    assert len(revisions) == 2 and set(by_url) == {site.url(retitled), site.url(corrected)}
    assert all((line["revision"], line["reason"]) == (2, "site") and line["read_at"] for line in revisions)
    retitled_line, corrected_line = by_url[site.url(retitled)], by_url[site.url(corrected)]
    assert retitled_line["title"] == retitled.title and retitled_line["changed"] == ["title", "modified_at"]
    assert corrected_line["body"] == corrected.body and corrected_line["changed"] == ["modified_at", "body"]
    run = last_run(store)
    assert (run["revisions"], run["items_new"], run["changes"]["unchanged"]) == (2, 0, 1)
    # One listing page, one question to the API, the two edited pages: 4 requests and robots.txt.
    assert (run["listing_pages_requested"], run["api_requests"], run["articles_requested"]) == (1, 1, 2)

    full = crawl(site, store, "-a", "full=1")
    assert full.returncode == EXIT_OK, last_run(store)["problems"]
    [tombstone] = [json.loads(line) for line in store.read_bytes()[len(after) :].splitlines()]
    assert (tombstone["url"], tombstone["post_id"], tombstone["status"]) == (deleted_url, deleted.post_id, 404)
    assert tombstone["revision"] == 2 and tombstone["deleted_at"]
    assert last_run(store)["deleted"] == 1 and last_run(store)["changes"]["unlisted"] == 1

    settled = store.read_bytes()
    assert crawl(site, store).returncode == EXIT_OK
    assert store.read_bytes() == settled, "an unchanged re-run adds nothing"
    run = last_run(store)
    assert (run["listing_pages_requested"], run["api_requests"], run["articles_requested"]) == (1, 1, 0)

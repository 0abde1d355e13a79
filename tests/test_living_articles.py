"""Living articles on the offline model site: edits become revisions, a deletion a tombstone, bytes stay."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from site_fixtures import (
    CARD,
    LISTING_PAGES,
    LIVE_ORIGIN,
    as_asked,
    copy_api,
    copy_site,
    crawl,
    last_run,
    publish,
    publish_posts,
    read_page,
    run_scrapy,
    store_state,
)

from kabarbaik_spider.exit_status import EXIT_ARTICLES_FAILED, EXIT_OK
from kabarbaik_spider.offline_site import Fault, OfflineSite
from kabarbaik_spider.pages.listing import parse_listing

EDITED = "2025-06-01T03:00:00"  # modified_gmt after every post's publication


def crawled_once(tmp_path: Path) -> tuple[Path, Path, Path, int]:
    """A copy of the site and its API crawled once into a new store: the site, the API, the store, the port."""
    root, api, store = copy_site(tmp_path / "site"), copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    with OfflineSite(root, api=api) as site:
        assert crawl(site, store).returncode == EXIT_OK
        return root, api, store, site.port


def oldest(count: int) -> list[str]:
    """The URLs of the last cards of the feed (listing page 3), which an incremental run no longer reads."""
    page_3 = f"{LIVE_ORIGIN}/page/3/"
    return [card.url for card in parse_listing(read_page(page_3), page_3).cards][-count:]


def change(api: Path, url: str, edit: dict) -> None:
    """Saves a post's record as WordPress does after an edit: the change, and a later modified time."""
    posts = json.loads((api / "posts.json").read_text(encoding="utf-8"))
    post = next(post for post in posts if post["link"] == url)
    for key, value in edit.items():
        post[key] = value(post[key]) if callable(value) else value
    post["modified"], post["modified_gmt"] = EDITED.replace("03", "10", 1), EDITED
    (api / "posts.json").write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")


def delete(root: Path, api: Path, url: str) -> None:
    """The post is gone: its page answers 404, no listing page shows its card, the API no longer has it."""
    slug = url.rstrip("/").rsplit("/", 1)[1]
    shutil.rmtree(root / slug)
    for page in LISTING_PAGES:
        html = (root / page).read_text(encoding="utf-8")
        (root / page).write_text(CARD.sub(lambda card: "" if f"/{slug}/" in card[0] else card[0], html), "utf-8")
    posts = [post for post in json.loads((api / "posts.json").read_text(encoding="utf-8")) if post["link"] != url]
    (api / "posts.json").write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")


def test_edits_views_and_a_deletion_a_day_later(tmp_path) -> None:
    root, api, store = copy_site(tmp_path / "site"), copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    with OfflineSite(root, api=api) as site:
        assert crawl(site, store).returncode == EXIT_OK
        port, origin = site.port, site.origin
    before = store.read_bytes()
    retitled, corrected, viewed, gone = oldest(4)
    change(api, retitled, {"title": lambda title: {**title, "rendered": title["rendered"] + " (diperbarui)"}})
    koreksi = "<p>Koreksi: jumlah peserta yang benar adalah 120 orang, bukan 210 orang.</p>\n"
    change(api, corrected, {"content": lambda content: {**content, "rendered": koreksi + content["rendered"]}})
    change(api, viewed, {})  # saved with nothing changed; its page's counter grew meanwhile
    page = root / viewed.rstrip("/").rsplit("/", 1)[1] / "index.html"
    page.write_text(re.sub(r"(\d[\d.]*) Dilihat", "99.999 Dilihat", page.read_text(encoding="utf-8")), "utf-8")
    delete(root, api, gone)

    with OfflineSite(root, api=api, port=port) as site:
        result = crawl(site, store)
        asked = [path for _, path in site.requests]
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    local = [url.replace(LIVE_ORIGIN, origin) for url in (retitled, corrected)]
    assert sorted(asked) == sorted(["/robots.txt", "/", "/wp-json/wp/v2/posts", *(u.split(origin)[1] for u in local)])
    after = store.read_bytes()
    assert after.startswith(before), "a byte stored before changed"
    revisions = {line["url"]: line for line in map(json.loads, after[len(before) :].splitlines())}
    assert set(revisions) == set(local), "a revision for exactly the two edited posts, none for the views"
    assert revisions[local[0]]["changed"] == ["title", "modified_at"] and revisions[local[0]]["title"].endswith(
        "(diperbarui)"
    )
    assert revisions[local[1]]["changed"] == ["modified_at", "body"] and revisions[local[1]]["body"].startswith(
        "Koreksi: jumlah"
    )
    assert {line["revision"] for line in revisions.values()} == {2}
    assert last_run(store)["changes"]["unchanged"] == 1

    with OfflineSite(root, api=api, port=port) as site:
        assert crawl(site, store, "-a", "full=1").returncode == EXIT_OK
        [tombstone] = map(json.loads, store.read_bytes()[len(after) :].splitlines())
        assert (tombstone["url"], tombstone["status"]) == (gone.replace(LIVE_ORIGIN, origin), 404)
        settled = store.read_bytes()
        start = len(site.requests)
        assert crawl(site, store).returncode == EXIT_OK
        again = as_asked(site.requests[start:])
    assert store.read_bytes() == settled, "an unchanged re-run adds nothing"
    assert again == (["/robots.txt"], ["/", "/wp-json/wp/v2/posts"])  # 2 listing requests and 1 API request
    # The readers: the store's history is valid, and the latest state is one line per live article.
    checked = run_scrapy("validate", str(store))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 revisions, 1 tombstones" in checked.stdout
    latest = tmp_path / "latest.jsonl"
    exported = run_scrapy("export", "--latest", "-o", str(latest), str(store))
    assert exported.returncode == 0, exported.stderr
    current = {line["url"]: line for line in map(json.loads, latest.read_text(encoding="utf-8").splitlines())}
    assert len(current) == 25 and gone.replace(LIVE_ORIGIN, origin) not in current
    assert current[local[0]]["title"].endswith("(diperbarui)") and current[local[1]]["body"].startswith("Koreksi")


def test_a_run_that_fails_after_seeing_edits_keeps_the_mark(tmp_path) -> None:
    """The edited post's page fails: pending, exit 7, and the next run asks again from the same mark."""
    root, api, store, port = crawled_once(tmp_path)
    mark = store_state(store)["modified_mark"]
    [edited] = oldest(1)
    change(api, edited, {"title": lambda title: {**title, "rendered": "Judul baru"}})
    slug = edited.rstrip("/").rsplit("/", 1)[1]
    with OfflineSite(root, api=api, port=port, faults={f"/{slug}/": [Fault(500)] * 3}) as site:
        assert crawl(site, store).returncode == EXIT_ARTICLES_FAILED
    assert store_state(store)["modified_mark"] == mark
    with OfflineSite(root, api=api, port=port) as site:
        assert crawl(site, store).returncode == EXIT_OK
    assert json.loads(store.read_bytes().splitlines()[-1])["title"] == "Judul baru"
    assert store_state(store)["modified_mark"] == EDITED


def test_a_recent_articles_view_counter_is_read_again_at_its_fixed_age_once(tmp_path) -> None:
    root, api, store = copy_site(tmp_path / "site"), copy_api(tmp_path / "api"), tmp_path / "articles.jsonl"
    [recent] = oldest(1)
    published = (datetime.now(UTC) - timedelta(days=1, hours=12)).replace(microsecond=0, tzinfo=None)
    change(api, recent, {"date_gmt": published.isoformat(), "date": (published + timedelta(hours=7)).isoformat()})
    views_file = store.with_name(store.name + ".views.jsonl")
    with OfflineSite(root, api=api) as site:
        assert crawl(site, store).returncode == EXIT_OK  # first sight: the post is a day and a half old
        assert not views_file.exists() and last_run(store)["views_read"] == 0
        path = "/" + recent.split(LIVE_ORIGIN, 1)[1].strip("/") + "/"
        before = site.requested(path)
        assert crawl(site, store).returncode == EXIT_OK
        assert site.requested(path) == before + 1 and last_run(store)["views_read"] == 1
        assert crawl(site, store).returncode == EXIT_OK  # read at its first age already: nothing more
        assert site.requested(path) == before + 1 and last_run(store)["views_read"] == 0
        origin = site.origin
    [seen] = [json.loads(line) for line in views_file.read_text(encoding="utf-8").splitlines()]
    stored = next(line for line in map(json.loads, store.read_bytes().splitlines()) if line["url"] == seen["url"])
    assert (seen["url"], seen["age_days"], seen["views"]) == (recent.replace(LIVE_ORIGIN, origin), 1, stored["views"])
    assert seen["views"] is not None and seen["read_at"]


def test_with_the_api_closed_a_sitemap_run_sees_edits_by_lastmod(tmp_path) -> None:
    """No REST API: Yoast's <lastmod> per URL, newer than what the store holds, is what says a post changed."""
    root, store = copy_site(tmp_path / "site"), tmp_path / "articles.jsonl"
    with OfflineSite(root, api=401) as site:
        assert crawl(site, store, "-a", "via=sitemap").returncode == EXIT_OK
        port, origin = site.port, site.origin
    before = store.read_bytes()
    [edited] = oldest(1)
    page = root / edited.rstrip("/").rsplit("/", 1)[1] / "index.html"
    stored = next(line for line in map(json.loads, before.splitlines()) if line["url"].endswith(page.parent.name + "/"))
    title = stored["title"]
    page.write_text(page.read_text(encoding="utf-8").replace(title, title + " (Diperbarui)"), encoding="utf-8")
    for sitemap in root.glob("*sitemap*.xml"):  # Yoast moves the post's lastmod, and its sitemap's in the index
        xml = sitemap.read_text(encoding="utf-8")
        xml = re.sub(rf"(<loc>{re.escape(edited)}</loc>\s*<lastmod>)[^<]+", r"\g<1>2025-06-01T03:00:00+00:00", xml)
        if sitemap.name == "sitemap_index.xml":
            xml = re.sub(
                r"(<loc>[^<]*post-sitemap[^<]*</loc>\s*<lastmod>)[^<]+", r"\g<1>2025-06-01T03:00:00+00:00", xml
            )
        sitemap.write_text(xml, encoding="utf-8")
    with OfflineSite(root, api=401, port=port) as site:
        result = crawl(site, store, "-a", "via=sitemap")
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    after = store.read_bytes()
    assert after.startswith(before)
    [revision] = map(json.loads, after[len(before) :].splitlines())
    assert revision["url"] == edited.replace(LIVE_ORIGIN, origin) and revision["changed"] == ["title"]
    assert revision["title"] == title + " (Diperbarui)" and revision["revision"] == 2
    changes = last_run(store)["changes"]
    assert changes["changed"] == [revision["url"]] and changes["cannot_see"] is None


def test_an_api_that_ignores_modified_after_costs_one_page_and_no_revision(tmp_path) -> None:
    """It answers every post, newest first, whatever the filter: the mark is compared with each record too."""
    root, api, store, port = crawled_once(tmp_path)
    before = store.read_bytes()
    everything = json.dumps(json.loads((api / "posts.json").read_text(encoding="utf-8"))).encode()
    unfiltered = Fault(headers={"Content-Type": "application/json; charset=UTF-8"}, body=everything)
    with OfflineSite(root, api=api, port=port, faults={"/wp-json/wp/v2/posts": [unfiltered]}) as site:
        result = crawl(site, store)
        asked = as_asked(site.requests)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert asked == (["/robots.txt"], ["/", "/wp-json/wp/v2/posts"]) and store.read_bytes() == before
    assert last_run(store)["changes"]["changed"] == [] and last_run(store)["revisions"] == 0


def test_a_failed_question_about_edits_keeps_the_mark_though_new_posts_were_read(tmp_path) -> None:
    """New posts' records would move the mark past edits nobody asked about: it stays, the next run asks again."""
    root, api, store, port = crawled_once(tmp_path)
    mark = store_state(store)["modified_mark"]
    publish(root, 1)
    publish_posts(api, 1)
    posts = json.loads((api / "posts.json").read_text(encoding="utf-8"))
    posts[0]["modified_gmt"] = posts[0]["date_gmt"]  # the new post, newer than every post the mark has seen
    (api / "posts.json").write_text(json.dumps(posts, ensure_ascii=False), encoding="utf-8")
    assert posts[0]["modified_gmt"] > mark
    with OfflineSite(root, api=api, port=port, faults={"/wp-json/wp/v2/posts": [Fault(500)] * 3}) as site:
        assert crawl(site, store).returncode == EXIT_OK
    run = last_run(store)
    assert run["items_new"] == 1 and "HTTP 500" in run["changes"]["cannot_see"]
    assert store_state(store)["modified_mark"] == mark

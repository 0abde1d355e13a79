"""Each channel on made-up answers, no crawl: what one page gives, where the walk ends, what fails."""

from __future__ import annotations

import json
from datetime import date

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from kabarbaik_spider.channels import Answer, Ask, Channel, Forgetful, Options, channel_for
from kabarbaik_spider.channels.rest_api import PLAIN, posts_by_id, posts_page
from kabarbaik_spider.walk import Walk

ORIGIN = "https://news.example"


class Remembers:
    """A made-up store: these URLs are settled, these post sitemaps unchanged."""

    def __init__(self, settled: set[str] = frozenset(), sitemaps: dict[str, str] | None = None) -> None:
        self.urls, self.sitemaps = settled, sitemaps or {}

    def settled(self, url: str, post_id: int | None = None) -> bool:
        return url in self.urls

    def sitemap_unchanged(self, url: str, lastmod: str | None) -> bool:
        return lastmod is not None and self.sitemaps.get(url) == lastmod


def channel(name: str, memory: object = None, **options: object) -> Channel:
    walk = Walk(origin=ORIGIN, channel=name)
    return channel_for(name, walk, memory or Forgetful(), Options(start_url=f"{ORIGIN}/", origin=ORIGIN, **options))


def listing_page(slugs: list[str], next_url: str | None = None, dated: str = "15 Mei 2025") -> str:
    cards = "".join(
        f'<article class="post-item post-{number}"><h2 class="post-title"><a href="/{slug}/">{slug}</a></h2>'
        f'<span class="post-date">{dated}</span></article>'
        for number, slug in enumerate(slugs, start=1)
    )
    link = f'<link rel="next" href="{next_url}">' if next_url else ""
    return f'<html><head>{link}</head><body class="home blog"><div class="posts-container">{cards}</div></body></html>'


def html(url: str, body: str, status: int = 200) -> HtmlResponse:
    return HtmlResponse(url, status=status, body=body.encode(), encoding="utf-8", request=Request(url))


def failure(url: str, status: int, body: bytes = b"", headers: dict | None = None) -> Failure:
    response = Response(url, status=status, body=body, headers=headers, request=Request(url))
    failed = Failure(HttpError(response, f"HTTP {status}"))
    failed.request = response.request
    return failed


# -- the listing ------------------------------------------------------------------------------


def test_a_listing_page_gives_its_cards_and_the_next_page() -> None:
    listing = channel("listing")
    [first] = listing.first()
    answer = listing.read(first, html(first.url, listing_page(["a", "b"], f"{ORIGIN}/page/2/")))
    assert [(post.url, post.post_id) for post in answer.posts] == [(f"{ORIGIN}/a/", 1), (f"{ORIGIN}/b/", 2)]
    assert answer.next == [Ask("listing", f"{ORIGIN}/page/2/", page=2)] and answer.end is None
    assert answer.counts == {"cards": 2} and listing.walk.pages == 1


def test_a_listing_walk_stops_at_a_page_the_store_settled_and_at_the_last_page() -> None:
    settled = channel("listing", Remembers({f"{ORIGIN}/a/", f"{ORIGIN}/b/"}))
    answer = settled.read(settled.first()[0], html(f"{ORIGIN}/", listing_page(["a", "b"], f"{ORIGIN}/page/2/")))
    assert (answer.end, answer.complete, answer.next) == ("every card on this page is already stored", True, [])
    last = channel("listing").read(
        Ask("listing", f"{ORIGIN}/page/9/", page=9), html(f"{ORIGIN}/page/9/", listing_page(["z"]))
    )
    assert (last.end, last.complete) == ("no next link", True)


def test_a_listing_walk_with_since_skips_older_cards_and_stops_incomplete() -> None:
    recent = channel("listing", since=date(2025, 6, 1))
    answer = recent.read(recent.first()[0], html(f"{ORIGIN}/", listing_page(["old"], f"{ORIGIN}/page/2/")))
    assert answer.posts == [] and (answer.end, answer.complete) == ("every card is older than since=2025-06-01", False)


@pytest.mark.parametrize(
    ("body", "page", "problem"),
    [
        ("<html><body class='maintenance'><h1>Briefly unavailable</h1></body></html>", 1, "page 1 has no cards"),
        (listing_page(["a"], f"{ORIGIN}/page/3/"), 2, "page 2 repeats only cards already listed in this run"),
        (listing_page(["c"], f"{ORIGIN}/"), 2, "its next link points back to a page already read"),
    ],
    ids=["maintenance-page", "repeated-cards", "next-link-loop"],
)
def test_a_listing_page_that_cannot_be_a_page_of_the_feed_fails(body, page, problem) -> None:
    listing = channel("listing")
    listing.read(listing.first()[0], html(f"{ORIGIN}/", listing_page(["a"], f"{ORIGIN}/page/2/")))
    answer = listing.read(Ask("listing", f"{ORIGIN}/page/2/", page=page), html(f"{ORIGIN}/page/2/", body))
    assert answer.failure and answer.failure.startswith(problem), answer.failure


def test_the_listing_page_limit_fails_the_walk_and_is_noted() -> None:
    listing = channel("listing", listing_pages_limit=1)
    answer = listing.read(listing.first()[0], html(f"{ORIGIN}/", listing_page(["a"], f"{ORIGIN}/page/2/")))
    assert "this run's limit of 1 listing pages" in (answer.failure or "") and listing.walk.pages_limit == 1


def test_a_404_for_the_next_listing_page_ends_the_feed_but_not_for_the_first() -> None:
    listing = channel("listing")
    gone = listing.failed(Ask("listing", f"{ORIGIN}/page/4/", page=4), failure(f"{ORIGIN}/page/4/", 404))
    assert (gone.end, gone.complete) == ("HTTP 404 for the next page", True)
    assert listing.failed(listing.first()[0], failure(f"{ORIGIN}/", 404)).failure == "HTTP 404"


# -- the REST API -----------------------------------------------------------------------------


def api_post(post_id: int, slug: str) -> dict:
    return {
        "id": post_id,
        "link": f"{ORIGIN}/{slug}/",
        "date_gmt": "2025-05-15T04:56:00",
        "modified_gmt": "2025-05-16T01:00:00",
        "title": {"rendered": slug.title()},
        "content": {"rendered": "<p>Isi berita yang cukup panjang untuk sebuah artikel.</p>"},
    }


def api(url: str, posts: object, pages: int | None = None, status: int = 200) -> TextResponse:
    headers = {"Content-Type": "application/json", **({"X-WP-TotalPages": str(pages)} if pages else {})}
    return TextResponse(url, status=status, body=json.dumps(posts).encode(), headers=headers, request=Request(url))


def test_an_api_page_gives_posts_with_their_items_and_the_next_page() -> None:
    rest = channel("api", api_page_size=2)
    [first] = rest.first()
    assert first.url == posts_page(ORIGIN, 1, 2) == f"{ORIGIN}/wp-json/wp/v2/posts?per_page=2&_embed=1&page=1"
    answer = rest.read(first, api(first.url, [api_post(7, "tujuh"), api_post(6, "enam")], pages=3))
    assert [(post.url, post.post_id, post.modified) for post in answer.posts] == [
        (f"{ORIGIN}/tujuh/", 7, "2025-05-16T01:00:00"),
        (f"{ORIGIN}/enam/", 6, "2025-05-16T01:00:00"),
    ]
    item = answer.posts[0].reader.article()
    assert (item.title, item.published_at) == ("Tujuh", "2025-05-15T11:56:00+07:00")
    assert answer.next == [rest.page(2)] and rest.walk.api == "used"


def test_an_api_walk_ends_at_its_last_page_past_it_or_at_what_is_stored() -> None:
    rest = channel("api")
    last = rest.read(rest.page(3), api(rest.page(3).url, [api_post(1, "satu")], pages=3))
    assert (last.end, last.complete) == ("the API's last page (X-WP-TotalPages)", True)
    past = rest.failed(rest.page(4), failure(rest.page(4).url, 400, b'{"code": "rest_post_invalid_page_number"}'))
    assert (past.end, past.complete) == ("past the API's last page (rest_post_invalid_page_number)", True)
    stored = channel("api", Remembers({f"{ORIGIN}/satu/"}))
    answer = stored.read(stored.page(1), api(stored.page(1).url, [api_post(1, "satu")], pages=5))
    assert (answer.end, answer.complete) == ("every post on this API page is already stored", True)


def not_the_api(rest: Channel) -> Answer:
    """A page where the API should answer; the first one, at /wp-json/, sends the walk to ?rest_route= first."""
    answer = rest.read(rest.page(1), html(rest.page(1).url, "<html><body>Not the API</body></html>"))
    if rest.walk.api_root == PLAIN and answer.next == [rest.page(1)]:
        answer = rest.read(rest.page(1), html(rest.page(1).url, "<html><body>Not the API</body></html>"))
    return answer


@pytest.mark.parametrize(
    "answer_of",
    [
        lambda rest: rest.failed(rest.page(1), failure(rest.page(1).url, 401, b'{"code": "rest_login_required"}')),
        not_the_api,
    ],
    ids=["401", "not-json"],
)
def test_a_closed_api_switches_the_walk_to_the_listing_on_page_1_and_fails_it_later(answer_of) -> None:
    rest = channel("api")
    answer: Answer = answer_of(rest)
    assert answer.switch_to == "listing" and rest.walk.api.startswith("closed: ")
    later = rest.failed(rest.page(2), failure(rest.page(2).url, 403))
    assert later.switch_to is None and later.failure == "the REST API answered with HTTP 403"


def test_with_plain_permalinks_the_api_is_asked_at_rest_route() -> None:
    """A site with plain permalinks answers /wp-json/ with a page (or a 404): the same route, at ?rest_route=."""
    for answer_of in (
        lambda rest: rest.read(rest.page(1), html(rest.page(1).url, "<html><body>Home</body></html>")),
        lambda rest: rest.failed(rest.page(1), failure(rest.page(1).url, 404)),
    ):
        rest = channel("api")
        answer = answer_of(rest)
        plain = f"{ORIGIN}/?rest_route=/wp/v2/posts&per_page=100&_embed=1&page=1"
        assert answer.next == [Ask("api", plain)] and answer.switch_to is None and rest.walk.api_root == PLAIN


def test_the_records_are_asked_by_the_same_route_by_id() -> None:
    assert posts_by_id(ORIGIN, [3, 2]) == f"{ORIGIN}/wp-json/wp/v2/posts?include=3,2&per_page=100&_embed=1"
    plain = f"{ORIGIN}/?rest_route=/wp/v2/posts&include=3,2&per_page=100&_embed=1"
    assert posts_by_id(ORIGIN, [3, 2], PLAIN) == plain


# -- the sitemaps -----------------------------------------------------------------------------


def xml(url: str, body: str) -> XmlResponse:
    return XmlResponse(url, body=body.encode(), request=Request(url))


INDEX = (
    '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    f"<sitemap><loc>{ORIGIN}/post-sitemap.xml</loc><lastmod>2025-05-15</lastmod></sitemap>"
    f"<sitemap><loc>{ORIGIN}/post-sitemap2.xml</loc><lastmod>2025-05-01</lastmod></sitemap>"
    f"<sitemap><loc>{ORIGIN}/category-sitemap.xml</loc></sitemap>"
    "<sitemap><loc>https://elsewhere.example/post-sitemap.xml</loc></sitemap></sitemapindex>"
)
URLSET = (
    '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    f"<url><loc>{ORIGIN}/</loc></url><url><loc>{ORIGIN}/berita/</loc><lastmod>2025-05-15T10:00:00+07:00</lastmod></url>"
    f"<url><loc>{ORIGIN}/category/ekonomi/</loc></url></urlset>"
)


def test_robots_txt_names_the_sitemaps_and_without_them_the_usual_places_are_tried_in_turn() -> None:
    maps = channel("sitemap")
    [robots] = maps.first()
    named = maps.read(robots, TextResponse(robots.url, body=b"User-agent: *\nSitemap: /sitemap_index.xml\n"))
    assert named.next == [Ask("sitemap", f"{ORIGIN}/sitemap_index.xml")]
    yoast, core, plain = f"{ORIGIN}/sitemap_index.xml", f"{ORIGIN}/wp-sitemap.xml", f"{ORIGIN}/?sitemap=index"
    assert maps.failed(robots, failure(robots.url, 404)).next == [Ask("sitemap", yoast, fallbacks=(core, plain))]
    core_next = [Ask("sitemap", core, fallbacks=(plain,))]
    assert maps.failed(Ask("sitemap", yoast, fallbacks=(core, plain)), failure(yoast, 404)).next == core_next
    # A page where a sitemap should be (plain permalinks serve the home page there) tries the next place too.
    page = maps.read(Ask("sitemap", core, fallbacks=(plain,)), html(core, "<html><body>Home</body></html>"))
    assert page.next == [Ask("sitemap", plain)]
    assert maps.failed(Ask("sitemap", plain), failure(plain, 404)).failure == "HTTP 404"


def test_a_sitemap_index_gives_the_post_sitemaps_that_changed() -> None:
    maps = channel("sitemap", Remembers(sitemaps={f"{ORIGIN}/post-sitemap2.xml": "2025-05-01"}))
    answer = maps.read(Ask("sitemap", f"{ORIGIN}/sitemap_index.xml"), xml(f"{ORIGIN}/sitemap_index.xml", INDEX))
    assert answer.next == [Ask("sitemap", f"{ORIGIN}/post-sitemap.xml", lastmod="2025-05-15")]
    assert answer.counts == {"sitemap_unchanged": 1} and answer.end is None


def test_a_post_sitemap_gives_its_posts_and_the_last_one_read_ends_the_walk() -> None:
    maps = channel("sitemap")
    ask = Ask("sitemap", f"{ORIGIN}/post-sitemap.xml", lastmod="2025-05-15")
    answer = maps.read(ask, xml(ask.url, URLSET))
    assert [(post.url, post.modified) for post in answer.posts] == [(f"{ORIGIN}/berita/", "2025-05-15T10:00:00+07:00")]
    assert (answer.end, answer.complete) == ("every post sitemap was read", True)
    assert maps.walk.sitemaps_read == {ask.url: "2025-05-15"}
    assert maps.read(ask, xml(ask.url, "<html>not a sitemap</html>")).failure.startswith("not a sitemap")


def test_a_listing_walk_that_left_older_cards_out_is_never_complete() -> None:
    """since=… skipped a card on a page, then the feed ended: settling would hide that card from every later run."""
    recent = channel("listing", since=date(2025, 5, 10))
    page = listing_page(["new", "old"])
    last = page.rindex("15 Mei 2025")  # the second card was listed before since=
    page = page[:last] + "1 Mei 2025" + page[last + len("15 Mei 2025") :]
    answer = recent.read(recent.first()[0], html(f"{ORIGIN}/", page))
    assert [post.url for post in answer.posts] == [f"{ORIGIN}/new/"]
    assert (answer.end, answer.complete) == ("no next link", False)

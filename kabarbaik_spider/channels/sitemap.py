"""The XML sitemaps: robots.txt's ``Sitemap:`` lines (else the usual places), their post sitemaps, every post."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.utils.sitemap import sitemap_urls_from_robots

from kabarbaik_spider.channels import Answer, Ask, Channel, Post
from kabarbaik_spider.spiders.answers import api_answer, is_post_url, on_site, read_sitemap

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

# Yoast's, then WordPress core's, then core's with plain permalinks (whose robots.txt is not WordPress's).
FALLBACKS = ("/sitemap_index.xml", "/wp-sitemap.xml", "/?sitemap=index")
POST_SITEMAP = re.compile(r"/(?:post-sitemap\d*\.xml|wp-sitemap-posts-post-\d+\.xml)(?:\.gz)?$")
PLAIN_POST_SITEMAP = re.compile(r"(?:^|&)sitemap=posts&sitemap-subtype=post(?:&|$)")


def is_post_sitemap(url: str) -> bool:
    """A sitemap of posts (not pages, categories or authors), by Yoast's or WordPress core's name for it."""
    parts = urlsplit(url)
    return bool(POST_SITEMAP.search(parts.path) or PLAIN_POST_SITEMAP.search(parts.query))


class SitemapChannel(Channel):
    """Reads every post sitemap the index lists; a re-run skips those whose ``<lastmod>`` is what a settled run read.

    The home page, categories, tags and other hosts in the sitemaps are not posts.
    Sitemaps are read with Scrapy's own ``scrapy.utils.sitemap`` (lxml,
    recovering from broken XML, no entity expansion).
    """

    name = "sitemap"

    def first(self) -> list[Ask]:
        return [Ask("robots", f"{self.options.origin}/robots.txt")]

    def read(self, ask: Ask, response: Response) -> Answer:
        if ask.kind == "robots":
            return Answer(next=self.sitemaps(list(sitemap_urls_from_robots(response.body, base_url=response.url))))
        sitemap = read_sitemap(response)
        if sitemap is None and ask.fallbacks:  # a page where a sitemap should be: try the next usual place
            return Answer(next=[Ask("sitemap", ask.fallbacks[0], fallbacks=ask.fallbacks[1:])])
        if sitemap is None:
            return Answer(failure=f"not a sitemap ({api_answer(response)})")
        self.walk.pages += 1
        answer = Answer()
        domains = [urlsplit(self.options.origin).hostname or ""]
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                url, lastmod = entry.get("loc", ""), entry.get("lastmod")
                if not is_post_sitemap(url) or not on_site(url, domains):
                    continue
                if not self.options.full and self.memory.sitemap_unchanged(url, lastmod):
                    answer.counts["sitemap_unchanged"] = answer.counts.get("sitemap_unchanged", 0) + 1
                    continue
                answer.next.append(Ask("sitemap", url, lastmod=lastmod))
        else:
            for entry in sitemap:
                url = entry.get("loc", "")
                if is_post_url(url, domains) and url not in self.walk.listed:
                    self.walk.listed.add(url)
                    answer.posts.append(Post(url, modified=entry.get("lastmod")))
            self.walk.sitemaps_read[ask.url] = ask.lastmod
        if not answer.next and not self.walk.pages_outstanding() and not self.walk.failures:
            answer.end, answer.complete = "every post sitemap was read", True
        return answer

    def failed(self, ask: Ask, failure: Failure) -> Answer:
        if ask.kind == "robots":
            return Answer(next=self.sitemaps([]))
        if ask.fallbacks:
            return Answer(next=[Ask("sitemap", ask.fallbacks[0], fallbacks=ask.fallbacks[1:])])
        return super().failed(ask, failure)

    def sitemaps(self, named: list[str]) -> list[Ask]:
        """Every sitemap robots.txt names; without one, the usual places, each tried when the one before fails."""
        if named:
            return [Ask("sitemap", url) for url in named]
        first, *rest = (self.options.origin + path for path in FALLBACKS)
        return [Ask("sitemap", first, fallbacks=tuple(rest))]

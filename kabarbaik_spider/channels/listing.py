"""The theme's HTML listing: the news feed page by page, newest first, each card a post."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.httperror import HttpError

from kabarbaik_spider.channels import Answer, Ask, Channel, Post
from kabarbaik_spider.pages.listing import Card, Listing, parse_listing

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure

GONE = (404, 410)


class ListingChannel(Channel):
    """Reads listing pages (home, a category, ``/page/N/``) to the end of the feed, or to what the store holds.

    A page without cards ends the feed only when WordPress's body classes mark
    it as a listing page and it has no next link; a maintenance page, a bot
    challenge or an empty body is a failed page. So are a page that only
    repeats cards already listed in this run, a next link back to a page
    already read, and the run's limit of listing pages.
    """

    name = "listing"
    settled_end = "every card on this page is already stored"

    def first(self) -> list[Ask]:
        return [Ask("listing", self.options.start_url)]

    def read(self, ask: Ask, response: Response) -> Answer:
        self.walk.pages += 1
        self.walk.walked.add(response.url)
        listing = parse_listing(response.text, response.url)
        counts = {"cards": len(listing.cards), **{f"fallback/listing_{name}": 1 for name in listing.fallbacks}}
        problem = self.not_a_feed_page(listing, ask.page)
        if problem:
            return Answer(failure=problem, counts=counts)
        recent = [card for card in listing.cards if not self.too_old(card)]
        self.walk.skipped_old = self.walk.skipped_old or len(recent) < len(listing.cards)
        fresh = [Post(card.url, card.post_id) for card in recent if card.url not in self.walk.listed]
        self.walk.listed.update(card.url for card in listing.cards)  # shown again lower down: not twice
        answer = Answer(posts=fresh, counts=counts)
        answer.end, answer.complete = self.end_of_feed(listing, len(recent), ask.page)
        # A walk that left older cards out (since=…) did not walk all it should, however far it went: a store it
        # settled would let the next runs stop before those cards for ever.
        answer.complete = answer.complete and not self.walk.skipped_old
        if answer.end:
            return answer
        if listing.next_url in self.walk.walked:
            answer.failure = f"its next link points back to a page already read: {listing.next_url}"
        elif self.walk.pages >= self.pages_limit():
            answer.failure = (
                f"the walk reached this run's limit of {self.walk.pages_limit} listing pages before the feed ended"
                " (the limit grows with the store: run again, or pass -a max_pages)"
            )
        else:
            answer.next.append(Ask("listing", listing.next_url, page=ask.page + 1))
        return answer

    def failed(self, ask: Ask, failure: Failure) -> Answer:
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in GONE and ask.page > 1:
            return Answer(end=f"HTTP {status} for the next page", complete=True)
        return super().failed(ask, failure)

    def pages_limit(self) -> int:
        """How many listing pages this run may read; noted in the walk, since the run's line names it once used."""
        self.walk.pages_limit = self.options.max_pages or self.options.listing_pages_limit
        return self.walk.pages_limit

    def not_a_feed_page(self, listing: Listing, page: int) -> str | None:
        """Why this answer cannot be a page of the feed (None when it can)."""
        if not listing.cards and not (listing.is_listing_page and not listing.next_url):
            return f"page {page} has no cards and is not a listing page (a maintenance or challenge page?)"
        if page > 1 and listing.cards and all(card.url in self.walk.listed for card in listing.cards):
            return f"page {page} repeats only cards already listed in this run (a feed that loops?)"
        return None

    def end_of_feed(self, listing: Listing, recent: int, page: int) -> tuple[str | None, bool]:
        """Why the walk stops after this page (None to go on), and whether it walked all it should."""
        if not listing.cards:
            return "no cards", True
        if not listing.next_url:
            return "no next link", True
        return self.stop_rule([Post(card.url, card.post_id) for card in listing.cards], page, recent)

    def too_old(self, card: Card) -> bool:
        since = self.options.since
        return bool(since and card.date and date.fromisoformat(card.date[:10]) < since)

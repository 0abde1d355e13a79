"""WordPress's REST API: every post, 100 a request, newest first; the items come from the records alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.httperror import HttpError

from kabarbaik_spider.channels import Answer, Ask, Channel, Post
from kabarbaik_spider.channels.rest_api import (
    CLOSED,
    PAST_THE_END,
    answered_elsewhere,
    error_code,
    posts_page,
)
from kabarbaik_spider.pages.api import ApiPost, read_posts
from kabarbaik_spider.spiders.answers import api_answer

if TYPE_CHECKING:
    from scrapy.http import Response
    from twisted.python.failure import Failure


class ApiChannel(Channel):
    """Walks ``/wp-json/wp/v2/posts`` page by page to ``X-WP-TotalPages``, a 400 past the end, or what is stored.

    A closed API (401/403/404, or an answer that is not JSON) on the first
    page switches the walk to the HTML listing; on a later page it fails the walk.
    """

    name = "api"
    settled_end = "every post on this API page is already stored"

    def first(self) -> list[Ask]:
        return [self.page(1)]

    def page(self, number: int) -> Ask:
        url = posts_page(self.options.origin, number, self.options.api_page_size, self.walk.api_root)
        return Ask("api", url, page=number)

    def read(self, ask: Ask, response: Response) -> Answer:
        records = read_posts(response.body)
        if ask.page == 1 and answered_elsewhere(self.walk, response, records):
            return self.at_rest_route(f"an answer that is not a list of posts ({api_answer(response)})")
        if records is None:
            return self.unusable(ask, f"an answer that is not a list of posts ({api_answer(response)})")
        self.walk.pages += 1
        self.walk.api = self.walk.api or "used"
        posts = []
        for record in (record for record in records if isinstance(record, dict)):
            reader = ApiPost(record)
            url, post_id = reader.field("url"), reader.field("post_id")
            posts.append(Post(url, post_id, modified=reader.post.get("modified_gmt"), reader=reader))
        answer = Answer(posts=[post for post in posts if post.url not in self.walk.listed])
        self.walk.listed.update(post.url for post in posts if post.url)
        total = response.headers.get("X-WP-TotalPages")
        if not posts:
            answer.end, answer.complete = "the API has no more posts", True
        elif total is not None and total.isdigit() and ask.page >= int(total):
            answer.end, answer.complete = "the API's last page (X-WP-TotalPages)", True
        else:
            answer.end, answer.complete = self.stop_rule(posts, ask.page)
            if not answer.end:
                answer.next.append(self.page(ask.page + 1))
        return answer

    def failed(self, ask: Ask, failure: Failure) -> Answer:
        response = failure.value.response if failure.check(HttpError) else None
        if ask.page == 1 and answered_elsewhere(self.walk, response):
            return self.at_rest_route(f"HTTP 404 {error_code(response) or ''}".strip())
        if response is not None and response.status == 400 and error_code(response) == PAST_THE_END and ask.page > 1:
            return Answer(end=f"past the API's last page ({PAST_THE_END})", complete=True)
        if response is not None and response.status in CLOSED:
            return self.unusable(ask, f"HTTP {response.status} {error_code(response) or ''}".strip())
        return super().failed(ask, failure)

    def at_rest_route(self, what: str) -> Answer:
        """The /wp-json/ route is not there (plain permalinks): ask the same route at ?rest_route= once."""
        self.at_wp_json = what
        return Answer(next=[self.page(1)])

    at_wp_json: str | None = None  # what /wp-json/ answered, when the walk went on to ?rest_route=

    def unusable(self, ask: Ask, what: str) -> Answer:
        """The API is closed or answers nonsense: on its first page the walk switches to the HTML listing."""
        if ask.page > 1:
            return Answer(failure=f"the REST API answered with {what}")
        if self.at_wp_json:
            what = f"{self.at_wp_json} at /wp-json/, and at ?rest_route= {what}"
        self.walk.api = f"closed: {what}; walked the HTML listing instead"
        return Answer(switch_to="listing", failure=what)

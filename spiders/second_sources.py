"""The spider's side of the second sources: after a post's comment pages, ask the post's comment
feed, then the REST API, when the site offers them and they can add something.

Few requests, on purpose: the feed only for a post that has comments and whose page advertises
it (core's ``feed_links_extra`` prints ``<link rel="alternate" … Comments Feed>`` on every post
whose comments are open or exist; a site that removed it is crawled exactly as before, with no
guessed URLs); one feed request per post (core ignores ``?paged`` on it); REST pages only when the
page left something the feed did not cover (an author, an exact time, comments the count promises)
and the site advertises its API (``<link rel="https://api.w.org/">`` or the ``Link`` header). A
source that answers an error or something unreadable is skipped: the page's reading stands, and
the alarm (``markup`` failures) still sees what the page lacked.

Every response is captured like a page, so ``reprocess`` replays it, and counted in
``pages_fetched``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archivedb.clock import utc_now
from pipelines.second_source import html_left_unread
from reading.records import SourceComment, error_reason
from reading.sources import (
    REST_PER_PAGE,
    api_root_from_link_header,
    comment_feed_of,
    parse_comment_feed,
    parse_rest_comments,
    rest_comments_url,
)
from spiders.identity import live_form
from spiders.refusals import failed_request, failure_kind

if TYPE_CHECKING:
    from reading.extract import PageExtract
    from spiders.wordpress import Thread

MAX_REST_PAGES = 50  # 5,000 comments: beyond that a thread is a forum, and the page is the record


@dataclass
class SourcePlan:
    """What one post's page offers and what has been asked so far."""

    wp_id: int | None
    feed_url: str | None  # fetch URL of the post's comment feed, when advertised
    api_root: str | None  # fetch URL of the REST root, when advertised
    feed_asked: bool = False
    rest_page: int = 0  # the last REST page asked
    rest_done: bool = False
    found: list[SourceComment] = field(default_factory=list)


class SecondSources:
    """Mixin for ``WordPressSpider``: plan, request and read the second sources of a post."""

    def _plan_sources(self: Any, response: Response, extract: PageExtract, post_url: str,
                      wp_id: int | None) -> SourcePlan:
        advertised = extract.sources
        feeds = [live_form(self.origins, response.urljoin(href)) for href in advertised.feeds]
        feed = comment_feed_of(feeds, post_url, wp_id)
        header = api_root_from_link_header([v.decode("latin-1") for v in response.headers.getlist(b"Link")])
        api_root = advertised.api_root or header
        api_root = self.origins.to_fetch(response.urljoin(api_root)) if api_root else None
        return SourcePlan(
            wp_id=wp_id,
            feed_url=self.origins.to_fetch(feed) if feed else None,
            api_root=api_root if api_root and self.origins.is_internal(api_root) else None,
        )

    def _source_request(self: Any, thread: Thread) -> Request | None:
        """The next second-source request this post needs, or None when it is done."""
        plan, item = thread.plan, thread.item
        if plan is None:
            return None
        comments = [raw for page in thread.pages.values() for raw in page]
        if not comments and not item.comment_count:
            return None
        if plan.feed_url and not plan.feed_asked:
            plan.feed_asked = True
            return self._source(plan.feed_url, thread, "feed")
        if plan.api_root is None or plan.wp_id is None or plan.rest_done:
            return None
        if plan.rest_page == 0:
            covered = {sc.wp_id for sc in plan.found if sc.author and sc.posted}
            profile = self.profile
            if not html_left_unread(comments, item.comment_count, covered,
                                    formats=profile.date_formats, tz=profile.timezone):
                plan.rest_done = True
                return None
        if plan.rest_page >= MAX_REST_PAGES:
            plan.rest_done = True
            return None
        plan.rest_page += 1
        return self._source(rest_comments_url(plan.api_root, plan.wp_id, plan.rest_page), thread, "rest")

    def _source(self: Any, url: str, thread: Thread, kind: str) -> Request:
        thread.pending.add(url)
        return Request(url, callback=self.parse_source, errback=self.source_failed, dont_filter=True,
                       cb_kwargs={"thread": thread, "kind": kind},
                       headers={"Accept": "application/json" if kind == "rest" else "application/rss+xml, application/xml"})

    async def parse_source(self: Any, response: Response, thread: Thread, kind: str) -> AsyncIterator[Any]:
        self._count_page()
        self.crawler.stats.inc_value(f"archive/second_source_{kind}_requests")
        plan = thread.plan
        assert plan is not None  # a source is asked for only with its plan
        yield self._capture(response, live_form(self.origins, response.url), response.meta.get("fetched_at") or utc_now())
        found: list[SourceComment] = []
        if response.status == 200:
            try:
                # A feed is parsed in a page worker like the page itself, off the crawl's one thread.
                found = await (self.offload.run(parse_comment_feed, response.body) if kind == "feed"
                               else self.offload.run(parse_rest_comments, response.body))
            except ValueError as exc:
                self._source_unavailable(response.url, str(exc))
            except Exception as exc:  # noqa: BLE001 - a lost worker or a reader bug: the post still goes on
                yield self._failure(response.url, "parse", f"second source not read: {error_reason(exc)}"[:500],
                                    response.status)
        else:
            self._source_unavailable(response.url, f"answered HTTP {response.status}")
        plan.found.extend(found)
        if kind == "rest":
            plan.rest_done = response.status != 200 or not _more_rest_pages(response, plan.rest_page, len(found))
        thread.pending.discard(response.url if response.request is None else response.request.url)
        for output in self._finish_if_complete(thread):
            yield output

    def source_failed(self: Any, failure: Failure) -> Iterator[Any]:
        request = failed_request(failure)
        thread: Thread = request.cb_kwargs["thread"]
        if request.cb_kwargs["kind"] == "rest" and thread.plan is not None:
            thread.plan.rest_done = True
        kind = failure_kind(failure.value)
        if kind == "network":
            self._source_unavailable(request.url, error_reason(failure.value))
        elif kind is not None:  # refused by the crawl's own limits (scope, size): recorded like any page
            yield from self._request_failure(failure)
        # None: skipped on purpose (robots.txt forbids it, or replay holds no capture)
        thread.pending.discard(request.url)
        yield from self._finish_if_complete(thread)

    def _source_unavailable(self: Any, url: str, reason: str) -> None:
        """Not a failure of the archive: the page is the record, and what it lacks is flagged
        where it is checked. Logged and counted so a site that stops serving its feed shows."""
        self.crawler.stats.inc_value("archive/second_source_unavailable")
        self.logger.info("second source %s unavailable: %s", url, reason)


def _more_rest_pages(response: Response, page: int, found: int) -> bool:
    total = response.headers.get(b"X-WP-TotalPages")
    if total is not None and total.strip().isdigit():
        return page < int(total)
    return found >= REST_PER_PAGE

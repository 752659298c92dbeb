"""One generic WordPress spider; each site is a ``SiteProfile`` (reading/sites.py).

Discovery is what a careful crawler does: robots.txt (obeyed by Scrapy) → its ``Sitemap:`` lines →
sitemap indexes (core ``wp-sitemap.xml`` or Yoast ``sitemap_index.xml``) → post sitemaps; when a
site offers no usable sitemap, listing pages with pagination and the RSS feed instead. Every
candidate page is classified by WordPress's own markers; only posts become items. A post's comment
pages are fetched before its item is yielded, so the item carries the whole thread in order.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.referer import DefaultReferrerPolicy
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from archivedb.clock import utc_now
from pipelines.clean import read_comment_page_clean, read_post_page_clean
from pipelines.offload import Offload, offload_for
from reading.comments import RawComment
from reading.extract import PageExtract
from reading.records import (
    AuthorSource,
    CaptureItem,
    CommentItem,
    FailureItem,
    NotModifiedItem,
    PostItem,
    error_reason,
)
from reading.sites import SiteProfile
from spiders.addon import ARCHIVE_DEFAULTS
from spiders.discovered import Discovered, Found, seen_key
from spiders.discovery_deadline import no_answer
from spiders.identity import canonical_post_url, live_form, url_key
from spiders.refusals import LimitReached, failed_request, failure_kind
from spiders.second_sources import SecondSources, SourcePlan
from spiders.sitemaps import read_sitemap
from spiders.urls import (
    OriginMap,
    comment_page_number,
    followable,
    post_url_of,
    strip_fragment,
    without_private_params,
)

# Sitemaps of things that are never posts (WordPress core and Yoast names).
_SKIP_SITEMAP = re.compile(r"taxonomies|users|posts-page|page-sitemap|category-sitemap|tag-sitemap|author-sitemap")
LISTING_LINKS = (".entry-title a, h2 a[rel=bookmark], h3 a[rel=bookmark], article a[rel=bookmark], .post-title a,"
                 " .read-more a, a.more-link")
PAGINATION_LINKS = "a.next, .nav-previous a, .pagination a, a.page-numbers, .nav-links a"
_LISTING_PAGE = re.compile(r"/page/(\d+)/?$")  # WordPress's pretty pagination: <listing>/page/N/


@dataclass
class Thread:
    """A post waiting for its comment pages."""

    item: PostItem
    pages: dict[int, list[RawComment]] = field(default_factory=dict)
    fetched: dict[int, str] = field(default_factory=dict)  # when each comment page was fetched
    pending: set[str] = field(default_factory=set)
    requested: set[str] = field(default_factory=set)
    finished: bool = False
    plan: SourcePlan | None = None  # the post's comment feed and REST API, asked after its pages
    limited: bool = False  # a comment-page limit stopped it; recorded once


class WordPressSpider(SecondSources, scrapy.Spider):
    """Crawl one WordPress site, or a mirror of it at ``base_url``."""

    profile: SiteProfile
    offload: Offload

    def __init__(self, base_url: str | None = None, urls: str | list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        self.base_url = (base_url or self.profile.origin).rstrip("/")
        self.origins = OriginMap(self.profile.origin, self.base_url)
        self.allowed_domains: list[str] = []  # the origin map decides what is internal
        # ``-a urls="URL URL"``: fetch exactly these pages, no discovery (reprocess, spot checks).
        self.urls = urls.split() if isinstance(urls, str) else list(urls or [])
        self.known_post_urls: set[str] = set()  # filled by spiders.incremental when enabled
        self._known_by_key: dict[str, str] | None = None
        # Digests of url_key (spiders/discovered.py: seen_key) of every candidate: sitemap variants are one page
        self._discovered: set[bytes] = set()
        self._urls_read = False  # start() has looked at every URL of ``urls``
        self._waiting = Discovered()  # posts the sitemaps listed, not yet handed to Scrapy's scheduler
        self._posts_read: set[bytes] = set()  # digests of the canonical URLs of posts already read in this crawl
        self._sitemaps_requested: set[str] = set()
        self._sitemaps_pending = 0
        self._listings: set[str] = set()
        self._listing_limited = False
        self._listing_last: dict[str, int] = {}  # listing root -> last page its own pagination shows
        self.max_comment_pages = ARCHIVE_DEFAULTS["ARCHIVE_MAX_COMMENT_PAGES"]
        self.max_listing_pages = ARCHIVE_DEFAULTS["ARCHIVE_MAX_LISTING_PAGES"]
        self._candidates = 0
        self._fell_back = False
        self._rechecked = False
        self._sitemap_answered = False  # a sitemap answered (then a silent one is not a dead site)
        self._sitemap_failed = False  # a listed sitemap could not be read: it may hide posts
        self.unreachable: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WordPressSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.offload = offload_for(crawler)
        spider._waiting.attach(crawler)
        crawler.signals.connect(spider.read_limits, signal=signals.spider_opened)
        return spider

    def read_limits(self, spider: Any = None) -> None:
        """The limits as finally set. Scrapy builds the spider before it applies add-ons (ours sets
        every ARCHIVE_* default), so they are read when the spider opens, not in from_crawler."""
        self.max_comment_pages = self.crawler.settings.getint("ARCHIVE_MAX_COMMENT_PAGES")
        self.max_listing_pages = self.crawler.settings.getint("ARCHIVE_MAX_LISTING_PAGES")
        self._waiting.low = max(2 * self.crawler.settings.getint("CONCURRENT_REQUESTS"), 8)

    # -- discovery ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        if self.urls:  # reprocess names every stored post: handed over in that order, as room allows
            found = (f for f in map(self._find, self.urls) if f is not None)
            async for request in self._waiting.release(self._post_request, found):
                yield request
            self._urls_read = True
            return
        # Not held back by Scrapy's own robots.txt fetch (dont_obey_robotstxt): a site that never
        # answers then costs one short deadline, not two in a row (spiders/discovery_deadline.py).
        self._waiting.open = True
        yield Request(f"{self.base_url}/robots.txt", callback=self.parse_robots, errback=self.robots_failed,
                      dont_filter=True, meta={"dont_obey_robotstxt": True, "discovery": True})
        # The posts the sitemaps list, handed to the scheduler as it runs low (spiders/discovered.py).
        async for request in self._waiting.release(self._post_request):
            yield request

    def parse_robots(self, response: Response) -> Iterator[Any]:
        self._count_page()
        readable = response.status == 200 and isinstance(response, TextResponse)
        sitemaps = list(sitemap_urls_from_robots(response.body)) if readable else []
        guessed = not sitemaps  # no Sitemap: line: try WordPress's usual places
        if guessed:
            sitemaps = [self.profile.origin + path for path in self.profile.sitemap_paths]
        for url in sitemaps:
            yield from self._sitemap_request(self.origins.to_fetch(url), guessed=guessed, first=True)

    def robots_failed(self, failure: Failure) -> Iterator[Any]:
        self.unreachable = no_answer(failed_request(failure), failure) or \
            f"{self.base_url} unreachable: {failure.getErrorMessage() or failure.type.__name__}"
        self._waiting.close()
        self.logger.error(self.unreachable)
        yield FailureItem(self.name, self.origins.to_live(failed_request(failure).url), "network", self.unreachable,
                          at=utc_now())

    def _sitemap_request(self, url: str, guessed: bool = False, first: bool = False) -> Iterator[Request]:
        """Each sitemap once (robots.txt or an index may name one twice, an index may list
        itself). Past the dupe filter (``dont_filter``), so every request counted as pending
        reaches its callback or errback and discovery always finishes."""
        url = strip_fragment(url)
        if url in self._sitemaps_requested:
            return
        self._sitemaps_requested.add(url)
        self._sitemaps_pending += 1
        yield Request(url, callback=self.parse_sitemap, errback=self.sitemap_failed,
                      meta={"guessed": guessed, "discovery": first}, dont_filter=True)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        self._sitemaps_pending -= 1
        self._sitemap_answered = True
        self._count_page()
        if response.status != 200:
            if not response.meta.get("guessed"):
                self._sitemap_failed = True
                yield self._failure(response.url, "http", f"sitemap answered HTTP {response.status}", response.status)
        else:
            yield from self._read_sitemap(response)
        yield from self._after_sitemaps()

    def sitemap_failed(self, failure: Failure) -> Iterator[Any]:
        self._sitemaps_pending -= 1
        self._sitemap_failed = self._sitemap_failed or not failed_request(failure).meta.get("guessed")
        dead = no_answer(failed_request(failure), failure) if failed_request(failure).meta.get("discovery") else None
        if dead and not self._sitemap_answered:
            # robots.txt answered, then nothing: a dead site, not one whose sitemap hides posts.
            self.unreachable = self.unreachable or dead
            yield FailureItem(self.name, self.origins.to_live(failed_request(failure).url), "network", dead, at=utc_now())
        else:
            yield from self._request_failure(failure)
        yield from self._after_sitemaps()

    def discovery(self) -> tuple[int, bool]:
        """(post pages found so far, whether discovery has finished): the progress line's total."""
        if self.urls:  # every URL given is a page to fetch until start() has looked at them all
            return (len(self._discovered), True) if self._urls_read else (len(self.urls), True)
        return len(self._discovered), not self._sitemaps_pending and (self._rechecked or self._fell_back)

    def _read_sitemap(self, response: Response) -> Iterator[Request | FailureItem]:
        try:
            kind, entries = read_sitemap(response.body)
        except ValueError as exc:
            if not response.meta.get("guessed"):
                self._sitemap_failed = True
                yield self._failure(response.url, "parse", f"not a sitemap: {exc}", response.status)
            return
        for entry in entries:
            loc = entry.get("loc", "")
            try:
                if not loc:
                    raise ValueError(f"an entry without a URL ({entry!r})")
                if kind == "sitemapindex":
                    if not _SKIP_SITEMAP.search(loc):
                        yield from self._sitemap_request(self.origins.to_fetch(loc))
                elif kind == "urlset":
                    request = self._candidate(loc, lastmod=entry.get("lastmod"), found_on=response.url)
                    if request is not None:
                        yield request
            except ValueError as exc:  # urllib's words for a URL it cannot split
                self._sitemap_failed = True  # the entry may be a post: look at the listings too
                yield self._failure(response.url, "parse", f"unreadable sitemap entry {loc[:300]!r}: {exc}"[:500])

    def _after_sitemaps(self) -> Iterator[Request | FailureItem]:
        """Once every sitemap is read: check known posts the sitemaps no longer list (deleted
        posts vanish from sitemaps), or fall back to listings when no sitemap listed anything."""
        if self._sitemaps_pending:
            return
        if self.unreachable:
            self._waiting.close()
            return
        if self._candidates and not self._rechecked:
            self._rechecked = True
            for live in sorted(u for u in self.known_post_urls if seen_key(url_key(u)) not in self._discovered):
                # due now, whatever its revisit window says
                request = self._candidate(live, unlisted=True)
                if request is not None:
                    yield request
        yield from self._fallback_if_needed()
        # Listing pages and the feed, when read, hand their posts straight to the scheduler.
        self._waiting.close()

    def _fallback_if_needed(self) -> Iterator[Request | FailureItem]:
        """No sitemap gave us a single page, or one the site lists could not be read: discover
        from listings and the feed too (the dupe filter drops pages already requested)."""
        if self._sitemaps_pending or self._fell_back or (self._candidates and not self._sitemap_failed):
            return
        self._fell_back = True
        self.logger.info("sitemaps incomplete or missing; also reading listing pages and the feed")
        for path in self.profile.listing_paths:
            yield from self._listing_request(self.base_url + path)
        yield Request(self.base_url + self.profile.feed_path, callback=self.parse_feed, errback=self.page_failed)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        self._count_page()
        if response.status != 200:
            yield self._failure(response.url, "http", f"listing answered HTTP {response.status}", response.status)
            return
        for href in response.css(LISTING_LINKS).xpath("@href").getall():
            request = self._candidate(response.urljoin(href))
            if request is not None:
                yield request
        pagination = response.css(PAGINATION_LINKS)
        if response.meta.get("listing_root"):
            self._note_last_listing_page(response.url, pagination.xpath("normalize-space(.)").getall())
        for href in pagination.xpath("@href").getall():
            url = self.origins.to_fetch(response.urljoin(href))
            if self.origins.is_internal(url) and followable(url):
                yield from self._listing_request(strip_fragment(url), response.url)

    def _note_last_listing_page(self, root: str, labels: list[str]) -> None:
        """WordPress's numbered pagination on a listing's first page shows its last page ("1 2 …
        57 Next"): pages beyond it are not the site's. Sites with only "Older posts" links show
        no number; ``ARCHIVE_MAX_LISTING_PAGES`` bounds them."""
        numbers = [int(label) for label in labels if label.isascii() and label.isdigit()]
        if numbers:
            self._listing_last[strip_fragment(root).split("?", 1)[0].rstrip("/")] = max(numbers)

    def _listing_request(self, url: str, found_on: str | None = None) -> Iterator[Request | FailureItem]:
        """Listing pages are bounded by ``ARCHIVE_MAX_LISTING_PAGES``: endless pagination (a
        calendar, a trap) ends there, with one ``limit`` failure saying so."""
        if url in self._listings:
            return
        page = _LISTING_PAGE.search(url.split("?", 1)[0])
        last = self._listing_last.get(url[:page.start()]) if page else None
        if page and last is not None and int(page.group(1)) > last:
            yield self._failure(found_on or url, "limit", f"listing page {page.group(1)} not followed: the"
                                f" listing's own pagination shows {last} pages")
            return
        if len(self._listings) >= self.max_listing_pages:
            if not self._listing_limited:
                self._listing_limited = True
                yield self._failure(found_on or url, "limit", f"listing pages beyond {self.max_listing_pages}"
                                    " not followed (ARCHIVE_MAX_LISTING_PAGES)")
            return
        self._listings.add(url)
        yield Request(url, callback=self.parse_listing, errback=self.page_failed,
                      meta={"listing_root": found_on is None})

    def parse_feed(self, response: Response) -> Iterator[Any]:
        self._count_page()
        if response.status != 200:
            yield self._failure(response.url, "http", f"feed answered HTTP {response.status}", response.status)
            return
        if not isinstance(response, TextResponse):
            yield self._failure(response.url, "parse", "the feed is not text", response.status)
            return
        response.selector.remove_namespaces()
        for link in response.xpath("//item/link/text()").getall():
            request = self._candidate(link.strip())
            if request is not None:
                yield request

    def _candidate(self, url: str, lastmod: str | None = None, found_on: str | None = None,
                   unlisted: bool = False) -> Request | None:
        """The request for a page discovery found, or None: a page already found, one not ours,
        or (while the sitemaps are being read) one queued in ``self._waiting`` for ``start()``."""
        found = self._find(url, lastmod, found_on, unlisted)
        if found is None:
            return None
        if self._waiting.open:
            self._waiting.add(found)
            return None
        return self._post_request(found)

    def _find(self, url: str, lastmod: str | None = None, found_on: str | None = None,
              unlisted: bool = False) -> Found | None:
        """A page to fetch as a possible post, or None: one already found, or not ours."""
        url = strip_fragment(self.origins.to_fetch(url))
        if not (self.origins.is_internal(url) and followable(url)):
            return None
        live = live_form(self.origins, url)
        key = url_key(live)
        if seen_key(key) in self._discovered:  # another spelling of a page already requested
            return None
        self._discovered.add(seen_key(key))
        self._candidates += 1
        # A known post under the spelling it was stored with, so the incremental check finds it.
        return Found(self._known_spelling(key) or live, lastmod, found_on, unlisted)

    def _post_request(self, found: Found) -> Request:
        meta = {"lastmod": found.lastmod, "live_url": found.live, "candidate": True}
        if found.unlisted:
            meta["unlisted"] = True
        request = Request(self.origins.to_fetch(found.live), callback=self.parse_page, errback=self.page_failed,
                          meta=meta)
        # The Referer Scrapy gives a request yielded by the sitemap's callback (start() requests get none).
        referrer = DefaultReferrerPolicy().referrer(found.found_on, request.url) if found.found_on else None
        if referrer:
            request.headers["Referer"] = referrer
        return request

    def _known_spelling(self, key: str) -> str | None:
        if self._known_by_key is None:
            self._known_by_key = {url_key(u): u for u in self.known_post_urls}
        return self._known_by_key.get(key)

    # -- posts and comments ------------------------------------------------------------------

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        self._count_page()
        if response.status == 304:
            yield NotModifiedItem(self.name, response.meta.get("live_url") or self.origins.to_live(response.url),
                                  utc_now())
            return
        if response.status != 200 or not isinstance(response, TextResponse):
            kind = "gone" if response.status in (404, 410) else "http"
            yield self._failure(response.url, kind, f"page answered HTTP {response.status}", response.status)
            return
        fetched_at = response.meta.get("fetched_at") or utc_now()  # one instant for capture and post
        # Captured under the address it was fetched from (after redirects), so replay finds it.
        landed = live_form(self.origins, response.url)
        yield self._capture(response, landed, fetched_at)
        extract = await self.offload.run(read_post_page_clean, response.body, response.encoding, self.profile, landed)
        page = extract.page
        if page is None or not page.is_post:
            self.crawler.stats.inc_value("archive/not_post")
            self.logger.debug("not a post (%s): %s", page.post_type if page else "no page", response.url)
            return
        live_url = canonical_post_url(self.origins, response.url, page.canonical)
        if seen_key(live_url) in self._posts_read:  # a second address of a post already read this crawl
            self.crawler.stats.inc_value("archive/duplicate_post_urls")
            return
        self._posts_read.add(seen_key(live_url))
        item = PostItem(
            site=self.name, url=live_url, fetched_from=response.meta.get("fetched_url") or response.url,
            wp_id=page.wp_id, title=page.title,
            author=page.author, published_raw=page.published_raw, published_machine=page.published_machine,
            modified_raw=page.modified_raw, modified_machine=page.modified_machine, categories=page.categories,
            tags=page.tags, standfirst=page.standfirst, body_html=page.body_html,
            comment_count=page.comment_count, comments_heading=page.comments_heading, fetched_at=fetched_at,
            http_status=response.status, http_etag=_header(response, b"ETag"),
            http_last_modified=_header(response, b"Last-Modified"), sitemap_lastmod=response.meta.get("lastmod"),
        )
        # The body was cleaned against the address the page landed on: good when that is the
        # post's own (almost always); otherwise the clean pipeline cleans it again against its URL.
        item.cleaned = extract.cleaned if live_url == landed else None
        plan = self._plan_sources(response, extract, live_url, page.wp_id)
        for output in self._take_comment_page(Thread(item, plan=plan), response, extract, fetched_at):
            yield output

    async def parse_comment_page(self, response: Response, thread: Thread) -> AsyncIterator[Any]:
        self._count_page()
        if response.status != 200 or not isinstance(response, TextResponse):
            thread.pending.discard(_asked_url(response))
            thread.item.comments_complete = False
            yield self._failure(response.url, "http", f"comment page answered HTTP {response.status}", response.status)
        else:
            live_url = self.origins.to_live(response.url)
            fetched_at = response.meta.get("fetched_at") or utc_now()
            yield self._capture(response, live_url, fetched_at)
            try:
                extract = await self.offload.run(read_comment_page_clean, response.body, response.encoding)
            except Exception as exc:  # noqa: BLE001 - a lost worker or a reader bug: keep the rest of the thread
                thread.pending.discard(_asked_url(response))
                thread.item.comments_complete = False  # comments not read are not "removed"
                yield self._failure(response.url, "parse", f"comment page not read: {error_reason(exc)}"[:500],
                                    response.status)
            else:
                # Only now is this page done: another page finishing during the await must not
                # close the thread without it.
                thread.pending.discard(_asked_url(response))
                for output in self._take_comment_page(thread, response, extract, fetched_at):
                    yield output
        for output in self._finish_if_complete(thread):
            yield output

    def comment_page_failed(self, failure: Failure) -> Iterator[Any]:
        thread: Thread = failed_request(failure).cb_kwargs["thread"]
        thread.pending.discard(failed_request(failure).url)
        thread.item.comments_complete = False
        yield from self._request_failure(failure)
        yield from self._finish_if_complete(thread)

    def _take_comment_page(self, thread: Thread, response: Response, extract: PageExtract,
                           fetched_at: str) -> Iterator[Any]:
        links = self._comment_page_links(response, extract.comment_links)
        number = _page_number(response.url, links)
        thread.pages.setdefault(number, extract.comments)
        thread.fetched.setdefault(number, fetched_at)
        thread.requested.add(strip_fragment(response.url))
        limit = self._comment_page_limit(thread.item)
        for url in (u for u, _, _ in links):
            if url not in thread.requested:
                if len(thread.requested) >= limit:
                    yield from self._comment_pages_limited(thread, limit)
                    continue
                thread.requested.add(url)
                thread.pending.add(url)
                yield Request(url, callback=self.parse_comment_page, errback=self.comment_page_failed,
                              cb_kwargs={"thread": thread}, dont_filter=True)
        yield from self._finish_if_complete(thread)

    def _comment_page_links(self, response: Response, found: list[tuple[str, str]]) -> list[tuple[str, int, bool]]:
        """(fetch URL, page number, labelled newer?) for each link to another page of this post's
        comments ("Older Comments", ``comment-page-N``, ``?cpage=N``)."""
        this_post = post_url_of(self.origins.to_live(response.url))
        links: dict[str, tuple[str, int, bool]] = {}
        for href, label in found:
            url = strip_fragment(self.origins.to_fetch(response.urljoin(href)))
            number = comment_page_number(url)
            if number is None or url in links or post_url_of(self.origins.to_live(url)) != this_post:
                continue
            links[url] = (url, number, "newer" in label or "next" in label or "alignright" in label)
        return list(links.values())

    def _comment_page_limit(self, item: PostItem) -> int:
        """Pages one thread may have: each shows at least one comment, so no more than the count
        the post displays (plus the bare permalink, which may repeat the newest page), and never
        more than ``ARCHIVE_MAX_COMMENT_PAGES``."""
        count = item.comment_count
        if isinstance(count, int) and count > 0:
            return min(self.max_comment_pages, count + 1)
        return self.max_comment_pages

    def _comment_pages_limited(self, thread: Thread, limit: int) -> Iterator[FailureItem]:
        if thread.limited:
            return
        thread.limited = True
        thread.item.comments_complete = False  # comments not read are not "removed"
        shown = thread.item.comment_count
        why = f"the post shows {shown} comments" if limit < self.max_comment_pages else "ARCHIVE_MAX_COMMENT_PAGES"
        yield self._failure(thread.item.url, "limit", f"comment pages beyond {limit} not followed ({why})")

    def _finish_if_complete(self, thread: Thread) -> Iterator[PostItem | Request]:
        """Once every comment page is in, the second sources (spiders/second_sources.py) one
        request at a time; then the post, with everything they said."""
        if thread.pending or thread.finished:
            return
        request = self._source_request(thread)
        if request is not None:
            yield request
            return
        thread.finished = True
        thread.item.comments = _assemble(thread.pages, thread.item, self.origins, thread.fetched)
        thread.item.cleaned = _with_comments(thread.item.cleaned, _chosen(thread.pages))
        thread.item.second_source = thread.plan.found if thread.plan is not None else []
        yield thread.item

    # -- bookkeeping ---------------------------------------------------------------------------

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        yield from self._request_failure(failure)

    def _capture(self, response: Response, live_url: str, fetched_at: str) -> CaptureItem:
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        return CaptureItem(self.name, live_url, response.url, response.status, headers, response.body, fetched_at)

    def _failure(self, url: str, kind: str, reason: str, status: int | None = None) -> FailureItem:
        self.logger.warning("%s: %s", url, reason)
        return FailureItem(self.name, self.origins.to_live(url), kind, reason, status, at=utc_now())

    def _request_failure(self, failure: Failure) -> Iterator[FailureItem]:
        """The failure row for a request that errored or was refused, under the URL we asked for
        (before any redirect); none for a request skipped on purpose or a limit already recorded."""
        kind = failure_kind(failure.value)
        if kind is None or (isinstance(failure.value, LimitReached) and not failure.value.first):
            return
        request = failed_request(failure)
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        yield self._failure(asked, kind, error_reason(failure.value))

    def _count_page(self) -> None:
        self.crawler.stats.inc_value("archive/pages_fetched")


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _page_number(url: str, links: list[tuple[str, int, bool]]) -> int:
    """Which comment page this is. WordPress shows the newest page at the bare permalink by
    default, so an unnumbered page comes after every "older" page it links to."""
    number = comment_page_number(url)
    if number is not None:
        return number
    numbered = [(n, newer) for _, n, newer in links if n > 0]
    if not numbered:
        return 1
    newer = [n for n, is_newer in numbered if is_newer]
    if newer:
        return min(newer) - 1
    return max(n for n, _ in numbered) + 1


def _chosen(pages: dict[int, list[RawComment]]) -> list[tuple[int, RawComment]]:
    """(page number, comment) in display order: page by page, then as shown on the page; a
    comment shown on two pages counts where it is first seen."""
    seen: set[int] = set()
    chosen: list[tuple[int, RawComment]] = []
    for number in sorted(pages):
        for raw in pages[number]:
            if raw.wp_id not in seen:
                seen.add(raw.wp_id)
                chosen.append((number, raw))
    return chosen


def _with_comments(cleaned: tuple[Any, Any] | None, chosen: list[tuple[int, RawComment]]) -> tuple[Any, ...] | None:
    """The post's cleaning as the clean pipeline applies it: body, standfirst, one result per
    comment; None when any part was not cleaned in the page's worker call."""
    if cleaned is None or any(raw.clean is None for _, raw in chosen):
        return None
    return (*cleaned, [raw.clean for _, raw in chosen])


def _assemble(pages: dict[int, list[RawComment]], item: PostItem, origins: OriginMap,
              fetched: dict[int, str] | None = None) -> list[CommentItem]:
    """Comments of every page in display order. Each comment carries the fetch time of the page
    it was read from (its observation's clock)."""
    comments: list[CommentItem] = []
    for number, raw in _chosen(pages):
        permalink = raw.permalink if raw.permalink and raw.permalink.startswith("http") else None
        permalink = without_private_params(origins.to_live(permalink)) if permalink else None
        comments.append(CommentItem(
            wp_id=raw.wp_id, parent_wp_id=raw.parent_wp_id, depth=raw.depth, position=len(comments) + 1,
            author=raw.author, author_url=raw.author_url, author_source=AuthorSource.PAGE if raw.author else None,
            posted_raw=raw.posted_raw, posted_machine=raw.posted_machine, posted_title=raw.posted_title, body_html=raw.body_html,
            kind=raw.kind, class_depth=raw.class_depth,
            url=permalink or f"{item.url}#comment-{raw.wp_id}", page=number,
            awaiting_moderation=raw.awaiting_moderation, fetched_at=(fetched or {}).get(number),
        ))
    return comments


def _asked_url(response: Response) -> str:
    """The URL a response answers as it was asked for (before any redirect)."""
    return response.request.url if response.request is not None else response.url

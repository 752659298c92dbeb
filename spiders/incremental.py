"""Incremental crawling: fetch again only what may have changed.

A downloader middleware that knows, from the archive, every post an earlier crawl stored. For a
known post it either skips the request (nothing suggests a change) or makes it conditional
(``If-None-Match`` / ``If-Modified-Since``), so an unchanged page costs a 304 and no rewrite.

Revisit policy (comment threads grow without a post's ``lastmod`` moving):
- the sitemap's ``lastmod`` differs from the one stored → fetch;
- the post was missing (404/410) last time → fetch, to confirm it is gone or back;
- one of its comment pages failed when it was last stored → fetch unconditionally (the post
  page itself may be unchanged), so the next run completes the thread;
- the post dropped out of the sitemaps (the spider marks its recheck ``unlisted``) → fetch
  conditionally: deleted posts vanish from sitemaps long before any revisit window ends;
- the post was published in the last ``ARCHIVE_RECENT_DAYS`` (default 30) → fetch every run;
- the post was last fetched more than ``ARCHIVE_REVISIT_DAYS`` ago (default 30) → fetch;
- otherwise skip. ``--full`` (``ARCHIVE_FULL``) switches the middleware off.

Because a post stored by a killed crawl counts as freshly fetched, running the crawl again resumes
where it stopped instead of starting over.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request

from archivedb.incremental import Known, due, load_known


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.db_path = settings["ARCHIVE_DB"]
        self.recent_days = settings.getint("ARCHIVE_RECENT_DAYS")
        self.revisit_days = settings.getint("ARCHIVE_REVISIT_DAYS")
        self.known: dict[str, Known] = {}
        self.now = datetime.now(UTC)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        if crawler.settings.getbool("ARCHIVE_FULL") or crawler.settings.getbool("ARCHIVE_REPLAY"):
            raise NotConfigured
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        self.known = load_known(self.db_path, spider.name)
        spider.known_post_urls = set(self.known)
        self.crawler.stats.set_value("archive/known_posts", len(self.known))

    def process_request(self, request: Request, spider: Any = None) -> None:
        live = request.meta.get("live_url")
        known = self.known.get(live) if live and request.meta.get("candidate") else None
        if known is None:
            return None
        if request.meta.get("unlisted"):
            reason: str | None = "unlisted"
        else:
            reason = due(known, request.meta.get("lastmod"), self.now, self.recent_days, self.revisit_days)
        stats = self.crawler.stats
        if reason is None:
            stats.inc_value("archive/skipped_unchanged")
            raise IgnoreRequest(f"unchanged since {known.fetched_at}: {live}")
        stats.inc_value(f"archive/revisit_{reason}")
        conditional = reason not in ("changed", "incomplete")  # a 304 would not fetch the comment pages
        if known.etag and conditional:
            request.headers.setdefault(b"If-None-Match", known.etag.encode("latin-1"))
        if known.last_modified and conditional:
            request.headers.setdefault(b"If-Modified-Since", known.last_modified.encode("latin-1"))
        return None

"""Replay stored captures instead of the network, so extraction can be re-run offline.

With ``ARCHIVE_REPLAY`` on, this downloader middleware answers every request from the latest
``captures`` row for its URL; a URL never captured is skipped. Nothing leaves the machine.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request

from archivedb.captures import latest_capture
from archivedb.database import open_archive


class ReplayMiddleware:
    def __init__(self, db_path: str, crawler: Crawler) -> None:
        # Its own read-only connection: the store's writer thread owns the writing one.
        self.db = open_archive(db_path, readonly=True, allow_outdated=True)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        if not crawler.settings.getbool("ARCHIVE_REPLAY"):
            raise NotConfigured
        return cls(crawler.settings["ARCHIVE_DB"], crawler)

    def process_request(self, request: Request, spider: Any = None) -> HtmlResponse:
        spider = spider or self.crawler.spider
        live = spider.origins.to_live(request.url.split("#", 1)[0])
        stored = latest_capture(self.db, spider.name, live)
        if stored is None:
            self.crawler.stats.inc_value("archive/replay_missing")
            raise IgnoreRequest(f"no capture of {live}")
        request.meta["fetched_at"] = stored.fetched_at  # provenance stays the original fetch's
        request.meta["fetched_url"] = stored.fetched_url
        self.crawler.stats.inc_value("archive/replayed")
        return HtmlResponse(request.url, status=stored.status, headers=stored.headers, body=stored.body,
                            request=request)

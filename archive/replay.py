"""Replay stored captures instead of the network, so extraction can be re-run offline.

With ``ARCHIVE_REPLAY`` on, this downloader middleware answers every request from the latest
``captures`` row for its URL; a URL never captured is skipped. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import sqlite_utils
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request


class ReplayMiddleware:
    def __init__(self, db_path: str, crawler: Crawler) -> None:
        self.db = sqlite_utils.Database(db_path)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        if not crawler.settings.getbool("ARCHIVE_REPLAY"):
            raise NotConfigured
        return cls(crawler.settings.get("ARCHIVE_DB", "archive.db"), crawler)

    def process_request(self, request: Request, spider: Any = None) -> HtmlResponse:
        spider = spider or self.crawler.spider
        live = spider.origins.to_live(request.url.split("#", 1)[0])
        row = next(self.db.query(
            "select c.status, c.headers, coalesce(c.body, h.body) body, c.body_encoding, c.fetched_at, c.fetched_url"
            " from captures c left join captures h on h.id = c.same_as"
            " where c.site = ? and c.url = ? order by c.id desc limit 1", [spider.name, live]), None)
        if row is None:
            self.crawler.stats.inc_value("archive/replay_missing")
            raise IgnoreRequest(f"no capture of {live}")
        body = zlib.decompress(row["body"]) if row["body_encoding"] == "zlib" else row["body"]
        headers = {k: v for k, v in json.loads(row["headers"]).items() if k.lower() != "content-encoding"}
        request.meta["fetched_at"] = row["fetched_at"]  # provenance stays the original fetch's
        request.meta["fetched_url"] = row["fetched_url"]
        self.crawler.stats.inc_value("archive/replayed")
        return HtmlResponse(request.url, status=row["status"], headers=headers, body=body, request=request)


def captured_post_urls(db: sqlite_utils.Database, site: str) -> list[str]:
    """Post pages captured for a site, oldest first: not comment pages, and not the comment
    feeds and REST pages (those are replayed when their post asks for them again)."""
    return [r["url"] for r in db.query(
        "select url, min(id) from captures where site = ? and status = 200"
        " and url not like '%/comment-page-%' and url not like '%cpage=%'"
        " and url not like '%/feed/' and url not like '%/wp-json/%' and url not like '%rest_route=%'"
        " group by url order by min(id)", [site])]

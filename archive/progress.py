"""A one-line-per-site progress report on stderr while a crawl runs (off with ``--quiet``)."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class Progress:
    path = "archive.progress.Progress"

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.last = time.monotonic()  # first line after one interval, not a row of zeros

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("ARCHIVE_PROGRESS", False):
            raise NotConfigured
        progress = cls(crawler, crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL", 2.0))
        crawler.signals.connect(progress.tick, signal=signals.item_scraped)
        crawler.signals.connect(progress.tick, signal=signals.response_received)
        crawler.signals.connect(progress.done, signal=signals.spider_closed)
        return progress

    def tick(self, *args: Any, **kwargs: Any) -> None:
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._print()

    def done(self, spider: Any, reason: str) -> None:
        self._print()

    def _print(self) -> None:
        stats = self.crawler.stats
        get = stats.get_value
        name = self.crawler.spider.name if self.crawler.spider else "?"
        posts = sum(get(f"archive/posts_{k}", 0) for k in ("new", "updated", "unchanged"))
        print(f"[{name}] {get('archive/pages_fetched', 0)} pages, {posts} posts "
              f"({get('archive/posts_new', 0)} new), {get('archive/comments_new', 0)} new comments, "
              f"{get('archive/errors', 0)} problems", file=sys.stderr, flush=True)

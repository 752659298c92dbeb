"""Limits that end a crawl's traps, each recorded as a failure row when it trips.

- ``RuntimeBudget`` (downloader middleware): after ``ARCHIVE_MAX_RUNTIME`` seconds no new request
  is sent; requests already downloading finish, posts waiting for comment pages are stored with
  what they have, and the run ends as usual (lock freed, ``crawls`` row closed). One ``limit``
  failure says so. If requests still hang a while later, the spider is closed outright.
- ``UrlLengthLimit`` (spider middleware, in place of Scrapy's UrlLengthMiddleware, which drops
  long URLs silently): a request over ``URLLENGTH_LIMIT`` is answered through its own errback, as
  if its download had failed, so the spider's bookkeeping (pending sitemaps, a thread waiting for
  its comment pages) stays right and a ``too_long`` failure row is written.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from reading.records import FailureItem
from spiders.refusals import LimitReached, UrlTooLong

# After the budget, in-flight downloads get this long (plus DOWNLOAD_TIMEOUT) before the spider
# is closed regardless.
GRACE_SECONDS = 30


class RuntimeBudget:
    def __init__(self, crawler: Crawler, budget: float) -> None:
        self.crawler = crawler
        self.budget = budget
        self.grace = GRACE_SECONDS + crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self.started = time.monotonic()
        self.tripped = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RuntimeBudget:
        budget = crawler.settings.getfloat("ARCHIVE_MAX_RUNTIME")
        if budget <= 0:
            raise NotConfigured
        middleware = cls(crawler, budget)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        from twisted.internet import (
            reactor,  # imported late: importing it installs a reactor
        )

        self.started = time.monotonic()
        self._backstop: Any = reactor.callLater(self.budget + self.grace, self._close)  # type: ignore[arg-type]
        self.crawler.signals.connect(self._cancel_backstop, signal=signals.spider_closed)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if time.monotonic() - self.started < self.budget:
            return
        first, self.tripped = not self.tripped, True
        if first:
            self.crawler.stats.set_value("archive/limit", "ARCHIVE_MAX_RUNTIME")
        raise LimitReached(f"run-time budget of {self.budget:g} s spent (ARCHIVE_MAX_RUNTIME); "
                           "pages not yet fetched are left for the next run", first)

    def _close(self) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="runtime_limit"))

    def _cancel_backstop(self, spider: Any = None) -> None:
        if self._backstop.active():
            self._backstop.cancel()


class UrlLengthLimit:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlLengthLimit:
        limit = crawler.settings.getint("URLLENGTH_LIMIT")
        if limit <= 0:
            raise NotConfigured
        return cls(crawler, limit)

    def process_spider_output(self, response: Response, result: Iterable[Any], spider: Any = None) -> Iterator[Any]:
        for output in result:
            yield from self._checked(output)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Any = None) -> AsyncIterator[Any]:
        async for output in result:
            for checked in self._checked(output):
                yield checked

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for output in start:
            for checked in self._checked(output):
                yield checked

    def _checked(self, output: Any) -> Iterator[Any]:
        if not isinstance(output, Request) or len(output.url) <= self.limit:
            yield output
            return
        self.crawler.stats.inc_value("archive/url_too_long")
        error = UrlTooLong(f"URL of {len(output.url)} characters, over URLLENGTH_LIMIT={self.limit}")
        if output.errback is None:
            spider: Any = self.crawler.spider
            yield FailureItem(spider.name, spider.origins.to_live(output.url), error.kind, f"UrlTooLong: {error}")
            return
        failure = Failure(error)
        failure.request = output  # type: ignore[attr-defined]  # as Scrapy sets it on download errors
        for answer in output.errback(failure) or ():
            yield from self._checked(answer)

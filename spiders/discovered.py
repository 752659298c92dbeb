"""Post pages found by discovery, held as a few strings each until Scrapy's scheduler runs low.

A sitemap lists every post at once. Yielded as requests, all of them would wait in the scheduler
for most of the crawl, each as a ``Request`` with its meta, headers and fingerprint (about 2 KiB);
and the posts already being read, whose comment pages and comment feeds queue behind new posts,
pile up with them. The benchmark (``bench/``) measured the crawl's peak memory growing by about
7 KiB per post that way. Held here instead, a post costs its URL strings until it is handed over,
and the spider's ``start()`` hands posts over only while the scheduler holds fewer than ``low``
requests. Requests from ``start()`` come after every other request of the same priority, so a
post's comment pages and feed are fetched before the next post is started.

Posts are handed over newest-found first, the order Scrapy's LIFO queue gave them.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, NamedTuple

from scrapy import Request, signals
from scrapy.crawler import Crawler

# How long start() sleeps when nothing wakes it, before it looks whether the crawl has gone quiet.
BACKSTOP_SECONDS = 0.5


def seen_key(text: str) -> bytes:
    """What the spider keeps, for the whole run, of a URL it has seen: 16 bytes (a 49-byte object)
    instead of the URL's string (about 130), the same answer to "seen before?"."""
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Found(NamedTuple):
    """One post page discovery found: its live URL, the sitemap's lastmod, the page that listed
    it (its ``Referer``), and whether the sitemaps no longer list it (a known post rechecked)."""

    live: str
    lastmod: str | None
    found_on: str | None
    unlisted: bool


class Discovered:
    """The queue between discovery and Scrapy's scheduler. ``open`` while discovery runs: found
    posts wait here; once it is closed (every sitemap read) and empty, ``start()`` ends."""

    def __init__(self, low: int = 32) -> None:
        self.crawler: Crawler | None = None
        self.low = low
        self.found: list[Found] = []
        self.open = False  # set by the spider when it starts discovery from robots.txt
        self._wake = asyncio.Event()

    def attach(self, crawler: Crawler) -> None:
        """Watch the crawl: each request the scheduler gives the downloader makes room."""
        self.crawler = crawler
        crawler.signals.connect(self.wake, signal=signals.request_reached_downloader)

    def add(self, found: Found) -> None:
        self.found.append(found)
        self.wake()

    def close(self) -> None:
        """Discovery is over: what is queued is all there will be."""
        self.open = False
        self.wake()

    def wake(self, *args: Any, **kwargs: Any) -> None:
        self._wake.set()

    async def release(self, build: Callable[[Found], Request | None],
                      more: Iterator[Found] | None = None) -> AsyncIterator[Request]:
        """Requests for the queued posts, then for those ``more`` gives (made only as they are
        handed over), as the scheduler has room for them; ends when discovery is closed and
        nothing is left, or when the crawl has gone quiet (no request anywhere, no callback
        running) with nothing left: then nothing can find another post."""
        while True:
            while self._room():
                found = self.found.pop() if self.found else next(more, None) if more is not None else None
                if found is None:
                    more = None
                    break
                request = build(found)
                if request is not None:
                    yield request
            if not self.found and more is None and (not self.open or self._quiet()):
                self.open = False
                return
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), BACKSTOP_SECONDS)
            except TimeoutError:
                pass

    def _room(self) -> bool:
        scheduler = self._engine_part("scheduler")
        if scheduler is None:
            return True
        try:
            return len(scheduler) < self.low
        except TypeError:  # a scheduler without a length: hand over when it has nothing pending
            return not scheduler.has_pending_requests()

    def _quiet(self) -> bool:
        """Nothing in the scheduler, the downloader or the spider's callbacks."""
        engine = getattr(self.crawler, "engine", None)
        scheduler = self._engine_part("scheduler")
        if engine is None or scheduler is None:
            return True
        slot = getattr(engine.scraper, "slot", None)
        return not scheduler.has_pending_requests() and not engine.downloader.active and \
            (slot is None or slot.is_idle())

    def _engine_part(self, name: str) -> Any:
        engine = getattr(self.crawler, "engine", None)
        return getattr(engine, name, None) if engine is not None else None

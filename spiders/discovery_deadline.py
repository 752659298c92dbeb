"""A dead site fails fast: robots.txt and the first sitemaps get a short timeout and one retry.

Before any page has answered, a site that accepts connections and never replies would otherwise
hold the crawl for ``DOWNLOAD_TIMEOUT`` × (``RETRY_TIMES`` + 1), twice over (Scrapy's robots.txt
middleware and the spider each fetch robots.txt): three silent minutes with the defaults. This
downloader middleware gives those first requests ``ARCHIVE_DISCOVERY_TIMEOUT`` seconds per try and
``ARCHIVE_DISCOVERY_RETRIES`` retries, and stamps when the waiting started so the spider can say
``no answer from URL after N s`` and the progress line can say what it is waiting for.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from scrapy.utils.httpobj import urlparse_cached

WAITING_SINCE = "archive_waiting_since"  # request meta: time.time() of the first try


class DiscoveryDeadline:
    path = "spiders.discovery_deadline.DiscoveryDeadline"

    def __init__(self, timeout: float, retries: int) -> None:
        self.timeout = timeout
        self.retries = retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiscoveryDeadline:
        settings = crawler.settings
        if settings.getbool("ARCHIVE_REPLAY"):  # stored captures answer at once
            raise NotConfigured
        return cls(settings.getfloat("ARCHIVE_DISCOVERY_TIMEOUT"), settings.getint("ARCHIVE_DISCOVERY_RETRIES"))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if request.meta.get("discovery") or urlparse_cached(request).path == "/robots.txt":
            request.meta.setdefault("download_timeout", self.timeout)
            request.meta.setdefault("max_retry_times", self.retries)
            request.meta.setdefault(WAITING_SINCE, time.time())  # a retry is a copy: it keeps the first try's
        return None


def no_answer(request: Request, failure: Any) -> str | None:
    """``no answer from URL after N s`` when a discovery request timed out, else None."""
    from twisted.internet.error import TimeoutError as TwistedTimeout

    timeouts: list[type] = [TwistedTimeout, TimeoutError]
    try:
        from scrapy.exceptions import DownloadTimeoutError  # Scrapy >= 2.13

        timeouts.append(DownloadTimeoutError)
    except ImportError:
        pass
    if not failure.check(*timeouts):
        return None
    since = request.meta.get(WAITING_SINCE)
    waited = round(time.time() - since) if since else request.meta.get("download_timeout", 0)
    return f"no answer from {request.url} after {waited:.0f} s"

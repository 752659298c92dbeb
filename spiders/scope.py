"""Redirects stay on the site: a downloader middleware between the server and Scrapy's
RedirectMiddleware.

A redirect is followed only within the site's own origins (the live origin and the crawl's base
URL, either scheme, with or without ``www.``). A redirect to the live origin during a mirror crawl
is moved to the mirror, never fetched live. A redirect anywhere else is a ``scope`` failure naming
its target; a loop, or a chain longer than ``REDIRECT_MAX_TIMES``, is a ``redirect`` failure.
(Scrapy would follow the first to any host, and drop the others without a word: the dupe filter
swallows a loop, "max redirections reached" is an ignored request.)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from w3lib.url import safe_url_string

from spiders.refusals import OutOfScope, RedirectTrap
from spiders.urls import OriginMap, strip_fragment

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectScope:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_times = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectScope:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        """Runs before RedirectMiddleware sees the 3xx: refuse it, or point it at the mirror."""
        location = response.headers.get(b"Location")
        origins = getattr(self.crawler.spider, "origins", None)
        if response.status not in REDIRECT_STATUSES or not location or origins is None:
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1")))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if not origins.is_internal(target):
            raise OutOfScope(f"{chain[0]} redirected off the site to {target}")
        fetch = strip_fragment(_on_mirror(origins, target))
        if fetch in chain:
            raise RedirectTrap(f"redirect loop: {' -> '.join(chain + [fetch])}")
        if len(chain) > self.max_times:
            raise RedirectTrap(f"more than {self.max_times} redirects (REDIRECT_MAX_TIMES) from {chain[0]}")
        if fetch != strip_fragment(target):
            headers = response.headers.copy()
            headers[b"Location"] = fetch.encode("latin-1")
            return response.replace(headers=headers)
        return response

    def process_request(self, request: Request, spider: Any = None) -> Request | None:
        """A redirect that did not come as a 3xx (``<meta http-equiv=refresh>``) is checked when
        its request is about to be sent."""
        chain = request.meta.get("redirect_urls")
        origins = getattr(self.crawler.spider, "origins", None)
        if not chain or origins is None:
            return None
        if not origins.is_internal(request.url):
            raise OutOfScope(f"{chain[0]} redirected off the site to {request.url}")
        fetch = _on_mirror(origins, request.url)
        if fetch != request.url:
            return request.replace(url=fetch, dont_filter=True)
        return None


def _on_mirror(origins: OriginMap, url: str) -> str:
    """Where a redirect target is fetched: on a mirror crawl, a live-origin URL moves to the
    mirror; on a live crawl it stays as the site sent it (a site moving from ``www.`` to its bare
    host, or to https, must not be "mapped" back into a loop)."""
    return url if origins.base == origins.origin else origins.to_fetch(url)

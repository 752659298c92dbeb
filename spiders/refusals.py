"""Requests the crawl refuses to send or to finish, each with the ``failures.kind`` it records.

Middlewares raise these; the request's errback receives them like any download error, so the
spider's own bookkeeping (a sitemap no longer pending, a comment page no longer awaited) runs
exactly as for a network failure, and the failure row says why the page was not archived.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

# Scrapy's own words when a body is over DOWNLOAD_MAXSIZE: the download handler cancels with
# "larger than download max size"; HttpCompressionMiddleware ignores a body that decompresses past it.
_TOO_LARGE_MARKERS = ("download max size", "DOWNLOAD_MAXSIZE")


class Refused(Exception):
    """A page deliberately not archived; ``kind`` goes to ``failures.kind``."""

    kind = "refused"


class OutOfScope(Refused):
    """A redirect leading off the site's own origins."""

    kind = "scope"


class RedirectTrap(Refused):
    """A redirect loop, or a chain longer than ``REDIRECT_MAX_TIMES``."""

    kind = "redirect"


class UrlTooLong(Refused):
    """A URL longer than ``URLLENGTH_LIMIT``: servers and proxies refuse them, Scrapy drops them."""

    kind = "too_long"


class LimitReached(Refused):
    """A crawl limit (``ARCHIVE_MAX_RUNTIME``) stops further requests. Only the first refusal
    records a row (``first``): the rest are the same limit, not new failures."""

    kind = "limit"

    def __init__(self, message: str, first: bool) -> None:
        super().__init__(message)
        self.first = first


def failure_kind(error: BaseException) -> str | None:
    """The ``failures.kind`` for a request that errored: ``network`` for download trouble, the
    refusal's own kind, ``too_large`` for a body over the size limit, or None for a request
    skipped on purpose (unchanged since the last crawl, disallowed by robots.txt)."""
    if isinstance(error, Refused):
        return error.kind
    if any(marker in str(error) for marker in _TOO_LARGE_MARKERS):
        return "too_large"
    if isinstance(error, IgnoreRequest):
        return None
    return "network"


def failed_request(failure: Any) -> Request:
    """The request an errback's failure is about: Scrapy sets ``failure.request``, which
    Twisted's ``Failure`` type does not declare."""
    request: Request = failure.request
    return request

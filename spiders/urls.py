"""Map between a site's live origin and the base URL we actually crawl (a mirror), and decide
which links are worth following.

Saved WordPress pages link absolutely to the live origin; a crawl of a mirror follows them on the
mirror and stores the live URL, so the archive's URLs are the same whatever was crawled.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Links that are never posts (field guide §7): reply/share actions, feeds, forms, admin, REST.
_NEVER_FOLLOW = re.compile(
    r"[?&](replytocom|share|like_comment|unapproved|moderation-hash)="
    r"|/wp-comments-post\.php|/wp-admin/|/wp-login\.php|/wp-json/|/xmlrpc\.php"
    r"|/feed/?$|/trackback/?$|addtoany\.com|#respond$",
    re.IGNORECASE,
)
_COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?|[?&]cpage=(\d+)")


class OriginMap:
    """Two-way mapping between the live origin and the crawl's base URL."""

    def __init__(self, origin: str, base_url: str | None = None) -> None:
        self.origin = origin.rstrip("/")
        self.base = (base_url or origin).rstrip("/")
        self._origin_host = _host(self.origin)
        self._base_host = _host(self.base)
        self._to_fetch = _Swap(self.origin, self.base)
        self._to_live = _Swap(self.base, self.origin)

    def to_fetch(self, url: str) -> str:
        """A live (or relative-resolved) URL as it must be fetched in this crawl."""
        return self._to_fetch(url)

    def to_live(self, url: str) -> str:
        """A fetched URL as the canonical live URL we store."""
        return self._to_live(url)

    def is_internal(self, url: str) -> bool:
        host = _host(url)
        return host in (self._origin_host, self._base_host)


class _Swap:
    """Move a URL from one site root to another. Called for every comment permalink, so the two
    roots are split once here and each URL once per call."""

    def __init__(self, src: str, dst: str) -> None:
        self.src_host = _host(src)
        self.src_path = urlsplit(src).path.rstrip("/")
        self.dst = urlsplit(dst)

    def __call__(self, url: str) -> str:
        parts = urlsplit(url)
        if _netloc_host(parts.netloc) != self.src_host:
            return url
        path = parts.path
        if self.src_path and path.startswith(self.src_path):
            path = path[len(self.src_path):] or "/"
        path = self.dst.path.rstrip("/") + path
        return urlunsplit((self.dst.scheme, self.dst.netloc, path, parts.query, parts.fragment))


def _host(url: str) -> str:
    return _netloc_host(urlsplit(url).netloc)


def _netloc_host(netloc: str) -> str:
    netloc = netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


def followable(url: str) -> bool:
    """Whether a link could lead to a post (not an action, feed, form or admin URL)."""
    return url.startswith(("http://", "https://")) and not _NEVER_FOLLOW.search(url)


def strip_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def comment_page_number(url: str) -> int | None:
    """The comment page a URL addresses (``/comment-page-3/`` or ``?cpage=3``), if any."""
    m = _COMMENT_PAGE.search(url)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def post_url_of(url: str) -> str:
    """The post's own permalink for a comment-page URL."""
    url = strip_fragment(url)
    url = re.sub(r"comment-page-\d+/?$", "", url)
    url = re.sub(r"[?&]cpage=\d+$", "", url)
    return url


_PRIVATE_PARAMS = {"unapproved", "moderation-hash", "replytocom"}


def without_private_params(url: str) -> str:
    """Drop the query parameters WordPress adds for one visitor (a moderation preview link)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _PRIVATE_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))

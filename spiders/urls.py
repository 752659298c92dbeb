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

    def to_fetch(self, url: str) -> str:
        """A live (or relative-resolved) URL as it must be fetched in this crawl."""
        return self._swap(url, self.origin, self._origin_host, self.base)

    def to_live(self, url: str) -> str:
        """A fetched URL as the canonical live URL we store."""
        return self._swap(url, self.base, self._base_host, self.origin)

    def is_internal(self, url: str) -> bool:
        host = _host(url)
        return host in (self._origin_host, self._base_host)

    @staticmethod
    def _swap(url: str, src: str, src_host: str, dst: str) -> str:
        parts = urlsplit(url)
        if _host(url) != src_host:
            return url
        d = urlsplit(dst)
        src_path = urlsplit(src).path.rstrip("/")
        path = parts.path
        if src_path and path.startswith(src_path):
            path = path[len(src_path):] or "/"
        path = d.path.rstrip("/") + path
        return urlunsplit((d.scheme, d.netloc, path, parts.query, parts.fragment))


def _host(url: str) -> str:
    netloc = urlsplit(url).netloc.lower()
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

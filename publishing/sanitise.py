"""Make archived HTML safe to show: nh3 (ammonia) with an allow-list, never regexes.

Archived bodies come from other people's websites, so anything that could run script, track the
reader or fetch from the live site (images, iframes, styles) is removed before display.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"}, "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def clean_html(html: str | None, base_url: str | None = None) -> str:
    """Sanitised HTML: allow-listed tags only; links resolved against ``base_url`` and made inert
    unless http(s)/mailto; script and style removed with their content; images dropped."""
    if not html:
        return ""
    return _cleaner(safe_url(base_url)).clean(html)


@lru_cache(maxsize=256)
def _cleaner(base_url: str | None) -> nh3.Cleaner:
    """The allow-list converted once per base URL (``nh3.clean`` converts it on every call, which
    costs more than cleaning a typical comment); a post page cleans its body, versions and every
    comment against the same base, so one page builds at most one cleaner."""
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "noscript", "template", "iframe", "object"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
    )

def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (for author links and the like)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        return url.strip()
    return None

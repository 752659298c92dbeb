"""Which URL a post is stored under: one canonical live URL, whatever address led to it.

A sitemap may name a post by an old slug that 301s, by its bare host over http, without its
trailing slash; an AMP-like copy may serve the same post elsewhere. The post is the page the
redirects land on, and when that page names itself with ``rel=canonical`` on the same site, the
address it names. URLs are mapped back from a mirror (``OriginMap``) like every stored URL.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from spiders.urls import OriginMap, followable, post_url_of, strip_fragment


def canonical_post_url(origins: OriginMap, landed: str, canonical: str | None) -> str:
    """The live URL to store a post under: its same-site ``rel=canonical`` (a comment page's
    canonical points back at the post), else the URL the fetch landed on after redirects."""
    landed_live = live_form(origins, landed)
    if not canonical:
        return landed_live
    named = strip_fragment(urljoin(landed, canonical.strip()))
    if not (origins.is_internal(named) and followable(named)):
        return landed_live  # another site's address (syndication) or not a page: not ours to use
    return post_url_of(live_form(origins, origins.to_fetch(named)))


def live_form(origins: OriginMap, url: str) -> str:
    """A fetched or variant URL as the live origin spells it: mirror mapped back, and the site's
    own scheme and host (``http://site.org`` and ``https://www.site.org`` are one site)."""
    live = origins.to_live(url)
    parts, origin = urlsplit(live), urlsplit(origins.origin)
    if origins.is_internal(live) and (parts.scheme, parts.netloc.lower()) != (origin.scheme, origin.netloc):
        live = urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, parts.fragment))
    return live


def url_key(url: str) -> str:
    """One key for the spellings of a URL a sitemap may mix: scheme, ``www.``, host case,
    trailing slash and fragment do not make another page."""
    parts = urlsplit(strip_fragment(url))
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")

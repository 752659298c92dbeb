"""Read the two other places WordPress publishes a post's comments: the post's comment feed and
the REST API. Pure functions of the page or response text, like the page readers.

Formats (wordpress-develop ``wp-includes/feed-rss2-comments.php`` and
``class-wp-rest-comments-controller.php``):

* comment feed ``PERMALINK/feed/``: the newest ``posts_per_rss`` approved comments (pings too),
  each with ``guid`` ``…?p=ID#comment-N``, ``link`` ``…#comment-N``, ``dc:creator`` (the
  author's name) and ``pubDate`` in GMT (``D, d M Y H:i:s +0000``). Core ignores ``?paged`` on it,
  so one request is all it can give. Whom a comment answers is only in its text: since WordPress
  5.4 ``get_comment_text`` opens a reply's text in a comment feed with "In reply to
  <a href=PARENT_PERMALINK>NAME</a>." and a blank line (``description`` prints it through
  ``esc_html``, ``content:encoded`` through ``wpautop``). The sentence is translated, so it is
  read by its shape: one short sentence whose only link is to ``#comment-N``, then the text.
* REST ``/wp-json/wp/v2/comments?post=ID&per_page=100&page=N``: approved comments of type
  ``comment`` (no pings), newest first, with ``id``, ``parent`` (0 at top level), ``author_name``,
  ``date_gmt`` (``2019-07-13T07:05:00``: UTC with no offset) and ``link``; ``X-WP-TotalPages``
  says how many pages there are. Sites without pretty permalinks route it as
  ``/?rest_route=/wp/v2/comments``.

Core stores a commenter's name HTML-escaped (``_wp_specialchars`` on ``pre_comment_author_name``)
and both sources hand it out as stored ("Bob &amp; Co"), while the page's text reads "Bob & Co":
names are unescaped here.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree, html

from reading.records import SourceComment, TimeSource

REST_PER_PAGE = 100  # the most WordPress allows
_COMMENT_ANCHOR = re.compile(r"#comment-(\d+)$")
# "In reply to <a href="…#comment-N">Name</a>." then the comment's own text (a new paragraph).
_REPLY_PREFIX = re.compile(
    r"""^\s*(?:<p>)?[^<]{1,80}?\s<a\s[^>]*?href=["'][^"']*#comment-(\d+)["'][^>]*>[^<]*</a>\.\s*(?:</p>\s*<p|\n\s*\n)""")
_API_REL = "https://api.w.org/"
_LINK_HEADER = re.compile(r'<([^>]*)>\s*;\s*rel="?https://api\.w\.org/"?')


@dataclass
class Advertised:
    """The feeds and API root a page announces in its ``<head>``."""

    feeds: list[str] = field(default_factory=list)  # every rel=alternate RSS href, in page order
    api_root: str | None = None


def advertised_sources(root: html.HtmlElement) -> Advertised:
    """``<link rel="alternate" type="application/rss+xml">`` hrefs and the REST root
    (``<link rel="https://api.w.org/">``) from the head (core's ``feed_links_extra`` and
    ``rest_output_link_wp_head``)."""
    found = Advertised()
    head = root.find("head")
    for link in (head if head is not None else root).iter("link"):
        rel, href = (link.get("rel") or "").strip(), (link.get("href") or "").strip()
        if not href:
            continue
        if rel.lower() == "alternate" and (link.get("type") or "").lower() == "application/rss+xml":
            found.feeds.append(href)
        elif rel == _API_REL and found.api_root is None:
            found.api_root = href
    return found


def api_root_from_link_header(values: list[str]) -> str | None:
    """The REST root from ``Link: <https://site/wp-json/>; rel="https://api.w.org/"``."""
    for value in values:
        m = _LINK_HEADER.search(value)
        if m:
            return m.group(1)
    return None


def comment_feed_of(feeds: list[str], post_url: str, wp_id: int | None) -> str | None:
    """Which advertised feed is this post's comment feed: ``POST_URL/feed/`` (pretty permalinks)
    or ``?feed=rss2&p=ID``. The site's own feeds (``/feed/``, ``/comments/feed/``) are not it."""
    post = _without_slash(post_url)
    for href in feeds:
        parts = urlsplit(href)
        path = parts.path.rstrip("/")
        if path.endswith("/feed") and _without_slash(f"//{parts.netloc}{path[: -len('/feed')]}") == post:
            return href
        if wp_id is not None and "feed=" in parts.query and re.search(rf"(?:^|&)p={wp_id}(?:&|$)", parts.query):
            return href
    return None


def rest_comments_url(api_root: str, wp_id: int, page: int) -> str:
    """The REST page of one post's comments, under either routing style."""
    query = f"post={wp_id}&per_page={REST_PER_PAGE}&page={page}"
    if "rest_route=" in api_root:
        return f"{api_root.rstrip('/')}/wp/v2/comments&{query}"
    return f"{api_root.rstrip('/')}/wp/v2/comments?{query}"


def parse_comment_feed(body: bytes) -> list[SourceComment]:
    """Comments of an RSS2 comment feed; raises ValueError when the body is not one."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=False, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a comment feed: {exc}") from None
    if etree.QName(root).localname != "rss":
        raise ValueError(f"not a comment feed: <{etree.QName(root).localname}> document")
    found: list[SourceComment] = []
    for item in root.iter("item"):
        values = {etree.QName(child).localname: (child.text or "").strip() for child in item}
        wp_id = _comment_id(values.get("guid", "")) or _comment_id(values.get("link", ""))
        if wp_id is None:
            continue
        parent = _reply_to(values)
        found.append(SourceComment(
            wp_id=wp_id, source=TimeSource.FEED, author=_name(values.get("creator")),
            posted=values.get("pubDate") or None, link=values.get("link") or None,
            parent_wp_id=parent, parent_known=parent is not None,
        ))
    if any(sc.parent_known for sc in found):  # a feed that marks its replies marks them all:
        for sc in found:  # the comments it does not mark are top-level
            sc.parent_known = True
    return found


def _reply_to(values: dict[str, str]) -> int | None:
    """The parent a feed item's text names ("In reply to <a href=…#comment-N>…</a>."), from
    ``content:encoded`` or, unescaped once, ``description``."""
    for text in (values.get("encoded", ""), html_lib.unescape(values.get("description", ""))):
        m = _REPLY_PREFIX.match(text)
        if m:
            return int(m.group(1))
    return None


def parse_rest_comments(body: bytes) -> list[SourceComment]:
    """Comments of one REST page; raises ValueError for anything but a list of comments (an error
    object, a login page a firewall served instead)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a REST comments page: {exc}") from None
    if not isinstance(data, list):
        what = str(data.get("code")) if isinstance(data, dict) else type(data).__name__
        raise ValueError("not a REST comments page: " + what)
    found: list[SourceComment] = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), int):
            continue
        parent = entry.get("parent")
        date_gmt = entry.get("date_gmt")
        found.append(SourceComment(
            wp_id=entry["id"], source=TimeSource.REST, author=_name(entry.get("author_name")),
            posted=f"{date_gmt}+00:00" if isinstance(date_gmt, str) and date_gmt else None,
            link=entry.get("link") if isinstance(entry.get("link"), str) else None,
            author_url=(entry.get("author_url") or None) if isinstance(entry.get("author_url"), str) else None,
            parent_wp_id=(parent or None) if isinstance(parent, int) else None,
            parent_known=isinstance(parent, int),
        ))
    return found


def _name(value: object) -> str | None:
    name = " ".join(html_lib.unescape(value).split()) if isinstance(value, str) else ""
    return name or None


def _comment_id(url: str) -> int | None:
    m = _COMMENT_ANCHOR.search(url.strip())
    return int(m.group(1)) if m else None


def _without_slash(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc.lower().removeprefix("www.") + parts.path.rstrip("/")

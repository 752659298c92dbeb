"""Plain items the spiders yield: one ``PostItem`` per post, carrying its whole comment thread.

A post and its comments travel together so the store can write them in one transaction, give
comments their display positions across comment pages, and tell a removed comment from one that
was simply on a page that failed to load (``comments_complete``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class TimeSource(StrEnum):
    """``comments.posted_source``: where ``posted_at`` came from (metadata.yml describes each)."""

    DATETIME_ATTR = "datetime-attr"  # a machine-readable value, <time datetime>
    TITLE_ATTR = "title-attr"  # a date in the time element's title (wpDiscuz)
    TEXT = "text"  # the visible date, read in the site's time zone
    FEED = "feed"  # the post's comment feed, when the page gave no exact time
    REST = "rest"  # the WordPress REST API, likewise


class AuthorSource(StrEnum):
    """``comments.author_source``: where ``author`` and ``author_url`` came from."""

    PAGE = "page"  # the comment as the page showed it
    FEED = "feed"  # the post's comment feed, when the page showed no name
    REST = "rest"  # the WordPress REST API, likewise (with the commenter's website)


@dataclass
class CommentItem:
    """One comment, pingback or trackback as the page showed it."""

    wp_id: int
    parent_wp_id: int | None  # from nesting; None for a top-level comment
    depth: int  # 1 = top level
    position: int  # display order within the post, across comment pages, from 1
    author: str | None
    author_url: str | None
    posted_raw: str | None  # the visible date text, exactly as shown
    posted_machine: str | None = None  # a machine-readable value (``<time datetime>``) if any
    posted_title: str | None = None  # a date in the time element's ``title`` (wpDiscuz's exact time)
    posted_at: str | None = None  # UTC ``YYYY-MM-DDTHH:MM:SSZ``, set by the timestamps pipeline
    posted_source: str | None = None  # a TimeSource, or None when unparsed
    posted_ambiguous: bool = False  # local time fell in the repeated autumn hour
    author_source: str | None = None  # an AuthorSource, or None when no author is known
    body_html: str = ""
    body_text: str = ""
    kind: str = "comment"  # 'comment', 'pingback' or 'trackback'
    url: str | None = None  # canonical comment permalink
    page: int = 1  # comment page it was found on
    awaiting_moderation: bool = False
    class_depth: int | None = None  # what the theme's ``depth-N`` class says; nesting gives ``depth``
    fetched_at: str | None = None  # UTC fetch time of the comment page it was read from


@dataclass
class SourceComment:
    """A comment as a second source states it (the post's comment feed or the REST API): used to
    fill and cross-check the page's reading, never stored as a row of its own."""

    wp_id: int
    source: str  # 'feed' or 'rest'
    author: str | None
    posted: str | None  # exact, with its offset: RFC 2822 (feed) or ISO 8601 (REST)
    link: str | None = None
    parent_wp_id: int | None = None  # None at top level
    parent_known: bool = False  # REST always says whom a comment answers; a feed only from WordPress 5.4 on
    author_url: str | None = None  # the commenter's website (REST's ``author_url``; the feed has none)


@dataclass
class PostItem:
    """One WordPress post (never a page, archive or feed) with its comments."""

    site: str
    url: str  # canonical live URL
    fetched_from: str  # what was actually fetched (a mirror URL in tests)
    wp_id: int | None
    title: str | None
    author: str | None = None
    published_raw: str | None = None  # the visible date text
    published_machine: str | None = None  # a machine-readable value (<time datetime>, meta) if any
    published: str | None = None  # UTC, set from those two by the timestamps pipeline
    published_source: str | None = None
    modified_raw: str | None = None
    modified_machine: str | None = None
    modified: str | None = None  # UTC
    modified_source: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    standfirst: str | None = None
    body_html: str = ""  # raw ``.entry-content`` until the clean pipeline runs
    body_text: str = ""
    images: list[dict[str, str | None]] = field(default_factory=list)
    comment_count: int | None = None  # as the page displayed it
    comments_heading: bool = False  # the page shows a comments heading (with or without a number)
    comments: list[CommentItem] = field(default_factory=list)
    comments_complete: bool = True  # False when a comment page failed
    fetched_at: str | None = None  # UTC
    http_status: int = 200
    http_etag: str | None = None  # validators for the next crawl's conditional GET
    http_last_modified: str | None = None
    sitemap_lastmod: str | None = None  # as the sitemap gave it
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (url, kind, reason)
    second_source: list[SourceComment] = field(default_factory=list)  # the comment feed's, then REST's
    # What the page worker already cleaned (``pipelines.clean.clean_post_parts``'s answer, one entry
    # per comment): the clean pipeline applies it instead of a second worker call. Not stored.
    cleaned: Any = field(default=None, repr=False, compare=False)


@dataclass
class FailureItem:
    """Something an archivist should know went wrong: a page that failed, a post we couldn't read."""

    site: str
    url: str
    kind: str  # 'http', 'network', 'parse', 'gone' (a page not archived); 'time', 'orphan', 'content', 'markup'
    reason: str
    status: int | None = None
    at: str | None = field(default=None, compare=False)  # UTC, when it happened (the response's time)


@dataclass
class CaptureItem:
    """A fetched response, kept so the archive can prove what a page said and reprocess it offline."""

    site: str
    url: str  # canonical live URL
    fetched_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str  # UTC


@dataclass
class NotModifiedItem:
    """A post page the server said is unchanged (HTTP 304): it was seen, nothing was rewritten."""

    site: str
    url: str  # canonical live URL
    seen_at: str | None = None  # UTC time of the 304 answer


# Errors raised without a message (Scrapy's ResponseDataLossError, for one): a failure row must
# still say what happened.
_UNEXPLAINED = {
    "ResponseDataLossError": "the connection closed before the whole body arrived (shorter than its Content-Length)",
}


def error_reason(error: BaseException) -> str:
    """``Type: message`` for a failure row; for an error raised without a message, a known
    explanation or the first line of the exception's own docstring, never an empty reason."""
    name = type(error).__name__
    message = str(error).strip()
    if not message:
        doc = (type(error).__doc__ or "").strip().splitlines()
        message = _UNEXPLAINED.get(name) or (doc[0] if doc else "no detail given")
    return f"{name}: {message}"

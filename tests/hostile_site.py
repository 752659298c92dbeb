"""Hostile pages for the DDN mirror: values that overflow SQLite, copied threads, redirects to
other hosts, traps that never end, bombs, over-long URLs and threads deeper than libxml2's
default nesting limit. Written by hand from WordPress's Genesis markup (the DDN theme).

``HostileMirror`` serves the saved DDN site plus endless pages (comment pages and listing pages
that always link one further), so a crawler without limits would never stop.
"""

from __future__ import annotations

import gzip
import re
from html import escape

from mirror import CONTENT_TYPES, FILES_LAST_MODIFIED, SITES_DIR, MirrorServer, Page

ORIGIN = "https://www.drinkanddrugsnews.com"
BIG = 99999999999999999999  # > 2**63: no SQLite INTEGER holds it
ENDLESS_COMMENTS = re.compile(r"^/(endless-comments|ceiling-trap|slow-trap)/comment-page-(\d+)/$")
ENDLESS_LISTING = re.compile(r"^/page/(\d+)/$")
FIRST_ID = {"endless-comments": 600000, "ceiling-trap": 610000, "slow-trap": 620000}  # + page number


def comment(cid: int | str, text: str, *, author: str = "Reader", author_url: str | None = None,
            children: str = "", with_id: bool = True, post_path: str = "/x/") -> str:
    """One Genesis comment ``li``; ``with_id=False`` leaves only the reply link's data-commentid."""
    ident = f' id="comment-{cid}"' if with_id else ""
    name = f'<a href="{escape(author_url)}" class="comment-author-link">{author}</a>' if author_url else author
    kids = f'<ul class="children">{children}</ul>' if children else ""
    return (
        f'<li class="comment depth-1"{ident}><article>'
        f'<header class="comment-header"><p class="comment-author"><span class="comment-author-name">{name}</span>'
        f' <span class="says">says</span></p><p class="comment-meta"><time class="comment-time"'
        f' datetime="2024-01-03T10:00:00+00:00"><a class="comment-time-link" href="{ORIGIN}{post_path}#comment-{cid}">'
        f"3 January 2024 at 10:00 am</a></time></p></header>"
        f'<div class="comment-content"><p>{text}</p></div>'
        f'<div class="comment-reply"><a rel="nofollow" class="comment-reply-link"'
        f' href="{ORIGIN}{post_path}?replytocom={cid}#respond" data-commentid="{cid}">Reply</a></div>'
        f"</article>{kids}</li>"
    )


def post_page(path: str, wp_id: int | str, title: str, comments: str = "", *, heading: str | None = None,
              body: str = "<p>A plain paragraph of news.</p>", after_list: str = "") -> str:
    """A Genesis single post with its comment list; ``heading`` is the comments title as shown."""
    heading = heading if heading is not None else f"{comments.count('<li ')} Comments"
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="UTF-8">'
        f"<title>{escape(title)} - DDN</title></head>"
        f'<body class="post-template-default single single-post postid-{wp_id} single-format-standard">'
        f'<main class="content" id="genesis-content"><article class="post-{wp_id} post type-post status-publish'
        ' format-standard hentry category-news entry">'
        f'<header class="entry-header"><h1 class="entry-title">{escape(title)}</h1>'
        '<p class="entry-meta"><time class="entry-time" datetime="2024-01-02T10:00:00+00:00">2 January 2024</time>'
        ' by <span class="entry-author"><span class="entry-author-name">Ann Writer</span></span></p></header>'
        f'<div class="entry-content">{body}</div></article>'
        f'<div class="entry-comments" id="comments"><h3>{heading}</h3><ol class="comment-list">{comments}</ol>'
        f"{after_list}</div></main></body></html>"
    )


def deep_thread(depth: int, first_id: int, post_path: str) -> str:
    """One thread ``depth`` replies deep, built from the innermost reply outwards."""
    inner = ""
    for level in range(depth, 0, -1):
        inner = comment(first_id + level - 1, f"reply at depth {level}", children=inner, post_path=post_path)
    return inner


def endless_comment_page(slug: str, number: int) -> str:
    """Page N of a thread that always has a newer page."""
    path = f"/{slug}/"
    newer = f'<div class="navigation"><a class="next" href="{ORIGIN}{path}comment-page-{number + 1}/#comments">Newer Comments</a></div>'
    return post_page(path, 880000, slug, comment(FIRST_ID[slug] + number, f"comment on page {number}", post_path=path),
                     heading="Comments", after_list=newer)


def endless_listing(number: int) -> str:
    """A listing page that always links one page further, each time to a post nobody has."""
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="UTF-8"><title>DDN</title></head>'
        '<body class="home blog"><main class="content"><article class="post type-post entry">'
        f'<h2 class="entry-title"><a href="{ORIGIN}/listed-nowhere-{number}/" rel="bookmark">Post {number}</a></h2>'
        f'</article><div class="pagination"><a class="next page-numbers" href="{ORIGIN}/page/{number + 1}/">Next</a>'
        "</div></main></body></html>"
    )


def gzip_bomb(size: int) -> bytes:
    """``size`` bytes of zeros, gzip-compressed to a few kilobytes."""
    return gzip.compress(b"\0" * size, compresslevel=9)


class HostileMirror(MirrorServer):
    """The DDN mirror plus pages generated on demand: endless comment pages and listing pages."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(SITES_DIR / "ddn", host=host)
        self.endless_listing = False

    def lookup(self, key: str, query: str | None = None) -> Page | str | tuple[str, int] | None:
        m = ENDLESS_LISTING.match(key)
        if m and self.endless_listing:
            return Page(endless_listing(int(m.group(1))).encode(), CONTENT_TYPES[".html"], FILES_LAST_MODIFIED)
        m = ENDLESS_COMMENTS.match(key)
        if m:
            return Page(endless_comment_page(m.group(1), int(m.group(2))).encode(), CONTENT_TYPES[".html"],
                        FILES_LAST_MODIFIED)
        return super().lookup(key, query)

"""The comment feed's "In reply to" cross-checks the page's nesting (issue 9 §3).

Since WordPress 5.4 ``get_comment_text`` opens a reply's text in a comment feed with "In reply to
<a href=PARENT_PERMALINK>PARENT_NAME</a>." and a blank line; ``feed-rss2-comments.php`` prints that
text through ``esc_html`` in ``description`` and through ``wpautop`` in ``content:encoded``. It is the
feed's only statement of whom a comment answers. Unit tests of the feed reader, then one crawl of
a private DDN mirror with two posts: one whose feed disagrees with the page's nesting, one whose
feed agrees.
"""

from __future__ import annotations

from html import escape

import pytest

from comment_feeds import feed_envelope
from crawling import crawl, rows
from reading.sources import parse_comment_feed

ORIGIN = "https://www.drinkanddrugsnews.com"
DISAGREES = f"{ORIGIN}/nesting-disagrees/"
AGREES = f"{ORIGIN}/nesting-agrees/"


def feed_item(post_url: str, wp_id: int, cid: int, author: str, pub: str, text: str,
              parent: tuple[int, str] | None = None) -> str:
    """One item as feed-rss2-comments.php prints it on WordPress 5.4 and later."""
    raw = text
    if parent is not None:
        raw = f'In reply to <a href="{post_url}#comment-{parent[0]}">{escape(parent[1])}</a>.\n\n{text}'
    autop = "".join(f"<p>{para}</p>\n" for para in raw.split("\n\n"))
    return f"""
	<item>
		<title>By: {escape(author)}</title>
		<link>{post_url}#comment-{cid}</link>
		<dc:creator><![CDATA[{author}]]></dc:creator>
		<pubDate>{pub}</pubDate>
		<guid isPermaLink="false">{ORIGIN}/?p={wp_id}#comment-{cid}</guid>
		<description><![CDATA[{escape(raw)}]]></description>
		<content:encoded><![CDATA[{autop}]]></content:encoded>
	</item>"""


def feed(post_url: str, title: str, items: list[str]) -> str:
    return feed_envelope(title, post_url, "".join(items), update_period=False)


def parents(body: str) -> dict[int, tuple[int | None, bool]]:
    return {sc.wp_id: (sc.parent_wp_id, sc.parent_known) for sc in parse_comment_feed(body.encode("utf-8"))}


# -- the feed reader ---------------------------------------------------------------------------------


def test_a_reply_names_its_parent_and_the_others_are_top_level() -> None:
    body = feed(AGREES, "T", [
        feed_item(AGREES, 9, 3, "Carol", "Fri, 10 Jan 2020 14:00:00 +0000", "Me too.", parent=(1, "Alice & Co")),
        feed_item(AGREES, 9, 2, "Bob", "Fri, 10 Jan 2020 13:00:00 +0000", "A thread of its own."),
    ])
    assert parents(body) == {3: (1, True), 2: (None, True)}


def test_the_escaped_description_is_read_when_there_is_no_content_encoded() -> None:
    item = feed_item(AGREES, 9, 3, "Carol", "Fri, 10 Jan 2020 14:00:00 +0000", "Me too.", parent=(1, "Alice"))
    item = item[:item.index("\t\t<content:encoded>")] + "\t</item>"
    assert parents(feed(AGREES, "T", [item])) == {3: (1, True)}


def test_a_feed_without_any_reply_prefix_states_no_parent() -> None:
    """Before WordPress 5.4 (or with the filter removed) the feed says nothing about nesting: a
    comment without the prefix is not taken for a top-level one."""
    body = feed(AGREES, "T", [feed_item(AGREES, 9, 2, "Bob", "Fri, 10 Jan 2020 13:00:00 +0000", "Hello.")])
    assert parents(body) == {2: (None, False)}


def test_a_commenters_own_leading_link_is_not_a_parent() -> None:
    """A comment that itself opens with a link to another comment ("@Alice …") is prose."""
    text = f'<a href="{AGREES}#comment-1">@Alice</a> I agree with every word of that, and more.'
    body = feed(AGREES, "T", [feed_item(AGREES, 9, 2, "Bob", "Fri, 10 Jan 2020 13:00:00 +0000", text)])
    assert parents(body) == {2: (None, False)}


# -- a crawl: page and feed disagree, page and feed agree ----------------------------------------------


def comment_li(post_url: str, cid: int, author: str, iso: str, shown: str, text: str, depth: int,
               children: str = "") -> str:
    kids = f'<ol class="children">{children}</ol>' if children else ""
    return f"""<li id="comment-{cid}" class="comment depth-{depth}">
<article id="div-comment-{cid}" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{author}</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="{post_url}#comment-{cid}"><time datetime="{iso}">{shown}</time></a></div></footer>
<div class="comment-content"><p>{text}</p></div>
</article>{kids}</li>"""


def post_page(post_url: str, wp_id: int, title: str, comments_html: str, count: int) -> str:
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="UTF-8" /><title>{escape(title)} &#8211; DDN Magazine</title>
<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; {escape(title)} Comments Feed" href="{post_url}feed/" />
<link rel="canonical" href="{post_url}" />
<meta property="og:type" content="article" />
<meta property="article:published_time" content="2019-07-05T07:00:00+00:00" />
</head>
<body class="post-template-default single single-post postid-{wp_id} single-format-standard">
<article id="post-{wp_id}" class="post-{wp_id} post type-post status-publish format-standard hentry category-news entry">
<header class="entry-header"><h1 class="entry-title">{escape(title)}</h1></header>
<div class="entry-content"><p>The body of {escape(title)}, long enough to be an article body for the reader.</p></div>
</article>
<div id="comments" class="comments-area"><h2 class="comments-title">{count} comments on &ldquo;{escape(title)}&rdquo;</h2>
<ol class="comment-list">
{comments_html}
</ol></div>
</body></html>
"""


def thread(post_url: str, base: int) -> str:
    """base+1 (Alice) answered by base+2 (Bob); base+3 (Carol) answered by base+4 (Dan)."""
    c = lambda cid, who, day, text, depth, kids="": comment_li(  # noqa: E731
        post_url, base + cid, who, f"2019-07-0{day}T10:31:00+01:00", f"{day} July 2019 at 10:31 am", text, depth, kids)
    return (c(1, "Alice", 5, "First.", 1, c(2, "Bob", 6, "Answering Alice.", 2))
            + c(3, "Carol", 7, "Second thread.", 1, c(4, "Dan", 8, "Answering Carol.", 2)))


def pub(day: int) -> str:
    return f"{['Fri', 'Sat', 'Sun', 'Mon'][day - 5]}, 0{day} Jul 2019 09:31:00 +0000"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    from conftest import _mirror

    server = _mirror("ddn").start()
    try:
        server.set_page(DISAGREES, post_page(DISAGREES, 8101, "Nesting disagrees", thread(DISAGREES, 8100), 4))
        server.set_page(f"{DISAGREES}feed/", feed(DISAGREES, "Nesting disagrees", [
            # the page nests 8104 under 8103 (Carol): the feed says it answers Alice
            feed_item(DISAGREES, 8101, 8104, "Dan", pub(8), "Answering Carol.", parent=(8101, "Alice")),
            feed_item(DISAGREES, 8101, 8103, "Carol", pub(7), "Second thread."),
            # the page nests 8102 under 8101: the feed prints no "In reply to", so a top-level comment
            feed_item(DISAGREES, 8101, 8102, "Bob", pub(6), "Answering Alice."),
            feed_item(DISAGREES, 8101, 8101, "Alice", pub(5), "First."),
        ]), "application/rss+xml; charset=UTF-8")
        server.set_page(AGREES, post_page(AGREES, 8201, "Nesting agrees", thread(AGREES, 8200), 4))
        server.set_page(f"{AGREES}feed/", feed(AGREES, "Nesting agrees", [
            feed_item(AGREES, 8201, 8204, "Dan", pub(8), "Answering Carol.", parent=(8203, "Carol")),
            feed_item(AGREES, 8201, 8203, "Carol", pub(7), "Second thread."),
            feed_item(AGREES, 8201, 8202, "Bob", pub(6), "Answering Alice.", parent=(8201, "Alice")),
            feed_item(AGREES, 8201, 8201, "Alice", pub(5), "First."),
        ]), "application/rss+xml; charset=UTF-8")
        server.set_page("/wp-sitemap-posts-post-1.xml", "".join([
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *(f"<url><loc>{u}</loc></url>" for u in (DISAGREES, AGREES)), "</urlset>"]))
        db = tmp_path_factory.mktemp("feed-parents") / "archive.db"
        yield db, crawl("ddn", server.base_url, db), server
    finally:
        server.stop()


def test_a_feed_parent_that_disagrees_with_the_page_is_a_markup_failure(crawled) -> None:
    db, result, _ = crawled
    assert result.returncode == 3, result.stdout + result.stderr
    failures = rows(db, "select url, kind, reason from failures where url like ? order by url", (f"{DISAGREES}%",))
    assert failures == [
        {"url": f"{DISAGREES}#comment-8102", "kind": "markup", "reason": "comment 8102: the page nests it under "
         "comment 8101 but the comment feed says it answers no comment (top level)"},
        {"url": f"{DISAGREES}#comment-8104", "kind": "markup", "reason": "comment 8104: the page nests it under "
         "comment 8103 but the comment feed says it answers comment 8101"},
    ]
    # The page's nesting is kept.
    stored = rows(db, "select wp_id, parent_wp_id from comments where post_id = 'ddn:post:8101' order by position")
    assert stored == [{"wp_id": 8101, "parent_wp_id": None}, {"wp_id": 8102, "parent_wp_id": 8101},
                      {"wp_id": 8103, "parent_wp_id": None}, {"wp_id": 8104, "parent_wp_id": 8103}]


def test_a_feed_that_agrees_with_the_page_raises_nothing(crawled) -> None:
    db, _, server = crawled
    assert rows(db, "select url, reason from failures where url like ?", (f"{AGREES}%",)) == []
    assert ("GET", "/nesting-agrees/feed/", 200) in [(m, p, s) for m, p, s in server.requests]
    assert [r["parent_wp_id"] for r in rows(db, "select parent_wp_id from comments where post_id = 'ddn:post:8201' "
                                                 "order by position")] == [None, 8201, None, 8203]

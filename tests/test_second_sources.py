"""Second sources (issue 9 §3): the post's comment feed and the REST API fill what the page left
unread and cross-check the rest; a site offering neither is crawled as before.

Three posts added to a private DDN mirror, in the shapes WordPress core prints them
(``feed-rss2-comments.php``, the REST comments controller):

* ``relative``: a theme showing "7 years ago" and no author names. Its comment feed
  (``posts_per_rss`` = 2) covers the two newest comments; the oldest stays unread, so one REST
  page is asked and fills it.
* ``disagrees``: html5 walker with ``<time datetime>`` and names; its feed gives another time for
  one comment and another author for another: a ``time`` and a ``markup`` failure, page values kept.
* ``plain``: advertises neither a comment feed nor the API: no extra request at all.
* ``offsite``: its feed redirects to another host: refused by the crawl's scope and recorded
  as a ``scope`` failure, like any request; its comments stored as the page shows them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from html import escape

import pytest

from comment_feeds import feed_envelope
from crawling import ROOT, crawl, rows

ORIGIN = "https://www.drinkanddrugsnews.com"
SITE = "ddn"
REST = "/wp-json/wp/v2/comments"


def post_page(slug: str, wp_id: int, title: str, comments_html: str, count: int, *, advertise: bool) -> str:
    url = f"{ORIGIN}/{slug}/"
    extra = (f'<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; Feed" href="{ORIGIN}/feed/" />\n'
             f'<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; Comments Feed" href="{ORIGIN}/comments/feed/" />\n'
             f'<link rel="alternate" type="application/rss+xml" title="DDN Magazine &raquo; {escape(title)} Comments Feed" href="{url}feed/" />\n'
             f'<link rel="https://api.w.org/" href="{ORIGIN}/wp-json/" />\n') if advertise else ""
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="UTF-8" /><title>{escape(title)} &#8211; DDN Magazine</title>
{extra}<link rel="canonical" href="{url}" />
<meta property="og:type" content="article" />
<meta property="article:published_time" content="2019-07-05T07:00:00+00:00" />
</head>
<body class="post-template-default single single-post postid-{wp_id} single-format-standard">
<article id="post-{wp_id}" class="post-{wp_id} post type-post status-publish format-standard hentry category-news entry">
<header class="entry-header"><h1 class="entry-title">{escape(title)}</h1></header>
<div class="entry-content"><p>The body of {escape(title)}, long enough to be an article body for the reader.</p></div>
<footer class="entry-footer"><span class="byline">By <a href="{ORIGIN}/author/claire-brown/" rel="author">Claire Brown</a></span></footer>
</article>
<div id="comments" class="comments-area default-max-width show-avatars">
<h2 class="comments-title">{count} comments on &ldquo;{escape(title)}&rdquo;</h2>
<ol class="comment-list">
{comments_html}
</ol>
</div>
</body></html>
"""


def relative_comment(wp_id: int, url: str, shown: str, text: str, depth: int, children: str = "") -> str:
    """A theme that prints when, never who: no author block, a relative date."""
    kids = f'<ol class="children">{children}</ol>' if children else ""
    return f"""<li id="comment-{wp_id}" class="comment depth-{depth}">
<article id="div-comment-{wp_id}" class="comment-body">
<footer class="comment-meta"><div class="comment-metadata"><a href="{url}#comment-{wp_id}">{shown}</a></div></footer>
<div class="comment-content"><p>{text}</p></div>
</article>{kids}</li>"""


def html5_comment(wp_id: int, url: str, author: str, iso: str, shown: str, text: str, depth: int) -> str:
    return f"""<li id="comment-{wp_id}" class="comment depth-{depth}">
<article id="div-comment-{wp_id}" class="comment-body">
<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">{author}</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="{url}#comment-{wp_id}"><time datetime="{iso}">{shown}</time></a></div></footer>
<div class="comment-content"><p>{text}</p></div>
</article></li>"""


def comment_feed(title: str, url: str, wp_id: int, items: list[tuple[int, str, str, str]]) -> str:
    """RSS2 comment feed as core prints it; items (id, author, pubDate, text), newest first."""
    entries = "".join(f"""
	<item>
		<title>By: {escape(author)}</title>
		<link>{url}#comment-{cid}</link>
		<dc:creator><![CDATA[{author}]]></dc:creator>
		<pubDate>{pub}</pubDate>
		<guid isPermaLink="false">{ORIGIN}/?p={wp_id}#comment-{cid}</guid>
		<description><![CDATA[{text}]]></description>
		<content:encoded><![CDATA[<p>{text}</p>
]]></content:encoded>
	</item>""" for cid, author, pub, text in items)
    return feed_envelope(title, url, entries)


def rest_comment(cid: int, post: int, parent: int, author: str, date_gmt: str, local: str, text: str, url: str,
                 website: str = "") -> dict:
    return {"id": cid, "post": post, "parent": parent, "author": 0, "author_name": author, "author_url": website,
            "date": local, "date_gmt": date_gmt, "content": {"rendered": f"<p>{text}</p>\n"},
            "link": f"{url}#comment-{cid}", "status": "approved", "type": "comment",
            "author_avatar_urls": {"24": "https://secure.gravatar.com/avatar/x?s=24"}}


RELATIVE = f"{ORIGIN}/relative-times-and-no-names/"
DISAGREES = f"{ORIGIN}/sources-disagree/"
PLAIN = f"{ORIGIN}/neither-feed-nor-api/"
OFFSITE = f"{ORIGIN}/feed-moved-away/"


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    from conftest import _mirror
    from mirror import SITES_DIR, MirrorServer

    server = _mirror("ddn").start()
    elsewhere = MirrorServer(SITES_DIR / "ddn", host="127.0.0.2").start()
    try:
        thread = relative_comment(601, RELATIVE, "7 years ago", "The oldest comment.", 1,
                                  relative_comment(602, RELATIVE, "7 years ago", "A reply to it.", 2)) + \
            relative_comment(603, RELATIVE, "6 years ago", "The newest comment.", 1)
        server.set_page(RELATIVE, post_page("relative-times-and-no-names", 7001, "Relative times and no names", thread, 3,
                                            advertise=True))
        server.set_page(f"{RELATIVE}feed/", comment_feed("Relative times and no names", RELATIVE, 7001, [
            (603, "Carol", "Fri, 10 Jan 2020 14:00:00 +0000", "The newest comment."),
            (602, "Bob &amp; Co", "Fri, 05 Jul 2019 10:02:30 +0000", "A reply to it."),
        ]), "application/rss+xml; charset=UTF-8")
        server.set_page(f"{REST}?post=7001&per_page=100&page=1", json.dumps([
            rest_comment(603, 7001, 0, "Carol", "2020-01-10T14:00:00", "2020-01-10T14:00:00", "The newest comment.", RELATIVE),
            rest_comment(602, 7001, 601, "Bob &amp; Co", "2019-07-05T10:02:30", "2019-07-05T11:02:30", "A reply to it.", RELATIVE),
            rest_comment(601, 7001, 0, "Alice", "2019-07-05T09:31:07", "2019-07-05T10:31:07", "The oldest comment.", RELATIVE,
                         website="https://alice.example.org/"),
        ]), headers={"X-WP-Total": "3", "X-WP-TotalPages": "1"})

        agreeing = html5_comment(701, DISAGREES, "Dana", "2019-07-05T10:31:00+01:00", "5 July 2019 at 10:31 am", "Agreed.", 1)
        late = html5_comment(702, DISAGREES, "Eve", "2019-07-06T10:31:00+01:00", "6 July 2019 at 10:31 am", "Late.", 1)
        renamed = html5_comment(703, DISAGREES, "Frank", "2019-07-07T09:00:00+01:00", "7 July 2019 at 9:00 am", "Renamed.", 1)
        server.set_page(DISAGREES, post_page("sources-disagree", 7002, "Sources disagree", agreeing + late + renamed, 3,
                                             advertise=True))
        server.set_page(f"{DISAGREES}feed/", comment_feed("Sources disagree", DISAGREES, 7002, [
            (703, "Francesca", "Sun, 07 Jul 2019 08:00:00 +0000", "Renamed."),
            (702, "Eve", "Sun, 07 Jul 2019 09:31:00 +0000", "Late."),
            (701, "Dana", "Fri, 05 Jul 2019 09:31:00 +0000", "Agreed."),
        ]), "application/rss+xml; charset=UTF-8")

        plain = relative_comment(801, PLAIN, "3 days ago", "Nobody can tell when.", 1)
        server.set_page(PLAIN, post_page("neither-feed-nor-api", 7003, "Neither feed nor API", plain, 1, advertise=False))

        moved = html5_comment(901, OFFSITE, "Gail", "2019-07-05T10:31:00+01:00", "5 July 2019 at 10:31 am", "Hello.", 1)
        server.set_page(OFFSITE, post_page("feed-moved-away", 7004, "Feed moved away", moved, 1, advertise=True))
        server.redirect_to(f"{OFFSITE}feed/", f"{elsewhere.base_url}/feed/")

        server.set_page("/wp-sitemap-posts-post-1.xml", "".join([
            '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
            *(f"<url><loc>{u}</loc></url>" for u in (RELATIVE, DISAGREES, PLAIN, OFFSITE)), "</urlset>"]))
        db = tmp_path_factory.mktemp("second") / "archive.db"
        result = crawl(SITE, server.base_url, db)
        yield db, result, server
    finally:
        server.stop()
        elsewhere.stop()


def comments_of(db, wp_id: int) -> list[dict]:
    return rows(db, "select wp_id, parent_wp_id, depth, author, posted_raw, posted_at, posted_source, posted_ambiguous"
                    " from comments where post_id = ? order by position", (f"{SITE}:post:{wp_id}",))


def test_feed_and_rest_fill_what_the_page_left_unread(second) -> None:
    db, result, _ = second
    assert result.returncode in (0, 3), result.stdout + result.stderr  # 3 once 'markup' failures count
    assert comments_of(db, 7001) == [
        {"wp_id": 601, "parent_wp_id": None, "depth": 1, "author": "Alice", "posted_raw": "7 years ago",
         "posted_at": "2019-07-05T09:31:07Z", "posted_source": "rest", "posted_ambiguous": 0},
        {"wp_id": 602, "parent_wp_id": 601, "depth": 2, "author": "Bob & Co", "posted_raw": "7 years ago",
         "posted_at": "2019-07-05T10:02:30Z", "posted_source": "feed", "posted_ambiguous": 0},
        {"wp_id": 603, "parent_wp_id": None, "depth": 1, "author": "Carol", "posted_raw": "6 years ago",
         "posted_at": "2020-01-10T14:00:00Z", "posted_source": "feed", "posted_ambiguous": 0},
    ]


def test_filled_authors_say_where_they_came_from(second) -> None:
    """``author_source``, like ``posted_source`` for times: the page's own names say ``page``; a
    name the page lacked says which source gave it, REST's with the commenter's website."""
    db, _, _ = second
    stored = rows(db, "select wp_id, author, author_url, author_source from comments where post_id in "
                      "('ddn:post:7001', 'ddn:post:7002', 'ddn:post:7003') order by post_id, position")
    assert stored == [
        {"wp_id": 601, "author": "Alice", "author_url": "https://alice.example.org/", "author_source": "rest"},
        {"wp_id": 602, "author": "Bob & Co", "author_url": None, "author_source": "feed"},
        {"wp_id": 603, "author": "Carol", "author_url": None, "author_source": "feed"},
        {"wp_id": 701, "author": "Dana", "author_url": None, "author_source": "page"},
        {"wp_id": 702, "author": "Eve", "author_url": None, "author_source": "page"},
        {"wp_id": 703, "author": "Frank", "author_url": None, "author_source": "page"},
        {"wp_id": 801, "author": None, "author_url": None, "author_source": None},
    ]


def test_disagreements_are_failures_and_the_page_is_kept(second) -> None:
    db, _, _ = second
    assert comments_of(db, 7002) == [
        {"wp_id": 701, "parent_wp_id": None, "depth": 1, "author": "Dana", "posted_raw": "5 July 2019 at 10:31 am",
         "posted_at": "2019-07-05T09:31:00Z", "posted_source": "datetime-attr", "posted_ambiguous": 0},
        {"wp_id": 702, "parent_wp_id": None, "depth": 1, "author": "Eve", "posted_raw": "6 July 2019 at 10:31 am",
         "posted_at": "2019-07-06T09:31:00Z", "posted_source": "datetime-attr", "posted_ambiguous": 0},
        {"wp_id": 703, "parent_wp_id": None, "depth": 1, "author": "Frank", "posted_raw": "7 July 2019 at 9:00 am",
         "posted_at": "2019-07-07T08:00:00Z", "posted_source": "datetime-attr", "posted_ambiguous": 0},
    ]
    failures = rows(db, "select url, kind, reason from failures where url like ? order by kind, url", (f"{DISAGREES}%",))
    assert failures == [
        {"url": f"{DISAGREES}#comment-703", "kind": "markup",
         "reason": "comment 703: the page names its author 'Frank' but the comment feed says 'Francesca'"},
        {"url": f"{DISAGREES}#comment-702", "kind": "time",
         "reason": "comment 702: the page says '6 July 2019 at 10:31 am' (2019-07-06T09:31:00Z) "
                   "but the comment feed says 2019-07-07T09:31:00Z"},
    ]


def test_a_site_offering_neither_is_crawled_as_before(second) -> None:
    db, _, server = second
    assert [c["wp_id"] for c in comments_of(db, 7003)] == [801]
    plain = rows(db, "select author, posted_raw, posted_source from comments where wp_id = 801")[0]
    assert (plain["author"], plain["posted_raw"]) == (None, "3 days ago")
    assert plain["posted_source"] not in ("feed", "rest")
    paths = [p for _, p, _ in server.requests]
    assert not [p for p in paths if p.startswith("/neither-feed-nor-api/") and p != "/neither-feed-nor-api/"]
    assert not [p for p in paths if "post=7003" in p]


def test_few_extra_requests(second) -> None:
    """One feed per post that advertises it; REST only for the post the feed left short."""
    _, _, server = second
    log = server.requests
    feeds = sorted(p for _, p, _ in log if p.endswith("/feed/") and p != "/feed/")
    rest = sorted(p for _, p, _ in log if p.startswith(REST))
    assert feeds == ["/feed-moved-away/feed/", "/relative-times-and-no-names/feed/", "/sources-disagree/feed/"]
    assert rest == [f"{REST}?post=7001&per_page=100&page=1"]


def test_second_sources_are_captured_and_counted(second) -> None:
    db, _, server = second
    captured = {r["url"]: r["status"] for r in rows(db, "select url, status from captures")}
    assert captured[f"{RELATIVE}feed/"] == 200
    assert captured[f"{ORIGIN}{REST}?post=7001&per_page=100&page=1"] == 200
    assert captured[f"{DISAGREES}feed/"] == 200
    run = rows(db, "select pages_fetched from crawls")[0]
    # robots.txt is read twice, counted once; the off-site redirect answered for a feed is refused
    # before it reaches the spider (recorded as a scope failure instead).
    assert run["pages_fetched"] == len(server.requests) - 2


def test_reprocess_replays_the_second_sources(second, tmp_path) -> None:
    """Offline, from the captures alone: the same fills, the same failures, no request."""
    import sqlite3

    db, _, server = second
    copy = tmp_path / "archive.db"
    with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    before = server.count()
    result = subprocess.run([sys.executable, "-m", "archive", "reprocess", "--db", str(copy)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 3), result.stdout + result.stderr
    assert server.count() == before
    for wp_id in (7001, 7002, 7003):
        assert comments_of(copy, wp_id) == comments_of(db, wp_id)
    provenance = "select wp_id, author, author_url, author_source from comments order by id"
    assert rows(copy, provenance) == rows(db, provenance)
    again = rows(copy, "select url, kind, reason from failures where crawl_id = 2 and url like ? order by url",
                 (f"{DISAGREES}%",))
    assert [f["kind"] for f in again] == ["time", "markup"]


def test_a_source_redirected_off_site_is_refused_and_recorded(second) -> None:
    db, _, _ = second
    scope = rows(db, "select url from failures where kind = 'scope'")
    assert scope == [{"url": f"{OFFSITE}feed/"}]
    assert rows(db, "select author, posted_at, posted_source from comments where wp_id = 901") == [
        {"author": "Gail", "posted_at": "2019-07-05T09:31:00Z", "posted_source": "datetime-attr"}]


def test_every_stored_vocabulary_value_is_known(second) -> None:
    from vocabulary import unknown_values

    db, _, _ = second
    assert unknown_values(db) == {}


def test_rows_stored_before_author_source_existed_get_it_when_read_again(second, tmp_path) -> None:
    """Rows from before the column hold NULL there (unknown, never guessed: the column is added
    empty when an older archive is opened); the next reading of those comments (here
    ``reprocess``) fills it."""
    import sqlite3

    db, _, _ = second
    old = tmp_path / "archive.db"
    with sqlite3.connect(db) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    with sqlite3.connect(old) as conn:
        conn.execute("update comments set author_source = null")
    result = subprocess.run([sys.executable, "-m", "archive", "reprocess", "--db", str(old)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode in (0, 3), result.stdout + result.stderr
    provenance = "select wp_id, author_source from comments where post_id like 'ddn:post:700%' order by id"
    assert rows(old, provenance) == rows(db, provenance)
    assert {r["author_source"] for r in rows(old, provenance)} == {"page", "feed", "rest", None}

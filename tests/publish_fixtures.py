"""A small but realistic archive for the publishing tests: two sites, threads three deep,
a pingback, a removed comment, versions, crawls, failures, and hostile markup.

Built with ``open_db`` (the real schema, FTS triggers included) plus sqlite-utils inserts, so
the tests exercise Datasette against exactly the shape the crawler will write.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from archivedb.schema import open_db

HOSTILE_POST_HTML = (
    '<p>Hostile post body.</p><script>window.__pwned = "post-script";</script>'
    '<img src="https://www.drinkanddrugsnews.com/tracker.gif" onerror="window.__pwned = \'post-onerror\'">'
    '<p><a href="javascript:window.__pwned = \'post-link\'" id="evil-post-link">click me</a></p>'
)
HOSTILE_COMMENT_HTML = (
    '<p>Hostile comment text.<script>window.__pwned = "comment-script";</script></p>'
    '<img src="x" onerror="window.__pwned = \'comment-onerror\'">'
    '<a href="javascript:window.__pwned = \'comment-link\'" onclick="window.__pwned = 1">evil</a>'
)

# A captured page doing everything a page could do to its reader: scripts, handlers, a refresh to
# javascript:, remote images, styles and frames, a form, a top-navigating link.
HOSTILE_CAPTURE_HTML = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Hostile capture</title>'
    '<meta http-equiv="refresh" content="5;url=javascript:parent.__pwned=\'capture-refresh\'">'
    '<link rel="stylesheet" href="https://www.drinkanddrugsnews.com/evil.css">'
    '<script>parent.__pwned = "capture-script"; top.__pwned = "capture-script";</script></head>'
    '<body onload="parent.__pwned = \'capture-onload\'"><h1 id="capture-heading">Hostile markup test</h1>'
    '<p>Archived body text.</p>'
    '<img src="https://www.drinkanddrugsnews.com/tracker.gif" onerror="parent.__pwned = \'capture-onerror\'">'
    '<iframe src="https://www.drinkanddrugsnews.com/"></iframe>'
    '<a id="capture-link" href="javascript:parent.__pwned = \'capture-link\'" target="_top">click</a>'
    '<form action="https://www.drinkanddrugsnews.com/collect"><input name="x"></form>'
    '</body></html>'
)

CRAWLS = [
    {"id": 1, "site": "collectivevoice", "started": "2024-01-10T02:00:00Z",
     "finished": "2024-01-10T02:20:00Z", "status": "finished",
     "base_url": "https://www.collectivevoice.org.uk", "full": 1, "pages_fetched": 40,
     "not_modified": 0, "posts_new": 2, "posts_updated": 0, "posts_unchanged": 0, "posts_gone": 0,
     "comments_new": 1, "comments_updated": 0, "comments_removed": 0, "times_unparsed": 0,
     "errors": 1, "finish_reason": "finished", "pid": 4101},
    {"id": 2, "site": "ddn", "started": "2024-01-10T03:00:00Z",
     "finished": "2024-01-10T03:45:00Z", "status": "finished",
     "base_url": "https://www.drinkanddrugsnews.com", "full": 1, "pages_fetched": 120,
     "not_modified": 0, "posts_new": 3, "posts_updated": 0, "posts_unchanged": 0, "posts_gone": 0,
     "comments_new": 7, "comments_updated": 0, "comments_removed": 0, "times_unparsed": 0,
     "errors": 0, "finish_reason": "finished", "pid": 4102},
    {"id": 3, "site": "ddn", "started": "2024-02-10T03:00:00Z",
     "finished": "2024-02-10T03:30:00Z", "status": "finished",
     "base_url": "https://www.drinkanddrugsnews.com", "full": 0, "pages_fetched": 30,
     "not_modified": 25, "posts_new": 0, "posts_updated": 1, "posts_unchanged": 1, "posts_gone": 1,
     "comments_new": 0, "comments_updated": 0, "comments_removed": 1, "times_unparsed": 0,
     "errors": 1, "finish_reason": "finished", "pid": 4103},
]


def _post(pid: str, site: str, wp_id: int, slug: str, title: str, published: str, **extra) -> dict:
    origin = {"collectivevoice": "https://www.collectivevoice.org.uk",
              "ddn": "https://www.drinkanddrugsnews.com"}[site]
    row = {
        "id": pid, "site": site, "wp_id": wp_id, "url": f"{origin}/{slug}/", "title": title,
        "author": "Staff writer", "published": published, "published_raw": published[:10],
        "published_source": "meta", "modified": published, "modified_raw": None,
        "modified_source": "meta", "standfirst": None, "body_html": "<p>Body.</p>",
        "body_text": "Body.", "comment_count": 0, "comments_captured": 0,
        "categories": "[]", "tags": "[]", "images": "[]",
        "fetched_at": "2024-01-10T03:10:00Z", "fetched_from": f"{origin}/{slug}/",
        "http_status": 200, "first_seen": "2024-01-10T03:10:00Z",
        "last_seen": "2024-02-10T03:10:00Z", "last_changed": "2024-01-10T03:10:00Z",
        "content_hash": f"hash-{wp_id}", "status": "live", "missing_count": 0,
        "extractor_version": "1", "crawl_id": 2 if site == "ddn" else 1,
    }
    row.update(extra)
    return row


POSTS = [
    _post("collectivevoice:post:101", "collectivevoice", 101, "blog/four-golden-threads",
          "Four golden threads", "2021-03-10T09:00:00Z",
          author="Oliver Standing",
          standfirst="What commissioners should look for.",
          body_html="<p>Services face a commissioning cliff edge every three years.</p>"
                    "<h2>Workforce</h2><p>See <a href=\"/news/going-local/\">going local</a>.</p>"
                    "<figure><img src=\"https://www.collectivevoice.org.uk/wp-content/uploads/t.jpg\""
                    " alt=\"Four threads\"><figcaption>The four threads</figcaption></figure>",
          body_text="Services face a commissioning cliff edge every three years. Workforce "
                    "See going local. The four threads",
          comment_count=1, comments_captured=1,
          categories='["Blog", "Commissioning"]', tags='["workforce", "commissioning"]',
          images=json.dumps([{"src": "https://www.collectivevoice.org.uk/wp-content/uploads/t.jpg",
                              "alt": "Four threads", "caption": "The four threads"}]),
          fetched_at="2024-01-10T02:05:00Z", first_seen="2024-01-10T02:05:00Z",
          last_seen="2024-01-10T02:05:00Z", last_changed="2024-01-10T02:05:00Z"),
    _post("collectivevoice:post:102", "collectivevoice", 102, "news/going-local",
          "Going local", "2022-07-01T11:30:00Z", categories='["News"]',
          body_text="Local partnerships matter.", body_html="<p>Local partnerships matter.</p>",
          fetched_at="2024-01-10T02:06:00Z"),
    _post("ddn:post:123", "ddn", 123, "the-big-conversation", "The big conversation",
          "2023-11-02T10:15:00Z", author="DDN editor",
          body_html="<p>Peer support keeps people alive.</p><p>Read the <a href=\"https://example.org/report\">report</a>.</p>",
          body_text="Peer support keeps people alive. Read the report.",
          comment_count=6, comments_captured=6,
          categories='["News", "Harm reduction"]', tags='["naloxone"]',
          modified="2024-02-01T09:00:00Z", last_changed="2024-02-10T03:10:00Z",
          content_hash="hash-123-v2", crawl_id=3),
    _post("ddn:post:124", "ddn", 124, "hostile-markup", "Hostile markup test",
          "2023-12-05T08:00:00Z", body_html=HOSTILE_POST_HTML,
          body_text="Hostile post body. click me", comment_count=1, comments_captured=1,
          categories='["Opinion"]', status="gone", missing_count=2,
          gone_at="2024-02-10T03:20:00Z"),
    _post("ddn:post:125", "ddn", 125, "winter-services", "Winter services",
          "2023-12-20T16:45:00Z", categories='["News"]', comment_count=0),
]


def _comment(cid: str, post_id: str, position: int, depth: int, parent: str | None,
             author: str, posted_at: str, text: str, **extra) -> dict:
    site = post_id.split(":")[0]
    wp_id = int(cid.rsplit(":", 1)[1])
    post = next(p for p in POSTS if p["id"] == post_id)
    row = {
        "id": cid, "post_id": post_id, "parent_id": parent,
        "parent_wp_id": int(parent.rsplit(":", 1)[1]) if parent else None,
        "wp_id": wp_id, "site": site, "depth": depth, "position": position, "page": 1,
        "kind": "comment", "author": author, "author_url": None, "posted_raw": posted_at,
        "posted_at": posted_at, "posted_source": "datetime-attr", "posted_ambiguous": 0,
        "awaiting_moderation": 0, "body_html": f"<p>{text}</p>", "body_text": text,
        "url": f"{post['url']}#comment-{wp_id}", "first_seen": "2024-01-10T03:10:00Z",
        "last_seen": "2024-02-10T03:10:00Z", "last_changed": "2024-01-10T03:10:00Z",
        "content_hash": f"c-{wp_id}", "status": "present", "extractor_version": "1",
        "crawl_id": 2 if site == "ddn" else 1,
    }
    row.update(extra)
    return row


COMMENTS = [
    _comment("collectivevoice:comment:501", "collectivevoice:post:101", 1, 1, None,
             "Summer Reader", "2021-06-20T23:19:00Z", "Great piece on commissioning.",
             posted_raw="21/06/2021 at 12:19 am", posted_source="text"),
    _comment("ddn:comment:201", "ddn:post:123", 1, 1, None, "Alice Example",
             "2023-11-02T18:30:00Z", "Peer support saved my brother."),
    _comment("ddn:comment:202", "ddn:post:123", 2, 2, "ddn:comment:201", "Bob Reply",
             "2023-11-03T08:05:00Z", "Agreed, and we need naloxone in every hostel.",
             last_changed="2024-02-10T03:10:00Z", content_hash="c-202-v2"),
    _comment("ddn:comment:203", "ddn:post:123", 3, 3, "ddn:comment:202", "Alice Example",
             "2023-11-03T09:00:00Z", "Our hostel started carrying it last year.",
             author_url="https://alice.example.org/"),
    _comment("ddn:comment:204", "ddn:post:123", 4, 1, None, "Carol Gone",
             "2023-11-04T12:00:00Z", "This comment was later removed.", status="removed",
             removed_at="2024-02-10T03:10:00Z",
             last_changed="2024-02-10T03:10:00Z"),
    _comment("ddn:comment:206", "ddn:post:123", 5, 2, "ddn:comment:204", "Dan Answer",
             "2023-11-05T07:45:00Z", "Replying to a comment that has since gone."),
    _comment("ddn:comment:205", "ddn:post:123", 6, 1, None, "Recovery Street Blog",
             "2023-11-06T10:00:00Z", "[…] as DDN reported in The big conversation […]",
             kind="pingback", author_url="https://recovery-street.example.org/post/"),
    _comment("ddn:comment:301", "ddn:post:124", 1, 1, None, "Mallory",
             "2023-12-06T10:00:00Z", "Hostile comment text. evil",
             body_html=HOSTILE_COMMENT_HTML, author_url="javascript:alert(1)"),
]

# Earlier versions only (the current one is the posts row): ddn:post:123 was edited once.
POST_VERSIONS = [
    {"id": 1, "post_id": "ddn:post:123", "version": 1, "content_hash": "hash-123",
     "captured_at": "2024-01-10T03:10:00Z", "superseded_at": "2024-02-10T03:10:00Z",
     "title": "The big conversation", "author": "DDN editor", "published": "2023-11-02T10:15:00Z",
     "modified": "2023-11-02T10:15:00Z", "standfirst": None,
     "body_html": "<p>Peer support keeps people alive.</p>",
     "body_text": "Peer support keeps people alive.", "categories": '["News"]',
     "tags": '["naloxone"]', "extractor_version": "1"},
]

COMMENT_VERSIONS = [
    {"id": 1, "comment_id": "ddn:comment:204", "content_hash": "c-204",
     "captured_at": "2024-01-10T03:10:00Z", "superseded_at": "2024-02-10T03:10:00Z",
     "author": "Carol Gone", "posted_raw": "2023-11-04T12:00:00Z",
     "body_html": "<p>This comment was later removed.</p>",
     "body_text": "This comment was later removed."},
    {"id": 2, "comment_id": "ddn:comment:202", "content_hash": "c-202-v1",
     "captured_at": "2024-01-10T03:10:00Z", "superseded_at": "2024-02-10T03:10:00Z",
     "author": "Bob Reply", "posted_raw": "2023-11-03T08:05:00Z",
     "body_html": "<p>Agreed, we need naloxone in hostels.</p>",
     "body_text": "Agreed, we need naloxone in hostels."},
]

FAILURES = [
    {"id": 1, "crawl_id": 1, "site": "collectivevoice",
     "url": "https://www.collectivevoice.org.uk/blog/broken/", "kind": "http", "status": 500,
     "reason": "HTTP 500 after 3 retries", "at": "2024-01-10T02:10:00Z"},
    {"id": 2, "crawl_id": 3, "site": "ddn", "url": "https://www.drinkanddrugsnews.com/hostile-markup/",
     "kind": "gone", "status": 404, "reason": "post no longer on the live site",
     "at": "2024-02-10T03:20:00Z"},
]

CAPTURES = [
    {"id": 1, "crawl_id": 2, "site": "ddn", "url": "https://www.drinkanddrugsnews.com/the-big-conversation/",
     "fetched_url": "https://www.drinkanddrugsnews.com/the-big-conversation/", "status": 200,
     "headers": '{"Content-Type": "text/html; charset=UTF-8"}', "fetched_at": "2024-01-10T03:10:00Z",
     "content_hash": "cap-1", "body": b"<html>\x00\xff raw</html>", "body_encoding": "utf-8",
     "length": 19},
]

# Captures of the hostile post (a zlib body and a same_as copy), for the capture pages' tests.
HOSTILE_CAPTURES = [
    {"id": 2, "crawl_id": 2, "site": "ddn", "url": "https://www.drinkanddrugsnews.com/hostile-markup/",
     "fetched_url": "https://www.drinkanddrugsnews.com/hostile-markup/", "status": 200,
     "headers": json.dumps({"Content-Type": "text/html; charset=UTF-8", "Server": "nginx",
                            "Set-Cookie": ["a=1", "b=2"]}),
     "fetched_at": "2024-01-10T03:12:00Z", "content_hash": "cap-2",
     "body": zlib.compress(HOSTILE_CAPTURE_HTML.encode()), "body_encoding": "zlib",
     "length": len(HOSTILE_CAPTURE_HTML.encode())},
    {"id": 3, "crawl_id": 3, "site": "ddn", "url": "https://www.drinkanddrugsnews.com/hostile-markup/",
     "fetched_url": "https://www.drinkanddrugsnews.com/hostile-markup/", "status": 200,
     "headers": json.dumps({"Content-Type": "text/html; charset=UTF-8"}),
     "fetched_at": "2024-02-10T03:12:00Z", "content_hash": "cap-2", "body": None, "body_encoding": "zlib",
     "length": len(HOSTILE_CAPTURE_HTML.encode()), "same_as": 2},
]


def build_archive(path: str | Path, *, hostile_captures: bool = False) -> Path:
    """Create the fixture archive at ``path`` (through the real schema) and return the path;
    ``hostile_captures`` adds the captured hostile page (captures 2 and 3)."""
    path = Path(path)
    db = open_db(str(path))
    db["crawls"].insert_all(CRAWLS)
    db["posts"].insert_all(POSTS)
    db["comments"].insert_all(COMMENTS)
    db["post_versions"].insert_all(POST_VERSIONS)
    db["comment_versions"].insert_all(COMMENT_VERSIONS)
    db["failures"].insert_all(FAILURES)
    db["captures"].insert_all(CAPTURES + (HOSTILE_CAPTURES if hostile_captures else []))
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path

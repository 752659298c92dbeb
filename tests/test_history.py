"""History across crawls of a changing site: an edited post keeps its old version, a new comment
appears, a removed comment is marked and kept, a deleted post becomes ``gone`` after two 404s,
and a post that drops out of the sitemap is still rechecked. Nothing is ever duplicated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawling import crawl, rows
from mirror import SITES_DIR, MirrorServer

SITE = "collectivevoice"
ORIGIN = "https://www.collectivevoice.org.uk"
EDITED = f"{ORIGIN}/blog/four-golden-threads/"  # a paragraph is rewritten
THREAD = f"{ORIGIN}/blog/in-for-the-long-haul-collective-voice-the-next-three-years/"  # +1 reply, -1 comment
DELETED = f"{ORIGIN}/blog/spending-review-2021-a-welcome-boost/"  # 404, still in the sitemap
UNLISTED = f"{ORIGIN}/news/collective-voice-responds-to-the-drug-strategy/"  # dropped from the sitemap, 404

OLD_SENTENCE = "I\u2019ve been to Brighton in the sun and Leeds in the rain."
NEW_SENTENCE = "I have been to Brighton in the sun, Leeds in the rain and Hull in the snow."
REMOVED_COMMENT = 1231  # Dave Marsh's reply (depth 3), deleted by a moderator
NEW_COMMENT = 1300  # a reply to Priya Shah's comment 1262
NEW_COMMENT_TEXT = "Agreed: release planning still depends on which prison you leave."


def page(server: MirrorServer, url: str) -> str:
    return (server.root / url.removeprefix(ORIGIN + "/") / "index.html").read_text(encoding="utf-8")


def edited_post(server: MirrorServer) -> str:
    html = page(server, EDITED)
    old = "I&#8217;ve been to Brighton in the sun and Leeds in the rain."
    assert html.count(old) == 1
    return html.replace(old, NEW_SENTENCE)


def changed_thread(server: MirrorServer) -> str:
    """The thread page with comment 1231 removed and a new reply to 1262 added."""
    html = page(server, THREAD)
    removed = re.search(r'\t<ul class="children">\s*<li [^>]*id="li-comment-1231">.*?</li>\s*</ul>\n', html, re.S)
    assert removed is not None
    reply = (removed.group(0).replace("1231", str(NEW_COMMENT)).replace("depth-3", "depth-2")
             .replace("Dave Marsh", "Sam Okafor").replace("13/07/2019 at 8:05 am", "20/11/2025 at 9:40 am")
             .replace("Will the roundtables include people in recovery, not just providers?", NEW_COMMENT_TEXT))
    html = html.replace(removed.group(0), "")
    end_of_1262 = html.index("</div><!-- #comment-##  -->", html.index('id="comment-1262"'))
    end_of_1262 += len("</div><!-- #comment-##  -->\n")
    return html[:end_of_1262] + reply + html[end_of_1262:]


def sitemap_without(server: MirrorServer, url: str) -> str:
    xml = (server.root / "post-sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"\s*<url>\s*<loc>" + re.escape(url) + r"</loc>.*?</url>", xml, re.S)
    assert entry is not None
    return xml.replace(entry.group(0), "")


def run_row(db: Path, run_id: int) -> dict:
    return rows(db, "select * from crawls where id = ?", (run_id,))[0]


def post(db: Path, url: str) -> dict:
    return rows(db, "select * from posts where url = ?", (url,))[0]


def comment(db: Path, wp_id: int) -> dict:
    return rows(db, "select * from comments where id = ?", (f"{SITE}:comment:{wp_id}",))[0]


def during(stamp: str | None, run: dict) -> bool:
    return stamp is not None and run["started"] <= stamp <= run["finished"]


def counts(db: Path) -> dict[str, int]:
    return {t: rows(db, f"select count(*) n from {t}")[0]["n"]
            for t in ("posts", "comments", "post_versions", "comment_versions")}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory):
    """Three crawls of one mirror: as saved; after edits (revisit window 0); once more, with the
    default policy, after a post also dropped out of the sitemap. Snapshots between them."""
    server = MirrorServer(SITES_DIR / SITE).start()
    db = tmp_path_factory.mktemp("history") / "archive.db"
    try:
        first = crawl(SITE, server.base_url, db)
        assert first.returncode == 3, first.stdout + first.stderr  # post-sitemap2.xml 404s
        before = {"edited": post(db, EDITED), "thread": post(db, THREAD), "counts": counts(db),
                  "removed": comment(db, REMOVED_COMMENT)}

        server.set_page(EDITED, edited_post(server))
        server.set_page(THREAD, changed_thread(server))
        server.delete(DELETED)
        second = crawl(SITE, server.base_url, db, "-s", "ARCHIVE_REVISIT_DAYS=0")
        assert second.returncode == 3, second.stdout + second.stderr
        middle = {"deleted": post(db, DELETED), "counts": counts(db)}

        server.set_page("/post-sitemap.xml", sitemap_without(server, UNLISTED))
        server.delete(UNLISTED)
        log_start = server.count()
        third = crawl(SITE, server.base_url, db)
        assert third.returncode == 3, third.stdout + third.stderr
        third_requests = server.requests[log_start:]
        yield {"db": db, "before": before, "middle": middle, "third_requests": third_requests, "server": server}
    finally:
        server.stop()


def test_edited_post_keeps_its_previous_version(history) -> None:
    db, old = history["db"], history["before"]["edited"]
    run = run_row(db, 2)
    now = post(db, EDITED)
    versions = rows(db, "select * from post_versions")
    assert len(versions) == 1
    v = versions[0]
    assert (v["post_id"], v["version"], v["content_hash"], v["body_html"], v["body_text"], v["title"]) == \
        (old["id"], 1, old["content_hash"], old["body_html"], old["body_text"], old["title"])
    assert (v["captured_at"], v["superseded_at"]) == (old["fetched_at"], now["last_changed"])
    assert OLD_SENTENCE in v["body_text"] and NEW_SENTENCE not in v["body_text"]
    assert NEW_SENTENCE in now["body_text"] and OLD_SENTENCE not in now["body_text"]
    assert now["content_hash"] != old["content_hash"]
    assert during(now["last_changed"], run) and now["last_changed"] > old["last_changed"]
    assert now["first_seen"] == old["first_seen"]
    assert (run["posts_updated"], run["posts_new"]) == (1, 0)


def test_new_comment_appears_and_removed_comment_is_kept(history) -> None:
    db = history["db"]
    run = run_row(db, 2)
    new = comment(db, NEW_COMMENT)
    thread_id = history["before"]["thread"]["id"]
    assert (new["post_id"], new["parent_id"], new["depth"], new["position"], new["author"], new["status"]) == \
        (thread_id, f"{SITE}:comment:1262", 2, 4, "Sam Okafor", "present")
    assert (new["posted_raw"], new["posted_at"]) == ("20/11/2025 at 9:40 am", "2025-11-20T09:40:00Z")
    assert new["body_text"] == NEW_COMMENT_TEXT
    assert new["crawl_id"] == run["id"] and during(new["first_seen"], run)
    gone = comment(db, REMOVED_COMMENT)
    old = history["before"]["removed"]
    assert (gone["status"], gone["body_text"], gone["content_hash"], gone["first_seen"]) == \
        ("removed", old["body_text"], old["content_hash"], old["first_seen"])
    assert during(gone["removed_at"], run)
    present = rows(db, "select wp_id, position from comments where post_id = ? and status = 'present' order by position",
                   (thread_id,))
    assert present == [{"wp_id": 1223, "position": 1}, {"wp_id": 1224, "position": 2},
                       {"wp_id": 1262, "position": 3}, {"wp_id": NEW_COMMENT, "position": 4}]
    assert (run["comments_new"], run["comments_removed"], run["comments_updated"]) == (1, 1, 0)
    # The thread's post itself did not change: no version, same hash.
    assert post(db, history["before"]["thread"]["url"])["content_hash"] == history["before"]["thread"]["content_hash"]


def test_deleted_post_is_missing_then_gone(history) -> None:
    db = history["db"]
    second, third = run_row(db, 2), run_row(db, 3)
    after_second = rows(db, "select * from failures where crawl_id = 2 and kind = 'gone'")
    assert [(f["url"], f["status"], f["reason"]) for f in after_second] == [(DELETED, 404, "page answered HTTP 404")]
    missing = history["middle"]["deleted"]
    assert (missing["status"], missing["missing_count"], missing["gone_at"]) == ("live", 1, None)
    now = post(db, DELETED)
    assert (now["status"], now["missing_count"]) == ("gone", 2)
    # Gone, never deleted: the content is still the archived one.
    assert {k: now[k] for k in ("content_hash", "body_html", "title")} == \
        {k: missing[k] for k in ("content_hash", "body_html", "title")}
    assert during(now["gone_at"], third)
    assert (second["posts_gone"], third["posts_gone"]) == (0, 1)


def test_post_dropped_from_sitemap_is_rechecked(history) -> None:
    db = history["db"]
    path = "/news/collective-voice-responds-to-the-drug-strategy/"
    assert [s for _, p, s in history["third_requests"] if p == path] == [404]
    now = post(db, UNLISTED)
    assert (now["status"], now["missing_count"], now["gone_at"]) == ("live", 1, None)
    failures = rows(db, "select url, status from failures where crawl_id = 3 and kind = 'gone' order by url")
    assert failures == [{"url": u, "status": 404} for u in sorted((DELETED, UNLISTED))]


def test_nothing_is_duplicated(history) -> None:
    db = history["db"]
    first = history["before"]["counts"]
    assert first == {"posts": 6, "comments": 19, "post_versions": 0, "comment_versions": 0}
    assert history["middle"]["counts"] == {"posts": 6, "comments": 20, "post_versions": 1, "comment_versions": 0}
    assert counts(db) == history["middle"]["counts"]
    assert rows(db, "select count(distinct url) n from posts")[0]["n"] == 6
    third = run_row(db, 3)
    # The third run fetched only the two missing posts; the others were skipped as unchanged.
    assert (third["posts_skipped"], third["posts_new"], third["posts_updated"], third["posts_unchanged"]) == (4, 0, 0, 0)

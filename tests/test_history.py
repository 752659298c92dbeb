"""History across crawls of a changing site: an edited post keeps its old version, a new comment
appears, a removed comment is marked and kept, a deleted post becomes ``gone`` after two 404s,
and a post that drops out of the sitemap is still rechecked. Nothing is ever duplicated.

Then ``reprocess`` re-reads it all: it may change readings (a changed reading is a version with
its reason) but never what the crawls observed, and ``status`` keeps the last crawl apart from
the last reprocess. Every stored time is the fetch time of the page it was read from."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from crawling import ROOT, crawl, rows
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
REREAD_SENTENCE = "A better reader found this sentence in the same bytes."
# What crawls observe; reprocess must leave every one of them as it found it.
POST_OBSERVED = ("status", "missing_count", "gone_at", "first_seen", "last_seen", "last_changed", "fetched_at",
                 "fetched_from", "http_status", "http_etag", "http_last_modified", "sitemap_lastmod")
COMMENT_OBSERVED = ("status", "removed_at", "first_seen", "last_seen", "last_changed")


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


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def reread_capture(db: Path, url: str, old: str, new: str) -> None:
    """Edit the latest stored capture of ``url``: what a changed extractor would read from it."""
    import sqlite_utils

    archive = sqlite_utils.Database(db)
    capture = next(archive.query("select id, body from captures where url = ? and body is not null"
                                 " order by id desc limit 1", [url]))
    html = zlib.decompress(capture["body"]).decode("utf-8")
    assert html.count(old) == 1
    archive["captures"].update(capture["id"], {"body": zlib.compress(html.replace(old, new).encode("utf-8"))})
    archive.close()


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
        after_crawls = {"counts": counts(db), "posts": {r["id"]: r for r in rows(db, "select * from posts")},
                        "comments": {r["id"]: r for r in rows(db, "select * from comments")}}
        server.stop()  # reprocess contacts no site: any request would fail and show up as a failure row

        # Stand-in for a better reader: the same capture now reads differently.
        reread_capture(db, EDITED, NEW_SENTENCE, REREAD_SENTENCE)
        reprocess = cli("reprocess", "--db", str(db))
        assert reprocess.returncode == 0, reprocess.stdout + reprocess.stderr
        status = cli("status", "--db", str(db))
        yield {"db": db, "before": before, "middle": middle, "third_requests": third_requests, "server": server,
               "after_crawls": after_crawls, "reprocess": reprocess, "status": status}
    finally:
        server.stop()


def test_edited_post_keeps_its_previous_version(history) -> None:
    db, old = history["db"], history["before"]["edited"]
    run = run_row(db, 2)
    now = history["after_crawls"]["posts"][old["id"]]
    versions = rows(db, "select * from post_versions where reason = 'crawl'")
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
    new = history["after_crawls"]["comments"][f"{SITE}:comment:{NEW_COMMENT}"]
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
    assert history["after_crawls"]["counts"] == history["middle"]["counts"]
    assert counts(db) == {**history["middle"]["counts"], "post_versions": 2}  # + the reprocess's new reading
    assert rows(db, "select count(distinct url) n from posts")[0]["n"] == 6
    third = run_row(db, 3)
    # The third run fetched only the two missing posts; the others were skipped as unchanged.
    assert (third["posts_skipped"], third["posts_new"], third["posts_updated"], third["posts_unchanged"]) == (4, 0, 0, 0)


def test_reprocess_never_rewrites_what_crawls_observed(history) -> None:
    db, crawled = history["db"], history["after_crawls"]
    posts = {r["id"]: r for r in rows(db, "select * from posts")}
    comments = {r["id"]: r for r in rows(db, "select * from comments")}
    assert sorted(posts) == sorted(crawled["posts"]) and sorted(comments) == sorted(crawled["comments"])
    for pid, row in posts.items():
        assert {k: row[k] for k in POST_OBSERVED} == {k: crawled["posts"][pid][k] for k in POST_OBSERVED}, pid
    for cid, row in comments.items():
        assert {k: row[k] for k in COMMENT_OBSERVED} == {k: crawled["comments"][cid][k] for k in COMMENT_OBSERVED}, cid
    # The deleted post stays gone, the removed comment stays removed.
    deleted = post(db, DELETED)
    assert (deleted["status"], deleted["missing_count"]) == ("gone", 2) and deleted["gone_at"] is not None
    removed = comment(db, REMOVED_COMMENT)
    assert removed["status"] == "removed" and removed["removed_at"] is not None


def test_a_changed_reading_is_a_version_with_its_reason(history) -> None:
    db = history["db"]
    run = run_row(db, 4)
    now = post(db, EDITED)
    assert REREAD_SENTENCE in now["body_text"] and NEW_SENTENCE not in now["body_text"]
    versions = rows(db, "select * from post_versions order by id")
    assert [(v["post_id"], v["version"], v["reason"]) for v in versions] == \
        [(now["id"], 1, "crawl"), (now["id"], 2, "reprocess")]
    reread = versions[1]
    assert NEW_SENTENCE in reread["body_text"]  # the reading it replaced
    assert reread["captured_at"] == now["fetched_at"]  # read from the bytes fetched then
    assert during(reread["superseded_at"], run)  # replaced when the reprocess ran
    assert (run["posts_updated"], run["posts_new"]) == (1, 0)
    # Nothing was observed, so nothing else is a version.
    assert rows(db, "select count(*) n from comment_versions")[0]["n"] == 0


def test_reprocess_runs_are_their_own_kind(history) -> None:
    db = history["db"]
    runs = rows(db, "select id, kind, base_url, status from crawls order by id")
    assert [(r["id"], r["kind"], r["status"]) for r in runs] == \
        [(1, "crawl", "ok"), (2, "crawl", "ok"), (3, "crawl", "ok"), (4, "reprocess", "ok")]
    assert all(r["base_url"].startswith("http://127.0.0.1:") for r in runs[:3])
    assert runs[3]["base_url"] is None  # a re-reading visits no site


def test_status_shows_the_last_crawl_and_the_last_reprocess_apart(history) -> None:
    result = history["status"]
    assert result.returncode == 3, result.stdout + result.stderr  # the last crawl had failed pages
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{SITE}: ok (crawl #3)")
    assert "  gone: https://www.collectivevoice.org.uk/news/collective-voice-responds-to-the-drug-strategy/ — " \
           "page answered HTTP 404" in lines
    assert any(line.startswith(f"{SITE}: last reprocess ok (crawl #4)") and "1 readings changed" in line
               for line in lines), lines


def test_repeated_failures_say_since_when(history) -> None:
    db = history["db"]
    first_404 = rows(db, "select at from failures where crawl_id = 1 and url like '%post-sitemap2.xml'")[0]["at"]
    deleted_404 = rows(db, "select at from failures where crawl_id = 2 and url = ?", (DELETED,))[0]["at"]
    third = {(f["url"], f["kind"]): f for f in rows(db, "select * from failures where crawl_id = 3")}
    sitemap = third[("https://www.collectivevoice.org.uk/post-sitemap2.xml", "http")]
    assert (sitemap["repeated"], sitemap["first_failed_at"]) == (1, first_404)  # failing since the first crawl
    assert (third[(DELETED, "gone")]["repeated"], third[(DELETED, "gone")]["first_failed_at"]) == (1, deleted_404)
    unlisted = third[(UNLISTED, "gone")]
    assert (unlisted["repeated"], unlisted["first_failed_at"]) == (0, unlisted["at"])  # a new problem
    first = rows(db, "select repeated, first_failed_at, at from failures where crawl_id = 1")
    assert first and all(f["repeated"] == 0 and f["first_failed_at"] == f["at"] for f in first)
    status = history["status"].stdout.splitlines()
    assert "  http: https://www.collectivevoice.org.uk/post-sitemap2.xml — sitemap answered HTTP 404" \
           f" (repeat, failing since {first_404})" in status
    assert f"  gone: {UNLISTED} — page answered HTTP 404" in status


def test_one_clock_per_observation(history) -> None:
    db = history["db"]
    fetched = {(c["url"], c["fetched_at"]) for c in rows(db, "select url, fetched_at from captures")}
    for p in rows(db, "select * from posts"):
        assert p["first_seen"] <= p["last_changed"] <= p["fetched_at"] <= p["last_seen"], p["url"]
        assert (p["url"], p["fetched_at"]) in fetched and (p["url"], p["first_seen"]) in fetched
    for v in rows(db, "select v.*, p.url from post_versions v join posts p on p.id = v.post_id"):
        assert (v["url"], v["captured_at"]) in fetched  # the fetch time of the page it came from
    times = {t for _, t in fetched}
    for c in rows(db, "select * from comments"):
        assert c["first_seen"] in times and c["last_seen"] in times and c["first_seen"] <= c["last_seen"]

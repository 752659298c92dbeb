"""End to end: crawl each mirror with the real CLI and assert the stored rows exactly, against
the ground truth each mirror ships in ``expected.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawling import crawl, rows
from mirror import SITES_DIR

SITES = ("collectivevoice", "ddn")


def expected(site: str) -> dict:
    return json.loads((SITES_DIR / site / "expected.json").read_text())


@pytest.fixture(scope="module", params=SITES)
def crawled(request, tmp_path_factory, mirror_factory_module):
    """Each site crawled once (with its documented faults armed) into its own database."""
    site = request.param
    server = mirror_factory_module(site)
    db = tmp_path_factory.mktemp(site) / "archive.db"
    result = crawl(site, server.base_url, db)
    return site, db, result, server


@pytest.fixture(scope="module")
def mirror_factory_module():
    from conftest import _mirror

    started = []

    def make(site: str):
        server = _mirror(site).start()
        server.apply_expected_faults()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def test_crawl_completes_and_reports(crawled):
    site, db, result, _ = crawled
    truth = expected(site)
    # A sitemap that 404s (or a page that failed) means "completed with failures": exit 3.
    assert result.returncode in (0, 3), result.stderr
    assert result.returncode == (3 if truth["missing_urls"] else 0), result.stdout + result.stderr
    run = rows(db, "select * from crawls")[0]
    assert run["status"] == "ok"
    assert run["site"] == site
    assert run["posts_new"] == len(truth["posts"])
    assert run["comments_new"] == sum(len(p["comments"]) for p in truth["posts"])
    assert f"{site}: ok" in result.stdout


def test_exactly_the_posts(crawled):
    site, db, _, _ = crawled
    truth = expected(site)
    stored = {r["url"]: r for r in rows(db, "select * from posts")}
    assert sorted(stored) == sorted(p["url"] for p in truth["posts"])
    for url in (u["url"] for u in truth["non_post_urls"]):
        assert url not in stored


def test_post_fields(crawled):
    site, db, _, _ = crawled
    for post in expected(site)["posts"]:
        row = rows(db, "select * from posts where id = ?", (f"{site}:post:{post['wp_id']}",))[0]
        got = {k: row[k] for k in ("url", "wp_id", "title", "author", "published", "modified", "standfirst", "comment_count")}
        got["categories"], got["tags"] = json.loads(row["categories"]), json.loads(row["tags"])
        want = {k: post[k] for k in ("url", "wp_id", "title", "author", "published", "modified", "standfirst",
                                     "comment_count", "categories", "tags")}
        assert got == want, post["url"]
        assert row["status"] == "live"
        assert row["comments_captured"] == len(post["comments"])


def test_bodies_keep_the_article_and_lose_the_furniture(crawled):
    site, db, _, _ = crawled
    for post in expected(site)["posts"]:
        row = rows(db, "select body_html, body_text, images from posts where url = ?", (post["url"],))[0]
        for sentence in post["must_contain"]:
            assert sentence in row["body_text"], (post["url"], sentence)
        for junk in post["must_not_contain"]:
            assert junk not in row["body_text"], (post["url"], junk)
            assert junk not in row["body_html"], (post["url"], junk)
        for junk in post.get("html_must_not_contain", []):
            assert junk not in row["body_html"], (post["url"], junk)
        captions = [img.get("caption") for img in json.loads(row["images"])]
        for caption in post["captions"]:
            assert caption in row["body_text"]
            assert caption in captions


def test_comment_threads(crawled):
    site, db, _, _ = crawled
    for post in expected(site)["posts"]:
        post_id = f"{site}:post:{post['wp_id']}"
        stored = rows(db, "select * from comments where post_id = ? order by position", (post_id,))
        assert [c["wp_id"] for c in stored] == [c["wp_id"] for c in post["comments"]], post["url"]
        for want, got in zip(post["comments"], stored):
            parent = f"{site}:comment:{want['parent_wp_id']}" if want["parent_wp_id"] is not None else None
            assert got["id"] == f"{site}:comment:{want['wp_id']}"
            assert got["parent_id"] == parent
            assert (got["depth"], got["position"], got["page"]) == (want["depth"], want["position"], want["page"])
            assert (got["author"], got["author_url"]) == (want["author"], want["author_url"])
            assert got["posted_raw"] == want["posted_raw"]
            assert got["posted_at"] == want["posted_at"], (want["wp_id"], want["posted_raw"])
            assert bool(got["posted_ambiguous"]) == want["ambiguous"]
            assert got["kind"] == want["kind"]
            assert bool(got["awaiting_moderation"]) == want["awaiting_moderation"]
            assert got["url"] == want["url"]
            assert want["snippet"] in got["body_text"], (want["wp_id"], got["body_text"])
            assert "Reply" not in got["body_text"].split()[-1:], got["body_text"]


def test_failures_are_recorded_not_lost(crawled):
    site, db, _, _ = crawled
    truth = expected(site)
    failures = rows(db, "select * from failures")
    failed_urls = {f["url"] for f in failures if f["kind"] in ("http", "network")}
    for url in truth["missing_urls"]:
        assert url in failed_urls
    unparsed = [c for p in truth["posts"] for c in p["comments"] if c["posted_raw"] and c["posted_at"] is None]
    time_failures = [f for f in failures if f["kind"] == "time"]
    assert len(time_failures) == len(unparsed)
    run = rows(db, "select times_unparsed from crawls")[0]
    assert run["times_unparsed"] == len(unparsed)


def test_recrawl_changes_nothing(crawled):
    site, db, _, server = crawled
    before_posts = rows(db, "select id, content_hash, body_html from posts order by id")
    before_comments = rows(db, "select id, content_hash, parent_id, position from comments order by id")
    again = crawl(site, server.base_url, db)
    assert again.returncode in (0, 3), again.stderr
    assert rows(db, "select id, content_hash, body_html from posts order by id") == before_posts
    assert rows(db, "select id, content_hash, parent_id, position from comments order by id") == before_comments
    second = rows(db, "select * from crawls order by id desc limit 1")[0]
    assert second["posts_new"] == 0 and second["comments_new"] == 0
    assert second["posts_updated"] == 0 and second["comments_removed"] == 0


@pytest.mark.parametrize("site", SITES)
def test_without_sitemaps_listings_and_feed_find_every_post(site, mirror_factory, tmp_db):
    server = mirror_factory(site)
    server.without_sitemaps()
    result = crawl(site, server.base_url, tmp_db)
    assert result.returncode == 0, result.stdout + result.stderr
    stored = sorted(r["url"] for r in rows(tmp_db, "select url from posts"))
    assert stored == sorted(p["url"] for p in expected(site)["posts"])
    assert server.count("/feed/") >= 1


def test_a_page_that_fails_once_is_retried(mirror_factory, tmp_db):
    server = mirror_factory("ddn", faults=True)
    flaky = "/funding-boost-for-recovery-communities/"
    result = crawl("ddn", server.base_url, tmp_db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [s for _, p, s in server.requests if p == flaky] == [500, 200]
    assert rows(tmp_db, "select count(*) n from posts where url like ?", (f"%{flaky}",))[0]["n"] == 1


def test_posts_behind_a_broken_sitemap_are_found_through_listings(mirror_factory, tmp_db):
    """Collective Voice's index lists post-sitemap2.xml, which 404s: the posts it would have
    listed are still found, because the crawl then reads listing pages and the feed too."""
    server = mirror_factory("collectivevoice")
    sitemap = (SITES_DIR / "collectivevoice" / "post-sitemap.xml").read_text()
    hidden = "https://www.collectivevoice.org.uk/blog/going-local/"
    start = sitemap.index(f"<loc>{hidden}</loc>")
    url_start, url_end = sitemap.rindex("<url>", 0, start), sitemap.index("</url>", start) + len("</url>")
    server.set_page("/post-sitemap.xml", sitemap[:url_start] + sitemap[url_end:], "application/xml")
    result = crawl("collectivevoice", server.base_url, tmp_db)
    assert result.returncode == 3, result.stdout + result.stderr
    assert server.count("/post-sitemap.xml") == 1 and hidden not in server.lookup("/post-sitemap.xml").body.decode()
    stored = rows(tmp_db, "select url, comments_captured from posts where url = ?", (hidden,))
    assert stored == [{"url": hidden, "comments_captured": 7}]


def test_an_unreadable_page_is_recorded_and_the_crawl_goes_on(mirror_factory, tmp_db):
    server = mirror_factory("collectivevoice")
    server.set_page("/blog/going-local/", b"", "text/html")
    result = crawl("collectivevoice", server.base_url, tmp_db)
    assert result.returncode == 3, result.stdout + result.stderr
    failures = rows(tmp_db, "select url, reason from failures where kind = 'parse'")
    assert failures == [{"url": "https://www.collectivevoice.org.uk/blog/going-local/",
                         "reason": "ValueError: unreadable HTML: Document is empty"}]
    assert rows(tmp_db, "select count(*) n from posts")[0]["n"] == len(expected("collectivevoice")["posts"]) - 1


def test_second_sources_cost_few_requests(crawled):
    """The mirrors advertise each post's comment feed and the REST API but serve neither (404):
    one feed request per post with comments, and a REST page only for a post whose page left a
    comment's author or time unread. Neither source adds a failure."""
    site, db, _, server = crawled
    truth = expected(site)
    log = [p for _, p, _ in server.requests]
    feeds = sorted(p for p in log if p.endswith("/feed/") and p != "/feed/")
    rest = sorted(p for p in log if p.startswith("/wp-json/"))
    with_comments = [p for p in truth["posts"] if p["comments"]]
    unread = [p for p in with_comments
              if any(c["kind"] == "comment" and (c["author"] is None or c["posted_at"] is None) for c in p["comments"])]
    print(f"{site}: {len(truth['posts'])} posts, {len(feeds)} feed and {len(rest)} REST requests: {feeds + rest}")
    assert feeds == sorted(server.url(p["url"]).removeprefix(server.base_url) + "feed/" for p in with_comments)
    assert rest == sorted(f"/wp-json/wp/v2/comments?post={p['wp_id']}&per_page=100&page=1" for p in unread)
    assert not rows(db, "select * from failures where url like '%/feed/' or url like '%/wp-json/%'")

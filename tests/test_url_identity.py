"""URL identity (issue 9 §4): a post is stored once, under its canonical live URL, whatever URL
led to it: a 301 from an old slug, a sitemap variant (no trailing slash, http, bare host) or a
copy whose ``rel=canonical`` names the post's real address."""

from __future__ import annotations

import json

import pytest

from crawling import crawl, rows
from mirror import SITES_DIR
from spiders.identity import canonical_post_url, url_key
from spiders.urls import OriginMap

ORIGIN = "https://www.drinkanddrugsnews.com"
NALOXONE = f"{ORIGIN}/naloxone-every-service-should-be-handing-it-out/"
CONVERSATION = f"{ORIGIN}/the-big-conversation/"
SERVICES = f"{ORIGIN}/services-need-long-term-funding-says-report/"
FUNDING = f"{ORIGIN}/funding-boost-for-recovery-communities/"


def sitemap(*locs: str) -> str:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    """DDN whose post sitemap names every post by another URL: an old slug that 301s, the bare
    host over http without a slash next to the real URL, a URL without its slash, and an AMP-like
    copy of a post whose rel=canonical names the real permalink."""
    from conftest import _mirror

    server = _mirror("ddn").start()
    try:
        server.redirect("/old-naloxone-slug/", NALOXONE)
        amp = (SITES_DIR / "ddn" / "funding-boost-for-recovery-communities" / "index.html").read_text(encoding="utf-8")
        server.set_page("/funding-boost-for-recovery-communities/amp/", amp)
        server.set_page("/wp-sitemap-posts-post-1.xml", sitemap(
            f"{ORIGIN}/old-naloxone-slug/",
            "http://drinkanddrugsnews.com/the-big-conversation",
            CONVERSATION,
            SERVICES.rstrip("/"),
            f"{FUNDING}amp/",
        ))
        db = tmp_path_factory.mktemp("identity") / "archive.db"
        result = crawl("ddn", server.base_url, db)
        yield db, result, server.requests
    finally:
        server.stop()


def test_each_post_is_stored_once_under_its_canonical_url(variants) -> None:
    db, result, _ = variants
    assert result.returncode in (0, 3), result.stdout + result.stderr
    stored = rows(db, "select url, wp_id from posts order by wp_id")
    truth = json.loads((SITES_DIR / "ddn" / "expected.json").read_text(encoding="utf-8"))
    assert stored == [{"url": p["url"], "wp_id": p["wp_id"]} for p in sorted(truth["posts"], key=lambda p: p["wp_id"])]
    assert {r["url"] for r in rows(db, "select url from posts")} == {NALOXONE, CONVERSATION, SERVICES, FUNDING}


def test_comment_permalinks_follow_the_post(variants) -> None:
    db, _, _ = variants
    urls = [r["url"] for r in rows(db, "select url from comments where post_id = 'ddn:post:19544' order by position")]
    assert urls and all(u.startswith(NALOXONE + "#comment-") for u in urls)


def test_the_redirect_is_followed_and_each_post_fetched_once(variants) -> None:
    _, _, log = variants
    statuses = {path: [s for _, p, s in log if p == path] for path in (
        "/old-naloxone-slug/", "/naloxone-every-service-should-be-handing-it-out/",
        "/the-big-conversation", "/the-big-conversation/", "/services-need-long-term-funding-says-report")}
    assert statuses == {
        "/old-naloxone-slug/": [301], "/naloxone-every-service-should-be-handing-it-out/": [200],
        # The first spelling listed is fetched (and redirected); the later ones are not requested.
        "/the-big-conversation": [301], "/the-big-conversation/": [200],
        "/services-need-long-term-funding-says-report": [301],
    }


def test_captures_keep_the_fetched_address_so_reprocess_finds_them(variants) -> None:
    db, _, _ = variants
    captured = {r["url"] for r in rows(db, "select url from captures where status = 200")}
    assert {NALOXONE, CONVERSATION, SERVICES, f"{FUNDING}amp/"} <= captured


ORIGINS = OriginMap(ORIGIN, "http://127.0.0.1:8123")


@pytest.mark.parametrize(("landed", "canonical", "stored"), [
    ("http://127.0.0.1:8123/a-post/", None, f"{ORIGIN}/a-post/"),
    ("http://127.0.0.1:8123/a-post/amp/", f"{ORIGIN}/a-post/", f"{ORIGIN}/a-post/"),
    ("http://127.0.0.1:8123/a-post/", "/a-post/", f"{ORIGIN}/a-post/"),  # relative canonical
    ("http://127.0.0.1:8123/a-post/", "http://drinkanddrugsnews.com/a-post/", f"{ORIGIN}/a-post/"),
    ("http://127.0.0.1:8123/a-post/", "https://another.example/a-post/", f"{ORIGIN}/a-post/"),  # off-site: ignored
    ("http://127.0.0.1:8123/a-post/", f"{ORIGIN}/a-post/comment-page-2/#comments", f"{ORIGIN}/a-post/"),
    ("http://127.0.0.1:8123/a-post/", f"{ORIGIN}/feed/", f"{ORIGIN}/a-post/"),  # not a page: ignored
    ("http://127.0.0.1:8123/a-post/?utm_source=x", None, f"{ORIGIN}/a-post/?utm_source=x"),
])
def test_canonical_post_url(landed: str, canonical: str | None, stored: str) -> None:
    assert canonical_post_url(ORIGINS, landed, canonical) == stored


def test_url_key_folds_sitemap_variants() -> None:
    keys = {url_key(u) for u in (f"{ORIGIN}/a-post/", f"{ORIGIN}/a-post", "http://drinkanddrugsnews.com/a-post/",
                                 "https://WWW.drinkanddrugsnews.com/a-post", "https://www.drinkanddrugsnews.com/a-post/#x")}
    assert len(keys) == 1
    assert url_key(f"{ORIGIN}/a-post/") != url_key(f"{ORIGIN}/another-post/")


def test_a_known_post_under_another_spelling_is_still_known(mirror_factory, tmp_db) -> None:
    """The next crawl's sitemap spells two stored posts differently: they are still recognised
    as unchanged and skipped, not fetched again nor stored twice."""
    server = mirror_factory("ddn")
    first = crawl("ddn", server.base_url, tmp_db)
    assert first.returncode == 0, first.stdout + first.stderr
    server.set_page("/wp-sitemap-posts-post-1.xml", sitemap(
        "http://drinkanddrugsnews.com/naloxone-every-service-should-be-handing-it-out",
        CONVERSATION.rstrip("/"), SERVICES, FUNDING))
    start = server.count()
    again = crawl("ddn", server.base_url, tmp_db)
    assert again.returncode == 0, again.stdout + again.stderr
    fetched = [p for _, p, _ in server.requests[start:]]
    assert not [p for p in fetched if "naloxone" in p or "big-conversation" in p], fetched
    run = rows(tmp_db, "select posts_skipped, posts_new from crawls order by id desc limit 1")[0]
    assert run == {"posts_skipped": 4, "posts_new": 0}
    assert rows(tmp_db, "select count(*) n from posts")[0]["n"] == 4


def test_a_post_whose_slug_changed_moves_to_its_new_url(mirror_factory, tmp_db) -> None:
    """The site renames a post: the new permalink serves it (its rel=canonical says so), the old
    one 301s there, the sitemap lists the new one. The post's one row, and its comments' links,
    follow it; the next crawl knows it under the new URL and skips it as unchanged."""
    server = mirror_factory("ddn")
    assert crawl("ddn", server.base_url, tmp_db).returncode == 0
    renamed = f"{ORIGIN}/the-big-conversation-with-ed-day/"
    page = (SITES_DIR / "ddn" / "the-big-conversation" / "index.html").read_text(encoding="utf-8")
    server.set_page(renamed, page.replace(CONVERSATION, renamed))
    server.redirect("/the-big-conversation/", renamed)
    server.set_page("/wp-sitemap-posts-post-1.xml", sitemap(NALOXONE, renamed, SERVICES, FUNDING))
    second = crawl("ddn", server.base_url, tmp_db)
    assert second.returncode == 0, second.stdout + second.stderr
    assert rows(tmp_db, "select url from posts where wp_id = 28417") == [{"url": renamed}]
    links = {r["url"].split("#")[0] for r in rows(tmp_db, "select url from comments where post_id = 'ddn:post:28417'")}
    assert links == {renamed}
    start = server.count()
    third = crawl("ddn", server.base_url, tmp_db)
    assert third.returncode == 0, third.stdout + third.stderr
    assert not [p for _, p, _ in server.requests[start:] if "big-conversation" in p]
    assert rows(tmp_db, "select count(*) n from posts")[0]["n"] == 4

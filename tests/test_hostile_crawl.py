"""Issue 16, the crawl side: a hostile DDN mirror cannot crash a batch, lead the crawler off the
site, trap it, hide its sitemaps or make it drop a page without a failure row, and what it stores
is safe HTML. One crawl of the hostile mirror (a second loopback address plays the other host),
many asserts; a second crawl spends its run-time budget on a slow trap."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from crawling import crawl, rows
from hostile_site import (
    BIG,
    ORIGIN,
    HostileMirror,
    comment,
    deep_thread,
    gzip_bomb,
    post_page,
)
from mirror import CONTENT_TYPES, SITES_DIR, MirrorServer

from archivedb.lock import crawl_lock
from archivedb.schema import open_db

LONG_URL = f"{ORIGIN}/long-{'a' * 2100}/"
LONG_SITEMAP = f"{ORIGIN}/wp-sitemap-{'b' * 2100}.xml"  # listed in the index: dropped, still accounted for
DELETED = f"{ORIGIN}/deleted-long-ago/"  # known to the archive, gone from the site and its sitemaps
LIMITS = ("-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "ARCHIVE_MAX_COMMENT_PAGES=6", "-s", "ARCHIVE_MAX_LISTING_PAGES=4")
HOSTILE_BODY = (
    '<p>Kept text.</p><iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'
    '<object data="evil.swf"></object><p style="width: expression(alert(1))">Styled.</p>'
    '<a href="javascript:alert(1)">js link</a> <a href="data:text/html,&lt;script&gt;x&lt;/script&gt;">data link</a>'
    ' <a href="https://example.org/ok">fine link</a>'
)


def sitemap(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def arm(site: HostileMirror, elsewhere: MirrorServer) -> None:
    """Every hostile page of issue 16 on one mirror."""
    robots = site.root.joinpath("robots.txt").read_text()
    site.set_page("/robots.txt", robots + f"Sitemap: {ORIGIN}/wp-sitemap.xml\nSitemap: {ORIGIN}/missing-sitemap.xml\n")
    index = site.root.joinpath("wp-sitemap.xml").read_text()
    child = f"<sitemap><loc>{ORIGIN}/wp-sitemap-posts-post-1.xml</loc></sitemap>"
    too_long = f"<sitemap><loc>{LONG_SITEMAP}</loc></sitemap>"
    site.set_page("/wp-sitemap.xml", index.replace(child, child + child + too_long))  # one child listed twice
    saved = site.root.joinpath("wp-sitemap-posts-post-1.xml").read_text()
    listed = [f"{ORIGIN}{p}" for p in (
        "/huge-comment-id/", "/huge-post-id/", "/abc-comment-id/", "/copied-a/", "/copied-b/", "/off-site/",
        "/to-live/", "/loop-a/", "/too-large/", "/gzip-bomb/", "/deep-300/", "/deep-1000/",
        "/endless-comments/", "/ceiling-trap/", "/hostile-markup/")] + [LONG_URL, "http://[::1"]
    extra = "".join(f"<url><loc>{u}</loc></url>" for u in listed) + "<url><lastmod>2024-01-01</lastmod></url>"
    site.set_page("/wp-sitemap-posts-post-1.xml", saved.replace("</urlset>", extra + "</urlset>"))
    site.set_page("/huge-comment-id/", post_page("/huge-comment-id/", 880001, "Huge comment id", comment(
        BIG, "too big an id", post_path="/huge-comment-id/") + comment(880101, "an ordinary comment")))
    site.set_page("/huge-post-id/", post_page("/huge-post-id/", BIG, "Huge post id", comment(
        880201, "on a post with a huge id"), heading=f"{BIG} Comments"))
    site.set_page("/abc-comment-id/", post_page("/abc-comment-id/", 880003, "Letters for an id", comment(
        "abc", "an id that is no number", with_id=False) + comment(880301, "a numbered comment")))
    for slug, wp_id, own in (("copied-a", 880004, 880402), ("copied-b", 880005, 880403)):
        site.set_page(f"/{slug}/", post_page(f"/{slug}/", wp_id, f"Copy {slug}", comment(
            880401, "shown on two pages", post_path=f"/{slug}/") + comment(own, f"only on {slug}")))
    site.redirect_to("/off-site/", elsewhere.base_url + "/naloxone-every-service-should-be-handing-it-out/")
    site.redirect_to("/to-live/", f"{ORIGIN}/landed-here/")
    site.set_page("/landed-here/", post_page("/landed-here/", 880006, "Landed here"))
    site.redirect("/loop-a/", "/loop-b/")
    site.redirect("/loop-b/", "/loop-a/")
    site.set_page("/too-large/", post_page("/too-large/", 880012, "Too large", body="<p>" + "x" * 1_500_000 + "</p>"))
    site.set_page("/gzip-bomb/", gzip_bomb(20_000_000), CONTENT_TYPES[".html"], headers={"Content-Encoding": "gzip"})
    site.set_page("/deep-300/", post_page("/deep-300/", 880007, "Deep 300", deep_thread(300, 700000, "/deep-300/")))
    site.set_page("/deep-1000/", post_page("/deep-1000/", 880008, "Deep 1000", deep_thread(1000, 710000, "/deep-1000/")))
    newer = f'<div class="navigation"><a class="next" href="{ORIGIN}/endless-comments/comment-page-2/#comments">Newer Comments</a></div>'
    site.set_page("/endless-comments/", post_page("/endless-comments/", 880009, "Endless comments", comment(
        880901, "the first page"), heading="2 Comments", after_list=newer))
    site.set_page("/ceiling-trap/", post_page("/ceiling-trap/", 880010, "Ceiling trap", comment(
        881001, "no count shown"), heading="Comments", after_list=newer.replace("endless-comments", "ceiling-trap")))
    site.set_page("/hostile-markup/", post_page("/hostile-markup/", 880011, "Hostile markup", comment(
        881101, 'see <a href="javascript:alert(2)">this</a><iframe srcdoc="x"></iframe>',
        author_url="javascript:alert(3)") + comment(881102, "a site", author_url="https://reader.example/"),
        body=HOSTILE_BODY))
    site.endless_listing = True


def seed_known_post(db: Path) -> None:
    """The archive remembers a post the site has since deleted (and unlisted)."""
    archive = open_db(str(db))
    archive["posts"].insert({"id": "ddn:post:5", "site": "ddn", "wp_id": 5, "url": DELETED, "title": "Deleted",
                             "status": "live", "missing_count": 0, "published": "2020-01-01T00:00:00Z",
                             "fetched_at": "2025-11-01T00:00:00Z", "comments_complete": 1, "content_hash": "x"})
    archive.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    seed_known_post(db)
    with HostileMirror() as site, MirrorServer(SITES_DIR / "ddn", host="127.0.0.2") as elsewhere:
        arm(site, elsewhere)
        started = time.monotonic()
        result = crawl("ddn", site.base_url, db, *LIMITS, timeout=180)
        yield {"db": db, "result": result, "site": site, "elsewhere": elsewhere,
               "seconds": time.monotonic() - started}


def failures(db: Path, kind: str | None = None) -> list[dict]:
    if kind is None:
        return rows(db, "select * from failures order by id")
    return rows(db, "select * from failures where kind = ? order by id", (kind,))


def post(db: Path, path: str) -> dict | None:
    found = rows(db, "select * from posts where url = ?", (ORIGIN + path,))
    return found[0] if found else None


def comment_ids(db: Path, path: str) -> list[int]:
    return [r["wp_id"] for r in rows(db, "select c.wp_id from comments c join posts p on p.id = c.post_id"
                                          " where p.url = ? order by c.position", (ORIGIN + path,))]


def test_the_run_completes_with_failures(hostile) -> None:
    result, db = hostile["result"], hostile["db"]
    assert result.returncode == 3, result.stdout + result.stderr
    run = rows(db, "select * from crawls")[-1]
    assert run["status"] == "ok"
    assert "Traceback" not in result.stderr


def test_ids_beyond_sqlite_or_not_numbers_fail_only_their_row(hostile) -> None:
    db = hostile["db"]
    assert comment_ids(db, "/huge-comment-id/") == [880101]
    assert comment_ids(db, "/abc-comment-id/") == [880301]
    huge_post = post(db, "/huge-post-id/")
    assert huge_post is not None and huge_post["wp_id"] is None and huge_post["comment_count"] is None
    assert comment_ids(db, "/huge-post-id/") == [880201]
    parse = {(f["url"], f["reason"]) for f in failures(db, "parse")}
    assert any(url == f"{ORIGIN}/huge-comment-id/" and str(BIG) in reason for url, reason in parse), parse
    assert any(url == f"{ORIGIN}/abc-comment-id/" and "'abc'" in reason for url, reason in parse), parse
    assert sum(url == f"{ORIGIN}/huge-post-id/" for url, _ in parse) == 2, parse  # its id and its count
    # The saved site's own posts were stored in the same batches.
    assert post(db, "/naloxone-every-service-should-be-handing-it-out/") is not None


def test_a_comment_two_pages_show_is_kept_once(hostile) -> None:
    db = hostile["db"]
    a, b = comment_ids(db, "/copied-a/"), comment_ids(db, "/copied-b/")
    assert sorted([a, b]) == sorted([[880401, 880402], [880403]]) or sorted([a, b]) == sorted([[880402], [880401, 880403]])
    loser = "/copied-b/" if 880401 in a else "/copied-a/"
    dup = [f for f in failures(db, "duplicate") if f["url"] == ORIGIN + loser]
    assert len(dup) == 1 and "880401" in dup[0]["reason"], failures(db)


def test_redirect_to_another_host_is_refused_and_recorded(hostile) -> None:
    db, elsewhere = hostile["db"], hostile["elsewhere"]
    assert elsewhere.requests == []
    scope = [f for f in failures(db, "scope") if f["url"] == f"{ORIGIN}/off-site/"]
    assert len(scope) == 1 and elsewhere.base_url in scope[0]["reason"], failures(db)
    assert not rows(db, "select id from posts where fetched_from like '%127.0.0.2%'")


def test_redirect_to_the_live_origin_stays_on_the_mirror(hostile) -> None:
    db, site = hostile["db"], hostile["site"]
    assert site.count("/landed-here/") == 1
    assert rows(db, "select count(*) n from posts where title = 'Landed here'")[0]["n"] == 1
    assert not [f for f in failures(db) if "landed-here" in f["url"] or "landed-here" in f["reason"]]


def test_redirect_loop_is_a_failure_row(hostile) -> None:
    loops = [f for f in failures(hostile["db"], "redirect") if f["url"] == f"{ORIGIN}/loop-a/"]
    assert len(loops) == 1 and "loop" in loops[0]["reason"], failures(hostile["db"])


def test_comment_page_traps_end_at_what_the_page_declares(hostile) -> None:
    db, site = hostile["db"], hostile["site"]
    endless = [p for _, p, _ in site.requests if p.startswith("/endless-comments/comment-page-")]
    ceiling = [p for _, p, _ in site.requests if p.startswith("/ceiling-trap/comment-page-")]
    assert len(endless) == 2, endless  # "2 Comments": the post page and at most two more pages
    assert len(ceiling) == 5, ceiling  # no count shown: ARCHIVE_MAX_COMMENT_PAGES=6 pages in all
    for path in ("/endless-comments/", "/ceiling-trap/"):
        stored = post(db, path)
        assert stored is not None and stored["comments_complete"] == 0
        assert [f for f in failures(db, "limit") if f["url"] == ORIGIN + path], failures(db)
    assert len(comment_ids(db, "/ceiling-trap/")) == 6


def test_listing_trap_ends_where_the_sites_pagination_does(hostile) -> None:
    """DDN's home page numbers its pagination up to 2; the trap's page 2 links a page 3."""
    db, site = hostile["db"], hostile["site"]
    listings = [p for _, p, _ in site.requests if p == "/" or p.startswith("/page/")]
    assert listings == ["/", "/page/2/"], listings
    limit = [f for f in failures(db, "limit") if "listing" in f["reason"]]
    assert [(f["url"], f["reason"]) for f in limit] == [
        (f"{ORIGIN}/page/2/", "listing page 3 not followed: the listing's own pagination shows 2 pages")]


def _listing_spider(max_pages: int):
    from types import SimpleNamespace

    from spiders.registry import spider_class

    spider = spider_class("ddn")(base_url="http://127.0.0.1:9")
    spider.crawler = SimpleNamespace(stats=SimpleNamespace(inc_value=lambda *a, **k: None))
    spider.max_listing_pages = max_pages
    return spider


def _walk_listings(spider, root_body: str) -> tuple[list[str], list]:
    """Follow a listing trap page by page, as the engine would; (listing URLs fetched, failures)."""
    from scrapy.http import HtmlResponse

    from hostile_site import endless_listing
    from reading.records import FailureItem

    fetched, failed = [], []
    queue = list(spider._listing_request("http://127.0.0.1:9/"))
    while queue:
        request = queue.pop(0)
        fetched.append(request.url)
        n = int(request.url.rstrip("/").rsplit("/", 1)[-1]) if "/page/" in request.url else 1
        body = root_body if n == 1 else endless_listing(n)
        for out in spider.parse_listing(HtmlResponse(request.url, body=body.encode(), request=request)):
            if isinstance(out, FailureItem):
                failed.append(out)
            elif out.callback == spider.parse_listing:
                queue.append(out)
    return fetched, failed


def test_listing_pages_without_numbers_end_at_the_setting() -> None:
    from hostile_site import endless_listing

    fetched, failed = _walk_listings(_listing_spider(4), endless_listing(1))
    assert fetched == ["http://127.0.0.1:9/"] + [f"http://127.0.0.1:9/page/{n}/" for n in (2, 3, 4)]
    assert [(f.kind, f.reason) for f in failed] == [
        ("limit", "listing pages beyond 4 not followed (ARCHIVE_MAX_LISTING_PAGES)")]


def test_numbered_pagination_declares_the_last_listing_page() -> None:
    from hostile_site import endless_listing

    numbered = endless_listing(1).replace("</div></main>", "".join(
        f'<a class="page-numbers" href="{ORIGIN}/page/{n}/">{n}</a>' for n in (2, 3)) + "</div></main>")
    fetched, failed = _walk_listings(_listing_spider(100), numbered)
    assert fetched == ["http://127.0.0.1:9/", "http://127.0.0.1:9/page/2/", "http://127.0.0.1:9/page/3/"]
    assert [f.reason for f in failed] == ["listing page 4 not followed: the listing's own pagination shows 3 pages"]


def test_duplicate_sitemap_lines_are_harmless(hostile) -> None:
    """Discovery finished: the fallback ran and the known post no sitemap lists was rechecked."""
    db, site = hostile["db"], hostile["site"]
    assert site.count("/wp-sitemap.xml") == 1 and site.count("/wp-sitemap-posts-post-1.xml") == 1
    assert site.count("/deleted-long-ago/") == 1
    assert rows(db, "select missing_count from posts where url = ?", (DELETED,)) == [{"missing_count": 1}]
    assert site.count("/") == 1  # listings were read after the missing sitemap
    truth = [p["url"] for p in site.expected["posts"]]
    stored = {r["url"] for r in rows(db, "select url from posts")}
    assert set(truth) <= stored


def test_every_drop_is_a_failure_row(hostile) -> None:
    db = hostile["db"]
    too_large = {f["url"]: f["reason"] for f in failures(db, "too_large")}
    assert set(too_large) == {f"{ORIGIN}/too-large/", f"{ORIGIN}/gzip-bomb/"}, failures(db)
    assert sorted(f["url"] for f in failures(db, "too_long")) == sorted([LONG_URL, LONG_SITEMAP])
    unreadable = [f for f in failures(db, "parse") if f["url"] == f"{ORIGIN}/wp-sitemap-posts-post-1.xml"]
    assert len(unreadable) == 2, failures(db)  # the entry with a broken URL and the one with none
    assert any("http://[::1" in f["reason"] for f in unreadable)


def test_threads_deeper_than_libxml2s_limit_are_read_whole(hostile) -> None:
    db = hostile["db"]
    for path, depth, first in (("/deep-300/", 300, 700000), ("/deep-1000/", 1000, 710000)):
        assert comment_ids(db, path) == list(range(first, first + depth)), path
        assert rows(db, "select max(c.depth) d from comments c join posts p on p.id = c.post_id where p.url = ?",
                    (ORIGIN + path,)) == [{"d": depth}]


def test_stored_html_is_safe(hostile) -> None:
    db = hostile["db"]
    body = post(db, "/hostile-markup/")["body_html"]
    for bad in ("srcdoc", "<object", "expression(", "javascript:", "data:text"):
        assert bad not in body, (bad, body)
    assert "Kept text." in body and 'href="https://example.org/ok"' in body
    found = rows(db, "select wp_id, author_url, body_html from comments where wp_id in (881101, 881102) order by wp_id")
    assert found[0]["author_url"] is None and "javascript:" not in found[0]["body_html"]
    assert "srcdoc" not in found[0]["body_html"] and "see" in found[0]["body_html"]
    assert found[1]["author_url"] == "https://reader.example/"
    # The raw page stays in the captures, as fetched.
    raw = rows(db, "select count(*) n from captures where url = ?", (f"{ORIGIN}/hostile-markup/",))
    assert raw == [{"n": 1}]


# -- the run-time budget -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def budget(tmp_path_factory: pytest.TempPathFactory):
    """A slow endless thread with no declared count and a high ceiling: only the budget ends it."""
    db = tmp_path_factory.mktemp("budget") / "archive.db"
    with HostileMirror() as site:
        site.set_page("/wp-sitemap-posts-post-1.xml", sitemap([f"{ORIGIN}/slow-trap/"]))
        newer = f'<div class="navigation"><a class="next" href="{ORIGIN}/slow-trap/comment-page-2/">Newer Comments</a></div>'
        site.set_page("/slow-trap/", post_page("/slow-trap/", 880020, "Slow trap", comment(882001, "first"),
                                               heading="Comments", after_list=newer))
        for n in range(2, 200):
            site.delay(f"/slow-trap/comment-page-{n}/", 0.3)
        started = time.monotonic()
        result = crawl("ddn", site.base_url, db, "-s", "ARCHIVE_MAX_RUNTIME=3", "-s", "ARCHIVE_MAX_COMMENT_PAGES=10000",
                       timeout=120)
        yield {"db": db, "result": result, "seconds": time.monotonic() - started}


def test_the_run_time_budget_ends_a_trap_cleanly(budget) -> None:
    db, result = budget["db"], budget["result"]
    assert result.returncode == 3, result.stdout + result.stderr
    assert budget["seconds"] < 30
    run = rows(db, "select * from crawls")[-1]
    assert run["status"] == "ok" and run["finished"] is not None
    limit = failures(db, "limit")
    assert len(limit) == 1 and "ARCHIVE_MAX_RUNTIME" in limit[0]["reason"], failures(db)
    stored = post(db, "/slow-trap/")
    assert stored is not None and stored["comments_complete"] == 0 and len(comment_ids(db, "/slow-trap/")) >= 2
    with crawl_lock(str(db)):  # the lock was released
        pass


def test_sqlite_cannot_hold_the_huge_values() -> None:
    """Why item 2 matters: these values cannot be written as they are."""
    with pytest.raises(OverflowError):
        sqlite3.connect(":memory:").execute("select ?", [BIG])


# -- one bad row, one batch --------------------------------------------------------------------


def test_a_row_sqlite_refuses_fails_only_its_post(tmp_db: Path) -> None:
    """Even a value no check caught: the batch is written again post by post."""
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    from reading.records import PostItem
    from pipelines.store import StorePipeline

    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(tmp_db)})
    pipeline = StorePipeline.from_crawler(crawler)
    spider = SimpleNamespace(name="ddn", base_url=ORIGIN)
    pipeline.open_spider(spider)
    good = PostItem(site="ddn", url=f"{ORIGIN}/good/", fetched_from=f"{ORIGIN}/good/", wp_id=1, title="Good",
                    body_html="<p>fine</p>")
    bad = PostItem(site="ddn", url=f"{ORIGIN}/bad/", fetched_from=f"{ORIGIN}/bad/", wp_id=2, title="Bad",
                   comment_count=BIG)
    pipeline.flush([good, bad])
    pipeline.finish_run(spider, "finished")
    assert [r["url"] for r in rows(tmp_db, "select url from posts")] == [f"{ORIGIN}/good/"]
    failed = rows(tmp_db, "select url, kind, reason from failures")
    assert len(failed) == 1 and failed[0]["url"] == f"{ORIGIN}/bad/" and failed[0]["kind"] == "parse"
    assert "OverflowError" in failed[0]["reason"]


# -- the lock belongs to the database ------------------------------------------------------------


def test_a_symlinked_path_meets_the_same_lock(tmp_path: Path, mirror_factory) -> None:
    site = mirror_factory("ddn")
    real, link = tmp_path / "real.db", tmp_path / "link.db"
    link.symlink_to(real)
    with crawl_lock(str(real)):
        result = crawl("ddn", site.base_url, link)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: another crawl is writing {link}"), result.stderr
    assert site.count() == 0


def test_scrapy_crawl_is_refused_while_a_crawl_holds_the_lock(tmp_path: Path, mirror_factory) -> None:
    import subprocess
    import sys

    from crawling import ROOT

    site = mirror_factory("ddn")
    real, link = tmp_path / "real.db", tmp_path / "link.db"
    link.symlink_to(real)
    with crawl_lock(str(real)):
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "ddn", "-a", f"base_url={site.base_url}",
                                 "-s", f"ARCHIVE_DB={link}", "-s", "LOG_LEVEL=ERROR"],
                                capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode != 0
    assert f"another crawl is writing {link}" in result.stderr
    assert site.count() == 0
    assert not real.exists() or rows(real, "select count(*) n from crawls") == [{"n": 0}]


def test_a_site_named_twice_is_crawled_once(tmp_db: Path, ddn_mirror: MirrorServer) -> None:
    result = crawl("ddn", ddn_mirror.base_url, tmp_db, "ddn")
    assert result.returncode in (0, 3), result.stdout + result.stderr
    assert rows(tmp_db, "select site, status from crawls") == [{"site": "ddn", "status": "ok"}]


def test_the_default_limits() -> None:
    from spiders import settings

    assert settings.DOWNLOAD_MAXSIZE == 32 * 1024 * 1024
    assert settings.URLLENGTH_LIMIT == 2083
    from spiders.addon import ARCHIVE_DEFAULTS

    assert ARCHIVE_DEFAULTS["ARCHIVE_MAX_RUNTIME"] > 0 and ARCHIVE_DEFAULTS["ARCHIVE_MAX_COMMENT_PAGES"] > 0


# -- the pieces, without a server ---------------------------------------------------------------


def _scope(base_url: str = "http://127.0.0.1:8123", max_times: int = 3):
    from types import SimpleNamespace

    from spiders.scope import RedirectScope
    from spiders.urls import OriginMap

    crawler = SimpleNamespace(spider=SimpleNamespace(origins=OriginMap(ORIGIN, base_url)),
                              settings=SimpleNamespace(getint=lambda name: max_times))
    return RedirectScope(crawler)


@pytest.mark.parametrize(("location", "expected"), [
    ("http://drinkanddrugsnews.com/a/", "http://127.0.0.1:8123/a/"),  # live origin, other scheme, no www
    ("https://www.drinkanddrugsnews.com/a/?x=1", "http://127.0.0.1:8123/a/?x=1"),
    ("/relative/", "http://127.0.0.1:8123/relative/"),
    ("http://127.0.0.1:8123/b/", "http://127.0.0.1:8123/b/"),  # the mirror itself
])
def test_redirects_within_the_site_are_followed_on_the_mirror(location: str, expected: str) -> None:
    from scrapy.http import Request, Response

    request = Request("http://127.0.0.1:8123/start/")
    response = Response(request.url, status=301, headers={"Location": location}, request=request)
    from urllib.parse import urljoin

    location = _scope().process_response(request, response).headers[b"Location"].decode()
    assert urljoin(request.url, location) == expected  # as RedirectMiddleware will resolve it


@pytest.mark.parametrize("location", [
    "http://127.0.0.2:8123/a/", "http://127.0.0.1:9999/a/", "https://evil.example/", "https://drinkanddrugsnews.com.evil.example/",
])
def test_redirects_elsewhere_are_refused(location: str) -> None:
    from scrapy.http import Request, Response

    from spiders.refusals import OutOfScope

    request = Request("http://127.0.0.1:8123/start/")
    response = Response(request.url, status=302, headers={"Location": location}, request=request)
    with pytest.raises(OutOfScope, match="redirected off the site"):
        _scope().process_response(request, response)


def test_a_live_crawl_follows_the_site_to_its_other_spelling() -> None:
    """On the live site nothing is mapped: www -> bare host (or http -> https) is followed as sent."""
    from scrapy.http import Request, Response

    request = Request(f"{ORIGIN}/a/")
    response = Response(request.url, status=301, headers={"Location": "https://drinkanddrugsnews.com/a/"},
                        request=request)
    kept = _scope(base_url=ORIGIN).process_response(request, response)
    assert kept.headers[b"Location"] == b"https://drinkanddrugsnews.com/a/"
    assert _scope(base_url=ORIGIN).process_request(Request("https://drinkanddrugsnews.com/a/",
                                                           meta={"redirect_urls": [request.url]})) is None


def test_an_over_long_redirect_chain_is_refused() -> None:
    from scrapy.http import Request, Response

    from spiders.refusals import RedirectTrap

    chain = [f"http://127.0.0.1:8123/{n}/" for n in range(3)]
    request = Request("http://127.0.0.1:8123/3/", meta={"redirect_urls": chain})
    response = Response(request.url, status=301, headers={"Location": "/4/"}, request=request)
    with pytest.raises(RedirectTrap, match="more than 3 redirects"):
        _scope(max_times=3).process_response(request, response)


@pytest.mark.parametrize(("raw", "kept", "gone"), [
    ('<p onclick="x()">a</p>', "<p>a</p>", "onclick"),
    ('<a href="javascript:alert(1)">a</a>', "<a>a</a>", "javascript"),
    ('<a href="data:text/html,x">a</a>', "<a>a</a>", "data:"),
    ('<img src="https://s/i.jpg" alt="i" onerror="x">', '<img src="https://s/i.jpg" alt="i">', "onerror"),
    ('<iframe src="https://www.youtube.com/embed/x" srcdoc="&lt;b&gt;"></iframe>',
     '<iframe src="https://www.youtube.com/embed/x"></iframe>', "srcdoc"),
    ('<p style="x:expression(1)" class="lead">t</p>', '<p class="lead">t</p>', "expression"),
    ("<object data=x><embed src=y>t</object><style>p{}</style><p>k</p>", "<p>k</p>", "object"),
    ('<a href="https://example.org/">ok</a>', '<a href="https://example.org/">ok</a>', "rel="),
])
def test_safe_html_keeps_content_and_drops_what_runs(raw: str, kept: str, gone: str) -> None:
    from pipelines.safe_html import safe_html

    assert safe_html(raw) == kept
    assert gone not in safe_html(raw)
    assert safe_html(safe_html(raw)) == safe_html(raw)


def test_author_url_keeps_only_web_addresses() -> None:
    from pipelines.safe_html import web_url

    assert web_url(" https://a.example/ ") == "https://a.example/"
    assert [web_url(u) for u in ("javascript:alert(1)", "data:text/html,x", "mailto:a@b", "http://[::1", "", None,
                                 "//a.example/")] == [None] * 7


def test_values_sqlite_cannot_hold_become_problems() -> None:
    from reading.records import CommentItem, PostItem
    from pipelines.values import check_values

    def c(wp_id, parent=None):
        return CommentItem(wp_id=wp_id, parent_wp_id=parent, depth=1, position=0, author="A", author_url=None,
                           posted_raw=None)

    item = PostItem(site="ddn", url=f"{ORIGIN}/p/", fetched_from="", wp_id=2**63, title="t", comment_count=-(2**63) - 1,
                    comments=[c(1), c("abc"), c(BIG), c(2, parent=BIG), c(3, parent=1)])
    problems = check_values(item)
    assert (item.wp_id, item.comment_count) == (None, None)
    assert [(x.wp_id, x.parent_wp_id, x.position) for x in item.comments] == [(1, None, 1), (2, None, 2), (3, 1, 3)]
    assert item.comments_complete is False
    assert [kind for _, kind, _ in problems] == ["parse", "parse", "parse", "parse", "orphan"]
    assert check_values(item) == []  # repaired: nothing left to say


def test_a_meta_refresh_off_the_site_is_refused_before_it_is_sent() -> None:
    from scrapy.http import Request

    from spiders.refusals import OutOfScope

    request = Request("https://evil.example/x", meta={"redirect_urls": ["http://127.0.0.1:8123/a/"]})
    with pytest.raises(OutOfScope, match="http://127.0.0.1:8123/a/ redirected off the site"):
        _scope().process_request(request)
    live = Request(f"{ORIGIN}/b/", meta={"redirect_urls": ["http://127.0.0.1:8123/a/"]})
    assert _scope().process_request(live).url == "http://127.0.0.1:8123/b/"


def test_a_hard_link_meets_the_same_lock(tmp_path: Path) -> None:
    """A hard link is another name for the same inode: its own ``.lock`` is free, but the flock on
    the database file itself refuses it while a crawl holds the real name."""
    from archivedb.lock import DatabaseLocked, acquire, release

    real = tmp_path / "real" / "archive.db"
    real.parent.mkdir()
    real.write_bytes(b"")
    (tmp_path / "other").mkdir()
    link = tmp_path / "other" / "archive.db"
    os.link(real, link)
    held = acquire(str(real))
    try:
        with pytest.raises(DatabaseLocked, match="another crawl is writing"):
            acquire(str(link))
        assert not (tmp_path / "other" / "archive.db.lock").read_text()  # no pid left in the refused lock
    finally:
        release(held)
    release(acquire(str(link)))  # free again once the first crawl ends


def test_every_stored_vocabulary_value_is_known(hostile) -> None:
    from vocabulary import unknown_values

    assert unknown_values(hostile["db"]) == {}

"""A crawl through a misbehaving site: a 5xx burst, a timeout, a truncated body, a connection
reset and a comment page that fails. The run completes (exit 3), records one failure row per
broken page with its URL and reason, and the next run, with the faults gone, fills every gap."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawling import crawl, rows
from mirror import SITES_DIR, MirrorServer

SITE = "collectivevoice"
ORIGIN = "https://www.collectivevoice.org.uk"
SERVER_ERROR = f"{ORIGIN}/blog/four-golden-threads/"
TIMEOUT = f"{ORIGIN}/blog/spending-review-2021-a-welcome-boost/"
TRUNCATED = f"{ORIGIN}/blog/in-for-the-long-haul-collective-voice-the-next-three-years/"
RESET = f"{ORIGIN}/news/collective-voice-responds-to-the-drug-strategy/"
THREAD = f"{ORIGIN}/blog/going-local/"  # its older comment page resets the connection
COMMENT_PAGE = f"{THREAD}comment-page-1/"
SITEMAP_404 = f"{ORIGIN}/post-sitemap2.xml"  # the saved site's own broken sitemap


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory):
    """One crawl with every fault armed, then one with the mirror healthy again."""
    server = MirrorServer(SITES_DIR / SITE).start()
    db = tmp_path_factory.mktemp("faults") / "archive.db"
    try:
        server.fail_always(SERVER_ERROR, 503)
        server.delay(TIMEOUT, 3.0)
        server.truncate(TRUNCATED)
        server.reset_connection(RESET)
        server.reset_connection(COMMENT_PAGE)
        broken = crawl(SITE, server.base_url, db, "-s", "DOWNLOAD_TIMEOUT=1")
        after_broken = {"posts": rows(db, "select url from posts order by url"),
                        "thread": rows(db, "select count(*) n from comments where post_id = 'collectivevoice:post:3154'")[0]["n"],
                        "requests": server.requests}
        server.reset()
        healed = crawl(SITE, server.base_url, db)
        yield {"db": db, "broken": broken, "healed": healed, "after_broken": after_broken, "server": server,
               "healed_requests": server.requests}
    finally:
        server.stop()


def failures(db: Path, crawl_id: int) -> dict[str, dict]:
    return {f["url"]: f for f in rows(db, "select * from failures where crawl_id = ? and kind in ('http', 'network')",
                                      (crawl_id,))}


def test_broken_run_completes_with_failures(faulty) -> None:
    db, result = faulty["db"], faulty["broken"]
    assert result.returncode == 3, result.stdout + result.stderr
    run = rows(db, "select * from crawls where id = 1")[0]
    assert run["status"] == "ok"
    assert "collectivevoice: ok (crawl #1)" in result.stdout
    assert "6 failed pages" in result.stdout
    # The healthy post and the thread (stored without its broken comment page) were kept.
    stored = [r["url"] for r in faulty["after_broken"]["posts"]]
    assert stored == sorted([THREAD, f"{ORIGIN}/blog/what-the-sentencing-bill-means-for-people-who-use-drugs-and-alcohol-"
                             "and-services-that-support-them/"])


def test_every_broken_page_has_a_failure_row(faulty) -> None:
    found = failures(faulty["db"], 1)
    assert sorted(found) == sorted([SERVER_ERROR, TIMEOUT, TRUNCATED, RESET, COMMENT_PAGE, SITEMAP_404])
    assert (found[SERVER_ERROR]["kind"], found[SERVER_ERROR]["status"], found[SERVER_ERROR]["reason"]) == \
        ("http", 503, "page answered HTTP 503")
    assert found[TIMEOUT]["kind"] == "network" and "TimeoutError" in found[TIMEOUT]["reason"]
    assert (found[TRUNCATED]["kind"], found[TRUNCATED]["reason"]) == (
        "network", ("ResponseDataLossError: the connection closed before the whole body arrived "
                    "(shorter than its Content-Length)"))
    for url in (RESET, COMMENT_PAGE):
        assert found[url]["kind"] == "network" and "ConnectionLost" in found[url]["reason"], found[url]["reason"]
    # Retried once (RETRY_TIMES=1) before giving up: two requests for the 5xx page.
    assert [s for _, p, s in faulty["after_broken"]["requests"] if p == "/blog/four-golden-threads/"] == [503, 503]


def test_next_run_fills_the_gaps(faulty) -> None:
    db, result = faulty["db"], faulty["healed"]
    server = faulty["server"]
    assert result.returncode == 3, result.stdout + result.stderr  # only post-sitemap2.xml still fails
    assert sorted(failures(db, 2)) == [SITEMAP_404]
    truth = server.expected["posts"]
    stored = rows(db, "select id, url, comments_captured from posts order by url")
    assert [r["url"] for r in stored] == sorted(p["url"] for p in truth)
    assert {r["url"]: r["comments_captured"] for r in stored} == {p["url"]: len(p["comments"]) for p in truth}
    comments = rows(db, "select id, post_id, position, status from comments order by post_id, position")
    assert len(comments) == len({c["id"] for c in comments}) == sum(len(p["comments"]) for p in truth)
    for p in truth:
        got = [c["id"] for c in comments if c["post_id"] == f"{SITE}:post:{p['wp_id']}"]
        assert got == [f"{SITE}:comment:{c['wp_id']}" for c in p["comments"]], p["url"]
    assert {c["status"] for c in comments} == {"present"}
    run = rows(db, "select * from crawls where id = 2")[0]
    assert (run["status"], run["posts_new"], run["posts_skipped"]) == ("ok", 4, 1)


def test_thread_with_a_failed_comment_page_is_completed(faulty) -> None:
    """The thread stored with a comment page missing is fetched again and gains its older comments."""
    assert faulty["after_broken"]["thread"] < 7
    requested = [p for _, p, _ in faulty["healed_requests"]]
    assert "/blog/going-local/" in requested and "/blog/going-local/comment-page-1/" in requested
    run = rows(faulty["db"], "select * from crawls where id = 2")[0]
    assert (run["posts_unchanged"], run["comments_new"]) == (1, 7 - faulty["after_broken"]["thread"] + 12)

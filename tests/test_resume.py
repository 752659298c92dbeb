"""Kill a crawl with SIGKILL part-way and run it again: nothing written is lost, the second run
fetches only what the first did not store, every post and comment ends up stored exactly once,
the killed run is marked ``interrupted`` and its lock does not block the next run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from crawling import FAST, ROOT, crawl, rows
from mirror import SITES_DIR, MirrorServer, path_key

SITE = "collectivevoice"
ORIGIN = "https://www.collectivevoice.org.uk"
SLOW = [f"{ORIGIN}/blog/four-golden-threads/", f"{ORIGIN}/blog/going-local/",
        f"{ORIGIN}/blog/in-for-the-long-haul-collective-voice-the-next-three-years/",
        f"{ORIGIN}/blog/spending-review-2021-a-welcome-boost/"]
FAST_POSTS = 2  # the other two posts answer at once


def stored_posts(db: Path) -> int:
    """Posts visible to a reader right now (read-only: never create the file under the crawl)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from posts").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def wait_for(predicate, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"crawl ended early: {proc.communicate()}"
        assert time.monotonic() < deadline, "crawl stored nothing in time"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def resumed(tmp_path_factory: pytest.TempPathFactory):
    server = MirrorServer(SITES_DIR / SITE).start()
    db = tmp_path_factory.mktemp("resume") / "archive.db"
    try:
        for url in SLOW:
            server.delay(url, 60.0)
        cmd = [sys.executable, "-m", "archive", "crawl", SITE, "--db", str(db), "--base-url",
               f"{SITE}={server.base_url}", *FAST, "-s", "DOWNLOAD_TIMEOUT=90", "-s", "ARCHIVE_BATCH_SIZE=1"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: stored_posts(db) >= FAST_POSTS, 60, proc)
            time.sleep(0.3)  # let the killed run be busy with the slow pages
            workers = psutil.Process(proc.pid).children(recursive=True)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()  # reaped: its pid is really gone, as after a real kill
        _, orphans = psutil.wait_procs(workers, timeout=10)
        killed = {"pid": proc.pid, "returncode": proc.returncode, "posts": rows(db, "select * from posts order by id"),
                  "comments": rows(db, "select * from comments order by id"),
                  "runs": rows(db, "select * from crawls"),
                  "lock": Path(f"{db}.lock").read_text(), "workers": workers, "orphans": orphans}
        server.reset()  # healthy again (and a fresh request log)
        second = crawl(SITE, server.base_url, db)
        yield {"db": db, "killed": killed, "second": second, "requests": server.requests, "server": server}
    finally:
        server.stop()


def test_killed_run_kept_what_it_wrote(resumed) -> None:
    killed = resumed["killed"]
    assert killed["returncode"] == -signal.SIGKILL
    assert len(killed["posts"]) == FAST_POSTS
    assert sorted(p["url"] for p in killed["posts"]) == sorted(
        [f"{ORIGIN}/news/collective-voice-responds-to-the-drug-strategy/",
         f"{ORIGIN}/blog/what-the-sentencing-bill-means-for-people-who-use-drugs-and-alcohol-and-services-that-support-them/"])
    assert [(r["id"], r["status"], r["pid"], r["finished"]) for r in killed["runs"]] == [(1, "running", killed["pid"], None)]
    assert killed["lock"] == str(killed["pid"])  # the dead process's pid is still written in the lock file


def test_killed_runs_worker_processes_exit_too(resumed) -> None:
    killed = resumed["killed"]
    assert killed["workers"], "the crawl had started its page worker"
    assert killed["orphans"] == []  # each noticed its parent was gone and exited


def test_second_run_resumes_and_marks_the_killed_run(resumed) -> None:
    db, second = resumed["db"], resumed["second"]
    assert second.returncode == 3, second.stdout + second.stderr  # 3: post-sitemap2.xml 404s, not the lock
    assert "another crawl" not in second.stderr
    runs = rows(db, "select id, status, finish_reason, posts_new, posts_skipped from crawls order by id")
    assert runs == [
        # The killed run's row keeps the counts of its last written batch.
        {"id": 1, "status": "interrupted", "finish_reason": "process ended without finishing",
         "posts_new": FAST_POSTS, "posts_skipped": 0},
        {"id": 2, "status": "ok", "finish_reason": "finished", "posts_new": len(SLOW), "posts_skipped": FAST_POSTS},
    ]
    # Only the posts the killed run had not stored were fetched again.
    fetched = {p for _, p, _ in resumed["requests"]}
    for post in resumed["killed"]["posts"]:
        assert path_key(post["url"]) not in fetched
    for url in SLOW:
        assert resumed["server"].count(url) == 1
    assert Path(f"{db}.lock").read_text() == ""


def test_every_post_and_comment_exactly_once(resumed) -> None:
    db, truth = resumed["db"], resumed["server"].expected["posts"]
    posts = rows(db, "select id, url, crawl_id from posts order by url")
    assert [p["url"] for p in posts] == sorted(p["url"] for p in truth)
    assert rows(db, "select count(*) n from posts")[0]["n"] == len(truth)
    comments = rows(db, "select id, post_id from comments order by post_id, position")
    assert len(comments) == sum(len(p["comments"]) for p in truth)
    for p in truth:
        assert [c["id"] for c in comments if c["post_id"] == f"{SITE}:post:{p['wp_id']}"] == \
            [f"{SITE}:comment:{c['wp_id']}" for c in p["comments"]]
    # Rows the killed run wrote are untouched by the resumed run.
    assert rows(db, "select * from posts where crawl_id = 1 order by id") == resumed["killed"]["posts"]
    captures = rows(db, "select url, count(*) n from captures group by url having n > 1")
    assert captures == []


# -- bounded loss: a kill loses seconds, not batches ------------------------------------------

PAGE_DELAY = 0.5  # every post page answers after this long, and requests go one at a time
FLUSH_SECONDS = 1  # write at least this often, however few posts are waiting


@pytest.fixture(scope="module")
def killed_slow(tmp_path_factory: pytest.TempPathFactory):
    """A slow, polite crawl at the default batch size (50 posts, more than the site has) killed
    once half its posts were stored: only the time bound can have written anything."""
    server = MirrorServer(SITES_DIR / SITE).start()
    db = tmp_path_factory.mktemp("bounded") / "archive.db"
    posts = [p["url"] for p in server.expected["posts"]]
    post_paths = {path_key(u) for u in posts}
    try:
        for url in posts:
            server.delay(url, PAGE_DELAY)
        cmd = [sys.executable, "-m", "archive", "crawl", SITE, "--db", str(db), "--base-url",
               f"{SITE}={server.base_url}", *FAST, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
               "-s", f"DOWNLOAD_DELAY={PAGE_DELAY}", "-s", f"ARCHIVE_FLUSH_SECONDS={FLUSH_SECONDS}"]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: stored_posts(db) >= len(posts) // 2, 90, proc)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        before = server.requests
        killed = {"posts": rows(db, "select url from posts"), "run": rows(db, "select * from crawls")[0],
                  "requests": len(before), "post_pages": sum(p in post_paths for _, p, _ in before)}
        server.reset()
        second = crawl(SITE, server.base_url, db)
        yield {"db": db, "posts": posts, "killed": killed, "second": second, "requests": server.requests}
    finally:
        server.stop()


def test_a_kill_loses_at_most_the_last_seconds(killed_slow) -> None:
    killed, posts = killed_slow["killed"], killed_slow["posts"]
    stored, run = len(killed["posts"]), killed["run"]
    print(f"bounded loss: {killed['requests']} requests ({killed['post_pages']} post pages) answered before the"
          f" kill; the killed run's row says {run['pages_fetched']} pages; {stored} of {len(posts)} posts stored")
    assert stored >= len(posts) // 2  # with batches of 50 and no time bound: 0 until the very end
    # The killed run's row keeps the counts of its last write, about a second before the kill.
    assert (run["status"], run["posts_new"]) == ("running", stored)
    assert run["pages_fetched"] >= stored
    # requests also counts Scrapy's own robots.txt fetch; at ~2 pages/s a second's lag is a few pages.
    assert 0 <= killed["requests"] - run["pages_fetched"] <= 5


def test_the_next_run_refetches_only_what_was_not_stored(killed_slow) -> None:
    second, killed, posts = killed_slow["second"], killed_slow["killed"], killed_slow["posts"]
    assert second.returncode == 3, second.stdout + second.stderr  # post-sitemap2.xml 404s
    stored = {p["url"] for p in killed["posts"]}
    refetched = [p for _, p, _ in killed_slow["requests"] if p in {path_key(u) for u in posts}]
    print(f"bounded loss: the next run refetched {len(refetched)} post pages")
    assert sorted(refetched) == sorted(path_key(u) for u in posts if u not in stored)
    assert rows(killed_slow["db"], "select count(*) n from posts")[0]["n"] == len(posts)

"""Incremental re-crawls: an unchanged site costs only robots.txt and the sitemaps, rewrites no
row, and says so in its ``crawls`` row; ``--full`` and a zero revisit window fetch posts again
(the latter conditionally, answered by 304s)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawling import crawl, rows
from mirror import SITES_DIR, MirrorServer, path_key

SITES = ("collectivevoice", "ddn")
# An unchanged re-crawl may fetch robots.txt (Scrapy's robots middleware and the spider each
# read it once) and the sitemap files, nothing else: 2 + index + 2 children for Collective Voice.
# A sitemap the index lists but cannot be read may hide posts, so such a site's listing pages and
# feed are read too: Collective Voice's /blog/, /blog/page/2/, /news/ and /feed/.
RECRAWL_REQUEST_LIMIT = 9
# Collective Voice's index lists post-sitemap2.xml, which 404s: those runs complete with failures.
EXIT_CODE = {"collectivevoice": 3, "ddn": 0}


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of a WAL-mode archive (the backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def post_paths(server: MirrorServer) -> list[str]:
    return sorted(path_key(server.url(p["url"])) for p in server.expected["posts"])


def discovery_paths(server: MirrorServer) -> set[str]:
    paths = {"/robots.txt", *server.sitemap_paths()}
    if server.expected["missing_urls"]:  # a broken sitemap: listings and the feed are read as well
        from reading.sites import PROFILES

        profile = PROFILES[server.expected["site"]]
        paths |= {*profile.listing_paths, profile.feed_path}
        paths |= {path_key(server.url(u["url"])) for u in server.expected["non_post_urls"] if u["kind"] == "listing"}
    return paths


def all_rows(db: Path, table: str) -> list[dict]:
    return rows(db, f"select * from {table} order by id")


def last_run(db: Path) -> dict:
    return rows(db, "select * from crawls order by id desc limit 1")[0]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], tuple[MirrorServer, Path, int]]]:
    """``baseline(site)``: a private mirror and a database holding one first crawl of it (made
    once per module), plus the number of requests that first crawl made."""
    made: dict[str, tuple[MirrorServer, Path, int]] = {}

    def get(site: str) -> tuple[MirrorServer, Path, int]:
        if site not in made:
            server = MirrorServer(SITES_DIR / site).start()
            db = tmp_path_factory.mktemp(site) / "first.db"
            result = crawl(site, server.base_url, db)
            assert result.returncode == EXIT_CODE[site], result.stdout + result.stderr
            assert sorted(p for _, p, _ in server.requests if p in post_paths(server)) == post_paths(server)
            made[site] = (server, db, server.count())
        return made[site]

    yield get
    for server, _, _ in made.values():
        server.stop()


@pytest.mark.parametrize("site", SITES)
def test_unchanged_recrawl_fetches_only_robots_and_sitemaps(site: str, baseline, tmp_path: Path) -> None:
    server, first, first_requests = baseline(site)
    db = copy_db(first, tmp_path / "archive.db")
    posts_before, comments_before = all_rows(db, "posts"), all_rows(db, "comments")
    server.reset()

    result = crawl(site, server.base_url, db)

    assert result.returncode == EXIT_CODE[site], result.stdout + result.stderr
    fetched = [p for _, p, _ in server.requests]
    print(f"{site}: first crawl {first_requests} requests, unchanged re-crawl {len(fetched)}: {fetched}")
    assert set(fetched) <= discovery_paths(server)
    assert len(fetched) <= RECRAWL_REQUEST_LIMIT
    assert first_requests - len(fetched) >= len(post_paths(server))
    # Skipped posts are not touched at all: every column of every row is as the first crawl left it.
    assert all_rows(db, "posts") == posts_before
    assert all_rows(db, "comments") == comments_before
    run = last_run(db)
    assert (run["id"], run["status"], run["full"]) == (2, "ok", 0)
    assert run["posts_skipped"] == len(server.expected["posts"])
    untouched = ("posts_new", "posts_updated", "posts_unchanged", "not_modified", "posts_gone",
                 "comments_new", "comments_updated", "comments_removed")
    assert {k: run[k] for k in untouched} == dict.fromkeys(untouched, 0)
    assert run["pages_fetched"] == len(fetched) - 1  # robots.txt read by Scrapy's middleware is not a page


def test_full_refetches_every_post(baseline, tmp_path: Path) -> None:
    site = "collectivevoice"
    server, first, _ = baseline(site)
    db = copy_db(first, tmp_path / "archive.db")
    before = {r["id"]: r for r in all_rows(db, "posts")}
    server.reset()

    result = crawl(site, server.base_url, db, "--full")

    assert result.returncode == EXIT_CODE[site], result.stdout + result.stderr
    for path in post_paths(server):
        assert [s for _, p, s in server.requests if p == path] == [200], path
    run = last_run(db)
    n = len(server.expected["posts"])
    assert (run["full"], run["posts_unchanged"], run["posts_skipped"], run["posts_new"], run["posts_updated"],
            run["not_modified"], run["comments_new"], run["comments_removed"]) == (1, n, 0, 0, 0, 0, 0, 0)
    after = {r["id"]: r for r in all_rows(db, "posts")}
    assert sorted(after) == sorted(before)
    for pid, row in after.items():
        old = before[pid]
        assert (row["content_hash"], row["body_html"], row["last_changed"], row["first_seen"]) == \
            (old["content_hash"], old["body_html"], old["last_changed"], old["first_seen"])
        assert row["crawl_id"] == run["id"] and row["last_seen"] >= old["last_seen"]
    assert rows(db, "select count(*) n from post_versions")[0]["n"] == 0


def test_zero_revisit_window_refetches_conditionally(baseline, tmp_path: Path) -> None:
    site = "collectivevoice"
    server, first, _ = baseline(site)
    db = copy_db(first, tmp_path / "archive.db")
    posts_before, comments_before = all_rows(db, "posts"), all_rows(db, "comments")
    server.reset()

    result = crawl(site, server.base_url, db, "-s", "ARCHIVE_REVISIT_DAYS=0")

    assert result.returncode == EXIT_CODE[site], result.stdout + result.stderr
    for path in post_paths(server):
        assert [s for _, p, s in server.requests if p == path] == [304], path
    assert server.count("/blog/going-local/comment-page-1/") == 0  # a 304 post needs no comment pages
    run = last_run(db)
    n = len(server.expected["posts"])
    assert (run["not_modified"], run["posts_unchanged"], run["posts_skipped"], run["posts_new"],
            run["posts_updated"], run["comments_new"]) == (n, n, 0, 0, 0, 0)
    # A 304 rewrites nothing but the sighting: last_seen and the run that saw it.
    volatile = ("last_seen", "crawl_id")
    after = all_rows(db, "posts")
    assert [{k: v for k, v in r.items() if k not in volatile} for r in after] == \
        [{k: v for k, v in r.items() if k not in volatile} for r in posts_before]
    assert {r["crawl_id"] for r in after} == {run["id"]}
    assert all_rows(db, "comments") == comments_before
    assert rows(db, "select count(*) n from captures where crawl_id = ?", (run["id"],))[0]["n"] == 0

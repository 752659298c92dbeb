"""Every timestamp the archive keeps obeys one clock per observation, whatever order things happen
in: a property test drives the database layer (in memory) through random sequences of fetches,
edits, removed comments, 304s, 404s and re-readings, and checks every invariant of posts, comments
and versions after each step. A batch is written some time after its pages were fetched (the
write lag is random too), which is how ``first_seen`` once ended up later than ``fetched_at``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archivedb import store
from archivedb.schema import ensure_db_shape

SITE = "ddn"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
OBSERVED_POST = ("status", "missing_count", "gone_at", "first_seen", "last_seen", "fetched_at", "fetched_from",
                 "http_status", "http_etag", "http_last_modified", "last_changed")
OBSERVED_COMMENT = ("status", "removed_at", "first_seen", "last_seen", "last_changed")


def stamp(seconds: int) -> str:
    return (START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


# One event: (kind, post, edit or reading variant, comments shown {wp_id: variant}, thread complete?,
# seconds since the previous event, write lag in seconds).
events = st.lists(st.tuples(
    st.sampled_from(["fetch", "fetch", "fetch", "not_modified", "missing", "reprocess"]),
    st.integers(1, 3),
    st.integers(0, 2),
    st.dictionaries(st.integers(1, 4), st.integers(0, 1), max_size=4),
    st.booleans(),
    st.integers(0, 3 * 86400),
    st.integers(0, 90),
), min_size=1, max_size=14)


@dataclass
class Site:
    """What the (simulated) site last served for each post, and the reader's current version."""

    served: dict[int, tuple[int, dict[int, int], str]] = field(default_factory=dict)  # wp_id -> (edit, comments, t)
    reader: int = 0
    fetch_times: set[str] = field(default_factory=set)
    crawl_id: int = 0


def post_write(wp_id: int, edit: int, comments: dict[int, int], fetched_at: str, reader: int,
               complete: bool) -> store.PostWrite:
    post = {"site": SITE, "wp_id": wp_id, "url": f"https://ddn.example/p{wp_id}/", "title": f"Post {wp_id}",
            "body_html": f"<p>edit {edit}, read by {reader}</p>", "body_text": f"edit {edit}, read by {reader}",
            "fetched_at": fetched_at, "fetched_from": f"http://127.0.0.1/p{wp_id}/", "http_status": 200,
            "http_etag": f'"{edit}"'}
    thread = [{"wp_id": wp_id * 100 + c, "parent_wp_id": None, "depth": 1, "position": i + 1,
               "author": f"reader {c}", "body_html": f"<p>comment {c} v{v} r{reader}</p>",
               "body_text": f"comment {c} v{v} r{reader}", "fetched_at": fetched_at}
              for i, (c, v) in enumerate(sorted(comments.items()))]
    return store.PostWrite(post, thread, complete)


def snapshot(db: sqlite_utils.Database, table: str, keys: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    return {r["id"]: {k: r[k] for k in keys} for r in db[table].rows}


def apply(db: sqlite_utils.Database, site: Site, event: tuple, clock: int) -> None:
    kind, wp_id, variant, comments, complete, _, lag = event
    fetched, written = stamp(clock), stamp(clock + lag)
    site.crawl_id += 1
    url = f"https://ddn.example/p{wp_id}/"
    with store.write_transaction(db):
        if kind == "fetch":
            site.fetch_times.add(fetched)
            site.served[wp_id] = (variant, comments, fetched)
            store.save_posts(db, [post_write(wp_id, variant, comments, fetched, site.reader, complete)],
                             crawl_id=site.crawl_id, now=written)
        elif kind == "not_modified":
            store.touch_post(db, SITE, url, fetched, site.crawl_id)
        elif kind == "missing":
            site.served.pop(wp_id, None)
            store.mark_missing(db, SITE, url, fetched)
        else:  # a reprocess with a new reader re-reads the last capture of every post
            site.reader = variant + 10 * site.crawl_id
            batch = [post_write(p, edit, shown, at, site.reader, True) for p, (edit, shown, at) in site.served.items()]
            store.save_posts(db, batch, crawl_id=site.crawl_id, now=written, reread=True)


def check_invariants(db: sqlite_utils.Database, site: Site) -> None:
    times = site.fetch_times
    posts = {p["id"]: p for p in db["posts"].rows}
    for p in posts.values():
        assert p["first_seen"] <= p["last_changed"] <= p["fetched_at"] <= p["last_seen"], p
        assert {p["first_seen"], p["last_changed"], p["fetched_at"]} <= times
        if p["status"] == "gone":
            assert p["missing_count"] >= store.GONE_AFTER and p["gone_at"] >= p["last_seen"], p
        else:
            assert p["status"] == "live" and p["gone_at"] is None, p
    for c in db["comments"].rows:
        post = posts[c["post_id"]]
        assert post["first_seen"] <= c["first_seen"] <= c["last_changed"] <= c["last_seen"], c
        assert {c["first_seen"], c["last_changed"], c["last_seen"]} <= times
        assert (c["status"] == "removed") == (c["removed_at"] is not None), c
        if c["removed_at"] is not None:
            assert c["removed_at"] in times and c["removed_at"] >= c["last_seen"], c  # same second possible
    for v in db["post_versions"].rows:
        post = posts[v["post_id"]]
        assert v["captured_at"] in times and post["first_seen"] <= v["captured_at"] <= v["superseded_at"], v
        assert v["reason"] in ("crawl", "reprocess")
        if v["reason"] == "crawl":
            assert v["superseded_at"] in times and v["superseded_at"] <= post["last_changed"], v
    for v in db["comment_versions"].rows:
        assert v["captured_at"] in times and v["captured_at"] <= v["superseded_at"], v
        assert v["reason"] in ("crawl", "reprocess")
        if v["reason"] == "crawl":
            assert v["superseded_at"] in times


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events)
def test_every_timestamp_invariant_holds_in_any_order(history: list[tuple]) -> None:
    db = sqlite_utils.Database(memory=True)
    ensure_db_shape(db)
    site, clock = Site(), 0
    for event in history:
        clock += event[5]
        before = (snapshot(db, "posts", OBSERVED_POST), snapshot(db, "comments", OBSERVED_COMMENT))
        apply(db, site, event, clock)
        if event[0] == "reprocess":  # a re-reading observes nothing
            assert (snapshot(db, "posts", OBSERVED_POST), snapshot(db, "comments", OBSERVED_COMMENT)) == before
        check_invariants(db, site)


def test_a_batch_written_late_keeps_its_fetch_times() -> None:
    """The case the issue found: pages fetched at 10:00:00, written 41 s later."""
    db = sqlite_utils.Database(memory=True)
    ensure_db_shape(db)
    with store.write_transaction(db):
        store.save_posts(db, [post_write(1, 0, {1: 0}, "2025-01-01T10:00:00Z", 0, True)], crawl_id=1,
                         now="2025-01-01T10:00:41Z")
    post = next(db["posts"].rows)
    comment = next(db["comments"].rows)
    assert (post["first_seen"], post["fetched_at"], post["last_seen"], post["last_changed"]) == \
        ("2025-01-01T10:00:00Z",) * 4
    assert (comment["first_seen"], comment["last_seen"]) == ("2025-01-01T10:00:00Z",) * 2
    with store.write_transaction(db):
        store.save_posts(db, [post_write(1, 1, {}, "2025-01-02T10:00:00Z", 0, True)], crawl_id=2,
                         now="2025-01-02T10:01:00Z")
    version = next(db["post_versions"].rows)
    assert (version["captured_at"], version["superseded_at"], version["reason"]) == \
        ("2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "crawl")
    assert next(db["comments"].rows)["removed_at"] == "2025-01-02T10:00:00Z"

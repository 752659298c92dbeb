"""The store's history rules and the incremental crawl's revisit rules, one example each, on an
in-memory database: no server, no Scrapy, milliseconds per test. (test_clocks.py drives the same
functions through random sequences; the mirror crawls check them end to end.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlite_utils

from archivedb import store
from archivedb.incremental import Known, due
from archivedb.schema import ensure_db_shape

SITE = "ddn"
URL = "https://www.drinkanddrugsnews.com/a-post/"


@pytest.fixture
def db() -> sqlite_utils.Database:
    memory = sqlite_utils.Database(memory=True)
    ensure_db_shape(memory)
    return memory


def page(fetched_at: str, body: str = "First text.", comments: dict[int, str] | None = None,
         complete: bool = True) -> store.PostWrite:
    post = {"site": SITE, "wp_id": 7, "url": URL, "title": "A post", "body_html": f"<p>{body}</p>",
            "body_text": body, "fetched_at": fetched_at, "fetched_from": URL, "http_status": 200}
    thread = [{"wp_id": wp_id, "parent_wp_id": None, "depth": 1, "position": i, "author": "Ann",
               "body_html": f"<p>{text}</p>", "body_text": text, "fetched_at": fetched_at}
              for i, (wp_id, text) in enumerate(sorted((comments or {}).items()), start=1)]
    return store.PostWrite(post, thread, complete)


def write(db: sqlite_utils.Database, batch: store.PostWrite, crawl_id: int, *, reread: bool = False) -> store.Outcome:
    return store.save_posts(db, [batch], crawl_id=crawl_id, now="2025-06-01T00:00:00Z", reread=reread)


def the_post(db: sqlite_utils.Database) -> dict[str, Any]:
    return next(db.query("select * from posts"))


def the_comments(db: sqlite_utils.Database) -> dict[int, dict[str, Any]]:
    return {r["wp_id"]: r for r in db.query("select * from comments")}


def test_a_new_post_is_first_seen_when_it_was_fetched(db) -> None:
    outcome = write(db, page("2025-01-01T10:00:00Z", comments={1: "Hello"}), 1)
    post, comment = the_post(db), the_comments(db)[1]
    assert (outcome.counts["posts_new"], outcome.counts["comments_new"]) == (1, 1)
    assert (post["first_seen"], post["last_seen"], post["fetched_at"]) == ("2025-01-01T10:00:00Z",) * 3
    assert (comment["first_seen"], comment["status"]) == ("2025-01-01T10:00:00Z", "present")


def test_an_unchanged_page_moves_only_last_seen(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", comments={1: "Hello"}), 1)
    outcome = write(db, page("2025-01-02T10:00:00Z", comments={1: "Hello"}), 2)
    post = the_post(db)
    assert outcome.counts["posts_unchanged"] == 1
    assert (post["first_seen"], post["last_changed"], post["last_seen"]) == (
        "2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z")
    assert db["post_versions"].count == 0 and db["comment_versions"].count == 0


def test_an_edit_keeps_the_previous_reading_as_a_version(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", "First text."), 1)
    outcome = write(db, page("2025-01-03T10:00:00Z", "Edited text."), 2)
    (version,) = db["post_versions"].rows
    assert outcome.counts["posts_updated"] == 1
    assert the_post(db)["body_text"] == "Edited text."
    assert (version["body_text"], version["captured_at"], version["reason"]) == (
        "First text.", "2025-01-01T10:00:00Z", "crawl")
    assert the_post(db)["last_changed"] == "2025-01-03T10:00:00Z"


def test_an_edited_comment_keeps_its_old_text(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", comments={1: "Hello"}), 1)
    write(db, page("2025-01-02T10:00:00Z", comments={1: "Hello, edited"}), 2)
    (version,) = db["comment_versions"].rows
    assert version["body_text"] == "Hello" and the_comments(db)[1]["body_text"] == "Hello, edited"


def test_a_comment_gone_from_a_complete_thread_is_removed_and_kept(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", comments={1: "Hello", 2: "Reply"}), 1)
    outcome = write(db, page("2025-01-02T10:00:00Z", comments={1: "Hello"}), 2)
    removed = the_comments(db)[2]
    assert outcome.counts["comments_removed"] == 1
    assert (removed["status"], removed["removed_at"], removed["body_text"]) == ("removed", "2025-01-02T10:00:00Z", "Reply")


def test_a_comment_missing_from_an_incomplete_thread_is_not_removed(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", comments={1: "Hello", 2: "Reply"}), 1)
    write(db, page("2025-01-02T10:00:00Z", comments={1: "Hello"}, complete=False), 2)
    assert the_comments(db)[2]["status"] == "present"
    assert the_post(db)["comments_complete"] == 0


def test_a_removed_comment_that_returns_is_present_again(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", comments={1: "Hello"}), 1)
    write(db, page("2025-01-02T10:00:00Z", comments={}), 2)
    write(db, page("2025-01-03T10:00:00Z", comments={1: "Hello"}), 3)
    assert (the_comments(db)[1]["status"], the_comments(db)[1]["removed_at"]) == ("present", None)


def test_a_re_reading_changes_readings_never_observations(db) -> None:
    write(db, page("2025-01-01T10:00:00Z", "First text.", comments={1: "Hello"}), 1)
    write(db, page("2025-01-02T10:00:00Z", "First text.", comments={}), 2)  # comment 1 removed on the site
    observed = {k: the_post(db)[k] for k in store.POST_OBSERVED}
    comment_observed = {k: the_comments(db)[1][k] for k in store.COMMENT_OBSERVED}
    outcome = write(db, page("2025-01-02T10:00:00Z", "First text, read better.", comments={}), 3, reread=True)
    assert outcome.counts["posts_updated"] == 1
    assert {k: the_post(db)[k] for k in store.POST_OBSERVED} == observed
    assert {k: the_comments(db)[1][k] for k in store.COMMENT_OBSERVED} == comment_observed
    (version,) = db["post_versions"].rows
    assert (version["reason"], version["superseded_at"]) == ("reprocess", "2025-06-01T00:00:00Z")


def test_a_re_reading_of_an_older_capture_keeps_the_newer_reading(db) -> None:
    write(db, page("2025-01-05T10:00:00Z", "Newest text."), 1)
    outcome = write(db, page("2025-01-01T10:00:00Z", "Old capture."), 2, reread=True)
    assert the_post(db)["body_text"] == "Newest text."
    assert [kind for _, kind, _ in outcome.problems] == ["reprocess"]


def test_a_post_is_gone_after_two_missing_answers_and_live_after_a_304(db) -> None:
    write(db, page("2025-01-01T10:00:00Z"), 1)
    assert store.mark_missing(db, SITE, URL, "2025-01-02T10:00:00Z") is False
    assert the_post(db)["status"] == "live"
    assert store.mark_missing(db, SITE, URL, "2025-01-03T10:00:00Z") is True
    assert (the_post(db)["status"], the_post(db)["gone_at"]) == ("gone", "2025-01-03T10:00:00Z")
    assert store.touch_post(db, SITE, URL, "2025-01-04T10:00:00Z", 3) is True
    post = the_post(db)
    assert (post["status"], post["missing_count"], post["gone_at"], post["last_seen"]) == (
        "live", 0, None, "2025-01-04T10:00:00Z")


NOW = datetime(2025, 6, 1, tzinfo=UTC)


def known(**changes: Any) -> Known:
    base = {"published": "2024-01-01T00:00:00Z", "fetched_at": "2025-05-25T00:00:00Z", "sitemap_lastmod": "2024-01-02",
            "etag": None, "last_modified": None, "missing": False, "incomplete": False}
    return Known(**{**base, **changes})


@pytest.mark.parametrize("post, lastmod, reason", [
    (known(), "2024-01-02", None),  # old, fetched a week ago, sitemap unchanged: skip
    (known(), "2025-05-30", "changed"),
    (known(missing=True), "2024-01-02", "missing"),
    (known(incomplete=True), "2024-01-02", "incomplete"),
    (known(published="2025-05-20T00:00:00Z"), "2024-01-02", "recent"),
    (known(fetched_at="2025-04-01T00:00:00Z"), "2024-01-02", "stale"),
    (known(fetched_at=None), None, "stale"),  # never fetched in full: fetch
])
def test_revisit_rules(post: Known, lastmod: str | None, reason: str | None) -> None:
    assert due(post, lastmod, NOW, recent_days=30, revisit_days=30) == reason


def test_a_post_record_s_fields_are_named_as_the_posts_columns() -> None:
    """The store copies a record's fields by name: a field that is neither a column nor declared
    here as not stored would be silently dropped, and a misnamed one stored as NULL."""
    from dataclasses import fields

    from archivedb.schema import POSTS
    from reading.records import PostItem

    not_stored = {"published_machine", "modified_machine",  # read into published / modified (UTC)
                  "comments", "comments_heading",  # stored as comments rows; only checked by the alarm
                  "problems", "second_source", "cleaned"}  # failures rows, cross-checks, the worker's answer
    record = {f.name for f in fields(PostItem)}
    assert record - set(POSTS.columns) == not_stored
    copied = set(store.POST_RECORD_COLUMNS) | set(store.JSON_LISTS) | {"fetched_at", "comments_complete"}
    assert record & set(POSTS.columns) == copied

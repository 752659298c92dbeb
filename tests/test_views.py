"""The views for the common questions: exact rows on the fixture archive, kept current by
``open_db``, listed by Datasette, and exportable by name even from an archive that predates them."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archive.export_command import export
from publishing.app import build_datasette
from archivedb.schema import VIEWS, open_db
from publish_fixtures import build_archive


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_archive(tmp_path_factory.mktemp("views") / "archive.db")


def rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


def test_comments_with_posts_gives_each_comment_its_post_and_thread_root(db_path: Path) -> None:
    got = rows(db_path, "select comment_id, post_title, site, post_url, thread_root_id, depth from comments_with_posts "
                        "where post_id = 'ddn:post:123' order by position")
    url = "https://www.drinkanddrugsnews.com/the-big-conversation/"
    title = "The big conversation"
    assert got == [
        ("ddn:comment:201", title, "ddn", url, "ddn:comment:201", 1),
        ("ddn:comment:202", title, "ddn", url, "ddn:comment:201", 2),
        ("ddn:comment:203", title, "ddn", url, "ddn:comment:201", 3),
        ("ddn:comment:204", title, "ddn", url, "ddn:comment:204", 1),
        ("ddn:comment:206", title, "ddn", url, "ddn:comment:204", 2),
        ("ddn:comment:205", title, "ddn", url, "ddn:comment:205", 1),
    ]
    assert rows(db_path, "select count(*) from comments_with_posts") == rows(db_path, "select count(*) from comments")


def test_a_parent_cycle_never_hangs_and_leaves_no_root(tmp_path: Path) -> None:
    db = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(db) as conn:
        conn.execute("update comments set parent_id = 'ddn:comment:203' where id = 'ddn:comment:201'")
    got = dict(rows(db, "select comment_id, thread_root_id from comments_with_posts where post_id = 'ddn:post:123'"))
    assert [got[c] for c in ("ddn:comment:201", "ddn:comment:202", "ddn:comment:203")] == [None, None, None]
    assert got["ddn:comment:206"] == "ddn:comment:204"


def test_threads_count_replies_participants_and_reply_times(db_path: Path) -> None:
    assert rows(db_path, "select thread_root_id, root_author, replies, participants, first_reply_at, last_reply_at "
                         "from threads where post_id = 'ddn:post:123' order by thread_root_id") == [
        ("ddn:comment:201", "Alice Example", 2, 2, "2023-11-03T08:05:00Z", "2023-11-03T09:00:00Z"),
        ("ddn:comment:204", "Carol Gone", 1, 2, "2023-11-05T07:45:00Z", "2023-11-05T07:45:00Z"),
        ("ddn:comment:205", "Recovery Street Blog", 0, 1, None, None),
    ]
    assert rows(db_path, "select count(*) from threads") == [(5,)]


def test_commenters_per_site_leave_out_pingbacks(db_path: Path) -> None:
    assert rows(db_path, "select * from commenters where site = 'ddn' order by author") == [
        ("ddn", "Alice Example", 2, 1, "2023-11-02T18:30:00Z", "2023-11-03T09:00:00Z"),
        ("ddn", "Bob Reply", 1, 1, "2023-11-03T08:05:00Z", "2023-11-03T08:05:00Z"),
        ("ddn", "Carol Gone", 1, 1, "2023-11-04T12:00:00Z", "2023-11-04T12:00:00Z"),
        ("ddn", "Dan Answer", 1, 1, "2023-11-05T07:45:00Z", "2023-11-05T07:45:00Z"),
        ("ddn", "Mallory", 1, 1, "2023-12-06T10:00:00Z", "2023-12-06T10:00:00Z"),
    ]


def test_monthly_activity_per_site(db_path: Path) -> None:
    assert rows(db_path, "select * from monthly_activity order by site, month") == [
        ("collectivevoice", "2021-03", "2021-03-01T00:00:00Z", 1, 0, 0),
        ("collectivevoice", "2021-06", "2021-06-01T00:00:00Z", 0, 1, 1),
        ("collectivevoice", "2022-07", "2022-07-01T00:00:00Z", 1, 0, 0),
        ("ddn", "2023-11", "2023-11-01T00:00:00Z", 1, 5, 4),
        ("ddn", "2023-12", "2023-12-01T00:00:00Z", 2, 1, 1),
    ]


def test_changes_with_the_crawl_that_found_them(db_path: Path) -> None:
    assert rows(db_path, "select changed_at, change, post_id, comment_id, version, crawl_id from changes "
                         "order by changed_at, change, comment_id") == [
        ("2024-02-10T03:10:00Z", "comment_edited", "ddn:post:123", "ddn:comment:202", None, 3),
        ("2024-02-10T03:10:00Z", "comment_edited", "ddn:post:123", "ddn:comment:204", None, 3),
        ("2024-02-10T03:10:00Z", "comment_removed", "ddn:post:123", "ddn:comment:204", None, 3),
        ("2024-02-10T03:10:00Z", "post_edited", "ddn:post:123", None, 1, 3),
        ("2024-02-10T03:20:00Z", "post_gone", "ddn:post:124", None, None, 3),
    ]


def test_open_db_replaces_a_view_whose_definition_changed(tmp_path: Path) -> None:
    path = build_archive(tmp_path / "archive.db")
    with sqlite3.connect(path) as conn:
        conn.execute("drop view threads")
        conn.execute("create view threads as select 1 as stale")
    open_db(str(path)).close()
    assert "replies" in [r[1] for r in rows(path, "pragma table_info(threads)")]


def test_datasette_lists_the_views_with_their_descriptions(db_path: Path) -> None:
    ds = build_datasette(db_path)
    listed = asyncio.run(ds.client.get("/archive.json")).json()
    assert {v["name"] for v in listed["views"]} >= {v.name for v in VIEWS}
    page = asyncio.run(ds.client.get("/archive/threads"))
    assert page.status_code == 200 and "one row per thread" in page.text
    data = asyncio.run(ds.client.get("/archive/monthly_activity.json?_shape=array&site=ddn")).json()
    assert [r["month"] for r in data] == ["2023-11", "2023-12"]


def test_a_view_exports_by_name_from_an_archive_that_predates_it(db_path: Path, tmp_path: Path) -> None:
    old = Path(shutil.copy(db_path, tmp_path / "old.db"))
    with sqlite3.connect(old) as conn:
        for view in VIEWS:
            conn.execute(f"drop view {view.name}")
    before = old.read_bytes()
    out = io.BytesIO()
    assert export(old, out, "jsonl", table="threads") == 5
    first: dict[str, Any] = json.loads(out.getvalue().splitlines()[0])
    assert first["thread_root_id"] == "collectivevoice:comment:501"
    assert old.read_bytes() == before  # the temporary view lived in the export's own connection

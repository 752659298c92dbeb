"""The database contract (``shared/design.md``) as declarative tables.

``ensure_db_shape`` is idempotent: it creates what is missing and adds new columns to old
databases, so an archive built by an earlier version keeps working. Names here are a public
contract used by analysts' SQL and Datasette metadata: add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

EXTRACTOR_VERSION = "1"


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()
    not_null: frozenset[str] = field(default_factory=frozenset)


POSTS = Table(
    "posts",
    {
        "id": str, "site": str, "wp_id": int, "url": str, "title": str, "author": str,
        "published": str, "published_raw": str, "published_source": str,
        "modified": str, "modified_raw": str, "modified_source": str,
        "standfirst": str, "body_html": str, "body_text": str, "comment_count": int,
        "comments_captured": int, "comments_complete": int, "categories": str, "tags": str, "images": str,
        "fetched_at": str, "fetched_from": str, "http_status": int, "http_etag": str,
        "http_last_modified": str, "sitemap_lastmod": str,
        "first_seen": str, "last_seen": str, "last_changed": str,
        "content_hash": str, "status": str, "missing_count": int, "gone_at": str,
        "extractor_version": str, "crawl_id": int,
    },
    pk="id",
    # Reading room: facets (site, status; categories and published+site as covering indexes, so the
    # array facet and the dashboard never read the bodies), what changed (first_seen, gone_at).
    indexes=(("site",), ("published",), ("site", "wp_id"), ("url",), ("status",), ("first_seen",), ("gone_at",),
             ("categories",), ("published", "site")),
    fts=("title", "body_text"),
)

COMMENTS = Table(
    "comments",
    {
        "id": str, "post_id": str, "parent_id": str, "parent_wp_id": int, "wp_id": int,
        "site": str, "depth": int, "position": int, "page": int, "kind": str,
        "author": str, "author_url": str, "posted_raw": str, "posted_at": str,
        "posted_source": str, "posted_ambiguous": int, "awaiting_moderation": int,
        "body_html": str, "body_text": str, "url": str,
        "first_seen": str, "last_seen": str, "last_changed": str, "content_hash": str,
        "status": str, "removed_at": str, "extractor_version": str, "crawl_id": int,
    },
    pk="id",
    foreign_keys=(("post_id", "posts", "id"), ("parent_id", "comments", "id")),
    indexes=(("post_id", "position"), ("parent_id",), ("posted_at",), ("author",), ("status",),
             ("site",), ("kind",), ("first_seen",), ("removed_at",), ("posted_at", "site", "kind")),
    fts=("author", "body_text"),
)

CRAWLS = Table(
    "crawls",
    {
        "id": int, "site": str, "started": str, "finished": str, "status": str,
        "base_url": str, "full": int, "pages_fetched": int, "not_modified": int, "posts_skipped": int,
        "posts_new": int, "posts_updated": int, "posts_unchanged": int, "posts_gone": int,
        "comments_new": int, "comments_updated": int, "comments_removed": int,
        "times_unparsed": int, "errors": int, "finish_reason": str, "pid": int, "kind": str,
    },
    pk="id",
    indexes=(("site", "started"),),
)

FAILURES = Table(
    "failures",
    {
        "id": int, "crawl_id": int, "site": str, "url": str, "kind": str,
        "status": int, "reason": str, "at": str, "repeated": int, "first_failed_at": str,
    },
    pk="id",
    foreign_keys=(("crawl_id", "crawls", "id"),),
    indexes=(("crawl_id",), ("url",), ("at",)),
)

POST_VERSIONS = Table(
    "post_versions",
    {
        "id": int, "post_id": str, "version": int, "content_hash": str, "captured_at": str,
        "superseded_at": str, "title": str, "author": str, "published": str, "modified": str,
        "standfirst": str, "body_html": str, "body_text": str, "categories": str, "tags": str,
        "extractor_version": str, "reason": str,
    },
    pk="id",
    foreign_keys=(("post_id", "posts", "id"),),
    indexes=(("post_id", "version"), ("superseded_at",), ("captured_at",)),
)

COMMENT_VERSIONS = Table(
    "comment_versions",
    {
        "id": int, "comment_id": str, "content_hash": str, "captured_at": str,
        "superseded_at": str, "author": str, "posted_raw": str, "body_html": str, "body_text": str,
        "reason": str,
    },
    pk="id",
    foreign_keys=(("comment_id", "comments", "id"),),
    indexes=(("comment_id",), ("superseded_at",), ("captured_at",)),
)

CAPTURES = Table(
    "captures",
    {
        "id": int, "crawl_id": int, "site": str, "url": str, "fetched_url": str,
        "status": int, "headers": str, "fetched_at": str, "content_hash": str,
        "body": bytes, "body_encoding": str, "length": int, "same_as": int,
    },
    pk="id",
    foreign_keys=(("crawl_id", "crawls", "id"),),
    indexes=(("site", "url"), ("content_hash",), ("fetched_at",)),
)

TABLES: tuple[Table, ...] = (POSTS, COMMENTS, CRAWLS, FAILURES, POST_VERSIONS, COMMENT_VERSIONS, CAPTURES)


def open_db(path: str, *, check_same_thread: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database for writing: ``archive.database.open_archive``,
    kept under this name for the crawl's store. ``check_same_thread=False`` lets the store pipeline
    hand the connection to its writer thread (one thread uses it at a time)."""
    from archive.database import open_archive  # database.py builds on this module's tables

    return open_archive(path, check_same_thread=check_same_thread)


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes and full-text indexes; safe to call every run."""
    for table in TABLES:
        _ensure_table(db, table)
    for table in TABLES:
        if table.fts and not db[table.name].detect_fts():
            db[table.name].enable_fts(list(table.fts), create_triggers=True, tokenize="porter")
        if table.fts:
            _narrow_fts_update_trigger(db, table)


def _narrow_fts_update_trigger(db: sqlite_utils.Database, table: Table) -> None:
    """sqlite-utils' update trigger re-indexes a row whenever any column changes. Every crawl
    updates ``last_seen`` on every row it sees, which would rewrite the whole full-text index each
    run; re-index only when an indexed column is updated."""
    name = f"{table.name}_au"
    row = db.execute("select sql from sqlite_master where type = 'trigger' and name = ?", [name]).fetchone()
    if row is None or " UPDATE OF " in row[0]:
        return
    fts, cols = f"{table.name}_fts", ", ".join(f'"{c}"' for c in table.fts)
    old = ", ".join(f'old."{c}"' for c in table.fts)
    new = ", ".join(f'new."{c}"' for c in table.fts)
    with db.atomic():
        db.execute(f'DROP TRIGGER "{name}"')
        db.execute(
            f'CREATE TRIGGER "{name}" AFTER UPDATE OF {cols} ON "{table.name}" BEGIN\n'
            f'  INSERT INTO "{fts}" ("{fts}", rowid, {cols}) VALUES(\'delete\', old.rowid, {old});\n'
            f'  INSERT INTO "{fts}" (rowid, {cols}) VALUES (new.rowid, {new});\n'
            "END"
        )


def _ensure_table(db: sqlite_utils.Database, table: Table) -> None:
    t = db[table.name]
    if not t.exists():
        t.create(table.columns, pk=table.pk, foreign_keys=list(table.foreign_keys))
    else:
        existing = set(t.columns_dict)
        for name, col_type in table.columns.items():
            if name not in existing:
                t.add_column(name, col_type)
    for columns in table.indexes:
        t.create_index(list(columns), if_not_exists=True)

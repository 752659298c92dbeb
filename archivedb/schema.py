"""The database contract (``shared/design.md``) as declarative tables.

``ensure_db_shape`` is idempotent: it creates what is missing and adds new columns to old
databases, so an archive built by an earlier version keeps working. Names here are a public
contract used by analysts' SQL and Datasette metadata: add, never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

EXTRACTOR_VERSION = "1"

# What a column holds beyond its SQLite type. Typed exports (Parquet, JSON lines, the data package)
# and the data dictionary read these, so an analyst gets a timestamp, a boolean or a list rather
# than text to parse. A column not listed is what its SQLite type says.
INSTANT = "instant"  # UTC ISO 8601 text, YYYY-MM-DDTHH:MM:SSZ
FLAG = "flag"  # 0 or 1
STRINGS = "strings"  # JSON array of strings
IMAGES = "images"  # JSON array of {"src", "alt", "caption"} objects
JSON_OBJECT = "json"  # JSON object (e.g. HTTP headers)
IMAGE_FIELDS = ("src", "alt", "caption")


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()
    not_null: frozenset[str] = field(default_factory=frozenset)
    kinds: dict[str, str] = field(default_factory=dict)
    public: bool = True  # part of the published data package (raw captures go out as WARC instead)


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
        "extractor_version": str, "crawl_id": int, "redaction_id": int, "redacted_fields": str,
    },
    pk="id",
    # Reading room: facets (site, status; categories and published+site as covering indexes, so the
    # array facet and the dashboard never read the bodies), what changed (first_seen, gone_at).
    indexes=(("site",), ("published",), ("site", "wp_id"), ("url",), ("status",), ("first_seen",), ("gone_at",),
             ("categories",), ("published", "site")),
    fts=("title", "body_text"),
    kinds={**dict.fromkeys(("published", "modified", "fetched_at", "first_seen", "last_seen", "last_changed",
                             "gone_at"), INSTANT),
           "comments_complete": FLAG, "categories": STRINGS, "tags": STRINGS, "images": IMAGES},
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
        "redaction_id": int, "redacted_fields": str, "author_source": str,
    },
    pk="id",
    foreign_keys=(("post_id", "posts", "id"), ("parent_id", "comments", "id")),
    indexes=(("post_id", "position"), ("parent_id",), ("posted_at",), ("author",), ("status",),
             ("site",), ("kind",), ("first_seen",), ("removed_at",), ("posted_at", "site", "kind")),
    fts=("author", "body_text"),
    kinds={**dict.fromkeys(("posted_at", "first_seen", "last_seen", "last_changed", "removed_at"), INSTANT),
           "posted_ambiguous": FLAG, "awaiting_moderation": FLAG},
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
    kinds={"started": INSTANT, "finished": INSTANT, "full": FLAG},
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
    kinds={"at": INSTANT, "first_failed_at": INSTANT, "repeated": FLAG},
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
    kinds={**dict.fromkeys(("captured_at", "superseded_at", "published", "modified"), INSTANT),
           "categories": STRINGS, "tags": STRINGS},
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
    kinds={"captured_at": INSTANT, "superseded_at": INSTANT},
)

CAPTURES = Table(
    "captures",
    {
        "id": int, "crawl_id": int, "site": str, "url": str, "fetched_url": str,
        "status": int, "headers": str, "fetched_at": str, "content_hash": str,
        "body": bytes, "body_encoding": str, "length": int, "same_as": int, "redaction_id": int,
    },
    pk="id",
    foreign_keys=(("crawl_id", "crawls", "id"),),
    indexes=(("site", "url"), ("content_hash",), ("fetched_at",)),
    kinds={"fetched_at": INSTANT, "headers": JSON_OBJECT},
    public=False,
)

# A takedown request and what was done about it. The withheld content itself is never kept:
# ``withheld_sha256`` lets a later dispute be settled by someone who still holds the text, and an
# author redaction's ``target`` is the name's digest (``pipelines.scrub.author_key``), not the name.
REDACTIONS = Table(
    "redactions",
    {
        "id": int, "kind": str, "target": str, "site": str, "fields": str, "reason": str,
        "requested_by": str, "created_at": str, "withheld_sha256": str, "rows_redacted": int,
        "captures_scrubbed": int, "undone_at": str,
    },
    pk="id",
    indexes=(("site", "kind"),),
    kinds={"created_at": INSTANT, "undone_at": INSTANT},
    public=False,  # who asked and why is about a person: for archivists, not for the data package
)

TABLES: tuple[Table, ...] = (POSTS, COMMENTS, CRAWLS, FAILURES, POST_VERSIONS, COMMENT_VERSIONS, CAPTURES,
                             REDACTIONS)


@dataclass(frozen=True)
class View:
    """A saved question over the tables. Defined here once: the database gets it on every open,
    Datasette lists it, and ``export`` can export it by name (even from an archive made before
    the view existed). ``order`` makes exports deterministic; ``key`` is unique per row, if any;
    ``types`` declares the SQLite type of computed columns, which SQLite leaves undeclared."""

    name: str
    sql: str
    order: tuple[str, ...]
    key: tuple[str, ...] = ()
    kinds: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)


# Comments whose parent is missing or absent count as thread roots. Walking down from the roots
# (each comment has one parent) can never enter a parent_id cycle, so the recursion always ends.
COMMENTS_WITH_POSTS = View(
    "comments_with_posts",
    """
    with recursive thread_roots(comment_id, root_id) as (
      select id, id from comments
      where parent_id is null or parent_id not in (select id from comments)
      union all
      select c.id, r.root_id from comments c join thread_roots r on c.parent_id = r.comment_id
    )
    select c.id as comment_id, c.post_id, c.site, p.title as post_title, p.url as post_url,
           p.published as post_published, r.root_id as thread_root_id, c.parent_id, c.depth,
           c.position, c.kind, c.author, c.posted_at, c.status, c.url as comment_url, c.body_text
    from comments c
    left join posts p on p.id = c.post_id
    left join thread_roots r on r.comment_id = c.id
    """,
    order=("post_id", "position", "comment_id"),
    key=("comment_id",),
    kinds={"post_published": INSTANT, "posted_at": INSTANT},
)

THREADS = View(
    "threads",
    """
    select t.thread_root_id, root.post_id, root.site, p.title as post_title, root.kind as root_kind,
           root.author as root_author, root.posted_at as root_posted_at, t.replies, t.participants,
           t.first_reply_at, t.last_reply_at
    from (
      select thread_root_id, count(*) - 1 as replies, count(distinct author) as participants,
             min(case when comment_id != thread_root_id then posted_at end) as first_reply_at,
             max(case when comment_id != thread_root_id then posted_at end) as last_reply_at
      from comments_with_posts where thread_root_id is not null group by thread_root_id
    ) t
    join comments root on root.id = t.thread_root_id
    left join posts p on p.id = root.post_id
    """,
    order=("post_id", "thread_root_id"),
    key=("thread_root_id",),
    kinds={"root_posted_at": INSTANT, "first_reply_at": INSTANT, "last_reply_at": INSTANT},
    types={"replies": "INTEGER", "participants": "INTEGER", "first_reply_at": "TEXT", "last_reply_at": "TEXT"},
)

COMMENTERS = View(
    "commenters",
    """
    select site, author, count(*) as comments, count(distinct post_id) as posts_commented_on,
           min(posted_at) as first_comment_at, max(posted_at) as last_comment_at
    from comments
    where coalesce(kind, 'comment') = 'comment'
    group by site, author
    """,
    order=("site", "author"),
    kinds={"first_comment_at": INSTANT, "last_comment_at": INSTANT},
    types={"comments": "INTEGER", "posts_commented_on": "INTEGER", "first_comment_at": "TEXT",
           "last_comment_at": "TEXT"},
)

MONTHLY_ACTIVITY = View(
    "monthly_activity",
    """
    select site, month, month || '-01T00:00:00Z' as month_start, sum(is_post) as posts,
           sum(1 - is_post) as comments, count(distinct author) as commenters
    from (
      select site, strftime('%Y-%m', published) as month, 1 as is_post, null as author
      from posts where published is not null
      union all
      select site, strftime('%Y-%m', posted_at), 0, author
      from comments where posted_at is not null and coalesce(kind, 'comment') = 'comment'
    )
    where month is not null
    group by site, month
    """,
    order=("site", "month"),
    key=("site", "month"),
    kinds={"month_start": INSTANT},
    types={"month": "TEXT", "month_start": "TEXT", "posts": "INTEGER", "comments": "INTEGER",
           "commenters": "INTEGER"},
)

# The crawl that saw a change is the site's latest crawl started at or before it (a site's crawls
# never overlap: the lock sees to that).
CHANGES = View(
    "changes",
    """
    select ch.changed_at, ch.change, ch.site, ch.post_id, ch.post_title, ch.comment_id, ch.version,
           (select cr.id from crawls cr where cr.site = ch.site and cr.started <= ch.changed_at
            order by cr.started desc, cr.id desc limit 1) as crawl_id
    from (
      select pv.superseded_at as changed_at, 'post_edited' as change, p.site, pv.post_id,
             p.title as post_title, null as comment_id, pv.version
      from post_versions pv join posts p on p.id = pv.post_id
      where pv.superseded_at is not null
      union all
      select cv.superseded_at, 'comment_edited', c.site, c.post_id, p.title, cv.comment_id, null
      from comment_versions cv join comments c on c.id = cv.comment_id
      left join posts p on p.id = c.post_id
      where cv.superseded_at is not null
      union all
      select c.removed_at, 'comment_removed', c.site, c.post_id, p.title, c.id, null
      from comments c left join posts p on p.id = c.post_id
      where c.status = 'removed'
      union all
      select p.gone_at, 'post_gone', p.site, p.id, p.title, null, null
      from posts p where p.status = 'gone'
    ) ch
    """,
    order=("changed_at", "change", "post_id", "comment_id"),
    kinds={"changed_at": INSTANT},
    types={"changed_at": "TEXT", "change": "TEXT", "site": "TEXT", "post_id": "TEXT", "post_title": "TEXT",
           "comment_id": "TEXT", "version": "INTEGER", "crawl_id": "INTEGER"},
)

VIEWS: tuple[View, ...] = (COMMENTS_WITH_POSTS, THREADS, COMMENTERS, MONTHLY_ACTIVITY, CHANGES)


def view_sql(view: View, *, temp: bool = False) -> str:
    """The ``CREATE VIEW`` statement for ``view``; ``temp`` for a read-only connection's own copy."""
    body = "\n".join(line[4:] if line.startswith("    ") else line for line in view.sql.strip("\n").splitlines())
    return f'CREATE {"TEMP " if temp else ""}VIEW "{view.name}" AS\n{body}'


def open_db(path: str, *, check_same_thread: bool = True) -> sqlite_utils.Database:
    """``archivedb.database.open_archive`` for writing, under the older name the tests and the
    bench's archive builders use; the crawl itself calls ``open_archive``."""
    from archivedb.database import open_archive  # database.py builds on this module's tables

    return open_archive(path, check_same_thread=check_same_thread)


def ensure_db_shape(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, indexes and full-text indexes; safe to call every run."""
    for table in TABLES:
        _ensure_table(db, table)
    for table in TABLES:
        if table.fts and not db.table(table.name).detect_fts():
            db.table(table.name).enable_fts(list(table.fts), create_triggers=True, tokenize="porter")
        if table.fts:
            _narrow_fts_update_trigger(db, table)
    for view in VIEWS:
        _ensure_view(db, view)


def _ensure_view(db: sqlite_utils.Database, view: View) -> None:
    """Create the view, or replace it when its definition in this file has changed."""
    sql = view_sql(view)
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [view.name]).fetchone()
    if row is not None and row[0] == sql:
        return
    with db.atomic():
        if row is not None:
            db.execute(f'DROP VIEW "{view.name}"')
        db.execute(sql)


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
    t = db.table(table.name)
    if not t.exists():
        t.create(table.columns, pk=table.pk, foreign_keys=list(table.foreign_keys))
    else:
        existing = set(t.columns_dict)
        for name, col_type in table.columns.items():
            if name not in existing:
                t.add_column(name, col_type)
    for columns in table.indexes:
        t.create_index(list(columns), if_not_exists=True)

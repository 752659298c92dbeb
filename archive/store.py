"""Write posts, comments, captures and failures into the archive, keeping history.

A re-crawl updates rows in place (ids are WordPress's own, qualified by site): nothing is ever
duplicated. When a post's content changes, the previous version goes to ``post_versions``; a
comment that changed goes to ``comment_versions``; a comment missing from a complete thread is
marked ``removed`` and kept; a post that answers 404/410 twice running is marked ``gone``.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from archive.ids import comment_id, post_id
from archive.schema import EXTRACTOR_VERSION

POST_CONTENT = ("title", "author", "published", "modified", "standfirst", "body_html", "categories", "tags")
COMMENT_CONTENT = ("author", "author_url", "posted_raw", "body_html", "kind", "parent_wp_id")
GONE_AFTER = 2  # consecutive 404/410 answers before a post is marked gone


@dataclass
class Outcome:
    """What one write did, as counts the crawl's summary and ``crawls`` row report."""

    counts: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (url, kind, reason)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One batch, all or nothing. ``BEGIN IMMEDIATE`` takes the write lock up front, so two crawls
    sharing a database (two sites in one run) wait for each other (busy_timeout) instead of
    failing when a deferred transaction cannot be upgraded. sqlite-utils calls inside nest as
    savepoints."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()


def content_hash(row: dict[str, Any], keys: tuple[str, ...]) -> str:
    payload = json.dumps([row.get(k) for k in keys], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def save_post(db: sqlite_utils.Database, post: dict[str, Any], comments: list[dict[str, Any]],
              *, complete: bool, crawl_id: int, now: str) -> Outcome:
    """Upsert one post and its thread. ``complete`` says every comment page was read, so comments
    not seen this time really were removed."""
    outcome = Outcome()
    row = _post_row(post, crawl_id, now)
    row["comments_captured"] = len(comments)
    existing = _get(db["posts"], row["id"])
    if existing is not None and row["sitemap_lastmod"] is None:
        # Reached without a sitemap (reprocess, a recheck, a listing): the last lastmod still holds.
        # Losing it would make the next crawl see every post as "changed" and refetch it in full.
        row["sitemap_lastmod"] = existing["sitemap_lastmod"]
    if existing is None:
        db["posts"].insert({**row, "first_seen": now, "last_changed": now})
        outcome.counts["posts_new"] += 1
    elif existing["content_hash"] != row["content_hash"]:
        _keep_post_version(db, existing, now)
        db["posts"].update(row["id"], {**row, "last_changed": now})
        outcome.counts["posts_updated"] += 1
    else:
        db["posts"].update(row["id"], {k: row[k] for k in _POST_REFRESH})
        outcome.counts["posts_unchanged"] += 1
    _save_comments(db, row, comments, complete, crawl_id, now, outcome)
    return outcome


_POST_REFRESH = ("last_seen", "fetched_at", "fetched_from", "status", "missing_count", "comment_count",
                 "comments_captured", "http_status", "http_etag", "http_last_modified", "sitemap_lastmod", "crawl_id")


def _post_row(post: dict[str, Any], crawl_id: int, now: str) -> dict[str, Any]:
    row = {
        "id": post_id(post["site"], post.get("wp_id"), post["url"]),
        "site": post["site"], "wp_id": post.get("wp_id"), "url": post["url"], "title": post.get("title"),
        "author": post.get("author"), "published": post.get("published"),
        "published_raw": post.get("published_raw"), "published_source": post.get("published_source"),
        "modified": post.get("modified"), "modified_raw": post.get("modified_raw"),
        "modified_source": post.get("modified_source"), "standfirst": post.get("standfirst"),
        "body_html": post.get("body_html"), "body_text": post.get("body_text"),
        "comment_count": post.get("comment_count"),
        "categories": json.dumps(post.get("categories") or [], ensure_ascii=False),
        "tags": json.dumps(post.get("tags") or [], ensure_ascii=False),
        "images": json.dumps(post.get("images") or [], ensure_ascii=False),
        "fetched_at": post.get("fetched_at") or now, "fetched_from": post.get("fetched_url"),
        "http_status": post.get("http_status"), "http_etag": post.get("etag"),
        "http_last_modified": post.get("last_modified_header"), "sitemap_lastmod": post.get("sitemap_lastmod"),
        "last_seen": now, "status": "live", "missing_count": 0,
        "extractor_version": EXTRACTOR_VERSION, "crawl_id": crawl_id,
    }
    row["content_hash"] = content_hash(row, POST_CONTENT)
    return row


def _keep_post_version(db: sqlite_utils.Database, old: dict[str, Any], now: str) -> None:
    version = db.execute("select count(*) from post_versions where post_id = ?", [old["id"]]).fetchone()[0] + 1
    db["post_versions"].insert({
        "post_id": old["id"], "version": version, "content_hash": old["content_hash"],
        "captured_at": old["fetched_at"], "superseded_at": now,
        **{k: old[k] for k in ("title", "author", "published", "modified", "standfirst", "body_html",
                               "body_text", "categories", "tags", "extractor_version")},
    })


def _save_comments(db: sqlite_utils.Database, post: dict[str, Any], comments: list[dict[str, Any]],
                   complete: bool, crawl_id: int, now: str, outcome: Outcome) -> None:
    site, pid = post["site"], post["id"]
    existing = {r["id"]: r for r in db["comments"].rows_where("post_id = ?", [pid])}
    seen_ids = {comment_id(site, c["wp_id"]) for c in comments}
    new_rows: list[dict[str, Any]] = []
    for c in comments:
        row = _comment_row(site, pid, c, crawl_id, now)
        parent_wp_id = c.get("parent_wp_id")
        if parent_wp_id is not None and row["parent_id"] not in seen_ids and row["parent_id"] not in existing:
            row["parent_id"] = None  # keep the comment; its parent_wp_id still says who it answered
            outcome.problems.append((row["url"] or post["url"], "orphan",
                                     f"comment {c['wp_id']} replies to missing comment {parent_wp_id}"))
        old = existing.get(row["id"])
        if old is None:
            new_rows.append({**row, "first_seen": now, "last_changed": now})
            outcome.counts["comments_new"] += 1
        elif old["content_hash"] != row["content_hash"]:
            db["comment_versions"].insert({
                "comment_id": old["id"], "content_hash": old["content_hash"], "captured_at": old["last_seen"],
                "superseded_at": now, **{k: old[k] for k in ("author", "posted_raw", "body_html", "body_text")},
            })
            db["comments"].update(row["id"], {**row, "last_changed": now})
            outcome.counts["comments_updated"] += 1
        else:
            db["comments"].update(row["id"], {k: row[k] for k in _COMMENT_REFRESH})
    if new_rows:
        db["comments"].insert_all(new_rows)
    if complete:
        for cid, old in existing.items():
            if cid not in seen_ids and old["status"] != "removed":
                db["comments"].update(cid, {"status": "removed", "removed_at": now})
                outcome.counts["comments_removed"] += 1


_COMMENT_REFRESH = ("position", "page", "depth", "last_seen", "status", "posted_at", "posted_source",
                    "posted_ambiguous", "awaiting_moderation", "crawl_id")


def _comment_row(site: str, pid: str, c: dict[str, Any], crawl_id: int, now: str) -> dict[str, Any]:
    parent = c.get("parent_wp_id")
    row = {
        "id": comment_id(site, c["wp_id"]), "post_id": pid,
        "parent_id": comment_id(site, parent) if parent is not None else None,
        "parent_wp_id": parent, "wp_id": c["wp_id"], "site": site, "depth": c["depth"],
        "position": c["position"], "page": c.get("page"), "kind": c.get("kind", "comment"),
        "author": c.get("author"), "author_url": c.get("author_url"), "posted_raw": c.get("posted_raw"),
        "posted_at": c.get("posted_at"), "posted_source": c.get("posted_source"),
        "posted_ambiguous": int(bool(c.get("posted_ambiguous"))),
        "awaiting_moderation": int(bool(c.get("awaiting_moderation"))),
        "body_html": c.get("body_html"), "body_text": c.get("body_text"), "url": c.get("url"),
        "last_seen": now, "status": "present", "extractor_version": EXTRACTOR_VERSION, "crawl_id": crawl_id,
    }
    row["content_hash"] = content_hash(row, COMMENT_CONTENT)
    return row


def touch_post(db: sqlite_utils.Database, site: str, url: str, now: str, crawl_id: int) -> bool:
    """A 304 for a post page: it is still there and unchanged. Returns whether we knew the post."""
    cursor = db.execute(
        "update posts set last_seen = ?, status = 'live', missing_count = 0, crawl_id = ? where site = ? and url = ?",
        [now, crawl_id, site, url],
    )
    return cursor.rowcount > 0


def mark_missing(db: sqlite_utils.Database, site: str, url: str, now: str) -> bool:
    """A known post answered 404/410. After ``GONE_AFTER`` consecutive answers it is ``gone``
    (never deleted). Returns whether it became gone just now."""
    rows = list(db["posts"].rows_where("site = ? and url = ?", [site, url]))
    if not rows:
        return False
    post = rows[0]
    missing = (post["missing_count"] or 0) + 1
    gone = missing >= GONE_AFTER and post["status"] != "gone"
    db["posts"].update(post["id"], {"missing_count": missing, **({"status": "gone", "gone_at": now} if gone else {})})
    return gone


def save_capture(db: sqlite_utils.Database, capture: dict[str, Any], crawl_id: int) -> None:
    body: bytes = capture["body"]
    db["captures"].insert({
        "crawl_id": crawl_id, "site": capture["site"], "url": capture["url"],
        "fetched_url": capture["fetched_url"], "status": capture["status"],
        "headers": json.dumps(capture["headers"], ensure_ascii=False), "fetched_at": capture["fetched_at"],
        "content_hash": hashlib.sha256(body).hexdigest(), "body": zlib.compress(body, 1),
        "body_encoding": "zlib", "length": len(body),
    })


def record_failure(db: sqlite_utils.Database, crawl_id: int, site: str, url: str, kind: str,
                   reason: str, now: str, status: int | None = None) -> None:
    db["failures"].insert({"crawl_id": crawl_id, "site": site, "url": url, "kind": kind,
                           "status": status, "reason": reason, "at": now})


def _get(table: sqlite_utils.db.Table, pk: str) -> dict[str, Any] | None:
    try:
        return table.get(pk)
    except sqlite_utils.db.NotFoundError:
        return None

"""Carry out a takedown request: withhold a comment, a commenter's comments, a post or just a
name from everything in the archive that holds it, and record what was done in ``redactions``.

The content goes from every place it lives: the row, its earlier versions, the full-text index
(merged, so its shadow tables drop the old terms) and the raw captures of every page that showed
it (rewritten by a ``scrub`` function the caller passes, since reading pages is not this layer's
work). The connection runs with ``secure_delete`` so freed space is zeroed; the caller then
checkpoints and vacuums so no page of the file or its WAL keeps an old copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from archivedb.captures import BODY_ENCODING, header, pack_body, unpack_body
from archivedb.store import COMMENT_CONTENT, POST_CONTENT, content_hash
from archivedb.withholding import (
    COMMENT_FIELDS,
    COMMENT_NAME_FIELDS,
    POST_FIELDS,
    POST_NAME_FIELDS,
    Withhold,
    author_key,
    blank,
    fields_of,
    removed_note,
)

Scrub = Callable[[bytes, str, str, str, Withhold], bytes]  # (body, content type, site, url, withhold)
VERSION_COLUMNS = {"comment_versions": ("author", "body_html", "body_text"),
                   "post_versions": ("title", "author", "standfirst", "body_html", "body_text")}
MIN_NAME = 4  # shorter values (initials) are too common to replace in free text
WITHHELD_VALUE = "[withheld]"
MIN_LINE = 12  # body lines shorter than this ("Thanks!") are too common to replace in other pages


class RedactionError(Exception):
    """The request names nothing that can be redacted (or undone); one line naming it."""


@dataclass(frozen=True)
class Request:
    kind: str  # 'comment', 'author' or 'post'
    target: str  # a comment or post id; the commenter's name for 'author'
    site: str | None
    name_only: bool
    reason: str
    requested_by: str | None
    now: str


@dataclass
class Result:
    redaction_id: int
    rows: int
    captures: int


def redact(db: sqlite_utils.Database, request: Request, scrub: Scrub) -> Result:
    """Withhold what ``request`` names everywhere, in one transaction."""
    site, comments, posts = _targets(db, request)
    comment_fields = COMMENT_NAME_FIELDS if request.name_only else COMMENT_FIELDS
    post_fields = POST_NAME_FIELDS if request.name_only else POST_FIELDS
    withheld = _withheld(db, comments, comment_fields, posts, post_fields)
    db.execute("PRAGMA secure_delete = ON")
    with db.atomic():
        rid: int = db.table("redactions").insert({  # type: ignore[assignment]  # last_pk of a rowid table
            "kind": request.kind, "site": site,
            "target": author_key(site, request.target) if request.kind == "author" else request.target,
            "fields": json.dumps(sorted(comment_fields if request.kind != "post" else post_fields)),
            "reason": request.reason, "requested_by": request.requested_by, "created_at": request.now,
            "withheld_sha256": hashlib.sha256(json.dumps(withheld, sort_keys=True, ensure_ascii=False)
                                              .encode()).hexdigest(),
        }).last_pk
        _blank_rows(db, "comments", comments, comment_fields, rid, COMMENT_CONTENT)
        _blank_rows(db, "posts", posts, post_fields, rid, POST_CONTENT)
        _blank_versions(db, "comment_versions", "comment_id", [c["id"] for c in comments], comment_fields)
        _blank_versions(db, "post_versions", "post_id", [p["id"] for p in posts], post_fields)
        for table in ("comments", "posts"):  # merge the index: deleted terms leave its shadow tables
            db.execute(f"INSERT INTO [{table}_fts]([{table}_fts]) VALUES('optimize')")
        withhold = Withhold(
            comments={c["wp_id"]: frozenset(comment_fields) for c in comments if c["wp_id"] is not None},
            post_urls=frozenset(p["url"] for p in posts if not request.name_only),
            literals=_literals(withheld), redaction_id=rid)
        scrubbed = _scrub_captures(db, site, withhold, scrub)
        _scrub_failures(db, site, withhold.literals)
        db.table("redactions").update(rid, {"rows_redacted": len(comments) + len(posts), "captures_scrubbed": scrubbed})
    return Result(rid, len(comments) + len(posts), scrubbed)


def undo(db: sqlite_utils.Database, redaction_id: int, now: str) -> int:
    """Stop withholding: the next crawl stores the content again if the site still shows it.
    Refused when a row it covers is no longer on the live site (its text is gone for good)."""
    row = next(db["redactions"].rows_where("id = ?", [redaction_id]), None)
    if row is None:
        raise RedactionError(f"no redaction {redaction_id}")
    if row["undone_at"]:
        raise RedactionError(f"redaction {redaction_id} was already undone at {row['undone_at']}")
    gone = db.execute(
        "select (select count(*) from comments where redaction_id = :r and status != 'present')"
        " + (select count(*) from posts where redaction_id = :r and status != 'live')", {"r": redaction_id}
    ).fetchone()[0]
    if gone:
        raise RedactionError(f"redaction {redaction_id} cannot be undone: {gone} of its rows are no longer on the live "
                             "site, and the archive kept none of the withheld text")
    with db.atomic():
        count = 0
        for table in ("comments", "posts"):
            count += db.execute(f"update {table} set redaction_id = null, redacted_fields = null"
                                " where redaction_id = ?", [redaction_id]).rowcount
        db.table("redactions").update(redaction_id, {"undone_at": now})
    return count


def _targets(db: sqlite_utils.Database, request: Request) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """(site, comment rows, post rows) a request covers; a post brings its whole thread."""
    if request.kind == "comment":
        rows = list(db["comments"].rows_where("id = ?", [request.target]))
        if not rows:
            raise RedactionError(f"no comment {request.target!r} in the archive")
        return rows[0]["site"], rows, []
    if request.kind == "post":
        posts = list(db["posts"].rows_where("id = ?", [request.target]))
        if not posts:
            raise RedactionError(f"no post {request.target!r} in the archive")
        thread = [] if request.name_only else list(db["comments"].rows_where("post_id = ?", [request.target]))
        return posts[0]["site"], thread, posts
    assert request.site is not None
    key = author_key(request.site, request.target)
    rows = [r for r in db["comments"].rows_where("site = ? and lower(trim(author)) = lower(trim(?))",
                                                 [request.site, request.target])
            if author_key(request.site, r["author"]) == key]
    if not rows:
        raise RedactionError(f"no comments by {request.target!r} on {request.site}")
    return request.site, rows, []


def _withheld(db: sqlite_utils.Database, comments: list[dict[str, Any]], comment_fields: tuple[str, ...],
              posts: list[dict[str, Any]], post_fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every value about to be withheld, rows and versions, in a stable order (for the digest)."""
    out: list[dict[str, Any]] = []
    for table, rows, fields, versions, key in (
            ("comments", comments, comment_fields, "comment_versions", "comment_id"),
            ("posts", posts, post_fields, "post_versions", "post_id")):
        for row in rows:
            out.append({"table": table, "id": row["id"], **{f: row[f] for f in fields}})
            for v in db[versions].rows_where(f"{key} = ?", [row["id"]], order_by="id"):
                out.append({"table": versions, "id": v["id"],
                            **{f: v[f] for f in fields if f in VERSION_COLUMNS[versions]}})
    return out


def _literals(withheld: list[dict[str, Any]]) -> tuple[str, ...]:
    """Strings to replace wherever else a capture repeats them: names, titles and body lines."""
    found: set[str] = set()
    for entry in withheld:
        for name in ("author", "author_url", "title", "standfirst"):
            if entry.get(name):
                found.add(entry[name])
        for line in (entry.get("body_text") or "").splitlines():
            if len(line.strip()) >= MIN_LINE:
                found.add(line.strip())
    return tuple(sorted(found))


def _blank_rows(db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]], fields: tuple[str, ...],
                rid: int, hashed: tuple[str, ...]) -> None:
    for row in rows:
        blank(row, fields, rid)
        row["content_hash"] = content_hash(row, hashed)
        db.table(table).update(row["id"], {k: row[k] for k in (*fields, *fields_of(row), "redaction_id",
                                                          "redacted_fields", "content_hash")})


def _blank_versions(db: sqlite_utils.Database, table: str, key: str, ids: list[str], fields: tuple[str, ...]) -> None:
    columns = [f for f in fields if f in VERSION_COLUMNS[table]]
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        db.execute(f"update {table} set {', '.join(f'{c} = null' for c in columns)}"
                   f" where {key} in ({', '.join('?' * len(chunk))})", chunk)


def _scrub_captures(db: sqlite_utils.Database, site: str, withhold: Withhold, scrub: Scrub) -> int:
    """Rewrite every stored page of the site that showed the content; returns how many changed.
    Every page is read, not only the post's: a "recent comments" widget or a quote repeats it."""
    changed = 0
    ids = [r[0] for r in db.execute("select id from captures where site = ? and body is not null", [site])]
    for cid in ids:
        row = db.execute("select url, headers, body, body_encoding from captures where id = ?", [cid]).fetchone()
        url, headers, body, encoding = row
        raw = unpack_body(body, encoding)
        content_type = header(json.loads(headers or "{}"), "content-type")
        new = scrub(raw, content_type, site, url, withhold)
        if new != raw:
            db.execute("update captures set body = ?, body_encoding = ?, redaction_id = ? where id = ?",
                       [pack_body(new), BODY_ENCODING, withhold.redaction_id, cid])
            changed += 1
    return changed


def _scrub_failures(db: sqlite_utils.Database, site: str, literals: tuple[str, ...]) -> None:
    """A failure's reason can quote a commenter ("the page names its author 'X' but the feed
    says 'Y'"): the withheld values leave it too, the rest of the reason stays."""
    for value in sorted((v for v in literals if len(v.strip()) >= MIN_NAME), key=len, reverse=True):
        db.execute("update failures set reason = replace(reason, :v, :m) where site = :s and instr(reason, :v) > 0",
                   {"v": value, "m": WITHHELD_VALUE, "s": site})


def describe(result: Result, request: Request) -> str:
    what = {"comment": f"comment {request.target}", "post": f"post {request.target}",
            "author": f"comments by that commenter on {request.site}"}[request.kind]
    return (f"redaction {result.redaction_id}: withheld {'the name in ' if request.name_only else ''}{what}"
            f" ({result.rows} rows, {result.captures} captures scrubbed); readers now see "
            f"{removed_note(request.now)!r}")

"""What the archive withholds after a takedown request, as the store and the scrubber read it.

A redacted row keeps its place (id, post, parent, position, dates) so a thread still reads in
order, but the withheld fields are NULL and ``redaction_id`` names the ``redactions`` row that
explains why. Every later write keeps them so: a crawl that finds the comment still on the live
site matches it by id and stores only its bookkeeping, and an author redaction also covers
comments the same name posts later (matched by the name's digest, never by a stored name).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

COMMENT_FIELDS = ("author", "author_url", "body_html", "body_text")
COMMENT_NAME_FIELDS = ("author", "author_url")
POST_FIELDS = ("title", "author", "standfirst", "body_html", "body_text")
POST_NAME_FIELDS = ("author",)
BODY_FIELDS = frozenset({"body_html", "body_text"})
CAPTURE_MARKER = "[removed at the commenter's request]"
NAME_WITHHELD = "[name withheld]"  # where a reader would see a withheld commenter's name
COMMENTER = "the commenter's"


@dataclass
class Withhold:
    """What to withhold on one site's pages: comment wp_id -> fields, commenters by
    ``author_key`` -> fields, post URLs whose pages are withheld whole, and strings to replace
    wherever they appear. ``redaction_id`` is recorded on a capture this changes."""

    comments: dict[int, frozenset[str]] = field(default_factory=dict)
    authors: dict[str, frozenset[str]] = field(default_factory=dict)
    post_urls: frozenset[str] = frozenset()
    literals: tuple[str, ...] = ()
    marker: str = CAPTURE_MARKER
    redaction_id: int | None = None

    def __bool__(self) -> bool:
        return bool(self.comments or self.authors or self.post_urls or self.literals)


def author_key(site: str, name: str | None) -> str:
    """A commenter's name as the archive keeps it once withheld: a site-qualified digest."""
    normal = " ".join((name or "").split()).casefold()
    return hashlib.sha256(f"{site}\n{normal}".encode()).hexdigest()


def removed_note(date: str | None, whose: str = COMMENTER) -> str:
    """What a reader sees where withheld content was: when it went (the redaction's day, UTC)
    and at whose request, so the gap in a thread explains itself."""
    if not date:
        return f"[removed at {whose} request]"
    return f"[removed on {date[:10]} at {whose} request]"


def fields_of(row: dict[str, Any] | None) -> frozenset[str]:
    if not row or not row.get("redaction_id") or not row.get("redacted_fields"):
        return frozenset()
    return frozenset(json.loads(row["redacted_fields"]))


def blank(row: dict[str, Any], fields: frozenset[str] | tuple[str, ...], redaction_id: int) -> None:
    """Withhold ``fields`` of ``row`` in place and say which redaction did it."""
    held = set(fields) | set(fields_of(row))
    for name in held:
        if name in row:
            row[name] = None
    row["redaction_id"] = redaction_id
    row["redacted_fields"] = json.dumps(sorted(held))


def author_rules(db: sqlite_utils.Database, site: str) -> dict[str, tuple[int, frozenset[str]]]:
    """Active author redactions of a site: name digest -> (redaction id, fields)."""
    if not db["redactions"].exists():
        return {}
    return {r["target"]: (r["id"], frozenset(json.loads(r["fields"]))) for r in db.query(
        "select id, target, fields from redactions where kind = 'author' and site = ? and undone_at is null"
        " order by id", [site])}


def withhold_for(db: sqlite_utils.Database, site: str) -> Withhold:
    """Everything a crawl of ``site`` must keep out of the captures it writes."""
    if not db["redactions"].exists():
        return Withhold()
    comments = {r["wp_id"]: fields_of(r) for r in db.query(
        "select wp_id, redaction_id, redacted_fields from comments where site = ? and redaction_id is not null"
        " and wp_id is not null", [site])}
    posts = frozenset(r["url"] for r in db.query(
        "select url, redacted_fields from posts where site = ? and redaction_id is not null", [site])
        if BODY_FIELDS & set(json.loads(r["redacted_fields"] or "[]")))
    latest = db.execute("select max(id) from redactions where site = ? and undone_at is null", [site]).fetchone()[0]
    return Withhold(comments=comments, authors={k: v[1] for k, v in author_rules(db, site).items()},
                    post_urls=posts, redaction_id=latest)


def withheld_page(url: str, post_urls: frozenset[str]) -> bool:
    """A page of a withheld post: the post itself, its comment pages and its comment feed."""
    return any(url == p or (url.startswith(p) and url[len(p):].startswith(("comment-page-", "feed", "?")))
               for p in post_urls)

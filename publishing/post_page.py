"""Everything the post page shows beyond the row itself: the sanitised article, provenance,
versions and the whole comment thread in display order, with local and UTC times.

Loaded by the ``extra_template_vars`` hook for ``row-archive-posts.html``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from datasette.utils import tilde_encode
from markupsafe import Markup

from publishing.sanitise import clean_html, safe_url
from publishing.withheld import POST_REQUEST, redaction_dates, withheld_view

LONDON = ZoneInfo("Europe/London")
MAX_INDENT_DEPTH = 8  # deeper replies stop moving right so narrow screens stay readable

COMMENTS_SQL = """
select id, wp_id, parent_id, depth, position, kind, author, author_url, posted_raw, posted_at,
       posted_ambiguous, awaiting_moderation, body_html, status, removed_at, url, first_seen, last_changed,
       redaction_id, redacted_fields
from comments where post_id = :post_id order by position, id
"""
VERSIONS_SQL = """
select id, version, content_hash, captured_at, superseded_at, title
from post_versions where post_id = :post_id order by version
"""
COMMENT_VERSIONS_SQL = """
select id, comment_id, captured_at, superseded_at, body_html
from comment_versions where comment_id in (select id from comments where post_id = :post_id)
order by comment_id, captured_at, id
"""
CAPTURES_SQL = """
select id, fetched_at, status, length, same_as from captures
where site = :site and url = :url order by fetched_at, id
"""


async def post_page_vars(datasette: Any, database: str, post_id: str) -> dict[str, Any]:
    return {"archive_post": await load_post_page(datasette, database, post_id)}


async def load_post_page(datasette: Any, database: str, post_id: str) -> dict[str, Any] | None:
    """Template variables for one post, or None when there is no such post."""
    db = datasette.get_database(database)
    rows = await _dicts(db, "select * from posts where id = :id", {"id": post_id})
    if not rows:
        return None
    post = rows[0]
    comments = await _dicts(db, COMMENTS_SQL, {"post_id": post_id})
    versions = await _dicts(db, VERSIONS_SQL, {"post_id": post_id})
    earlier: dict[str, list[dict[str, Any]]] = {}
    for v in await _dicts(db, COMMENT_VERSIONS_SQL, {"post_id": post_id}):
        earlier.setdefault(v["comment_id"], []).append(dict(
            v, body_safe=Markup(clean_html(v["body_html"], post["url"])),
            superseded_times=times(v["superseded_at"]), diff_url=f"/-/diff/comment/{v['id']}"))
    captures = await _dicts(db, CAPTURES_SQL, {"site": post["site"], "url": post["url"]})
    dates = await redaction_dates(db, [post, *comments])
    row_url = lambda table, pk: datasette.urls.row(database, table, tilde_encode(str(pk)))  # noqa: E731
    return {
        "post": _post_view(post, dates),
        "comments": [_comment_view(c, post["url"], row_url("comments", c["id"]), earlier.get(c["id"], []), dates)
                     for c in comments],
        "versions": [dict(v, row_url=row_url("post_versions", v["id"]), diff_url=f"/-/diff/post/{v['id']}")
                     for v in versions],
        "captures": [dict(c, url=f"/-/captures/{c['id']}") for c in captures],
        "crawl_url": row_url("crawls", post["crawl_id"]) if post.get("crawl_id") is not None else None,
    }


async def _dicts(db: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


def _post_view(post: dict[str, Any], dates: dict[int, str]) -> dict[str, Any]:
    withheld = withheld_view(post, dates, POST_REQUEST)
    if "removed_note" in withheld:
        withheld["title"] = withheld["removed_note"]
    return dict(
        post,
        live_url=safe_url(post.get("url")),
        body_safe=Markup(clean_html(post.get("body_html"), post.get("url"))),
        category_list=_json_list(post.get("categories")),
        tag_list=_json_list(post.get("tags")),
        image_list=[i for i in _json_list(post.get("images")) if isinstance(i, dict)],
        published_times=times(post.get("published")),
        modified_times=times(post.get("modified")),
    ) | withheld


def _comment_view(comment: dict[str, Any], post_url: str | None, row_url: str,
                  earlier: list[dict[str, Any]], dates: dict[int, str] | None = None) -> dict[str, Any]:
    """A comment as the thread shows it; a redacted one keeps its place, showing what was withheld."""
    depth = max(1, int(comment.get("depth") or 1))
    return dict(
        comment,
        anchor=comment_anchor(comment),
        earlier=earlier,
        depth=depth,
        indent=min(depth, MAX_INDENT_DEPTH) - 1,
        author_link=safe_url(comment.get("author_url")),
        body_safe=Markup(clean_html(comment.get("body_html"), post_url)),
        posted_times=times(comment.get("posted_at")),
        row_url=row_url,
    ) | withheld_view(comment, dates or {})


def comment_anchor(comment: dict[str, Any]) -> str:
    """The comment's fragment on the post page: WordPress's own ``comment-N``."""
    return f"comment-{comment['wp_id']}" if comment.get("wp_id") is not None else str(comment["id"])


def times(utc_iso: str | None) -> dict[str, str] | None:
    """``{"iso", "utc", "local"}`` display strings for a stored UTC instant (None if unparseable)."""
    if not utc_iso:
        return None
    try:
        instant = datetime.strptime(utc_iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    local = instant.astimezone(LONDON)
    return {
        "iso": utc_iso,
        "utc": instant.strftime("%Y-%m-%d %H:%M UTC"),
        "local": local.strftime("%a %-d %b %Y, %H:%M ") + (local.tzname() or ""),
    }


def _json_list(value: str | None) -> list[Any]:
    try:
        parsed = json.loads(value) if value else []
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []

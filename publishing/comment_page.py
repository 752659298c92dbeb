"""A comment's row page shows the comment where it was said: the post it belongs to, the replies
it answered (up to the top of its thread), the comment, and the replies it received, with a link
to its place in the thread on the post page (``/archive/posts/<post id>#comment-N``).

Loaded by the ``extra_template_vars`` hook for ``row-archive-comments.html``.
"""

from __future__ import annotations

from typing import Any

from datasette.utils import tilde_encode
from markupsafe import Markup

from publishing.post_page import comment_anchor, times
from publishing.sanitise import clean_html, safe_url
from publishing.withheld import redaction_dates, withheld_view

MAX_ANCESTORS = 50  # a parent chain longer than this (or a cycle) stops here
COMMENT_SQL = """
select c.id, c.wp_id, c.post_id, c.parent_id, c.depth, c.kind, c.author, c.author_url, c.posted_at,
       c.posted_raw, c.body_html, c.status, c.removed_at, c.redaction_id, c.redacted_fields,
       p.title as post_title, p.url as post_url
from comments c left join posts p on p.id = c.post_id where c.id = :id
"""
REPLIES_SQL = """
select id, wp_id, post_id, parent_id, depth, kind, author, author_url, posted_at, posted_raw,
       body_html, status, removed_at, redaction_id, redacted_fields from comments where parent_id = :id order by position, id
"""
VERSIONS_SQL = """
select id, captured_at, superseded_at, body_html from comment_versions
where comment_id = :id order by captured_at, id
"""


async def comment_page_vars(datasette: Any, database: str, comment_id: str) -> dict[str, Any]:
    return {"archive_comment": await load_comment_page(datasette, database, comment_id)}


async def load_comment_page(datasette: Any, database: str, comment_id: str) -> dict[str, Any] | None:
    """Template variables for one comment in its thread context, or None if there is none."""
    db = datasette.get_database(database)
    found = await _dicts(db, COMMENT_SQL, {"id": comment_id})
    if not found:
        return None
    comment = found[0]
    post_url = comment["post_url"]
    ancestors: list[dict[str, Any]] = []
    parent_id, seen = comment["parent_id"], {comment["id"]}
    while parent_id and parent_id not in seen and len(ancestors) < MAX_ANCESTORS:
        seen.add(parent_id)
        rows = await _dicts(db, COMMENT_SQL, {"id": parent_id})
        if not rows:
            break
        ancestors.insert(0, rows[0])
        parent_id = rows[0]["parent_id"]
    replies = await _dicts(db, REPLIES_SQL, {"id": comment_id})
    versions = await _dicts(db, VERSIONS_SQL, {"id": comment_id})
    dates = await redaction_dates(db, [comment, *ancestors, *replies])
    if withheld_view(comment, dates).get("removed_note"):
        versions = []  # blanked with the comment: nothing earlier to show
    post_page = datasette.urls.row(database, "posts", tilde_encode(comment["post_id"])) if comment["post_id"] else None
    view = lambda c, role: _view(datasette, database, c, post_url, post_page, role, dates)  # noqa: E731
    return {
        "comment": view(comment, "this"),
        "post": {"id": comment["post_id"], "title": comment["post_title"], "url": post_page},
        "thread_url": f"{post_page}#{comment_anchor(comment)}" if post_page else None,
        "ancestors": [view(a, "parent") for a in ancestors],
        "replies": [view(r, "reply") for r in replies],
        "versions": [dict(v, body_safe=Markup(clean_html(v["body_html"], post_url)),
                          superseded_times=times(v["superseded_at"]), diff_url=f"/-/diff/comment/{v['id']}")
                     for v in versions],
    }


def _view(datasette: Any, database: str, c: dict[str, Any], post_url: str | None, post_page: str | None,
          role: str, dates: dict[int, str]) -> dict[str, Any]:
    """One comment of the page; a redacted one shows the note or "[name withheld]" in its place."""
    return dict(
        c, role=role,
        author_link=safe_url(c.get("author_url")),
        body_safe=Markup(clean_html(c.get("body_html"), post_url)),
        posted_times=times(c.get("posted_at")),
        row_url=datasette.urls.row(database, "comments", tilde_encode(c["id"])),
        thread_url=f"{post_page}#{comment_anchor(c)}" if post_page else None,
    ) | withheld_view(c, dates)


async def _dicts(db: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]

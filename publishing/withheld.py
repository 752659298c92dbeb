"""How the reading room shows what a takedown request withheld (``sector-archive redact``).

A redacted comment keeps its place in the thread, so the replies under it still read as
answers to something: its name reads "[name withheld]" and, when its text was withheld too, its
body is the note of when and at whose request it went. The stored row is already blank; this
only says so to the reader instead of showing an empty "Anonymous" comment.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

from archivedb.withholding import BODY_FIELDS, NAME_WITHHELD, fields_of, removed_note

POST_REQUEST = "a takedown"  # a post may be withheld for its author or for someone it names


async def redaction_dates(db: Any, rows: list[dict[str, Any]]) -> dict[int, str]:
    """When each redaction the rows name was made (redaction id -> UTC instant)."""
    ids = sorted({r["redaction_id"] for r in rows if r.get("redaction_id")})
    if not ids:
        return {}
    result = await db.execute(f"select id, created_at from redactions where id in ({', '.join('?' * len(ids))})", ids)
    return {row["id"]: row["created_at"] for row in result.rows}


def author_label(row: dict[str, Any]) -> str:
    """A comment's author as a page names it: "[name withheld]" when a takedown withheld it, so
    a blank name is never mistaken for an anonymous comment."""
    if "author" in fields_of(row):
        return NAME_WITHHELD
    return row.get("author") or "Anonymous"


def withheld_view(row: dict[str, Any], dates: dict[int, str], whose: str | None = None) -> dict[str, Any]:
    """What replaces a row's withheld parts on a page; empty when nothing is withheld."""
    fields = fields_of(row)
    if not fields:
        return {}
    view: dict[str, Any] = {"redacted": True}
    if "author" in fields:
        view.update(author=NAME_WITHHELD, author_link=None)
    if fields & BODY_FIELDS:
        note = removed_note(dates.get(row["redaction_id"]), *([whose] if whose else []))
        view.update(removed_note=note, earlier=[],
                    body_safe=Markup(f'<p class="archive-redacted-note">{escape(note)}</p>'))
    return view

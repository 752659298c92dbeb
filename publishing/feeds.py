"""Atom feeds of new posts and new comments, the way datasette-atom does it: any query that
returns ``atom_id``, ``atom_title`` and ``atom_updated`` (plus optional ``atom_link``,
``atom_content_html``, ``atom_author_name``) can be read as ``.atom``. The canned queries
``new_posts`` and ``new_comments`` (``?site=ddn`` for one site) are the feeds to subscribe to.

Entry content is archived HTML, so it is sanitised like every page that shows it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from datasette.utils.asgi import Response

from publishing.metadata import queries
from publishing.sanitise import clean_html

REQUIRED = ("atom_id", "atom_title", "atom_updated")
ATOM_NS = "http://www.w3.org/2005/Atom"


def can_render_atom(columns: list[str]) -> bool:
    return all(c in columns for c in REQUIRED)


def render_atom(datasette: Any, request: Any, columns: list[str], rows: list[Any], query_name: str | None,
                database: str) -> Response:
    if not can_render_atom(columns):
        return Response.text(f"an Atom feed needs the columns {', '.join(REQUIRED)}", status=400)
    metadata = queries().get(query_name or "", {})
    title = metadata.get("title", query_name or "Sector Archive") if isinstance(metadata, dict) else query_name
    site = request.args.get("site")
    if site:
        title = f"{title}: {site}"
    entries = [dict(zip(columns, row)) for row in rows]
    updated = max((e["atom_updated"] for e in entries if e["atom_updated"]), default=None) or _now()
    self_url = datasette.absolute_url(request, request.full_path)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>', f'<feed xmlns="{ATOM_NS}">',
        f"<id>{escape(self_url)}</id>", f"<title>{escape(str(title))}</title>", f"<updated>{escape(updated)}</updated>",
        f'<link rel="self" href={quoteattr(self_url)}/>', "<author><name>Sector Archive</name></author>",
        '<generator uri="https://datasette.io/">Datasette (Sector Archive)</generator>',
    ]
    for e in entries:
        parts.append(_entry(datasette, request, e))
    parts.append("</feed>")
    return Response("\n".join(parts), content_type="application/atom+xml; charset=utf-8")


def _entry(datasette: Any, request: Any, e: dict[str, Any]) -> str:
    link = e.get("atom_link")
    if link and str(link).startswith("/"):
        link = datasette.absolute_url(request, str(link))
    out = ["<entry>", f"<id>{escape(str(e['atom_id']))}</id>", f"<title>{escape(str(e['atom_title'] or ''))}</title>",
           f"<updated>{escape(str(e['atom_updated'] or _now()))}</updated>"]
    if link:
        out.append(f'<link href={quoteattr(str(link))}/>')
    if e.get("atom_author_name"):
        out.append(f"<author><name>{escape(str(e['atom_author_name']))}</name></author>")
    if e.get("atom_content_html"):
        out.append(f'<content type="html">{escape(clean_html(str(e["atom_content_html"]), e.get("atom_base_url")))}</content>')
    out.append("</entry>")
    return "".join(out)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

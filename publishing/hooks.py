"""Datasette plugin hooks for the archive (registered by ``publishing.app``).

The plugin manager is global, so every hook first checks it is serving *our* instance (one
with an ``archive_database`` attribute, see ``publishing.app.ArchiveDatasette``) and leaves any
other Datasette alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup, escape

from publishing import pages
from publishing.comment_page import comment_page_vars
from publishing.facets import JsonArrayFacet, YearFacet
from publishing.feeds import can_render_atom, render_atom
from publishing.fts import fts_phrase, fts_query
from publishing.metadata import table as table_metadata
from publishing.post_page import post_page_vars
from publishing.snippets import bracketed
from publishing.tables import (
    READING_COLUMNS,
    TIME_COLUMNS,
    all_columns_url,
    column_help,
    render_table_cell,
    with_reading_columns,
)

MARKER = "archive_database"
LINKED_COLUMNS = {"post_id": "posts", "comment_id": "comments", "parent_id": "comments"}
ROW_PAGES = {"posts": post_page_vars, "comments": comment_page_vars}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SECURITY_HEADERS = [
    # Nothing on any page may load from, or report to, another origin (the live sites included).
    (b"content-security-policy", b"default-src 'self'; script-src 'self' 'unsafe-inline'; "
     b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
     b"frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
]


def is_archive(datasette: Any, database: str | None = None) -> bool:
    name = getattr(datasette, MARKER, None)
    return name is not None and (database is None or database == name)


@hookimpl
def prepare_connection(conn: Any, database: str, datasette: Any) -> None:
    if is_archive(datasette, database):
        conn.create_function("archive_fts_query", 1, fts_query, deterministic=True)
        conn.create_function("archive_fts_phrase", 1, fts_phrase, deterministic=True)
        conn.create_function("archive_snippet", 2, bracketed, deterministic=True)


@hookimpl
def register_facet_classes() -> list[type]:
    return [YearFacet, JsonArrayFacet]


@hookimpl
def extra_template_vars(view_name: str, database: str | None, table: str | None,
                        request: Any, datasette: Any) -> Callable[[], Any] | dict[str, Any] | None:
    if not is_archive(datasette, database) or database is None or table is None or request is None:
        return None
    if view_name == "table":
        return _table_vars(datasette, database, table, request)
    if view_name != "row" or table not in ROW_PAGES:
        return None

    async def inner() -> dict[str, Any]:
        (pk,) = urlsafe_components(request.url_vars["pks"])
        return await ROW_PAGES[table](datasette, database, pk)

    return inner


def _table_vars(datasette: Any, database: str, table: str, request: Any) -> dict[str, Any]:
    metadata, column_descriptions = column_help(table_metadata(table))
    shown = request.args.getlist("_col")
    reading = list(READING_COLUMNS.get(table, ()))
    all_url = None
    if reading and shown == reading:
        all_url = all_columns_url(datasette.urls.table(database, table), list(column_descriptions))
    return {"metadata": metadata, "archive_column_help": column_descriptions,
            "archive_all_columns_url": all_url}


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """Times in UK local time, JSON arrays as chips, excerpts; in query results, ids link to
    their row pages (table pages already link keys)."""
    if not is_archive(datasette, database):
        return None
    if table is not None:
        return render_table_cell(value, column, table, datasette.urls.table(database, table))
    if column not in LINKED_COLUMNS or not isinstance(value, str):
        return render_table_cell(value, column, "", "") if column in TIME_COLUMNS else None
    href = datasette.urls.row(database, LINKED_COLUMNS[column], tilde_encode(value))
    return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')


@hookimpl
def register_output_renderer(datasette: Any) -> dict[str, Any] | None:
    if not is_archive(datasette):
        return None
    return {"extension": "atom", "render": render_atom, "can_render": can_render_atom}


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return pages.routes() if is_archive(datasette) else []


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    """Read-only at the HTTP level too: refuse every method that could write; add security headers."""

    def wrap(app: Any) -> Any:
        if not is_archive(datasette):
            return app

        async def guarded(scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope["method"].upper() not in SAFE_METHODS:
                return await _refuse(send)
            scope = dict(scope, query_string=with_reading_columns(
                scope["path"], scope.get("query_string", b""), getattr(datasette, MARKER)))

            async def send_with_headers(event: dict) -> None:
                if event["type"] == "http.response.start":
                    headers = list(event.get("headers", []))
                    # A route that sets its own policy (the capture pages) keeps it; all get the rest.
                    own_csp = any(name.lower() == b"content-security-policy" for name, _ in headers)
                    event = dict(event, headers=headers + [h for h in SECURITY_HEADERS
                                                           if not (own_csp and h[0] == b"content-security-policy")])
                await send(event)

            return await app(scope, receive, send_with_headers)

        return guarded

    return wrap


async def _refuse(send: Any) -> None:
    body = b"405 Method Not Allowed: this archive is read-only.\n"
    await send({"type": "http.response.start", "status": 405, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS"),
        *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})

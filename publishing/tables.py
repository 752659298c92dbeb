"""Compact table pages: which columns a table page shows by default and how cells read.

A table page with no ``_col``/``_nocol`` of its own is served as if the visitor had asked for
the reading columns (Datasette's own ``_col``, so paging, sorting, facets and the JSON/CSV links
all keep working); long columns (HTML, full text, captured bytes) appear when asked for. Cells
show times in UK local time, JSON arrays as chips that filter the table, and long text as an
excerpt.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from markupsafe import Markup, escape

from publishing.post_page import times

# Reading order for each table's default view (the primary key always comes first).
READING_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("title", "site", "published", "author", "comments_captured", "categories", "status"),
    "comments": ("author", "posted_at", "body_text", "post_id", "site", "kind", "status"),
    "crawls": ("site", "started", "finished", "status", "posts_new", "posts_updated", "posts_gone",
               "comments_new", "comments_updated", "comments_removed", "errors"),
    "failures": ("at", "site", "kind", "status", "reason", "url", "crawl_id"),
    "post_versions": ("post_id", "version", "captured_at", "superseded_at", "title"),
    "comment_versions": ("comment_id", "captured_at", "superseded_at", "author", "body_text"),
    "captures": ("url", "fetched_at", "status", "length", "site", "crawl_id", "same_as"),
}
TIME_COLUMNS = frozenset({
    "published", "modified", "posted_at", "first_seen", "last_seen", "last_changed", "fetched_at",
    "gone_at", "removed_at", "captured_at", "superseded_at", "started", "finished", "at",
})
CHIP_COLUMNS = frozenset({"categories", "tags"})
EXCERPT_COLUMNS = {("comments", "body_text"), ("comment_versions", "body_text"), ("posts", "standfirst")}
EXCERPT_CHARS = 160
_TABLE_PATH = re.compile(r"^/(?P<database>[^/]+)/(?P<table>[^/.]+)$")


def with_reading_columns(path: str, query_string: bytes, database: str) -> bytes:
    """The query string a table page is served with: the visitor's own, plus the reading
    columns when they chose none. Anything but an HTML table page is left alone."""
    match = _TABLE_PATH.match(path)
    if not match or match["database"] != database or match["table"] not in READING_COLUMNS:
        return query_string
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if any(key in ("_col", "_nocol") for key, _ in pairs):
        return query_string
    pairs += [("_col", column) for column in READING_COLUMNS[match["table"]]]
    return urlencode(pairs).encode("latin-1")


def all_columns_url(table_url: str, columns: list[str]) -> str:
    """A link that shows every column of the table (each named with ``_col``)."""
    return table_url + "?" + urlencode([("_col", c) for c in columns])


def render_table_cell(value: Any, column: str, table: str, table_url: str) -> Markup | None:
    """Display HTML for one cell, or None to let Datasette render it."""
    if value in (None, "") or isinstance(value, (bytes, dict)):
        return None
    if column in TIME_COLUMNS and isinstance(value, str):
        return time_html(value)
    if column in CHIP_COLUMNS and isinstance(value, str):
        return chips_html(value, column, table_url if table == "posts" else None)
    if column == "images" and isinstance(value, str):
        items = _json_list(value)
        return Markup(f"{len(items)} image{'s' if len(items) != 1 else ''}") if items else Markup("none")
    if (table, column) in EXCERPT_COLUMNS and isinstance(value, str):
        return Markup(escape(excerpt(value)))
    return None


def time_html(utc_iso: str) -> Markup | None:
    """UK local time with the stored UTC instant as the tooltip and machine-readable value."""
    shown = times(utc_iso)
    if shown is None:
        return None
    return Markup(f'<time datetime="{escape(utc_iso)}" title="{escape(shown["utc"])}">'
                  f'{escape(shown["local"])}</time>')


def chips_html(value: str, column: str, filter_url: str | None) -> Markup | None:
    """A JSON array of names as chips; on the posts table each chip filters by that name."""
    items = [str(i) for i in _json_list(value) if isinstance(i, (str, int, float))]
    if not items:
        return Markup('<span class="archive-none">none</span>') if value.strip() == "[]" else None
    chips = []
    for item in items:
        if filter_url:
            href = f"{filter_url}?{column}__arraycontains={quote(item)}"
            chips.append(f'<a class="archive-chip" href="{escape(href)}">{escape(item)}</a>')
        else:
            chips.append(f'<span class="archive-chip">{escape(item)}</span>')
    return Markup(" ".join(chips))


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` characters of ``text``, cut at a word, with an ellipsis if cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def column_help(metadata: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The table's metadata without its column descriptions (Datasette would print all of them
    above the rows) and the descriptions, shown instead behind one "about these columns" toggle."""
    columns = dict(metadata.get("columns") or {})
    return {k: v for k, v in metadata.items() if k != "columns"}, columns


def _json_list(value: str) -> list[Any]:
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []

"""Captures made readable: a raw response decompressed, its headers, and how to show its page.

The archived page is other people's HTML, kept byte for byte, scripts and trackers included. It
is only ever shown inside ``<iframe sandbox>`` from a route whose own Content-Security-Policy
is ``sandbox`` plus ``default-src 'none'``: no script runs and nothing is fetched, not even its
images or styles from the live site, whichever way the page is opened.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

from datasette.utils import tilde_encode

from archivedb.captures import unpack_body
from publishing.post_page import times

MAX_SAME_AS = 10  # a chain of "identical to capture N" links longer than this is broken
FRAME_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
             "form-action 'none'; base-uri 'none'; frame-ancestors 'self'")
# The capture page itself: the archive's usual policy, except that it may frame its own route.
CAPTURE_PAGE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; "
                    "base-uri 'none'; form-action 'self'")
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)
HTML_TYPES = ("text/html", "application/xhtml+xml")


async def load_capture(datasette: Any, database: str, capture_id: int) -> dict[str, Any] | None:
    """Everything the capture page shows, or None when there is no such capture."""
    db = datasette.get_database(database)
    rows = (await db.execute(
        "select id, crawl_id, site, url, fetched_url, status, headers, fetched_at, content_hash, body_encoding, "
        "length, same_as, body is not null as has_body from captures where id = :id", {"id": capture_id})).rows
    if not rows:
        return None
    capture = dict(rows[0])
    post = (await db.execute("select id, title from posts where site = :site and url = :url",
                             {"site": capture["site"], "url": capture["url"]})).rows
    shown = times(capture["fetched_at"])
    return dict(
        capture,
        header_rows=header_rows(capture["headers"]),
        fetched_local=shown["local"] if shown else capture["fetched_at"],
        post_url=datasette.urls.row(database, "posts", tilde_encode(post[0]["id"])) if post else None,
        post_title=(post[0]["title"] or post[0]["id"]) if post else None,
        row_url=datasette.urls.row(database, "captures", str(capture["id"])),
        crawl_url=datasette.urls.row(database, "crawls", str(capture["crawl_id"])) if capture["crawl_id"] else None,
        frame_url=f"/-/captures/{capture['id']}/page",
    )


async def load_capture_body(db: Any, capture_id: int) -> tuple[bytes, str] | None:
    """The capture's body, decompressed (following ``same_as`` to the capture that holds it),
    and the content type to serve it with; None when there is no such capture."""
    rows = (await db.execute("select headers from captures where id = :id", {"id": capture_id})).rows
    if not rows:
        return None
    content_type = serving_type(rows[0]["headers"])
    current: int | None = capture_id
    seen: set[int] = set()
    while current is not None and current not in seen and len(seen) < MAX_SAME_AS:
        seen.add(current)
        found = (await db.execute("select body, body_encoding, same_as from captures where id = :id",
                                  {"id": current})).rows
        if not found:
            break
        body, encoding, same_as = found[0]
        if body is not None:
            return decode_body(body, encoding), content_type
        current = same_as
    return b"", "text/plain; charset=utf-8"


def decode_body(body: bytes, encoding: str | None) -> bytes:
    """The bytes as received; a body that will not decompress is shown as it is."""
    try:
        return unpack_body(body, encoding)
    except zlib.error:
        return body


def serving_type(headers_json: str | None) -> str:
    """HTML as HTML (with its declared charset), anything else as plain text, so a captured feed
    or script is shown as text and never interpreted."""
    declared = ""
    for name, value in header_rows(headers_json):
        if name.lower() == "content-type":
            declared = value
    charset = _CHARSET.search(declared)
    suffix = f"; charset={charset.group(1)}" if charset else ""
    if declared.split(";")[0].strip().lower() in HTML_TYPES or not declared:
        return "text/html" + suffix
    return "text/plain" + (suffix or "; charset=utf-8")


def header_rows(headers_json: str | None) -> list[tuple[str, str]]:
    """``(name, value)`` pairs from the stored JSON object (a list value gives one row each)."""
    try:
        parsed = json.loads(headers_json) if headers_json else {}
    except ValueError:
        return [("(unreadable)", headers_json or "")]
    if not isinstance(parsed, dict):
        return [("(unreadable)", str(parsed))]
    rows = []
    for name, value in parsed.items():
        for item in value if isinstance(value, list) else [value]:
            rows.append((str(name), str(item)))
    return rows

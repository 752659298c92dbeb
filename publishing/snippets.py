"""Bounded search snippets: highlight matches in at most the first ``WINDOW_CHARS`` of a text.

SQLite's ``snippet()`` re-reads and re-tokenises the whole stored body, so one 30 MB post made a
search run for minutes, and Datasette's time limit does not interrupt it. Here the window is
copied into a private in-memory FTS5 table with the archive's own tokenizer (porter), and
``snippet()`` runs there: the same stemming, phrase and prefix rules as the real index, on a
bounded amount of text. A match that lies beyond the window gives the window's opening words.
"""

from __future__ import annotations

import sqlite3
import threading
from html import escape

from markupsafe import Markup

WINDOW_CHARS = 64 * 1024
SNIPPET_TOKENS = 24
OPEN, CLOSE = "\x02", "\x03"  # markers no archived text contains; replaced after escaping
_local = threading.local()


def snippets(texts: list[str | None], match: str) -> list[str]:
    """Plain-text snippets of ``texts`` for the FTS5 query ``match``; matched words are wrapped
    in ``OPEN``/``CLOSE`` markers (see ``as_html``)."""
    conn = _connection()
    windows = [(text or "")[:WINDOW_CHARS] for text in texts]
    with conn:
        conn.execute("delete from w")
        conn.executemany("insert into w (rowid, body) values (?, ?)", enumerate(windows, start=1))
        try:
            found = dict(conn.execute(
                f"select rowid, snippet(w, 0, ?, ?, '…', {SNIPPET_TOKENS}) from w where w match ?",
                [OPEN, CLOSE, match]).fetchall())
        except sqlite3.OperationalError:
            found = {}
        conn.execute("delete from w")
    return [found.get(k) or _opening(window) for k, window in enumerate(windows, start=1)]


def highlight(texts: list[str | None], match: str) -> list[str]:
    """Whole short texts (titles, names) with their matched words marked."""
    conn = _connection()
    with conn:
        conn.execute("delete from w")
        conn.executemany("insert into w (rowid, body) values (?, ?)",
                         enumerate(((t or "")[:WINDOW_CHARS] for t in texts), start=1))
        try:
            found = dict(conn.execute("select rowid, highlight(w, 0, ?, ?) from w where w match ?",
                                      [OPEN, CLOSE, match]).fetchall())
        except sqlite3.OperationalError:
            found = {}
        conn.execute("delete from w")
    return [found.get(k) or (t or "") for k, t in enumerate(texts, start=1)]


def as_html(marked: str) -> Markup:
    """Escape a marked snippet and turn its markers into ``<mark>`` elements."""
    return Markup(escape(marked, quote=False).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


def bracketed(text: str | None, match: str) -> str:
    """One snippet with ``[`` ``]`` around matches: the SQL function the canned queries use."""
    return snippets([text], match or '""')[0].replace(OPEN, "[").replace(CLOSE, "]")


def _opening(window: str, words: int = SNIPPET_TOKENS) -> str:
    tokens = window.split()
    return " ".join(tokens[:words]) + ("…" if len(tokens) > words else "")


def _connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        conn.execute("create virtual table w using fts5(body, tokenize='porter')")
        _local.conn = conn
    return conn

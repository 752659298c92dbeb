"""Turn what a visitor types into a safe SQLite FTS5 query (registered as SQL functions).

FTS5 syntax errors on stray punctuation would otherwise break the canned search pages, so every
term is quoted; "double-quoted phrases" stay phrases; a word ending in ``*`` (``recov*``) is a
prefix search. An empty query matches nothing.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(text: str | None) -> str:
    """All terms must match (implicit AND); quoted phrases match as phrases."""
    terms = [m.group(1) if m.group(1) is not None else m.group(2)
             for m in _TOKEN.finditer(text or "")]
    quoted = [_term(t) for t in terms if t and t.strip("* \t")]
    return " ".join(quoted) if quoted else '""'


def _term(term: str) -> str:
    if term.endswith("*") and term.rstrip("*").strip():
        return _quote(term.rstrip("*")) + " *"
    return _quote(term)


def fts_phrase(text: str | None) -> str:
    """The whole text as one phrase (its words adjacent, in order)."""
    words = " ".join((text or "").replace('"', " ").split())
    return _quote(words)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'

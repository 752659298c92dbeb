"""``export --pseudonymise``: commenters' names replaced by stable per-site pseudonyms, for
researchers who study who talks to whom but must not hold names.

A pseudonym is ``commenter-`` and the first 12 hex digits of ``HMAC-SHA256(key, site + name)``
(the name with its spacing and case normalised, as ``withholding.author_key`` does): the same
name on the same site always gets the same pseudonym, in every table and in every export made
with the same key, so threads and reply chains still join; the same name on another site gets
another. The key is a file the operator keeps outside the archive: without it nobody can test a
guessed name against a pseudonym, which a plain hash of the name would allow.

What else could name a commenter goes too: their own website (``author_url``), the digest of
each comment's content (a guessed name plus the exported text would reproduce it), and their
name where the crawler quoted it in a failure's reason. Names typed inside comment text are
not searched for (see README).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from archivedb.export_source import ExportError, Source, commenter_names

KEY_ENV = "ARCHIVE_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16
PREFIX = "commenter-"
# Per table or view: columns holding a commenter's name, and columns blanked because they would
# identify one (a commenter's website; a digest a guessed name could be checked against).
NAME_COLUMNS = {"comments": ("author",), "comment_versions": ("author",), "comments_with_posts": ("author",),
                "threads": ("root_author",), "commenters": ("author",)}
BLANK_COLUMNS = {"comments": ("author_url", "content_hash"), "comment_versions": ("content_hash",)}
QUOTING_COLUMNS = {"failures": ("reason",)}  # free text in which the crawler quotes commenters' names
SITE_FROM_ID = ("comment_id", "id")  # a row without a site column: the site is its id's prefix
MIN_QUOTED = 4  # shorter names (initials) are too common to replace in free text
# Exports that cannot be pseudonymised column by column: refused rather than leaked.
REFUSED = {"captures": "raw pages hold commenters' names", "redactions": "takedown records are not for researchers"}

Row = tuple[Any, ...]


class PseudonymKeyError(Exception):
    """No usable key: one line naming the file or the setting."""


def load_key(path: str | None, db_path: str | Path | None = None) -> bytes:
    """The secret in ``path`` (else in the file ``ARCHIVE_PSEUDONYM_KEY_FILE`` names)."""
    path = path or os.environ.get(KEY_ENV)
    if not path:
        raise PseudonymKeyError(f"--pseudonymise needs a key file: give --pseudonym-key-file PATH or set {KEY_ENV} "
                                "(make one with: head -c 32 /dev/urandom > pseudonym.key)")
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise PseudonymKeyError(f"cannot read pseudonym key file {path}: {exc.strerror or exc}") from None
    if db_path is not None and Path(path).resolve() == Path(db_path).resolve():
        raise PseudonymKeyError(f"pseudonym key file {path} is the archive itself: keep the key outside it")
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"pseudonym key file {path} holds {len(key)} bytes: "
                                f"use at least {MIN_KEY_BYTES} random bytes")
    return key


def pseudonym(key: bytes, site: str | None, name: str | None) -> str | None:
    """The pseudonym of ``name`` on ``site``; an empty name stays empty."""
    if name is None or not name.strip():
        return name
    normal = " ".join(name.split()).casefold()
    return PREFIX + hmac.new(key, f"{site or ''}\n{normal}".encode(), hashlib.sha256).hexdigest()[:12]


def refusal(source: str) -> str | None:
    """Why ``source`` cannot be exported pseudonymised, or None."""
    return f"--pseudonymise cannot export {source}: {REFUSED[source]}" if source in REFUSED else None


def pseudonymise(conn: Any, source: Source, key: bytes) -> None:
    """Make ``source`` write pseudonyms: refused for what cannot be pseudonymised by columns."""
    if source.name == "query":
        raise ExportError("--pseudonymise cannot export an --sql query: its columns cannot be traced to "
                          "commenters (export a table or view)")
    if why := refusal(source.name):
        raise ExportError(why)
    names = commenter_names(conn) if source.name in QUOTING_COLUMNS else {}
    source.transform = row_transform(key, source.name, [c.name for c in source.columns], names)


def row_transform(key: bytes, source: str, columns: Sequence[str], names: dict[str, list[str]]
                  ) -> Callable[[list[Row]], list[Row]] | None:
    """A function pseudonymising a batch of ``source``'s rows, or None when it holds no names.
    ``names`` (site -> commenters' names) is what a free-text column is searched for."""
    position = {c: i for i, c in enumerate(columns)}
    renamed = [position[c] for c in NAME_COLUMNS.get(source, ()) if c in position]
    blanked = [position[c] for c in BLANK_COLUMNS.get(source, ()) if c in position]
    quoting = [position[c] for c in QUOTING_COLUMNS.get(source, ()) if c in position]
    if not (renamed or blanked or quoting):
        return None
    site_of = _site_reader(position)
    longest_first = {site: sorted({n for n in found if len(n.strip()) >= MIN_QUOTED}, key=len, reverse=True)
                     for site, found in names.items()}

    def transform(batch: list[Row]) -> list[Row]:
        out = []
        for row in batch:
            values = list(row)
            site = site_of(row)
            for i in renamed:
                values[i] = pseudonym(key, site, values[i])
            for i in blanked:
                values[i] = None
            for i in quoting:
                values[i] = _replace_names(key, site, values[i], longest_first.get(site or "", []))
            out.append(tuple(values))
        return out

    return transform


def _site_reader(position: dict[str, int]) -> Callable[[Row], str | None]:
    if "site" in position:
        i = position["site"]
        return lambda row: row[i]
    column = next((c for c in SITE_FROM_ID if c in position), None)
    if column is None:
        return lambda row: None
    i = position[column]
    return lambda row: row[i].split(":", 1)[0] if isinstance(row[i], str) and ":" in row[i] else None


def _replace_names(key: bytes, site: str | None, text: str | None, names: list[str]) -> str | None:
    if not text:
        return text
    for name in names:
        if name in text:
            text = text.replace(name, pseudonym(key, site, name) or "")
    return text

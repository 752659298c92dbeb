"""Open the archive database: the one door every command goes through.

Only archive databases are ever written. An archive carries a marker in its SQLite header,
``PRAGMA application_id`` = ``APPLICATION_ID`` with the schema version in ``user_version``, set
when the archive is created. Anything else is refused with one line naming the path, and left
byte-identical: another program's SQLite file, a file that is not SQLite, a device such as
``/dev/null``, a directory. Two files are accepted without the marker:

- an empty one (no file, 0 bytes, or a SQLite file with no tables): it becomes a new archive;
- a *legacy* archive made before the marker existed, recognised by its shape (``posts``,
  ``comments`` and ``crawls`` keyed as the contract says, every column one the contract names).
  A writing command adopts it once (sets the marker, then migrates); reading commands serve it
  as it is.

Read-only opens (``status``, ``serve``) never migrate, lock or switch the journal: they connect
with ``mode=ro``, or ``immutable=1`` when asked for a snapshot or when the directory cannot be
written (no writer can exist there, and ``mode=ro`` on a WAL file needs to create ``-shm``).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from enum import Enum
from pathlib import Path

import sqlite_utils

from archivedb.schema import COMMENTS, CRAWLS, POSTS, TABLES, ensure_db_shape

APPLICATION_ID = 0x53415243  # "SARC": Sector ARChive
SCHEMA_VERSION = 1  # user_version; bump when a migration cannot be done by adding columns
SQLITE_HEADER = b"SQLite format 3\x00"
LEGACY_TABLES = (POSTS, COMMENTS, CRAWLS)


class ArchiveError(Exception):
    """The database cannot be used; the message is one line naming the path."""


class Kind(Enum):
    NEW = "new"
    ARCHIVE = "archive"
    LEGACY = "legacy"


def open_archive(path: str, *, readonly: bool = False, immutable: bool = False,
                 check_same_thread: bool = True, allow_outdated: bool = False) -> sqlite_utils.Database:
    """Open the archive at ``path`` for writing (created, adopted or migrated as needed) or, with
    ``readonly``, for reading only. Raises ArchiveError for anything that is not an archive.

    ``allow_outdated`` lets a reader (Datasette) use an archive whose schema lacks columns a
    newer version adds; readers that query those columns get a clear error instead."""
    kind = classify(path)
    if readonly:
        if kind is Kind.NEW:
            raise ArchiveError(f"no archive at {path}" + ("" if os.path.exists(path) else " (file not found)"))
        db = sqlite_utils.Database(_connect_readonly(path, immutable=immutable, check_same_thread=check_same_thread))
        missing = [] if allow_outdated else missing_columns(db)
        if missing:
            db.close()
            raise ArchiveError(f"{path} is an archive from an older version (no {missing[0]}): "
                               "run `sector-archive crawl` once to upgrade it")
        return db
    return _open_for_writing(path, kind, check_same_thread)


def classify(path: str) -> Kind:
    """What is at ``path``, reading it without changing a byte."""
    check_path(path)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return Kind.NEW
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ArchiveError(f"cannot read {path}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise ArchiveError(f"{path} is not an archive database (not a SQLite file); refusing to touch it")
    try:
        with closing(_connect_readonly(path, immutable=False)) as conn:
            app_id, version = (conn.execute(f"pragma {p}").fetchone()[0] for p in ("application_id", "user_version"))
            tables = _columns_by_table(conn)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot read {path}: {exc}") from None
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise ArchiveError(f"{path} was made by a newer version of sector-archive (schema {version}); "
                               "upgrade sector-archive to use it")
        return Kind.ARCHIVE
    if app_id == 0 and not tables:
        return Kind.NEW
    if app_id == 0 and _is_legacy(tables):
        return Kind.LEGACY
    owner = f" (application_id {app_id:#x})" if app_id else ""
    raise ArchiveError(f"{path} is a SQLite database that is not an archive{owner}; refusing to touch it")


def check_path(path: str) -> None:
    """Refuse paths no database can live at: empty, a directory, a device or pipe, no parent."""
    if not path or not path.strip():
        raise ArchiveError("no database path given (--db is empty)")
    if os.path.exists(path):
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise ArchiveError(f"{path} is a directory, not a database file")
        if not stat.S_ISREG(mode):
            raise ArchiveError(f"{path} is not a regular file (a device, pipe or socket); refusing to use it")
        return
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise ArchiveError(f"cannot use database {path}: directory {parent} does not exist")


def missing_columns(db: sqlite_utils.Database) -> list[str]:
    """``table.column`` names the contract has and this database lacks (it needs a migration)."""
    tables = _columns_by_table(db.conn)
    return [f"{t.name}.{c}" for t in TABLES for c in t.columns if c not in tables.get(t.name, {})]


def _open_for_writing(path: str, kind: Kind, check_same_thread: bool) -> sqlite_utils.Database:
    """WAL (readers never wait for a crawl) with ``synchronous=NORMAL``, WAL's recommended
    setting: a killed process never loses a committed transaction."""
    try:
        db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=check_same_thread))
        db.execute("PRAGMA busy_timeout = 30000")
        if kind is not Kind.ARCHIVE:
            with db.conn:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        ensure_db_shape(db)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot write database {path}: {exc}") from None
    return db


def _connect_readonly(path: str, *, immutable: bool, check_same_thread: bool = True) -> sqlite3.Connection:
    """``mode=ro``; ``immutable=1`` for snapshots and for files in a directory we cannot write."""
    if immutable or snapshot_only(path):
        return sqlite3.connect(readonly_uri(path, immutable=True), uri=True, check_same_thread=check_same_thread)
    conn = sqlite3.connect(readonly_uri(path), uri=True, check_same_thread=check_same_thread)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def readonly_uri(path: str | Path, *, immutable: bool = False) -> str:
    """The URI that opens ``path`` without any write; what Datasette's connections use too."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def snapshot_only(path: str | Path) -> bool:
    """A file whose directory cannot be written can only be read as an immutable snapshot."""
    return not os.access(os.path.dirname(os.path.abspath(path)), os.W_OK)


def _columns_by_table(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Each table's columns with their primary-key position (0 = not in the key)."""
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    return {n: {r[1]: r[5] for r in conn.execute("select * from pragma_table_info(?)", [n])} for n in names}


def _is_legacy(tables: dict[str, dict[str, int]]) -> bool:
    """An archive made before the marker: the core tables, keyed as the contract says, and no
    column the contract does not name (a foreign ``posts(x)`` is not one)."""
    for table in LEGACY_TABLES:
        columns = tables.get(table.name)
        if not columns or columns.get(table.pk) != 1 or not set(columns) <= set(table.columns):
            return False
    return True


def check_archive(path: str | Path, *, immutable: bool = False) -> Path:
    """Return ``path`` if it is a readable archive database, else raise ArchiveError.
    Opens it read-only: another program's database or a non-SQLite file is refused untouched."""
    check_path(str(path))  # empty, a directory, a device: refused before anything opens it
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"archive database not found: {path}")
    open_archive(str(path), readonly=True, immutable=immutable, allow_outdated=True).close()
    return path

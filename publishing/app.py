"""Build the Datasette instance that publishes the archive: the single place that assembles its
metadata, settings, templates, static files and plugin hooks, used by ``serve`` and the tests.

The archive is served read-only. Every SQLite connection is opened ``mode=ro`` (Datasette's own
"write" connections included), the HTTP layer refuses every non-GET method, and no canned query
writes. ``immutable=True`` is offered for snapshots; the default stays ``mode=ro`` because an
immutable connection must never see the file change, and scheduled crawls do change it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.plugins import pm

# isort: split
import datasette.handle_exception  # after datasette.app: imported first, it would register no hook

from archivedb.database import ArchiveError, check_archive, readonly_uri, snapshot_only
from publishing import hooks, limits
from publishing.cache import CachedDatabase
from publishing.metadata import DB_NAME, project_metadata

# Datasette prints every request's exception with ``rich`` when it is installed (the dev tools
# bring it in), local variables included: seconds of work on each interrupted query, and row
# values in the server's log. The error page is unchanged; the console gets nothing.
datasette.handle_exception.rich = None

DATASETTE_DIR = Path(__file__).parent
TEMPLATE_DIR = DATASETTE_DIR / "templates"
STATIC_DIR = DATASETTE_DIR / "static"
STATIC_MOUNT = "archive-static"
SETTINGS: dict[str, Any] = {
    "default_page_size": 50,
    "max_returned_rows": 1000,
    "sql_time_limit_ms": 3000,
    "facet_time_limit_ms": 500,
    "truncate_cells_html": 300,
    "allow_download": False,  # the file holds raw captures; analysts use `sector-archive export`
    "default_cache_ttl": 60,
    "suggest_facets": False,  # suggestions cost ~2 s per table page at 100k comments; facets are curated
}
PUBLIC_SETTINGS: dict[str, Any] = {
    "default_allow_sql": False,  # canned queries and search only (limits.permission_allowed agrees)
    "allow_csv_stream": False,  # a streamed CSV of a whole table is one unbounded request
}


ArchiveUnavailable = ArchiveError  # the archive database cannot be served (one line naming the path)


class ArchiveDatasette(Datasette):
    """Datasette that the archive's plugin hooks recognise (they ignore any other instance).
    ``archive_public`` and ``archive_time_limit`` configure ``publishing.limits``."""

    archive_database = DB_NAME
    archive_public = False
    archive_time_limit = limits.DEFAULT_TIME_LIMIT


class ReadOnlyDatabase(CachedDatabase, limits.TimeLimitedDatabase):
    """A Datasette database whose every connection, even a "write" one, is ``mode=ro``; with
    ``is_mutable=False`` (a snapshot) or in a directory we cannot write, ``immutable=1``, which
    reads a WAL archive without creating its ``-shm`` file. Slow, small results are cached until
    the file changes (``publishing.cache``)."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        immutable = not self.is_mutable or snapshot_only(self.path)
        conn = sqlite3.connect(readonly_uri(self.path, immutable=immutable), uri=True, check_same_thread=False)
        self.__dict__.setdefault("archive_connections", []).append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this database opened (ours, not Datasette's private list)."""
        for conn in self.__dict__.pop("archive_connections", []):
            conn.close()


def load_metadata() -> dict[str, Any]:
    """The archive's Datasette metadata (titles, descriptions, facets, canned queries)."""
    metadata = project_metadata()
    metadata.setdefault("extra_css_urls", [f"/{STATIC_MOUNT}/archive.css"])
    return metadata


def build_datasette(db_path: str | Path, *, immutable: bool = False, public: bool = False,
                    time_limit: float = limits.DEFAULT_TIME_LIMIT) -> Datasette:
    """A configured, read-only Datasette serving ``db_path`` as the ``archive`` database; with
    ``public``, no arbitrary SQL and no debug pages. Every request is bounded by ``time_limit``."""
    path = check_archive(db_path, immutable=immutable)
    for module, name in ((hooks, "sector-archive"), (limits, "sector-archive-limits")):
        if not pm.is_registered(module):
            pm.register(module, name=name)
    settings = {**SETTINGS, "sql_time_limit_ms": int(time_limit * 1000)}
    if public:
        settings.update(PUBLIC_SETTINGS)
    ds = ArchiveDatasette(
        metadata=load_metadata(),
        settings=settings,
        template_dir=str(TEMPLATE_DIR),
        static_mounts=[(STATIC_MOUNT, str(STATIC_DIR))],
    )
    db = ReadOnlyDatabase(ds, path=str(path), is_mutable=not immutable)
    ds.archive_public, ds.archive_time_limit = public, time_limit
    ds.remove_database("_memory")  # Datasette adds it when given no files; visitors need only the archive
    ds.add_database(db, name=DB_NAME)
    return ds

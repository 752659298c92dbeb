"""Build the Datasette instance that publishes the archive: the single place that assembles its
metadata, settings, templates, static files and plugin hooks, used by ``serve`` and the tests.

The archive is served read-only. Every SQLite connection is opened ``mode=ro`` (Datasette's own
"write" connections included), the HTTP layer refuses every non-GET method, and no canned query
writes. ``immutable=True`` is offered for snapshots; the default stays ``mode=ro`` because an
immutable connection must never see the file change, and scheduled crawls do change it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm

from archive.datasette import hooks

DB_NAME = "archive"
DATASETTE_DIR = Path(__file__).parent / "datasette"
METADATA_PATH = DATASETTE_DIR / "metadata.yml"
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


class ArchiveUnavailable(Exception):
    """The archive database cannot be served; the message is one line naming the path."""


class ArchiveDatasette(Datasette):
    """Datasette that the archive's plugin hooks recognise (they ignore any other instance)."""

    archive_database = DB_NAME


class ReadOnlyDatabase(Database):
    """A Datasette database whose every connection, even a "write" one, is ``mode=ro``."""

    def connect(self, write: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(_ro_uri(Path(self.path)), uri=True, check_same_thread=False)
        self._all_file_connections.append(conn)
        return conn


def load_metadata() -> dict[str, Any]:
    """The archive's Datasette metadata (titles, descriptions, facets, canned queries)."""
    with METADATA_PATH.open(encoding="utf-8") as f:
        metadata: dict[str, Any] = yaml.safe_load(f)
    metadata.setdefault("extra_css_urls", [f"/{STATIC_MOUNT}/archive.css"])
    return metadata


def check_archive(path: str | Path) -> Path:
    """Return ``path`` if it is a readable archive database, else raise ArchiveUnavailable."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveUnavailable(f"archive database not found: {path}")
    try:
        with closing(sqlite3.connect(_ro_uri(path), uri=True)) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    except sqlite3.Error as e:
        raise ArchiveUnavailable(f"cannot read archive database {path}: {e}") from None
    if "posts" not in tables:
        raise ArchiveUnavailable(f"not an archive database (no posts table): {path}")
    return path


def build_datasette(db_path: str | Path, *, immutable: bool = False) -> Datasette:
    """A configured, read-only Datasette serving ``db_path`` as the ``archive`` database."""
    path = check_archive(db_path)
    if not pm.is_registered(hooks):
        pm.register(hooks, name="sector-archive")
    ds = ArchiveDatasette(
        metadata=load_metadata(),
        settings=SETTINGS,
        template_dir=str(TEMPLATE_DIR),
        static_mounts=[(STATIC_MOUNT, str(STATIC_DIR))],
    )
    db = Database(ds, path=str(path), is_mutable=False) if immutable else ReadOnlyDatabase(ds, path=str(path))
    ds.remove_database("_memory")  # Datasette adds it when given no files; visitors need only the archive
    ds.add_database(db, name=DB_NAME)
    return ds


def _ro_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"

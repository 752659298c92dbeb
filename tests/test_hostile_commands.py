"""Issue 16, the commands' side: only archive databases are ever written (a marker in the SQLite
header), read-only commands never change a byte, and bad input gets one ``error:`` line and exit 2."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.database import APPLICATION_ID, SCHEMA_VERSION, ArchiveError, open_archive
from archive.publish import build_datasette
from archive.schema import ensure_db_shape
from crawling import ROOT
from publish_fixtures import build_archive

import sqlite_utils


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pragma(path: Path, name: str) -> int | str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute(f"pragma {name}").fetchone()[0]


def foreign_db(path: Path) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("create table posts(x)")
        conn.execute("insert into posts values ('another program''s data')")
    return path


def legacy_archive(path: Path) -> Path:
    """An archive as versions before the marker made it: the contract's tables, no marker, and
    (like any file another tool last wrote) in rollback-journal mode."""
    db = sqlite_utils.Database(path)
    ensure_db_shape(db)
    db["posts"].insert({"id": "ddn:post:1", "site": "ddn", "title": "Kept"})
    db.close()
    return path


COMMANDS = [
    ["status"], ["serve", "--port", "0"], ["serve", "--immutable", "--port", "0"], ["reprocess"],
    ["crawl", "ddn", "--base-url", "ddn=http://127.0.0.1:9/"],
]


@pytest.mark.parametrize("make", [foreign_db, lambda p: p.write_bytes(b"not sqlite at all\n" * 300) and p],
                         ids=["foreign-sqlite", "not-sqlite"])
def test_every_command_refuses_a_foreign_file_and_leaves_it_byte_identical(tmp_path: Path, make) -> None:
    path = tmp_path / "other.db"
    make(path)
    before = sha256(path)
    for args in COMMANDS:
        result = cli(*args, "--db", str(path))
        assert (result.returncode, result.stdout) == (2, ""), (args, result.stderr)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path} ") and "not an archive" in lines[0], (args, lines)
        assert sha256(path) == before, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]  # no -wal, -shm, -journal or .lock


def test_a_new_archive_carries_the_marker(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    open_archive(str(path)).close()
    assert (pragma(path, "application_id"), pragma(path, "user_version")) == (APPLICATION_ID, SCHEMA_VERSION)
    assert pragma(path, "journal_mode") == "wal"


def test_an_empty_file_becomes_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    path.touch()
    open_archive(str(path)).close()
    assert pragma(path, "application_id") == APPLICATION_ID


def test_reading_a_legacy_archive_changes_nothing_and_writing_adopts_it(tmp_path: Path) -> None:
    path = legacy_archive(tmp_path / "archive.db")
    before = sha256(path)
    status = cli("status", "--db", str(path))
    assert status.returncode == 0, status.stderr
    assert sha256(path) == before and pragma(path, "journal_mode") == "delete"
    open_archive(str(path)).close()  # what a crawl does first
    assert pragma(path, "application_id") == APPLICATION_ID
    with sqlite3.connect(path) as conn:
        assert conn.execute("select title from posts").fetchall() == [("Kept",)]


def test_a_newer_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    open_archive(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ArchiveError, match="newer version"):
        open_archive(str(path))


def test_status_never_migrates(tmp_path: Path) -> None:
    """An archive missing a column a newer version adds is reported, not altered, by status."""
    path = tmp_path / "archive.db"
    open_archive(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("alter table posts drop column images")
    before = sha256(path)
    result = cli("status", "--db", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"error: {path} is an archive from an older version (no posts.images): "
                             "run `sector-archive crawl` once to upgrade it\n")
    assert sha256(path) == before


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory holding a WAL archive that this process cannot write: mode 555, or (as root,
    who ignores modes) a read-only bind mount."""
    src = tmp_path / "src"
    src.mkdir()
    build_archive(src / "archive.db")
    if os.geteuid() != 0:
        src.chmod(0o555)
        yield src
        src.chmod(0o755)
        return
    ro = tmp_path / "ro"
    ro.mkdir()
    subprocess.run(["mount", "--bind", str(src), str(ro)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
        yield ro
    finally:
        subprocess.run(["umount", "--lazy", str(ro)], check=True)  # Datasette may still hold it


def test_a_readonly_directory_is_read_and_never_written(readonly_dir: Path) -> None:
    path = readonly_dir / "archive.db"
    assert not os.access(readonly_dir, os.W_OK) and pragma_header_is_wal(path)
    before = sha256(path)
    status = cli("status", "--db", str(path))
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[-1] == f"archive: 5 posts, 8 comments in {path}"
    reprocess = cli("reprocess", "--db", str(path))
    assert (reprocess.returncode, reprocess.stdout) == (2, "")
    assert reprocess.stderr.startswith(f"error: cannot write database {path}: ") and reprocess.stderr.count("\n") == 1
    for immutable in (False, True):
        ds = build_datasette(path, immutable=immutable)
        response = asyncio_get(ds, "/archive/posts.json?_shape=array&_col=title&_size=1")
        assert response.status_code == 200 and len(response.json()) == 1
    assert sha256(path) == before


def pragma_header_is_wal(path: Path) -> bool:
    """Bytes 18-19 of the SQLite header are 2, 2 in WAL mode."""
    return path.read_bytes()[18:20] == b"\x02\x02"


def asyncio_get(ds, url: str):
    import asyncio

    return asyncio.run(ds.client.get(url))


@pytest.mark.parametrize(("db", "message"), [
    ("", "error: no database path given (--db is empty)"),
    ("/dev/null", "error: /dev/null is not a regular file (a device, pipe or socket); refusing to use it"),
])
@pytest.mark.parametrize("command", [["crawl", "ddn"], ["status"], ["reprocess"], ["serve"]])
def test_unusable_database_paths_are_one_line(db: str, message: str, command: list[str], tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "archive", *command, "--db", db], capture_output=True,
                            text=True, cwd=tmp_path, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
    assert list(tmp_path.iterdir()) == []  # no .lock, no journal
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null.lock").exists()


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    result = cli("crawl", "ddn", "--db", str(tmp_path))
    assert (result.returncode, result.stderr) == (2, f"error: {tmp_path} is a directory, not a database file\n")

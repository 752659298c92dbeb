"""``scrapy crawl`` into a database the store must refuse (another crawl holds it, or it is not an
archive): one ``error:`` line naming the database, no traceback, exit 2, no page fetched and no
lock file left behind."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from crawling import ROOT

from archivedb.lock import crawl_lock, lock_path_for


def scrapy_crawl(base_url: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "ddn", "-a", f"base_url={base_url}",
                           "-s", f"ARCHIVE_DB={db}", "-s", "LOG_LEVEL=ERROR"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


def test_a_locked_database_is_one_line_and_exit_2(tmp_path: Path, mirror_factory) -> None:
    site = mirror_factory("ddn")
    db = tmp_path / "a.db"
    with crawl_lock(str(db)):
        result = scrapy_crawl(site.base_url, db)
    assert result.returncode == 2, result.stderr
    assert error_lines(result.stderr) == [error_lines(result.stderr)[0]], result.stderr
    assert result.stderr.startswith(f"error: another crawl is writing {db}"), result.stderr
    assert "Traceback" not in result.stderr
    assert site.count() == 0


def test_a_foreign_database_is_refused_untouched_without_a_lock_file(tmp_path: Path, mirror_factory) -> None:
    site = mirror_factory("ddn")
    db = tmp_path / "foreign.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table notes (body text)")
        conn.execute("insert into notes values ('mine')")
    before = db.read_bytes()
    result = scrapy_crawl(site.base_url, db)
    assert result.returncode == 2, result.stderr
    assert error_lines(result.stderr) == [f"error: {db} is a SQLite database that is not an archive; refusing to touch it"]
    assert db.read_bytes() == before
    assert not Path(lock_path_for(str(db))).exists()
    assert site.count() == 0

"""Run the real CLI against a mirror, the way a scheduler would, and read back what it stored."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
# Tests may be fast where real crawls are polite: no delays, more parallel requests.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_TIMEOUT=5")


def crawl(site: str, base_url: str, db: Path, *extra: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``sector-archive crawl SITE --base-url SITE=URL --db DB`` in a subprocess (Twisted's reactor
    cannot be restarted within one process)."""
    cmd = [sys.executable, "-m", "archive", "crawl", site, "--db", str(db), "--base-url", f"{site}={base_url}",
           *FAST, *extra]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def rows(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    return list(sqlite_utils.Database(db).query(sql, params))

"""A site that accepts connections and never answers fails fast and visibly: robots.txt gets a
short timeout and one retry, the progress line says what it is waiting for and for how long, the
run ends its part with one line ``no answer from URL after N s``, and the other site still runs."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from crawling import FAST, ROOT, rows
from mirror import SITES_DIR, MirrorServer

TIMEOUT = 2  # seconds per try in the test (the default is 15: 30 s in all with the one retry)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port whose kernel accepts connections into the backlog; nobody ever answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


def test_defaults_give_up_within_30_seconds() -> None:
    from spiders.addon import ARCHIVE_DEFAULTS as settings

    assert settings["ARCHIVE_DISCOVERY_TIMEOUT"] * (settings["ARCHIVE_DISCOVERY_RETRIES"] + 1) == 30


def test_a_silent_site_fails_fast_and_the_other_site_still_runs(silent_port: int, tmp_path) -> None:
    db = tmp_path / "archive.db"
    dead = f"http://127.0.0.1:{silent_port}"
    with MirrorServer(SITES_DIR / "collectivevoice") as cv:
        cv.delay("/blog/going-local/", 1.5)  # slow, but answering: this site is not dead
        cmd = [sys.executable, "-m", "archive", "crawl", "ddn", "collectivevoice", "--db", str(db),
               "--base-url", f"ddn={dead}", "--base-url", f"collectivevoice={cv.base_url}", *FAST,
               "-s", f"ARCHIVE_DISCOVERY_TIMEOUT={TIMEOUT}", "-s", "ARCHIVE_PROGRESS_INTERVAL=0.5"]
        started = time.monotonic()
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
        elapsed = time.monotonic() - started

    assert result.returncode == 2, result.stdout + result.stderr  # one site could not be crawled
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    match = re.fullmatch(rf"error: ddn: could not crawl: no answer from {re.escape(dead)}/robots.txt after (\d+) s",
                         errors[0])
    assert match, errors
    waited = int(match.group(1))
    assert 2 * TIMEOUT - 1 <= waited <= 2 * TIMEOUT + 2  # one try and one retry, no more
    assert elapsed < 60
    # While it waited, the progress line said for what and for how long.
    assert re.search(rf"\[ddn\] waiting for {re.escape(dead)}/robots.txt \(\d+ s\)", result.stderr), result.stderr

    runs = {r["site"]: r for r in rows(db, "select * from crawls")}
    assert runs["ddn"]["status"] == "failed"
    failures = rows(db, "select kind, url, reason from failures where crawl_id = ?", (runs["ddn"]["id"],))
    assert failures == [{"kind": "network", "url": "https://www.drinkanddrugsnews.com/robots.txt",
                         "reason": errors[0].split("could not crawl: ", 1)[1]}]
    # The other site ran to the end.
    assert runs["collectivevoice"]["status"] == "ok" and runs["collectivevoice"]["posts_new"] == 6

"""Progress a person can read: once discovery knows how many posts are due, done/total, rate and
ETA per site (a bar on a terminal, plain lines in a log, nothing with ``--quiet``); the summary
gives the duration and points to ``status``; the README's cron line adds no installer chatter."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spiders.progress import Snapshot, render
from crawling import FAST, ROOT

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize(("snapshot", "tty", "line"), [
    (Snapshot("ddn", found=12, pages=3), False, "[ddn] discovering: 12 posts found, 3 pages fetched"),
    (Snapshot("ddn", found=40, total=40, done=10, read=9, problems=1, rate=2.0), False,
     "[ddn] 10/40 due posts fetched (25%), 2.0/s, ETA 15 s; 9 posts read, 1 problems"),
    (Snapshot("ddn", found=40, total=40, done=10, read=9, rate=0.1), True,
     "[ddn] [█████░░░░░░░░░░░░░░░] 10/40 due posts fetched (25%), 0.1/s, ETA 5 min 00 s; 9 posts read, 0 problems"),
    (Snapshot("cv", found=0, pages=0, waiting=("http://127.0.0.1:9/robots.txt", 12.4)), False,
     "[cv] waiting for http://127.0.0.1:9/robots.txt (12 s); discovering: 0 posts found, 0 pages fetched"),
    (Snapshot("cv", found=6, total=6, done=6, read=6, finished=True), False,
     "[cv] 6/6 due posts fetched (100%); 6 posts read, 0 problems — done"),
    (Snapshot("cv", total=0, done=0, finished=True), False,  # an unchanged site: nothing due
     "[cv] 0/0 due posts fetched (100%); 0 posts read, 0 problems — done"),
])
def test_render(snapshot: Snapshot, tty: bool, line: str) -> None:
    assert render(snapshot, tty) == line


def test_a_log_gets_a_line_per_interval_with_the_total(mirror_factory, tmp_path: Path) -> None:
    server = mirror_factory("ddn")
    posts = server.expected["posts"]
    for post in posts:
        server.delay(post["url"], 0.6)  # slow enough for a few progress intervals
    cmd = [sys.executable, "-m", "archive", "crawl", "ddn", "--db", str(tmp_path / "archive.db"),
           "--base-url", f"ddn={server.base_url}", *FAST, "-s", "ARCHIVE_PROGRESS_INTERVAL=0.2"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("[ddn] ")]
    counted = [tuple(map(int, m.groups())) for m in
               (re.search(r"\] (\d+)/(\d+) due posts fetched", line) for line in lines) if m]
    assert counted, result.stderr
    assert {total for _, total in counted} == {len(posts)}  # the total is known, and right
    done = [d for d, _ in counted]
    assert done == sorted(done) and done[-1] == len(posts)  # it only moves forward, to the end
    assert re.fullmatch(rf"\[ddn\] {len(posts)}/{len(posts)} due posts fetched \(100%\)(, [\d.]+/s)?; "
                        rf"{len(posts)} posts read, 0 problems — done", lines[-1]), lines[-1]
    assert "\r" not in result.stderr and "\x1b" not in result.stderr  # no terminal codes in a log
    summary = result.stdout.splitlines()
    assert re.search(r", took \d+ s$", summary[0]) and summary[1].startswith("details: sector-archive status --db ")


def test_the_readme_cron_line_is_quiet_on_success() -> None:
    cron = re.search(r"^30 2 \* \* \*\s+cd \S+ && (uv run .*?) crawl ", README, re.MULTILINE)
    assert cron, "the README's cron line"
    launcher = cron.group(1).split()
    assert launcher == ["uv", "run", "--quiet", "sector-archive"]
    assert "uv run --quiet sector-archive crawl" in README.split("[Service]", 1)[1]  # the systemd unit too
    uv = shutil.which("uv")
    if uv is None:  # the suite always runs under uv (README, .ci/run); say so if it did not
        pytest.fail("uv is not on PATH")
    result = subprocess.run([uv, *launcher[1:], "--version"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0
    assert result.stderr == ""  # no "Bytecode compiled 4248 files", no "Installed ..."
    assert result.stdout.startswith("sector-archive, version ")

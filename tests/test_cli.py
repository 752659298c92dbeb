"""The crawl CLI as a scheduler sees it: one-line errors and exit code 2 when a run cannot happen
(bad input, a held lock, an unreachable site), ``--quiet`` output, and ``status``."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from archivedb.lock import crawl_lock
from crawling import FAST, ROOT, crawl, rows
from mirror import SITES_DIR, MirrorServer


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(("args", "message"), [
    (["crawl", "nosuchsite"], "error: unknown site 'nosuchsite' (known: collectivevoice, ddn)"),
    (["crawl", "ddn", "--base-url", "ddn=ftp://127.0.0.1/"], "error: --base-url ddn=ftp://127.0.0.1/: not an http(s) URL"),
    (["crawl", "ddn", "--base-url", "127.0.0.1:8000"], "error: --base-url '127.0.0.1:8000': expected SITE=URL"),
    (["crawl", "ddn", "--base-url", "dnn=http://127.0.0.1:8000"], "error: --base-url names unknown site 'dnn'"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_db: Path) -> None:
    result = cli(*args, "--db", str(tmp_db))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
    assert not tmp_db.exists()  # nothing was created for a run that could not happen


def test_database_in_a_missing_directory(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "dir" / "archive.db"
    result = cli("crawl", "ddn", "--db", str(db))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: cannot use database {db}: directory {db.parent} does not exist\n"


def test_a_second_crawl_while_the_lock_is_held(tmp_db: Path, ddn_mirror: MirrorServer) -> None:
    with crawl_lock(str(tmp_db)):
        result = crawl("ddn", ddn_mirror.base_url, tmp_db)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: another crawl is writing {tmp_db}"), result.stderr
    assert "held by pid" in lines[0]
    assert rows(tmp_db, "select count(*) n from crawls")[0]["n"] == 0  # it never started a run


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory: pytest.TempPathFactory):
    """As cron would see it: a run against an unreachable site, then a quiet run of both sites
    (mirrors) into the same database, then ``status``."""
    db = tmp_path_factory.mktemp("cli") / "archive.db"
    port = closed_port()
    unreachable = crawl("ddn", f"http://127.0.0.1:{port}", db)
    with MirrorServer(SITES_DIR / "collectivevoice") as cv, MirrorServer(SITES_DIR / "ddn") as ddn:
        quiet = cli("crawl", "collectivevoice", "ddn", "--db", str(db), "--quiet",
                    "--base-url", f"collectivevoice={cv.base_url}", "--base-url", f"ddn={ddn.base_url}", *FAST)
    status = cli("status", "--db", str(db))
    return {"db": db, "port": port, "unreachable": unreachable, "quiet": quiet, "status": status}


def test_unreachable_site_fails_the_run(scheduled) -> None:
    result, db = scheduled["unreachable"], scheduled["db"]
    assert result.returncode == 2, result.stdout + result.stderr
    run = rows(db, "select * from crawls where id = 1")[0]
    assert (run["site"], run["status"], run["base_url"], run["posts_new"]) == \
        ("ddn", "failed", f"http://127.0.0.1:{scheduled['port']}", 0)
    failure = rows(db, "select * from failures where crawl_id = 1")
    assert [(f["kind"], f["url"]) for f in failure] == [("network", "https://www.drinkanddrugsnews.com/robots.txt")]
    assert f"127.0.0.1:{scheduled['port']} unreachable" in failure[0]["reason"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: ddn: could not crawl: {failure[0]['reason']}"]
    assert result.stdout.startswith("ddn: failed (crawl #1)")


def test_quiet_prints_only_the_summary(scheduled) -> None:
    result = scheduled["quiet"]
    assert result.returncode == 3, result.stdout + result.stderr  # Collective Voice's post-sitemap2.xml 404s
    assert result.stderr == ""  # no progress lines, no log
    # Pages include each commented post's comment feed (4 and 3) and one REST page (Collective Voice).
    lines = result.stdout.splitlines()
    took = [re.search(r", took (\d+) s$", line) for line in lines[:2]]
    assert all(took), lines
    assert [line[:m.start()] for line, m in zip(lines, took)] == [
        "collectivevoice: ok (crawl #2) — 20 pages, posts 6 new / 0 updated / 0 unchanged / 0 gone / 0 skipped "
        "as unchanged, comments 19 new / 0 changed / 0 removed, 1 times without an instant, 1 failed pages, 0 markup problems, 2 problems recorded",
        "ddn: ok (crawl #3) — 10 pages, posts 4 new / 0 updated / 0 unchanged / 0 gone / 0 skipped as unchanged, "
        "comments 12 new / 0 changed / 0 removed, 0 times without an instant, 0 failed pages, 0 markup problems, 0 problems recorded",
    ]
    runs = {r["id"]: r for r in rows(scheduled["db"], "select * from crawls")}
    for run_id, m in zip((2, 3), took):  # the duration is the run's own, from its row
        started, finished = (datetime.fromisoformat(runs[run_id][k].replace("Z", "+00:00")) for k in ("started", "finished"))
        assert int(m.group(1)) == int((finished - started).total_seconds())
    assert lines[2:] == [f"details: sector-archive status --db {scheduled['db']}"]


def test_status_lists_the_last_run_of_each_site(scheduled) -> None:
    result, db = scheduled["status"], scheduled["db"]
    assert result.returncode == 3, result.stderr  # Collective Voice's last crawl completed with a failed page
    lines = result.stdout.splitlines()
    summaries = [line for line in lines if not line.startswith(" ") and not line.startswith("archive:")]
    quiet = scheduled["quiet"].stdout.splitlines()[:2]
    # The newest run per site only: ddn's failed run #1 is superseded by #3.
    assert sorted(summaries) == sorted(quiet)
    runs = {r["id"]: r for r in rows(db, "select * from crawls")}
    assert f"  started {runs[3]['started']}, finished {runs[3]['finished']}, base URL {runs[3]['base_url']}" in lines
    assert "  http: https://www.collectivevoice.org.uk/post-sitemap2.xml — sitemap answered HTTP 404" in lines
    assert lines[-1] == f"archive: 10 posts, 31 comments in {db}"


def test_status_exit_code_follows_the_last_crawl(tmp_db: Path, ddn_mirror: MirrorServer) -> None:
    """0 while every site's last crawl is clean; 3 once the last crawl of a site failed, even
    though an earlier one was clean."""
    clean = crawl("ddn", ddn_mirror.base_url, tmp_db)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert cli("status", "--db", str(tmp_db)).returncode == 0
    failed = crawl("ddn", f"http://127.0.0.1:{closed_port()}", tmp_db)
    assert failed.returncode == 2
    status = cli("status", "--db", str(tmp_db))
    assert status.returncode == 3, status.stdout
    assert status.stdout.startswith("ddn: failed (crawl #2)")

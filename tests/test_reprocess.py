"""``sector-archive reprocess`` re-reads the stored captures with no network at all: with the
mirrors stopped it reproduces every post and comment row exactly and records a run per site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawling import ROOT, crawl, rows
from mirror import SITES_DIR, MirrorServer

SITES = ("collectivevoice", "ddn")
# When and by which run a row was last read.
VOLATILE = ("last_seen", "crawl_id")


def stable(db: Path, table: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows(db, f"select * from {table} order by id")]


@pytest.fixture(scope="module")
def reprocessed(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("reprocess") / "archive.db"
    counts = {}
    for site in SITES:
        with MirrorServer(SITES_DIR / site) as server:
            result = crawl(site, server.base_url, db)
            assert result.returncode in (0, 3), result.stdout + result.stderr
            counts[site] = len(server.expected["posts"])
    # Both mirrors are stopped: any network request would fail and show up as a failure row.
    before = {t: stable(db, t) for t in ("posts", "comments")}
    result = subprocess.run([sys.executable, "-m", "archive", "reprocess", "--db", str(db)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    return {"db": db, "before": before, "result": result, "counts": counts}


def test_reprocess_exits_cleanly(reprocessed) -> None:
    result = reprocessed["result"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith("collectivevoice: ok (crawl #3)")
    assert result.stdout.splitlines()[1].startswith("ddn: ok (crawl #4)")


def test_rows_are_identical(reprocessed) -> None:
    db, before = reprocessed["db"], reprocessed["before"]
    assert stable(db, "posts") == before["posts"]
    assert stable(db, "comments") == before["comments"]
    assert rows(db, "select count(*) n from post_versions")[0]["n"] == 0
    assert rows(db, "select count(*) n from comment_versions")[0]["n"] == 0
    # Every row was read again by the reprocess runs, from the bytes captured by the crawls.
    assert {r["crawl_id"] for r in rows(db, "select crawl_id from posts")} == {3, 4}


def test_a_run_per_site_with_every_post_unchanged(reprocessed) -> None:
    db, counts = reprocessed["db"], reprocessed["counts"]
    runs = rows(db, "select * from crawls where id > 2 order by id")
    assert [(r["site"], r["status"]) for r in runs] == [("collectivevoice", "ok"), ("ddn", "ok")]
    for run in runs:
        n = counts[run["site"]]
        assert (run["posts_unchanged"], run["posts_new"], run["posts_updated"], run["posts_skipped"],
                run["comments_new"], run["comments_updated"], run["comments_removed"]) == (n, 0, 0, 0, 0, 0, 0)
    # Nothing touched the network: no fetch failures, and no new captures.
    assert rows(db, "select kind, url from failures where crawl_id > 2 and kind in ('http', 'network')") == []
    assert rows(db, "select count(*) n from captures where crawl_id > 2")[0]["n"] == 0

"""The floor under ``reprocess``: every stored page read and cleaned on every core, and nothing else.

    uv run python bench/reprocess_floor.py --db PATH [--processes 2]

Runs the page worker's own tasks over an archive's captures in a pool of ``--processes`` (default:
every core): post pages through ``read_post_page_clean``, older comment pages through
``read_comment_page_clean``, comment feeds through ``parse_comment_feed``. No Scrapy, no
pipelines, no store. Each pool process reads and decompresses its own share of the captures
straight from SQLite, and the pool is forked after the reading code is imported, so the floor
carries no start-up or hand-over cost a real reprocess could avoid. Its wall time is what a
reprocess could take if everything but reading were free; issue 14 asks reprocess to match the
bare fetch's wall, so if this floor alone is above the bare fetch, no arrangement of the rest can
meet it. Prints wall and CPU (parent plus pool) as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.cli import _import_sqlite_utils_alone  # noqa: E402

_import_sqlite_utils_alone()  # as the CLI does: a reprocess starts without pandas and numpy

from archivedb.captures import unpack_body  # noqa: E402
from pipelines.clean import read_comment_page_clean, read_post_page_clean  # noqa: E402
from reading.sites import PROFILES  # noqa: E402
from reading.sources import parse_comment_feed  # noqa: E402
from spiders.urls import comment_page_number  # noqa: E402

_DB = ""


def read_share(ids: list[int]) -> tuple[int, int]:
    """Read these captures as the crawl would; returns (pages, comments read) as a check."""
    with sqlite3.connect(f"file:{_DB}?mode=ro", uri=True) as db:
        rows = db.execute(f"select site, url, body, body_encoding from captures where id in ({','.join('?' * len(ids))})",
                          ids).fetchall()
    comments = 0
    for site, url, body, encoding in rows:
        raw = unpack_body(body, encoding)
        if url.rstrip("/").endswith("/feed"):
            comments += len(parse_comment_feed(raw))
        elif comment_page_number(url) is not None:
            comments += len(read_comment_page_clean(raw, "utf-8").comments)
        else:
            comments += len(read_post_page_clean(raw, "utf-8", PROFILES[site], url).comments)
    return len(rows), comments


def main() -> None:
    global _DB
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    _DB = args.db
    t0, c0 = time.perf_counter(), time.process_time()
    with sqlite3.connect(f"file:{args.db}?mode=ro", uri=True) as db:
        ids = [r[0] for r in db.execute("select id from captures where status = 200 and body is not null"
                                        " and url not like '%/robots.txt' and url not like '%.xml' order by id")]
    shares = [ids[i:i + 16] for i in range(0, len(ids), 16)]
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        done = list(pool.imap_unordered(read_share, shares))
    wall = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c0 + children.ru_utime + children.ru_stime
    print(json.dumps({"pages": sum(p for p, _ in done), "comments_read": sum(c for _, c in done),
                      "processes": args.processes, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}))


if __name__ == "__main__":
    main()

"""The floor under ``reprocess``: every stored page read and cleaned on every core, and nothing else.

    uv run python bench/reprocess_floor.py --db PATH [--processes 2]

Reads each capture of an archive (decompressed in the parent), then runs the page worker's own
tasks over them in a ``multiprocessing`` pool of ``--processes`` (default: every core): post pages
through ``read_post_page_clean``, older comment pages through ``read_comment_page_clean``, comment
feeds through ``parse_comment_feed``. No Scrapy, no pipelines, no store. Its wall time is what a
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

from archivedb.captures import unpack_body  # noqa: E402
from pipelines.clean import read_comment_page_clean, read_post_page_clean  # noqa: E402
from reading.sites import PROFILES  # noqa: E402
from reading.sources import parse_comment_feed  # noqa: E402


def read_one(task: tuple[str, str, str, bytes]) -> int:
    """One capture read as the crawl would read it; returns comments read (a check, not a result)."""
    site, kind, url, body = task
    if kind == "feed":
        return len(parse_comment_feed(body))
    if kind == "comments":
        return len(read_comment_page_clean(body, "utf-8").comments)
    return len(read_post_page_clean(body, "utf-8", PROFILES[site], url).comments)


def kind_of(url: str) -> str:
    if url.rstrip("/").endswith("/feed"):
        return "feed"
    return "comments" if "/comment-page-" in url else "post"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    t0, c0 = time.perf_counter(), time.process_time()
    with sqlite3.connect(f"file:{args.db}?mode=ro", uri=True) as db:
        rows = db.execute("select site, url, body, body_encoding from captures where status = 200 "
                          "and url not like '%/robots.txt' and url not like '%.xml'").fetchall()
    tasks = [(site, kind_of(url), url, unpack_body(body, encoding)) for site, url, body, encoding in rows]
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        comments = sum(pool.imap_unordered(read_one, tasks, chunksize=8))
    wall = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - c0 + children.ru_utime + children.ru_stime
    posts = sum(1 for t in tasks if t[1] == "post")
    print(json.dumps({"pages": len(tasks), "posts": posts, "comments_read": comments, "processes": args.processes,
                      "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}))


if __name__ == "__main__":
    main()

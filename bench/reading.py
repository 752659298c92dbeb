"""The reading room benchmark: p50 / p95 per page of ``sector-archive serve`` on a large archive.

    uv run python bench/reading.py                      # 20,000 posts, 250,000 comments
    uv run python bench/reading.py --posts 2000 --comments 25000 --repeat 10

Generates the archive once through the database layer (``bench/reading_archive.py``, cached as
``bench/out/reading-<posts>-<comments>.db``), starts ``sector-archive serve`` on it in its own
process, then requests every page sequentially: one untimed warm-up, then ``--repeat`` timed
requests (post, comment, capture and diff pages rotate through different rows). Prints a
markdown table and writes it to ``bench/out/reading-<timestamp>.md``. Target: p95 <= 200 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from reading_archive import generate  # noqa: E402

TARGET_MS = 200
# Distinct searches, so no request is answered from the cache: common, rare, two words, prefixes.
VARIED = ["peer", "housing", "methadone+prison", "stigma", "detox*", "family+support", "outreach", "hostel*",
          "council+funding", "young+people", "lived+experience", "buprenorphine", "conference", "opioid*",
          "residential", "commissioners", "strategy+review", "treat*", "communities", "overdose+alcohol", "mental"]


def tilde(value: str) -> str:
    """Datasette's tilde encoding of a primary key in a URL (':' -> '~3A')."""
    return "".join(c if c.isalnum() or c in "_-" else "~%02X" % ord(c) for c in value)


def pages(db_path: Path, n: int, seed: int = 1) -> list[tuple[str, list[str]]]:
    """(name, URLs to rotate through) for every page the reading room offers."""
    rng = random.Random(seed)
    with sqlite3.connect(db_path) as conn:
        sample = lambda sql: [r[0] for r in conn.execute(sql)]  # noqa: E731
        post_ids = sample(f"select id from posts where rowid in ({','.join(str(rng.randint(1, 20000)) for _ in range(n))})")
        comment_ids = sample(f"select id from comments order by random() limit {n}")
        capture_ids = sample(f"select id from captures order by random() limit {n}")
        post_versions = sample(f"select id from post_versions order by random() limit {n}")
        comment_versions = sample(f"select id from comment_versions order by random() limit {n}")
        crawl_ids = sample("select id from crawls order by id")
    rot = lambda ids, fmt: [fmt.format(i) for i in ids] or [fmt.format(0)]  # noqa: E731
    return [
        ("posts table", ["/archive/posts"]),
        ("posts?_facet=site", ["/archive/posts?_facet=site"]),
        ("posts, 2nd page", ["/archive/posts?_next=" + quote("2024-06-01T00:00:00Z,ddn:post:1")]),
        ("comments table", ["/archive/comments"]),
        ("comments?_search=naloxone", ["/archive/comments?_search=naloxone"]),
        ("crawls table", ["/archive/crawls"]),
        ("failures table", ["/archive/failures"]),
        ("post_versions table", ["/archive/post_versions"]),
        ("comment_versions table", ["/archive/comment_versions"]),
        ("captures table", ["/archive/captures"]),
        ("search: naloxone", ["/-/search?q=naloxone"]),
        ("search: a new query each time", [f"/-/search?q={w}" for w in VARIED]),
        ("search: recov* (prefix)", ["/-/search?q=recov*"]),
        ('search: "peer support"', ["/-/search?q=%22peer+support%22"]),
        ("search: filtered, by date", ["/-/search?q=housing&site=ddn&kind=comments&from=2018-01-01&to=2020-12-31&sort=newest"]),
        ("search: page 10", ["/-/search?q=naloxone&page=10"]),
        ("search: newest first", ["/-/search?q=hostel&sort=newest"]),
        ("search.json", ["/-/search.json?q=methadone"]),
        ("changes: latest crawl", ["/-/changes"]),
        ("changes: per crawl", rot(crawl_ids, "/-/changes?crawl={}")),
        ("changes: one month", ["/-/changes?from=2020-03-01&to=2020-03-31"]),
        ("diff: post version", rot(post_versions, "/-/diff/post/{}")),
        ("diff: comment version", rot(comment_versions, "/-/diff/comment/{}")),
        ("dashboard", ["/-/dashboard"]),
        ("post page", rot(post_ids, "/archive/posts/{}")),
        ("comment row", rot(comment_ids, "/archive/comments/{}")),
        ("capture page", rot(capture_ids, "/-/captures/{}")),
        ("capture body", rot(capture_ids, "/-/captures/{}/page")),
        ("feed: new posts", ["/archive/new_posts.atom"]),
        ("feed: new comments, ddn", ["/archive/new_comments.atom?site=ddn"]),
    ]


def encode_ids(entries: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    out = []
    for name, urls in entries:
        fixed = []
        for url in urls:
            head, _, last = url.rpartition("/")
            fixed.append(f"{head}/{tilde(last)}" if ":" in last else url)
        out.append((name, fixed))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, float, int]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, (time.perf_counter() - t0) * 1000, len(body)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--comments", type=int, default=250000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", type=Path, help="an existing archive to measure instead of a generated one")
    args = parser.parse_args()
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    db = args.db or out / f"reading-{args.posts}-{args.comments}.db"
    if not db.exists():
        t0 = time.perf_counter()
        counts = generate(db, args.posts, args.comments)
        print(f"generated {db} {counts} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(Path(sys.executable).parent / "sector-archive"), "serve", "--db", str(db),
                               "--port", str(port)], stderr=subprocess.DEVNULL)
    try:
        _wait(base)
        rows = [_measure(base, name, urls, args.repeat) for name, urls in encode_ids(pages(db, args.repeat))]
    finally:
        server.terminate()
        server.wait(timeout=10)
    with sqlite3.connect(db) as conn:
        n_posts, n_comments = (conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("posts", "comments"))
    lines = [
        f"Reading room, {n_posts:,} posts / {n_comments:,} comments, {args.repeat} sequential requests per page "
        f"after one warm-up; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.",
        "", "| page | status | first ms | p50 ms | p95 ms | max ms | KB | ≤ 200 ms p95 |", "|---|---|---|---|---|---|---|---|",
    ]
    for name, statuses, times, size, first in rows:
        p95 = percentile(times, 95)
        verdict = "PASS" if p95 <= TARGET_MS and statuses == {200} else "FAIL"
        lines.append(f"| {name} | {'/'.join(str(s) for s in sorted(statuses))} | {first:.0f} | {statistics.median(times):.0f} | "
                     f"{p95:.0f} | {max(times):.0f} | {size / 1024:.0f} | {verdict} |")
    report = "\n".join(lines)
    print(report)
    (out / f"reading-{time.strftime('%Y%m%d-%H%M%S')}.md").write_text(report + "\n")


def _measure(base: str, name: str, urls: list[str], repeat: int) -> tuple[str, set[int], list[float], int, float]:
    _, first, _ = fetch(base + urls[0])
    statuses, times, size = set(), [], 0
    for k in range(repeat):
        status, ms, size = fetch(base + urls[(k + 1) % len(urls)])  # the warm-up's URL comes last
        statuses.add(status)
        times.append(ms)
    return name, statuses, times, size, first


def _wait(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"error: server at {base} did not start")


if __name__ == "__main__":
    main()

"""CPU of the page worker's task alone, on a bench mirror's pages: no crawl, no Scrapy.

    uv run python bench/read_pages.py [--posts 500] [--rounds 5] [--profile]

Reads every post page of ``bench/mirror-N`` (and its older comment pages) through the worker's own
task (``pipelines.clean.read_post_page_clean`` / ``read_comment_page_clean``), ``--rounds`` times,
and prints the best and median round in CPU ms per post page. ``--profile`` prints a cProfile of
one round instead. Pair it with ``bench/reading_golden.py`` (the output must not change) and
``bench/costs.py`` (the same stages inside a real crawl).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.clean import read_comment_page_clean, read_post_page_clean  # noqa: E402
from reading.sites import DDN  # noqa: E402


def load(posts: int) -> tuple[list[bytes], list[bytes]]:
    mirror = ROOT / "bench" / f"mirror-{posts}"
    if not mirror.is_dir():
        sys.exit(f"error: no mirror at {mirror} (uv run python bench/generate.py --posts {posts})")
    post_pages, comment_pages = [], []
    for path in sorted(mirror.glob("*/index.html")):
        post_pages.append(path.read_bytes())
        comment_pages += [p.read_bytes() for p in sorted(path.parent.glob("comment-page-*/index.html"))]
    return post_pages, comment_pages


def one_round(post_pages: list[bytes], comment_pages: list[bytes]) -> float:
    t0 = time.thread_time()
    for body in post_pages:
        read_post_page_clean(body, "utf-8", DDN, "https://www.drinkanddrugsnews.com/x/")
    for body in comment_pages:
        read_comment_page_clean(body, "utf-8")
    return time.thread_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, help="only the first N post pages (e.g. under valgrind)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime", help="cProfile order with --profile (tottime, cumtime)")
    args = parser.parse_args()
    post_pages, comment_pages = load(args.posts)
    if args.limit is not None:
        post_pages, comment_pages = post_pages[:args.limit], comment_pages[:args.limit // 10]
    one_round(post_pages[:20], comment_pages[:2])  # warm-up: imports, compiled selectors
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(one_round, post_pages, comment_pages)
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
        return
    rounds = [one_round(post_pages, comment_pages) * 1000 / max(len(post_pages), 1) for _ in range(args.rounds)]
    print(f"{len(post_pages)} post pages + {len(comment_pages)} comment pages: "
          f"best {min(rounds):.2f}, median {statistics.median(rounds):.2f} CPU ms per post page")


if __name__ == "__main__":
    main()

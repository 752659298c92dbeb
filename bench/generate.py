"""Generate a deterministic synthetic DDN WordPress mirror of N posts for the benchmark.

    uv run python bench/generate.py --posts 2000 [--seed 1] [--out bench/mirror-2000]

Layout: a URL path `/x/y/` is the file `x/y/index.html` (or `index.xml` for feeds); other paths
are files as named. File mtimes are set to each page's last change so the server's
Last-Modified is meaningful. A `.stamp` file records what was generated, so `ensure_mirror`
reuses a mirror built with the same parameters and generator version.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from model import build_archive  # noqa: E402
from templates import (  # noqa: E402
    LISTING_PER_PAGE, SITEMAP_PER_FILE, render_comment_feed, render_feed, render_listing, render_post,
    render_post_sitemap, render_robots, render_site_comment_feed, render_sitemap_index,
)

GENERATOR_VERSION = 3  # 3: every post's comment feed and /comments/feed/, as the pages advertise
BENCH_DIR = Path(__file__).resolve().parent


def _write(root: Path, rel: str, text: str, mtime: float) -> int:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return len(data)


def write_mirror(root: Path, n_posts: int, seed: int) -> dict[str, float | int]:
    """Write every page of the mirror under `root`; returns summary counts for the stamp."""
    posts = build_archive(n_posts, seed)
    newest_first = posts[::-1]
    recent = newest_first[:10]
    site_mtime = posts[-1].last_activity.timestamp()
    stats = {"posts": n_posts, "linked_comment_pages": 0, "comments": 0, "paginated_posts": 0, "bytes": 0, "post_page_bytes": 0}
    for i, post in enumerate(posts):
        sidebar_recent = posts[max(0, i - 10):i][::-1] or recent
        mtime = post.last_activity.timestamp()
        for page in range(1, post.pages + 1):
            html = render_post(post, page, sidebar_recent)
            if post.pages > 1:  # every comment page exists; the newest is also the bare permalink
                stats["bytes"] += _write(root, f"{post.slug}/comment-page-{page}/index.html", html, mtime)
            if page == post.pages:
                size = _write(root, f"{post.slug}/index.html", html, mtime)
                stats["bytes"] += size
                stats["post_page_bytes"] += size
            else:
                stats["linked_comment_pages"] += 1
        _write(root, f"{post.slug}/feed/index.xml", render_comment_feed(post), mtime)
        stats["comments"] += post.comment_count
        stats["paginated_posts"] += post.pages > 1
    listing_pages = -(-n_posts // LISTING_PER_PAGE)
    for page in range(1, listing_pages + 1):
        rel = "index.html" if page == 1 else f"page/{page}/index.html"
        stats["bytes"] += _write(root, rel, render_listing(newest_first, page, listing_pages, recent), site_mtime)
    _write(root, "feed/index.xml", render_feed(newest_first), site_mtime)
    _write(root, "comments/feed/index.xml", render_site_comment_feed(posts), site_mtime)
    _write(root, "robots.txt", render_robots(), site_mtime)
    files = [posts[k:k + SITEMAP_PER_FILE] for k in range(0, n_posts, SITEMAP_PER_FILE)]
    _write(root, "wp-sitemap.xml", render_sitemap_index(len(files)), site_mtime)
    for k, chunk in enumerate(files, start=1):
        _write(root, f"wp-sitemap-posts-post-{k}.xml", render_post_sitemap(chunk), max(p.modified for p in chunk).timestamp())
    stats["listing_pages"] = listing_pages
    stats["mean_post_page_kb"] = round(stats.pop("post_page_bytes") / n_posts / 1024, 1)
    stats["mean_comments"] = round(stats["comments"] / n_posts, 2)
    return stats


def ensure_mirror(n_posts: int, seed: int = 1, root: Path | None = None) -> tuple[Path, dict]:
    """Return a mirror directory for (n_posts, seed), generating it only when missing or stale."""
    root = root or BENCH_DIR / f"mirror-{n_posts}"
    stamp = root / ".stamp"
    want = {"version": GENERATOR_VERSION, "posts": n_posts, "seed": seed}
    if stamp.exists():
        have = json.loads(stamp.read_text())
        if {k: have.get(k) for k in want} == want:
            return root, have
    if root.exists() and any(root.iterdir()):
        if not stamp.exists():  # never wipe a directory this generator did not write
            raise SystemExit(f"{root} exists and is not a generated mirror; choose another --out")
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    stats = write_mirror(root, n_posts, seed)
    info = {**want, **stats, "generate_seconds": round(time.perf_counter() - t0, 2)}
    stamp.write_text(json.dumps(info, indent=1))
    return root, info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="default: bench/mirror-<posts>/")
    args = parser.parse_args()
    root, info = ensure_mirror(args.posts, args.seed, args.out)
    print(f"{root}: {json.dumps(info)}")


if __name__ == "__main__":
    main()

"""Where a crawl's CPU goes: one archive crawl in this process, every stage timed by thread CPU.

    uv run python bench/costs.py --base-url http://127.0.0.1:PORT [--db PATH] [-s NAME=VALUE ...]
    uv run python bench/costs.py --reprocess --db PATH

Runs ``sector-archive crawl ddn`` (or ``reprocess``) in-process with ``ARCHIVE_WORKERS=0``, so the
page work runs inline on the reactor thread, and wraps the named stages with a
``time.thread_time()`` accumulator: each stage's CPU is counted on whatever thread runs it (the
store runs on its writer thread, which a sampling profiler of the main thread would not see).
Stages nest (reading includes the structural comment reader); the table says which. Start a
mirror with ``python bench/server.py bench/mirror-500 --port 0`` first.

The wrapper costs about 1 µs a call, so stages called per comment carry a little of it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import resource
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))  # first: bench/reading.py must not hide the reading package

from bench_settings import BENCH_SETTINGS  # noqa: E402

# (label, "module:qualname"); a label starting with two spaces is part of the one above it.
STAGES: list[tuple[str, str]] = [
    ("read + clean a page (worker task)", "pipelines.clean:read_post_page_clean"),
    ("read + clean a comment page (worker task)", "pipelines.clean:read_comment_page_clean"),
    ("  read a page", "reading.extract:extract_post_page"),
    ("  read a comment page", "reading.extract:extract_comment_page"),
    ("    lxml parse", "reading.extract:_parse"),
    ("    post fields + body", "reading.post:read_post_page"),
    ("    comment reader", "reading.comments:parse_comments"),
    ("    advertised sources", "reading.extract:advertised_sources"),
    ("    comment-page links", "reading.extract:_comment_links"),
    ("  clean a post (in the worker task, or a second one)", "pipelines.clean:clean_post_parts"),
    ("    clean body", "pipelines.clean:clean_html"),
    ("    clean comments", "pipelines.clean:clean_comment_html"),
    ("comment feed (reactor)", "reading.sources:parse_comment_feed"),
    ("times (pipeline)", "pipelines.timestamps:TimestampsPipeline.process_item"),
    ("  dateparser", "pipelines.timestamps:_dateparse"),
    ("second sources (pipeline)", "pipelines.second_source:SecondSourcePipeline.process_item"),
    ("safe html (pipeline)", "pipelines.safe_html:SafeHtmlPipeline.process_item"),
    ("validate + alarm (pipeline)", "pipelines.validate:ValidatePipeline.process_item"),
    ("  alarm", "pipelines.alarm:markup_problems"),
    ("store: write a batch (writer thread)", "pipelines.store:StorePipeline.flush"),
    ("  save posts + comments", "archivedb.store:save_posts"),
    ("  save captures", "archivedb.store:save_captures"),
    ("  commit", "archivedb.store:write_transaction"),
    ("spider: page callback (sync part)", "spiders.wordpress:WordPressSpider._take_comment_page"),
    ("spider: capture item", "spiders.wordpress:WordPressSpider._capture"),
    ("incremental middleware", "spiders.incremental:IncrementalMiddleware.process_request"),
]

cpu: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)
_local = threading.local()


def timed(label: str, fn: Any) -> Any:
    """``fn`` counting its own thread CPU under ``label`` (only the outermost call of a recursion)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        active = getattr(_local, "active", None)
        if active is None:
            active = _local.active = set()
        if label in active:
            return fn(*args, **kwargs)
        active.add(label)
        t0 = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            cpu[label] += time.thread_time() - t0
            calls[label] += 1
            active.discard(label)

    return wrapper


def instrument() -> None:
    """Replace each stage everywhere it is referenced: its module, and every module that imported it by name."""
    for label, target in STAGES:
        module_name, qualname = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            print(f"(no module {module_name}: {label} not timed)", file=sys.stderr)
            continue
        owner: Any = module
        *path, name = qualname.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        original = getattr(owner, name, None) if owner is not None else None
        if original is None:
            print(f"(no {target}: {label} not timed)", file=sys.stderr)
            continue
        if hasattr(original, "__wrapped__") and getattr(original, "_timed", False):
            continue
        wrapped = timed(label, original)
        wrapped._timed = True  # type: ignore[attr-defined]
        setattr(owner, name, wrapped)
        if not path:  # a module-level function: also where others imported it by name
            for other in list(sys.modules.values()):
                if other is not None and getattr(other, name, None) is original:
                    setattr(other, name, wrapped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url")
    parser.add_argument("--db", default="/tmp/bench-costs.db")
    parser.add_argument("--reprocess", action="store_true", help="reprocess --db instead of crawling")
    parser.add_argument("--workers", type=int, default=0,
                        help="ARCHIVE_WORKERS: with workers, the page stages run there and this shows the reactor's share")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")  # before anything imports a reactor
    import archive.cli  # noqa: F401 - loads the commands
    import pipelines.clean, pipelines.safe_html, pipelines.second_source, pipelines.store  # noqa: E401,F401
    import pipelines.timestamps, pipelines.validate, spiders.wordpress  # noqa: E401,F401

    if not args.reprocess:
        for suffix in ("", "-wal", "-shm", ".lock"):
            Path(args.db + suffix).unlink(missing_ok=True)
    instrument()
    import spiders.settings

    spiders.settings.ARCHIVE_WORKERS = args.workers  # reprocess takes no -s: set it where Scrapy reads it
    settings = {**BENCH_SETTINGS, "ARCHIVE_WORKERS": str(args.workers)}
    settings.update(dict(s.split("=", 1) for s in args.settings))
    if args.reprocess:
        argv = ["reprocess", "--db", args.db, "-q"]
    else:
        argv = ["crawl", "ddn", "--base-url", f"ddn={args.base_url}", "--db", args.db, "-q",
                *[a for k, v in settings.items() for a in ("-s", f"{k}={v}")]]
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        archive.cli.cli.main(argv, prog_name="sector-archive", standalone_mode=False)
    except SystemExit:
        pass
    wall, total = time.perf_counter() - t0, time.process_time() - c0
    report(wall, total, args.db, args.workers)


def report(wall: float, total: float, db: str, workers: int) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        posts = conn.execute("select count(*) from posts").fetchone()[0]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    where = f"this process only (the {workers} page workers not counted)" if workers else "all of it"
    print(f"\nwall {wall:.1f} s, CPU {total:.2f} s after imports, {where}; {posts} posts, "
          f"{1000 * total / max(posts, 1):.2f} ms CPU/post, peak RSS {rss:.0f} MiB\n")
    print("| stage | calls | CPU s | ms/post | share of CPU |")
    print("|---|---:|---:|---:|---:|")
    for label, _ in STAGES:
        if calls[label]:
            print(f"| {label} | {calls[label]} | {cpu[label]:.2f} | {1000 * cpu[label] / max(posts, 1):.2f} | "
                  f"{cpu[label] / total:.0%} |")
    top = sum(cpu[label] for label, _ in STAGES if not label.startswith(" ") and calls[label])
    print(f"| everything else (Scrapy, reactor, start-up after imports) | | {total - top:.2f} | "
          f"{1000 * (total - top) / max(posts, 1):.2f} | {(total - top) / total:.0%} |")


if __name__ == "__main__":
    main()

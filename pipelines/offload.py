"""Run CPU-heavy pure functions (page extraction, cleaning) in worker processes.

Scrapy does everything on one thread; on a 2-core machine the parsing and cleaning of pages would
otherwise compete with fetching them. ``ARCHIVE_WORKERS`` sets the number of worker processes
(the project settings use 1; unset means 0); 0 runs the functions inline, with the same results. Workers are spawned (not forked:
forking a process that runs a reactor and a SQLite writer thread is unsafe) on first use and
shared by every crawler in the process.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None
_users = 0


class Offload:
    """One crawler's handle on the shared worker pool."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self.workers <= 0:
            return fn(*args)
        return await asyncio.wrap_future(self._pool().submit(fn, *args))

    def warm(self, *args: Any, **kwargs: Any) -> None:
        """Start the workers while the crawl is still reading robots.txt and sitemaps."""
        if self.workers > 0:
            self._pool().submit(_ready)

    def _pool(self) -> ProcessPoolExecutor:
        global _pool
        if _pool is None:
            _pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_exit_with_parent, initargs=(os.getpid(),))
        return _pool

    def release(self, *args: Any, **kwargs: Any) -> None:
        """The last crawler to close shuts the pool down."""
        global _pool, _users
        _users -= 1
        if _users <= 0 and _pool is not None:
            _pool.shutdown(wait=True, cancel_futures=True)
            _pool = None


def offload_for(crawler: Crawler) -> Offload:
    """The crawler's Offload, created once and shared by its spider and pipelines."""
    global _users
    offload = getattr(crawler, "_archive_offload", None)
    if offload is None:
        offload = Offload(crawler.settings.getint("ARCHIVE_WORKERS", 0))
        crawler._archive_offload = offload  # type: ignore[attr-defined]
        _users += 1
        crawler.signals.connect(offload.warm, signal=signals.spider_opened)
        crawler.signals.connect(offload.release, signal=signals.engine_stopped)
    return offload


def _exit_with_parent(parent: int) -> None:
    """A worker whose crawl was killed (SIGKILL from a scheduler, say) would wait for work forever:
    it holds both ends of its task pipe, so it never sees end-of-file. Watch the parent instead."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _ready() -> None:
    """A no-op a worker runs to finish starting up."""
    import pipelines.clean  # noqa: F401
    import spiders.extract  # noqa: F401  (the heavy imports a worker needs)

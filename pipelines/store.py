"""Hand items to the archive: one database connection per crawl, batched transactions.

The database work itself lives in ``archive.store``; this pipeline only converts items to rows,
batches them, keeps the run's ``crawls`` row and counts outcomes in Scrapy stats. Batches are
written one after another on a worker thread (SQLite and zlib release the GIL), so parsing the
next pages overlaps with storing the last ones; when writes fall behind, items wait, which makes
Scrapy slow its intake instead of buffering without bound.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from typing import Any

import sqlite_utils
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, threads

from archive import lock, runs, store
from archive.clock import utc_now
from archive.schema import open_db
from pipelines.items import (
    CaptureItem,
    FailureItem,
    NotModifiedItem,
    PostItem,
    error_reason,
)

# What one row can make SQLite refuse (a value it cannot bind, a constraint): only that post is lost.
ROW_ERRORS = (OverflowError, sqlite3.IntegrityError, sqlite3.InterfaceError, TypeError, ValueError)
STATUS_BY_REASON = {"finished": "ok", "shutdown": "interrupted", "cancelled": "interrupted"}
# The writer thread's Python work (building rows, sqlite-utils' statements) may otherwise hold the
# GIL for CPython's default 5 ms at a time while the reactor waits to read fetched pages and the
# page worker's answers; the benchmark measured about 6 % more pages/s at 0.5 ms.
GIL_SWITCH_INTERVAL = 0.0005


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path: str = settings.get("ARCHIVE_DB", "archive.db")
        self.keep_captures = settings.getbool("ARCHIVE_CAPTURES", True)
        self.batch_size = settings.getint("ARCHIVE_BATCH_SIZE", 50)
        self.full = settings.getbool("ARCHIVE_FULL", False)
        self.db: sqlite_utils.Database | None = None
        self.lock = ""
        self.site = ""
        self.run_id = 0
        self.pending: list[Any] = []
        self.pending_posts = 0
        self.counts: Counter[str] = Counter()
        self.writes: defer.Deferred = defer.succeed(None)  # the chain of batches being written
        self.batches_in_flight = 0
        self.write_error: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        # The finish reason reaches spider_closed, which fires after pipelines close.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_INTERVAL))
        # The store holds the crawl lock, however the crawl was started (CLI, ``scrapy crawl``,
        # a symlinked path): a second crawl of the same database is refused before it writes.
        self.lock = lock.acquire(self.db_path)
        self.db = open_db(self.db_path, check_same_thread=False)
        self.site = spider.name
        self.run_id = runs.start_run(self.db, spider.name, spider.base_url, utc_now(), full=self.full)
        self.stats.set_value("archive/crawl_id", self.run_id)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        self.pending.append(item)
        self.pending_posts += isinstance(item, PostItem)
        if self.pending_posts >= self.batch_size or len(self.pending) >= 4 * self.batch_size:
            self.schedule_flush()
            if self.batches_in_flight > 2:  # writes fall behind: hold this item until they catch up
                await maybe_deferred_to_future(self._after_writes(item))
        return item

    def schedule_flush(self) -> defer.Deferred:
        """Queue everything pending as one batch on the writer thread."""
        items, self.pending, self.pending_posts = self.pending, [], 0
        if items:
            self.batches_in_flight += 1
            self.writes.addCallback(lambda _: threads.deferToThread(self.flush, items))
            self.writes.addErrback(self._write_failed)
            self.writes.addBoth(self._batch_done)
        return self.writes

    def flush(self, items: list[Any]) -> None:
        """Write one batch in one transaction: a kill loses at most the batches not yet written,
        never a row already written, and never half a post. Each table is written in bulk. A row
        the database refuses fails only its own post: the batch is written again post by post."""
        try:
            self._write(items)
        except ROW_ERRORS:
            self._write([i for i in items if not isinstance(i, PostItem)])
            for post in (i for i in items if isinstance(i, PostItem)):
                try:
                    self._write([post])
                except ROW_ERRORS as exc:
                    self._write([FailureItem(post.site, post.url, "parse", f"could not store the post: {error_reason(exc)}")])

    def _write(self, items: list[Any]) -> None:
        assert self.db is not None
        db, run_id, now = self.db, self.run_id, utc_now()
        posts = [i for i in items if isinstance(i, PostItem)]
        failures: list[dict[str, Any]] = []
        with store.write_transaction(db):
            outcome = store.save_posts(
                db, [store.PostWrite(vars(p), [vars(c) for c in p.comments], p.comments_complete) for p in posts],
                crawl_id=run_id, now=now)
            problems = [problem for p in posts for problem in p.problems] + outcome.problems
            failures += [store.failure_row(run_id, self.site, url, kind, reason, now) for url, kind, reason in problems]
            if self.keep_captures:
                store.save_captures(db, [vars(i) for i in items if isinstance(i, CaptureItem)], run_id)
            for item in items:
                if isinstance(item, NotModifiedItem) and store.touch_post(db, item.site, item.url, now, run_id):
                    self._count({"not_modified": 1, "posts_unchanged": 1})
                elif isinstance(item, FailureItem):
                    if item.kind == "gone" and store.mark_missing(db, item.site, item.url, now):
                        self._count({"posts_gone": 1})
                    failures.append(store.failure_row(run_id, item.site, item.url, item.kind, item.reason, now,
                                                      item.status))
            store.record_failures(db, failures)
        self._count(outcome.counts)
        self._count({"errors": len(failures), "times_unparsed": sum(f["kind"] == "time" and f["reason"].startswith("unparsed")
                                                                      for f in failures)})

    def _after_writes(self, item: Any) -> defer.Deferred:
        waiter: defer.Deferred = defer.Deferred()
        self.writes.addBoth(lambda result: (waiter.callback(item), result)[1])
        return waiter

    def _batch_done(self, result: Any) -> None:
        self.batches_in_flight -= 1

    def _write_failed(self, failure: Any) -> None:
        """A batch that cannot be written (disk full, database locked for minutes) stops the
        crawl: going on would fetch pages we cannot keep."""
        self.write_error = error_reason(failure.value)
        self.crawler.spider.logger.error("could not write to %s: %s", self.db_path, self.write_error)
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_write_failed"))

    def _count(self, counts: dict[str, int]) -> None:
        """Runs on the writer thread; only that thread touches these keys while batches run."""
        for key, value in counts.items():
            self.counts[key] += value
            self.stats.inc_value(f"archive/{key}", value)

    async def close_spider(self, spider: Any = None) -> None:
        """Every batch is written before the run closes."""
        if self.db is not None:
            await maybe_deferred_to_future(self.schedule_flush())

    def finish_run(self, spider: Any, reason: str) -> None:
        """Close the run's ``crawls`` row: ``ok``, ``failed`` (site unreachable) or ``interrupted``."""
        if self.db is None:
            return
        if self.pending:  # items that arrived after close_spider (none in practice)
            self.flush(self.pending)
            self.pending = []
        unusable = getattr(spider, "unreachable", None) or self.write_error
        status = "failed" if unusable else STATUS_BY_REASON.get(reason, "interrupted")
        self.counts["pages_fetched"] = self.stats.get_value("archive/pages_fetched", 0)
        self.counts["posts_skipped"] = self.stats.get_value("archive/skipped_unchanged", 0)
        runs.finish_run(self.db, self.run_id, utc_now(), status, self.write_error or reason, self.counts)
        self.stats.set_value("archive/status", status)
        self.db.close()
        self.db = None
        lock.release(self.lock)

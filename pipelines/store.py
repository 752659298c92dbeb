"""Hand items to the archive: one database connection per crawl, batched transactions.

The database work itself lives in ``archivedb.store``; this pipeline only converts items to rows,
batches them, keeps the run's ``crawls`` row and counts outcomes in Scrapy stats. A batch is
written when ``ARCHIVE_BATCH_SIZE`` posts are waiting or ``ARCHIVE_FLUSH_SECONDS`` have passed,
whichever comes first, and carries the run's counts so far: a SIGKILL loses only the last few
seconds of work, and the killed run's ``crawls`` row says how far it got. Batches are
written one after another on a worker thread (SQLite and zlib release the GIL), so parsing the
next pages overlaps with storing the last ones; when writes fall behind, items wait, which makes
Scrapy slow its intake instead of buffering without bound.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import sys
import time
from collections import Counter
from typing import Any

import sqlite_utils
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, reactor, task, threads

from archivedb import lock, runs, store
from archivedb.captures import header
from archivedb.clock import utc_now
from archivedb.database import ArchiveError, open_archive
from archivedb.vocabulary import RunStatus
from archivedb.withholding import Withhold, withhold_for
from pipelines.scrub import scrub, scrub_reasons
from pipelines.timestamps import leaves_time_unread
from reading.records import (
    CaptureItem,
    FailureItem,
    NotModifiedItem,
    PostItem,
    error_reason,
)

# What one row can make SQLite refuse (a value it cannot bind, a constraint): only that post is lost.
ROW_ERRORS = (OverflowError, sqlite3.IntegrityError, sqlite3.InterfaceError, TypeError, ValueError)
STATUS_BY_REASON = {"finished": RunStatus.OK, "shutdown": RunStatus.INTERRUPTED, "cancelled": RunStatus.INTERRUPTED}
# The writer thread's Python work (building rows, sqlite-utils' statements) may otherwise hold the
# GIL for CPython's default 5 ms at a time while the reactor waits to read fetched pages and the
# page worker's answers; the benchmark measured about 6 % more pages/s at 0.5 ms.
GIL_SWITCH_INTERVAL = 0.0005


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path: str = settings["ARCHIVE_DB"]
        self.keep_captures = settings.getbool("ARCHIVE_CAPTURES")
        self.batch_size = settings.getint("ARCHIVE_BATCH_SIZE")
        self.flush_seconds = settings.getfloat("ARCHIVE_FLUSH_SECONDS")
        self.full = settings.getbool("ARCHIVE_FULL")
        self.reread = settings.getbool("ARCHIVE_REPLAY")  # reprocess: re-reading, not observing
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
        self.last_flush = time.monotonic()
        self.recorded_pages = 0  # pages_fetched as last written to the run's row
        self.timer: task.LoopingCall | None = None
        self.refused = ""  # why the database was refused, if it was
        self.withhold = Withhold()

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
        try:
            self.db = self._open_locked()
        except (lock.DatabaseLocked, ArchiveError) as exc:
            self._refuse(str(exc))
            return
        self.site = spider.name
        kind = "reprocess" if self.reread else "crawl"
        self.run_id = runs.start_run(self.db, spider.name, spider.base_url, utc_now(), full=self.full, kind=kind)
        # Redactions cannot change during the crawl (``redact`` takes the crawl lock).
        self.withhold = withhold_for(self.db, spider.name)
        self.stats.set_value("archive/crawl_id", self.run_id)
        self.timer = task.LoopingCall(self._flush_if_due)
        self.timer.start(max(self.flush_seconds / 4, 0.05), now=False)

    def _open_locked(self) -> sqlite_utils.Database:
        """Take the crawl lock, then open the archive; a lock file this crawl created for a database
        it may not touch (a foreign file) is removed again, so a refusal leaves nothing behind."""
        lock_path = lock.lock_path_for(self.db_path)
        created = not os.path.exists(lock_path)
        self.lock = lock.acquire(self.db_path)
        try:
            return open_archive(self.db_path, check_same_thread=False)
        except BaseException:
            lock.release(self.lock)
            if created:
                with contextlib.suppress(OSError):
                    os.unlink(lock_path)
            raise

    def _refuse(self, message: str) -> None:
        """The database cannot be crawled into (held by another crawl, not an archive): one line
        naming it, no traceback, and the spider closed before it fetches anything. Scrapy's own
        ``crawl`` command (``spiders/commands``) turns the ``archive/refused`` stat into exit 2."""
        self.refused = message
        self.stats.set_value("archive/refused", message)
        print(f"error: {message}", file=sys.stderr, flush=True)
        reactor.callLater(0, lambda: deferred_from_coro(  # type: ignore[arg-type]  # twisted's stubs type reactor as a module
            self.crawler.engine.close_spider_async(reason="archive_refused")))

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.refused:
            return item  # nothing is stored into a database the crawl was refused
        self.pending.append(item)
        self.pending_posts += isinstance(item, PostItem)
        if self.pending_posts >= self.batch_size or len(self.pending) >= 4 * self.batch_size:
            self.schedule_flush()
            if self.batches_in_flight > 2:  # writes fall behind: hold this item until they catch up
                await maybe_deferred_to_future(self._after_writes(item))
        return item

    def _flush_if_due(self) -> None:
        """The time bound: write what is waiting (or, with nothing waiting, the page count) once
        ``ARCHIVE_FLUSH_SECONDS`` have passed since the last batch, however few posts there are."""
        if time.monotonic() - self.last_flush < self.flush_seconds or self.batches_in_flight:
            return
        if self.pending or self.stats.get_value("archive/pages_fetched", 0) != self.recorded_pages:
            self.schedule_flush(always=True)

    def schedule_flush(self, always: bool = False) -> defer.Deferred:
        """Queue everything pending as one batch on the writer thread, with the run's counts."""
        items, self.pending, self.pending_posts = self.pending, [], 0
        self.last_flush = time.monotonic()
        if items or always:
            progress = self._progress_counts()
            self.batches_in_flight += 1
            self.writes.addCallback(lambda _: threads.deferToThread(self.flush, items, progress))
            self.writes.addErrback(self._write_failed)
            self.writes.addBoth(self._batch_done)
        return self.writes

    def _progress_counts(self) -> dict[str, int]:
        """Counts kept in Scrapy stats rather than by the writer (read on the reactor thread)."""
        pages = self.stats.get_value("archive/pages_fetched", 0)
        self.recorded_pages = pages
        return {"pages_fetched": pages, "posts_skipped": self.stats.get_value("archive/skipped_unchanged", 0)}

    def flush(self, items: list[Any], progress: dict[str, int] | None = None) -> None:
        """Write one batch in one transaction: a kill loses at most the batches not yet written,
        never a row already written, and never half a post. Each table is written in bulk. A row
        the database refuses fails only its own post: the batch is written again post by post.

        Every observation is stamped with its own page's fetch time; ``now`` (the write time)
        only stamps failures that carry no time of their own."""
        try:
            self._write(items, progress)
        except ROW_ERRORS:
            self._write([i for i in items if not isinstance(i, PostItem)], progress)
            for post in (i for i in items if isinstance(i, PostItem)):
                try:
                    self._write([post], progress)
                except ROW_ERRORS as exc:
                    self._write([FailureItem(post.site, post.url, "parse", f"could not store the post: {error_reason(exc)}")],
                                progress)

    def _write(self, items: list[Any], progress: dict[str, int] | None = None) -> None:
        assert self.db is not None
        db, run_id, now = self.db, self.run_id, utc_now()
        posts = [i for i in items if isinstance(i, PostItem)]
        failures: list[dict[str, Any]] = []
        names = {c.wp_id: c.author for p in posts for c in p.comments if c.author}  # before any is withheld
        with store.write_transaction(db):
            outcome = store.save_posts(
                db, [store.PostWrite(vars(p), [vars(c) for c in p.comments], p.comments_complete) for p in posts],
                crawl_id=run_id, now=now, reread=self.reread)
            counts = Counter(outcome.counts)
            problems = [problem for p in posts for problem in p.problems] + outcome.problems
            if outcome.withheld:
                problems = scrub_reasons(problems, outcome.withheld, [
                    names[w] for w, fields in outcome.withheld.items() if "author" in fields and w in names])
            failures += [store.failure_row(run_id, self.site, url, kind, reason, now) for url, kind, reason in problems]
            self.withhold.comments.update(outcome.withheld)
            if self.keep_captures:
                store.save_captures(db, [self._withheld(vars(i)) for i in items if isinstance(i, CaptureItem)], run_id)
            for item in items:
                if isinstance(item, NotModifiedItem) and not self.reread and \
                        store.touch_post(db, item.site, item.url, item.seen_at or now, run_id):
                    counts.update({"not_modified": 1, "posts_unchanged": 1})
                elif isinstance(item, FailureItem):
                    at = item.at or now
                    if item.kind == "gone" and not self.reread and store.mark_missing(db, item.site, item.url, at):
                        counts["posts_gone"] += 1
                    failures.append(store.failure_row(run_id, item.site, item.url, item.kind, item.reason, at,
                                                      item.status))
            store.record_failures(db, failures)
            unparsed = sum(f["kind"] == "time" and leaves_time_unread(f["reason"]) for f in failures)
            counts.update({"errors": len(failures), "times_unparsed": unparsed})
            # The run's row carries the counts this batch reaches: a killed run keeps them.
            runs.record_counts(db, run_id, {**(self.counts + counts), **(progress or {})})
        self._count(counts)  # only once the batch is committed: a batch written again is counted once

    def _withheld(self, capture: dict[str, Any]) -> dict[str, Any]:
        """A capture with redacted comments scrubbed before it is written: their text is never
        stored again, not even for a moment in a capture."""
        if not self.withhold:
            return capture
        content_type = header(capture["headers"], "content-type")
        body = scrub(capture["body"], content_type, capture["site"], capture["url"], self.withhold)
        if body is capture["body"]:
            return capture
        return {**capture, "body": body, "received_hash": hashlib.sha256(capture["body"]).hexdigest(),
                "redaction_id": self.withhold.redaction_id}

    def _after_writes(self, item: Any) -> defer.Deferred:
        waiter: defer.Deferred = defer.Deferred()

        def release(result: Any) -> Any:
            waiter.callback(item)
            return result

        self.writes.addBoth(release)
        return waiter

    def _batch_done(self, result: Any) -> None:
        self.batches_in_flight -= 1

    def _write_failed(self, failure: Any) -> None:
        """A batch that cannot be written (disk full, database locked for minutes) stops the
        crawl: going on would fetch pages we cannot keep."""
        self.write_error = error_reason(failure.value)
        spider: Any = self.crawler.spider
        spider.logger.error("could not write to %s: %s", self.db_path, self.write_error)
        if self.crawler.engine is not None and self.crawler.engine.spider is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_write_failed"))

    def _count(self, counts: dict[str, int]) -> None:
        """Runs on the writer thread; only that thread touches these keys while batches run."""
        for key, value in counts.items():
            self.counts[key] += value
            self.stats.inc_value(f"archive/{key}", value)

    async def close_spider(self, spider: Any = None) -> None:
        """Every batch is written before the run closes."""
        if self.timer is not None and self.timer.running:
            self.timer.stop()
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
        status = RunStatus.FAILED if unusable else STATUS_BY_REASON.get(reason, RunStatus.INTERRUPTED)
        runs.finish_run(self.db, self.run_id, utc_now(), status, self.write_error or reason,
                        {**self.counts, **self._progress_counts()})
        self.stats.set_value("archive/status", status)
        self.db.close()
        self.db = None
        lock.release(self.lock)

"""Hand items to the archive: one database connection per crawl, batched transactions.

The database work itself lives in ``archive.store``; this pipeline only converts items to rows,
batches them, keeps the run's ``crawls`` row and counts outcomes in Scrapy stats.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import sqlite_utils
from scrapy import signals
from scrapy.crawler import Crawler

from archive import runs, store
from archive.clock import utc_now
from archive.schema import open_db
from pipelines.items import CaptureItem, FailureItem, NotModifiedItem, PostItem

STATUS_BY_REASON = {"finished": "ok", "shutdown": "interrupted", "cancelled": "interrupted"}


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
        self.run_id = 0
        self.pending: list[Any] = []
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        # The finish reason reaches spider_closed, which fires after pipelines close.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        self.db = open_db(self.db_path)
        self.run_id = runs.start_run(self.db, spider.name, spider.base_url, utc_now(), full=self.full)
        self.stats.set_value("archive/crawl_id", self.run_id)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        self.pending.append(item)
        if sum(isinstance(i, PostItem) for i in self.pending) >= self.batch_size or len(self.pending) >= 4 * self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Write everything pending in one transaction: a kill loses at most one batch, never a row
        already written."""
        assert self.db is not None
        items, self.pending = self.pending, []
        now = utc_now()
        with self.db.conn:
            for item in items:
                self._write(item, now)

    def _write(self, item: Any, now: str) -> None:
        db, run_id = self.db, self.run_id
        if isinstance(item, PostItem):
            row = dataclasses.asdict(item)
            outcome = store.save_post(db, row, row.pop("comments"), complete=item.comments_complete,
                                      crawl_id=run_id, now=now)
            self._count(outcome.counts)
            for url, kind, reason in item.problems + outcome.problems:
                self._fail(item.site, url, kind, reason, now)
        elif isinstance(item, CaptureItem):
            if self.keep_captures:
                store.save_capture(db, dataclasses.asdict(item), run_id)
        elif isinstance(item, NotModifiedItem):
            if store.touch_post(db, item.site, item.url, now, run_id):
                self._count({"not_modified": 1, "posts_unchanged": 1})
        elif isinstance(item, FailureItem):
            if item.kind == "gone" and store.mark_missing(db, item.site, item.url, now):
                self._count({"posts_gone": 1})
            self._fail(item.site, item.url, item.kind, item.reason, now, item.status)

    def _fail(self, site: str, url: str, kind: str, reason: str, now: str, status: int | None = None) -> None:
        store.record_failure(self.db, self.run_id, site, url, kind, reason, now, status)
        self._count({"errors": 1, **({"times_unparsed": 1} if kind == "time" else {})})

    def _count(self, counts: dict[str, int]) -> None:
        for key, value in counts.items():
            self.counts[key] += value
            self.stats.inc_value(f"archive/{key}", value)

    def close_spider(self, spider: Any = None) -> None:
        if self.db is not None:
            self.flush()

    def finish_run(self, spider: Any, reason: str) -> None:
        """Close the run's ``crawls`` row: ``ok``, ``failed`` (site unreachable) or ``interrupted``."""
        if self.db is None:
            return
        if self.pending:
            self.flush()
        status = "failed" if getattr(spider, "unreachable", None) else STATUS_BY_REASON.get(reason, "interrupted")
        self.counts["pages_fetched"] = self.stats.get_value("archive/pages_fetched", 0)
        self.counts["posts_skipped"] = self.stats.get_value("archive/skipped_unchanged", 0)
        runs.finish_run(self.db, self.run_id, utc_now(), status, reason, self.counts)
        self.stats.set_value("archive/status", status)
        self.db.close()
        self.db = None

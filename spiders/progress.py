"""Progress a person can read, on stderr while a crawl runs (nothing with ``--quiet``).

While discovery runs: what it has found so far. Once it knows how many posts are due (every
sitemap read; the posts skipped as unchanged taken off): done/total, rate and ETA per site, as a
bar redrawn in place on a terminal, or one plain line per site per interval in a log. Counts move
as posts are read, not as batches are written. When a request has waited a while (a slow or dead
site), the line says what it is waiting for and for how long.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request
from twisted.internet import task

from spiders.discovery_deadline import WAITING_SINCE

BAR_WIDTH = 20
WAIT_WORTH_SAYING = 2.0  # seconds a request must have waited before the line mentions it


@dataclass
class Snapshot:
    """What one site's line shows; ``total`` is None while discovery is still finding posts."""

    site: str
    found: int = 0
    total: int | None = None
    done: int = 0
    read: int = 0
    pages: int = 0
    problems: int = 0
    rate: float | None = None  # posts due per second, since the total became known
    waiting: tuple[str, float] | None = None  # (url, seconds)
    finished: bool = False


def render(s: Snapshot, tty: bool) -> str:
    """One site's line: pure, so tests can check it without a crawl."""
    if s.total is None:
        main = f"discovering: {s.found} posts found, {s.pages} pages fetched"
    else:
        total = max(s.total, s.done)
        share = s.done / total if total else 1.0
        eta = f", ETA {_duration((total - s.done) / s.rate)}" if s.rate and s.done < total else ""
        rate = f", {s.rate:.1f}/s" if s.rate else ""
        bar = f"[{'█' * round(share * BAR_WIDTH)}{'░' * (BAR_WIDTH - round(share * BAR_WIDTH))}] " if tty else ""
        main = f"{bar}{s.done}/{total} due posts fetched ({share:.0%}){rate}{eta}; {s.read} posts read, {s.problems} problems"
    if s.finished:
        main += " — done"
    elif s.waiting:
        url, waited = s.waiting
        main = f"waiting for {url} ({waited:.0f} s); {main}"
    return f"[{s.site}] {main}"


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Board:
    """Every site's line in one process: on a terminal one line redrawn in place, else one plain
    line per site each interval."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.lines: dict[str, str] = {}
        self.open = 0

    def show(self, snapshot: Snapshot) -> None:
        line = render(snapshot, self.tty)
        if not self.tty:
            print(line, file=self.stream, flush=True)
            return
        self.lines[snapshot.site] = line
        self.stream.write("\r\x1b[K" + "  ".join(self.lines.values()))
        self.stream.flush()

    def close(self) -> None:
        self.open -= 1
        if self.tty and self.open <= 0 and self.lines:
            self.stream.write("\n")
            self.stream.flush()
            self.lines.clear()


_BOARDS: dict[int, Board] = {}


def board_for(stream: TextIO) -> Board:
    return _BOARDS.setdefault(id(stream), Board(stream))


class Progress:
    path = "spiders.progress.Progress"

    def __init__(self, crawler: Crawler, interval: float, board: Board) -> None:
        self.crawler = crawler
        self.interval = interval
        self.board = board
        self.in_flight: dict[Request, float] = {}
        self.done: set[str] = set()
        self.known_at: tuple[float, int] | None = None  # (when, done) once the total was known
        self.timer = task.LoopingCall(self.tick)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("ARCHIVE_PROGRESS"):
            raise NotConfigured
        progress = cls(crawler, crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL"), board_for(sys.stderr))
        for handler, signal in ((progress.opened, signals.spider_opened), (progress.closed, signals.spider_closed),
                                (progress.reached, signals.request_reached_downloader),
                                (progress.left, signals.request_left_downloader)):
            crawler.signals.connect(handler, signal=signal)
        return progress

    def opened(self, spider: Any) -> None:
        self.board.open += 1
        self.timer.start(self.interval, now=False)

    def reached(self, request: Request, spider: Any = None) -> None:
        self.in_flight[request] = request.meta.get(WAITING_SINCE) or time.time()

    def left(self, request: Request, spider: Any = None) -> None:
        self.in_flight.pop(request, None)
        if request.meta.get("candidate"):
            self.done.add(request.meta.get("live_url") or request.url)

    def tick(self) -> None:
        self.board.show(self.snapshot())

    def closed(self, spider: Any, reason: str) -> None:
        if self.timer.running:
            self.timer.stop()
        snapshot = self.snapshot()
        snapshot.finished, snapshot.waiting = True, None
        self.board.show(snapshot)
        self.board.close()

    def snapshot(self) -> Snapshot:
        spider: Any = self.crawler.spider
        get = self.crawler.stats.get_value
        found, finished = spider.discovery() if hasattr(spider, "discovery") else (len(self.done), False)
        # "read": posts through the first pipeline, as each is read (the store counts only at writes)
        snap = Snapshot(site=getattr(spider, "name", "?"), found=found, done=len(self.done), read=get("clean/posts", 0),
                        pages=get("archive/pages_fetched", 0), problems=get("archive/errors", 0))
        if finished:
            not_due = sum(get(k, 0) for k in ("archive/skipped_unchanged", "archive/replay_missing",
                                               "robotstxt/forbidden"))
            snap.total = max(found - not_due, snap.done)
            now = time.monotonic()
            if self.known_at is None:
                self.known_at = (now, snap.done)
            since, done_then = self.known_at
            if now - since >= 1 and snap.done > done_then:
                snap.rate = (snap.done - done_then) / (now - since)
        if self.in_flight:
            request, started = min(self.in_flight.items(), key=lambda kv: kv[1])
            waited = time.time() - started
            if waited >= max(WAIT_WORTH_SAYING, self.interval):
                snap.waiting = (request.url, waited)
        return snap

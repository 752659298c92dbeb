"""Run CPU-heavy pure functions (page extraction, cleaning) in worker processes.

Scrapy does everything on one thread; on a 2-core machine the parsing and cleaning of pages would
otherwise compete with fetching them. ``ARCHIVE_WORKERS`` sets the number of worker processes
(the add-on's default is 2; unset means 0); 0 runs the functions inline, with the same results.
Workers are fresh interpreters (not forked: forking a process that runs a reactor and a SQLite
writer thread is unsafe), started on first use and shared by every crawler in the process. They
are started with ``subprocess`` rather than ``multiprocessing``'s spawn, which also starts a
resource-tracker process (12 MiB, for semaphores the pool never makes) and re-imports the crawl's
main module in every worker.

Each worker has two pipes, and the crawl's own event loop writes tasks into one and reads answers
from the other. ``concurrent.futures.ProcessPoolExecutor`` needs two helper threads for that, and
each must win the GIL from the busy reactor before the worker gets its next page: the benchmark
(``bench/``) measured those threads at 1 ms of CPU per page and the worker idle a third of the
time. A worker answers its tasks in order, so an answer needs no id.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

from pipelines.worker import loads, ready

T = TypeVar("T")
Task = tuple["asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]

_HEADER = struct.Struct("!i")  # the framing multiprocessing.Connection uses for messages < 2 GiB
_READ_SIZE = 1 << 20
# Tasks written to a worker's pipe ahead of its answers: enough that it never waits for the reactor
# to send the next page, few enough that queued pages are not also held as pickled copies.
IN_FLIGHT = 8

_pool: WorkerPool | None = None
_users = 0


class WorkerLost(RuntimeError):
    """A worker process died with tasks outstanding (killed, out of memory, a crash in C code)."""


class Offload:
    """One crawler's handle on the shared worker pool."""

    def __init__(self, workers: int = 0, crawler: Crawler | None = None) -> None:
        self.workers = workers
        self.crawler = crawler

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self.workers <= 0:
            return fn(*args)
        return await self._pool().run(fn, *args)

    def warm(self, *args: Any, **kwargs: Any) -> None:
        """Start the workers while the crawl is still reading robots.txt and sitemaps. Their number
        is read here, when the spider opens: Scrapy applies add-ons (ARCHIVE_WORKERS's default)
        after the spider that asks for its Offload is built."""
        if self.crawler is not None:
            self.workers = self.crawler.settings.getint("ARCHIVE_WORKERS")
        if self.workers > 0:
            self._pool().warm()

    def _pool(self) -> WorkerPool:
        global _pool
        if _pool is None:
            _pool = WorkerPool(self.workers)
        return _pool

    def release(self, *args: Any, **kwargs: Any) -> None:
        """The last crawler to close shuts the pool down."""
        global _pool, _users
        _users -= 1
        if _users <= 0 and _pool is not None:
            _pool.close()
            _pool = None


def offload_for(crawler: Crawler) -> Offload:
    """The crawler's Offload, created once and shared by its spider and pipelines."""
    global _users
    offload = getattr(crawler, "_archive_offload", None)
    if offload is None:
        offload = Offload(crawler=crawler)
        crawler._archive_offload = offload  # type: ignore[attr-defined]
        _users += 1
        crawler.signals.connect(offload.warm, signal=signals.spider_opened)
        crawler.signals.connect(offload.release, signal=signals.engine_stopped)
    return offload


class WorkerPool:
    """``size`` workers; each task goes to the one with the fewest outstanding. A worker that
    dies fails only the task it was running; its other tasks go to a fresh worker."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.workers: list[Worker] = []

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._least_busy().submit(fn, args)

    def warm(self) -> None:
        for _ in range(self.size):
            self._least_busy()

    def _least_busy(self) -> Worker:
        self.workers = [w for w in self.workers if w.alive]
        if len(self.workers) < self.size:
            self.workers.append(Worker(asyncio.get_running_loop(), on_lost=self._reassign))
            self.workers[-1].submit(ready, ()).add_done_callback(_observe)
        return min(self.workers, key=lambda w: w.load)

    def _reassign(self, tasks: list[Task]) -> None:
        for task in tasks:
            self._least_busy().enqueue(task)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        self.workers = []


class Worker:
    """One spawned process and its two pipes, both non-blocking and watched by the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_lost: Callable[[list[Task]], None]) -> None:
        task_reader, task_writer = os.pipe()
        answer_reader, answer_writer = os.pipe()
        try:
            self.process = WorkerProcess(task_reader, answer_writer)
        finally:
            os.close(task_reader)  # only the worker holds these ends: its death or ours ends the pipes
            os.close(answer_writer)
        self.loop = loop
        self.on_lost = on_lost  # takes back the tasks a dead worker never started
        self.tasks, self.answers = _Fd(task_writer), _Fd(answer_reader)
        os.set_blocking(self.tasks.fileno(), False)
        os.set_blocking(self.answers.fileno(), False)
        self.queued: deque[Task] = deque()
        self.waiting: deque[Task] = deque()  # sent, in the order answers will come
        self.outbox = bytearray()
        self.inbox = bytearray()
        self.writing = False
        self.alive = True
        loop.add_reader(self.answers.fileno(), self._read)

    @property
    def load(self) -> int:
        return len(self.queued) + len(self.waiting)

    def submit(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> asyncio.Future[Any]:
        future = self.loop.create_future()
        self.enqueue((future, fn, args))
        return future

    def enqueue(self, task: Task) -> None:
        self.queued.append(task)
        self._send()

    def _send(self) -> None:
        """Pickle queued tasks into the pipe while fewer than IN_FLIGHT await answers."""
        while self.queued and len(self.waiting) < IN_FLIGHT and self.alive:
            task = self.queued.popleft()
            future, fn, args = task
            if future.cancelled():
                continue
            try:
                payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
                if len(payload) > 0x7FFFFFFF:
                    raise ValueError(f"task too large for a worker pipe: {len(payload)} bytes")
            except Exception as exc:  # noqa: BLE001 (an unpicklable argument fails its own task)
                future.set_exception(exc)
                continue
            self.waiting.append(task)
            self.outbox += _HEADER.pack(len(payload))
            self.outbox += payload
        if self.outbox and not self.writing and self.alive:
            self._write()

    def _write(self) -> None:
        try:
            written = os.write(self.tasks.fileno(), self.outbox)
        except BlockingIOError:
            written = 0
        except OSError:
            self._lost()
            return
        del self.outbox[:written]
        if self.outbox and not self.writing:
            self.loop.add_writer(self.tasks.fileno(), self._write)
        elif not self.outbox and self.writing:
            self.loop.remove_writer(self.tasks.fileno())
        self.writing = bool(self.outbox)

    def _read(self) -> None:
        data = self._receive()
        if data is None:
            return
        if not data:
            self._lost()
            return
        self._take(data)
        self._send()

    def _receive(self) -> bytes | None:
        """What the answer pipe holds: b"" at end of file, None when it is empty for now."""
        try:
            return os.read(self.answers.fileno(), _READ_SIZE)
        except BlockingIOError:
            return None
        except OSError:
            return b""

    def _take(self, data: bytes) -> None:
        self.inbox += data
        while len(self.inbox) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self.inbox)
            end = _HEADER.size + size
            if len(self.inbox) < end:
                break
            answer = loads(bytes(self.inbox[_HEADER.size:end]))
            del self.inbox[:end]
            self._settle(self.waiting.popleft()[0], *answer)

    @staticmethod
    def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
        if future.cancelled():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def _lost(self) -> None:
        """The worker is gone. Answers come in order, so the first unanswered task is the one it
        was running (a page that crashes the parser, say): that one fails. The rest never started
        and go back to the pool."""
        self._unwatch()
        while data := self._receive():  # answers it sent before it died still count
            self._take(data)
        self.process.join(timeout=1.0)
        self.tasks.close()
        self.answers.close()
        self.outbox.clear()
        if self.waiting:
            future = self.waiting.popleft()[0]
            if not future.done():
                future.set_exception(WorkerLost(f"page worker process exited (exit code {self.process.exitcode})"))
        orphans = [*self.waiting, *self.queued]
        self.waiting.clear()
        self.queued.clear()
        self.on_lost(orphans)

    def _unwatch(self) -> None:
        if not self.alive:
            return
        self.alive = False
        self.loop.remove_reader(self.answers.fileno())
        if self.writing:
            self.loop.remove_writer(self.tasks.fileno())
            self.writing = False

    def close(self) -> None:
        """End of the crawl: closing the task pipe tells the worker to finish and exit."""
        self._unwatch()
        self.tasks.close()
        self.process.join(timeout=10.0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5.0)
        self.answers.close()
        for future, _, _ in [*self.waiting, *self.queued]:
            future.cancel()
        self.waiting.clear()
        self.queued.clear()


class _Fd:
    """One end of a pipe, closed once."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class WorkerProcess:
    """A page worker: ``pipelines.worker.serve_fds`` in a fresh interpreter on the crawl's own
    import path, holding the task pipe's read end and the answer pipe's write end. Offers the
    part of ``multiprocessing.Process`` the pool uses."""

    CODE = "import sys; from pipelines.worker import serve_fds; serve_fds(int(sys.argv[1]), int(sys.argv[2]))"

    def __init__(self, task_fd: int, answer_fd: int) -> None:
        path = os.pathsep.join(p or os.getcwd() for p in sys.path)
        self.popen = subprocess.Popen(
            [sys.executable, "-c", self.CODE, str(task_fd), str(answer_fd)], pass_fds=(task_fd, answer_fd),
            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": path})
        self.pid = self.popen.pid

    @property
    def exitcode(self) -> int | None:
        return self.popen.poll()

    def is_alive(self) -> bool:
        return self.popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass

    def terminate(self) -> None:
        self.popen.terminate()


def _observe(future: asyncio.Future[Any]) -> None:
    """Retrieve the warm-up task's outcome, so asyncio does not log it as never retrieved."""
    if not future.cancelled():
        future.exception()

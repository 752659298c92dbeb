"""Limits that keep one visitor from knocking the published archive over.

Datasette's own ``sql_time_limit_ms`` is a SQLite progress handler, called between virtual-machine
steps; a single step can run for minutes (``snippet()`` over a 30 MB post, ``hex()`` of a huge
blob, the work FTS5 does inside one ``MATCH``), so on its own it bounds nothing. Here:

- every query gets a watchdog that calls ``sqlite3_interrupt`` at the time limit (FTS5 honours it
  inside ``MATCH``), and its caller stops waiting a moment later whatever SQLite is doing;
- every HTTP request is answered within the time limit plus that moment, with a 503 page if
  nothing was sent by then;
- ``SQLITE_LIMIT_LENGTH`` caps any one value (``zeroblob(400000000)`` fails at once) and a
  per-query byte budget caps a result;
- on shutdown every running query is interrupted, so SIGTERM is honoured at once;
- public mode (``serve --public``) refuses arbitrary SQL and every ``/-/`` page that is not one of
  the archive's own (Datasette's debug pages show the file path, threads, actor, settings…).

Limits are read from the Datasette instance (``archive_time_limit``, ``archive_public``) set by
``publishing.app.build_datasette``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from datasette import hookimpl
from datasette.database import Database, QueryInterrupted
from datasette.plugins import pm

from publishing.hooks import is_archive

DEFAULT_TIME_LIMIT = 3.0  # seconds per request (serve --time-limit)
GRACE = 0.5  # after the interrupt, time for a request to render its error page
MAX_VALUE_BYTES = 100 * 2**20  # any one string or blob; stored values stay under the crawl's 32 MiB
MAX_RESULT_BYTES = 128 * 2**20  # text and blobs in one query's rows (a whole 30 MB post fits)
POOL_THREADS = 3  # Datasette's default num_sql_threads
MAX_RUNAWAYS = 4  # abandoned queries still running (each holds a thread and a core) before refusing
PUBLIC_DENIED = {"execute-sql", "debug-menu", "permissions-debug", "view-database-download"}
PUBLIC_PREFIXES = ("/-/static/", "/-/static-plugins/")

_budget = threading.local()
_running: dict[int, sqlite3.Connection] = {}  # thread id -> connection running a query now
_running_lock = threading.Lock()
_stopping = threading.Event()


def time_limit(datasette: Any) -> float:
    return float(getattr(datasette, "archive_time_limit", DEFAULT_TIME_LIMIT))


class TimeLimitedDatabase(Database):
    """A Datasette database whose every query is interrupted at the time limit and abandoned a
    moment later if SQLite is inside a step that does not check for interrupts.

    Queries run on this database's own small thread pool, each thread with its own read-only
    connection (as Datasette does). A query abandoned while still running keeps its thread; the
    pool is then replaced so later visitors get fresh threads instead of queueing behind it, and
    past ``MAX_RUNAWAYS`` such threads new queries are refused until they finish."""

    _pool: ThreadPoolExecutor | None = None

    async def execute_fn(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        limit = time_limit(self.ds)
        if _stopping.is_set() or _runaways.count >= MAX_RUNAWAYS:
            raise QueryInterrupted(RuntimeError("the server is stopping or busy with runaway queries"), "", None)
        pool = self._pool = self._pool or ThreadPoolExecutor(POOL_THREADS, thread_name_prefix="archive-sql")
        future = asyncio.get_running_loop().run_in_executor(pool, self._run, fn, limit)
        try:
            return await asyncio.wait_for(asyncio.shield(future), limit + GRACE)
        except TimeoutError:
            _runaways.add(future)
            self._pool = None
            pool.shutdown(wait=False)  # idle threads exit; the busy one when SQLite lets go
            raise QueryInterrupted(TimeoutError(f"query took longer than {limit:g} s"), "", None) from None

    def _run(self, fn: Callable[[sqlite3.Connection], Any], limit: float) -> Any:
        """On a pool thread: this thread's connection, the interrupt timer, the result budget."""
        local = self.__dict__.setdefault("_thread_connections", threading.local())
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = self.connect()
            prepare(conn, self.ds, self.name)
        _budget.left = MAX_RESULT_BYTES
        timer = threading.Timer(limit, conn.interrupt)
        timer.daemon = True
        with _running_lock:
            _running[threading.get_ident()] = conn
        timer.start()
        try:
            return fn(conn)
        except BaseException as exc:
            _drop_frames(exc)
            raise
        finally:
            timer.cancel()
            with _running_lock:
                _running.pop(threading.get_ident(), None)
            _budget.left = None


def _drop_frames(exc: BaseException | None) -> None:
    """Free the failed query's cursor here, on its own thread. Left in the exception's traceback
    it would be freed later by the garbage collector on the event loop's thread, where resetting
    it waits for this connection's mutex: held for minutes if this thread is by then inside a
    runaway ``snippet()``, freezing the whole server."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "e", None)


class _Runaways:
    """Abandoned queries still running on their threads."""

    def __init__(self) -> None:
        self._futures: set[asyncio.Future[Any]] = set()

    def add(self, future: asyncio.Future[Any]) -> None:
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # retrieved: no "never retrieved" log

    @property
    def count(self) -> int:
        return len(self._futures)


_runaways = _Runaways()


def interrupt_all() -> None:
    """Stop every running query and refuse new ones: the server is shutting down."""
    _stopping.set()
    with _running_lock:
        for conn in _running.values():
            conn.interrupt()


def _budgeted_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> sqlite3.Row:
    """Datasette's ``sqlite3.Row``, counting the bytes a query returns against its budget."""
    left = getattr(_budget, "left", None)
    if left is not None:
        left -= sum(len(v) for v in row if isinstance(v, (str, bytes)))
        _budget.left = left
        if left < 0:
            raise sqlite3.DataError(f"result too large (over {MAX_RESULT_BYTES // 2**20} MiB)")
    return sqlite3.Row(cursor, row)


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    if is_archive(datasette, database):
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
        conn.row_factory = _budgeted_row


@hookimpl
def permission_allowed(datasette: Any, actor: Any, action: str) -> bool | None:
    if getattr(datasette, "archive_public", False) and action in PUBLIC_DENIED:
        return False
    return None


@hookimpl
def asgi_wrapper(datasette: Any) -> Callable[[Any], Any]:
    """The per-request deadline, and in public mode only the archive's own ``/-/`` pages."""

    def wrap(app: Any) -> Any:
        if not is_archive(datasette):
            return app
        own_pages: list[re.Pattern[str]] | None = None

        async def limited(scope: dict, receive: Any, send: Any) -> None:
            # Read per request: Datasette builds its in-process client's app before
            # ``build_datasette`` has set the instance's limits.
            nonlocal own_pages
            if scope["type"] != "http":
                return await app(scope, receive, send)
            deadline = time_limit(datasette) + GRACE
            if getattr(datasette, "archive_public", False):
                own_pages = own_pages if own_pages is not None else _own_pages(datasette)
                if _hidden(scope["path"], own_pages):
                    return await _plain(send, 404, b"404 Not Found\n")
            started = False

            async def tracking_send(event: dict) -> None:
                nonlocal started
                started = started or event["type"] == "http.response.start"
                await send(event)

            try:
                await asyncio.wait_for(app(scope, receive, tracking_send), deadline)
            except TimeoutError:
                if not started:
                    await _plain(send, 503, f"503 This request took longer than {deadline:g} s and was stopped.\n".encode())

        return limited

    return wrap


def _own_pages(datasette: Any) -> list[re.Pattern[str]]:
    """The ``/-/`` routes the archive's plugin hooks register (the dashboard and the like)."""
    routes = [route for routes in pm.hook.register_routes(datasette=datasette) for route in routes or []]
    return [re.compile(pattern) for pattern, _ in routes]


def _hidden(path: str, own_pages: list[re.Pattern[str]]) -> bool:
    if not path.startswith("/-/") or path.startswith(PUBLIC_PREFIXES):
        return False
    return not any(p.match(path) for p in own_pages)


async def _plain(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


def prepare(conn: sqlite3.Connection, datasette: Any, database: str) -> None:
    """What Datasette does to each connection it opens, done through public API only: rows as
    ``sqlite3.Row``, undecodable text replaced, then every plugin's ``prepare_connection`` hook
    (ours registers the search functions)."""
    conn.row_factory = sqlite3.Row
    conn.text_factory = lambda b: str(b, "utf-8", "replace")
    pm.hook.prepare_connection(conn=conn, database=database, datasette=datasette)

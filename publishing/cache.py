"""Query results kept until the archive file changes.

An archive changes only when a crawl writes to it, yet every table page recounts its rows and
facets over the whole table (250,000 comments: a second of CPU) and the dashboard re-aggregates
every comment. Results that took a while to compute and are small are kept, keyed by the SQL and
its parameters, and dropped as soon as the database file or its WAL changes (size, mtime, inode).
A query that hit its time limit (a facet over a large filtered set) is remembered as such for a
few minutes, so every page view does not wait out the same limit again.
"""

from __future__ import annotations

import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from datasette.database import Database, QueryInterrupted

MAX_ENTRIES = 512
MAX_ROWS = 1000
MIN_MS = 5.0  # cheaper queries are not worth a slot
INTERRUPTED_FOR_S = 300.0


class CachedDatabase(Database):
    """A Datasette database whose slow, small read results are reused until the file changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._results: OrderedDict[Any, Any] = OrderedDict()
        self._token: tuple[Any, ...] | None = None

    async def execute(self, sql: str, params: Any = None, truncate: bool = False,
                      custom_time_limit: Any = None, page_size: Any = None, log_sql_errors: bool = True) -> Any:
        key = _key(sql, params, truncate, page_size)
        token = self._file_token()
        if token != self._token:
            self._results.clear()
            self._token = token
        if key is not None and key in self._results:
            self._results.move_to_end(key)
            cached = self._results[key]
            if not isinstance(cached, _Interrupted):
                return cached
            if time.monotonic() - cached.at < INTERRUPTED_FOR_S:
                raise cached.error
        t0 = time.perf_counter()
        try:
            results = await super().execute(sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                                            page_size=page_size, log_sql_errors=log_sql_errors)
        except QueryInterrupted as e:
            if key is not None:
                self._results[key] = _Interrupted(e, time.monotonic())
            raise
        elapsed_ms = (time.perf_counter() - t0) * 1000
        if key is not None and elapsed_ms >= MIN_MS and len(results.rows) <= MAX_ROWS:
            self._results[key] = results
            while len(self._results) > MAX_ENTRIES:
                self._results.popitem(last=False)
        return results

    def _file_token(self) -> tuple[Any, ...]:
        if self.path is None:
            return ()
        path = Path(self.path)
        token: list[tuple[int, int, int] | None] = []
        for candidate in (path, path.with_name(path.name + "-wal")):
            try:
                st = os.stat(candidate)
                token.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                token.append(None)
        return tuple(token)


class _Interrupted:
    def __init__(self, error: QueryInterrupted, at: float) -> None:
        self.error, self.at = error, at


def _key(sql: str, params: Any, truncate: bool, page_size: Any) -> Any:
    if isinstance(params, dict):
        frozen: Any = tuple(sorted(params.items()))
    elif params is None:
        frozen = ()
    else:
        frozen = tuple(params)
    try:
        hash(frozen)
    except TypeError:
        return None
    return (sql, frozen, truncate, page_size)

"""One crawl at a time per database: an exclusive ``flock`` beside it, released by the kernel
even when the crawl is killed, so a stale lock never blocks the next scheduled run."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager


class DatabaseLocked(RuntimeError):
    pass


@contextmanager
def crawl_lock(db_path: str) -> Iterator[None]:
    lock_path = f"{db_path}.lock"
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise DatabaseLocked(f"another crawl is writing {db_path} (lock {lock_path} held by pid {holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()

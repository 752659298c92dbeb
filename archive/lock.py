"""One crawl at a time per database: an exclusive ``flock`` beside it, released by the kernel
even when the crawl is killed, so a stale lock never blocks the next scheduled run.

The lock belongs to the database, not to the name it was opened by: the lock file sits beside the
database's real path (symlinks resolved), so ``crawl --db link.db``, ``scrapy crawl -s
ARCHIVE_DB=…`` and a relative path all meet the same lock. The store takes it whenever it opens a
database for a crawl; within one process it is re-entrant (the CLI holds it around a run of
several sites, each site's store takes it again), because ``flock`` would otherwise refuse a
second open of the same file even in the same process.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


class DatabaseLocked(RuntimeError):
    pass


class LockUnavailable(DatabaseLocked):
    """The lock file cannot be created or written (disk full, read-only directory): no crawl can
    start safely, so it is refused like a held lock, with the cause."""


_held: dict[str, tuple[IO[str], int]] = {}  # lock path -> (open handle, times taken in this process)


def lock_path_for(db_path: str) -> str:
    """``<real path of the database>.lock``: one lock whatever path or symlink names the file."""
    return f"{os.path.realpath(db_path)}.lock"


@contextmanager
def crawl_lock(db_path: str) -> Iterator[None]:
    lock_path = lock_path_for(db_path)
    acquire(db_path)
    try:
        yield
    finally:
        release(lock_path)


def acquire(db_path: str) -> str:
    """Take the lock (again, if this process holds it); returns the lock path to release."""
    lock_path = lock_path_for(db_path)
    if lock_path in _held:
        handle, count = _held[lock_path]
        _held[lock_path] = (handle, count + 1)
        return lock_path
    try:
        handle = os.fdopen(os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644), "r+")  # not O_APPEND: pwrite at 0
    except OSError as exc:
        raise LockUnavailable(f"cannot create the crawl lock {lock_path}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise DatabaseLocked(f"another crawl is writing {db_path} (lock {lock_path} held by pid {holder})") from None
    try:  # unbuffered, so a refused write fails here and not again when the file is closed
        pid = str(os.getpid()).encode()
        os.pwrite(handle.fileno(), pid, 0)
        os.ftruncate(handle.fileno(), len(pid))  # after the write: a full disk refuses the pid first
    except OSError as exc:
        handle.close()
        raise LockUnavailable(f"cannot write the crawl lock {lock_path}: {exc.strerror or exc}") from None
    _held[lock_path] = (handle, 1)
    return lock_path


def release(lock_path: str) -> None:
    handle, count = _held[lock_path]
    if count > 1:
        _held[lock_path] = (handle, count - 1)
        return
    del _held[lock_path]
    handle.seek(0)
    handle.truncate()
    handle.close()

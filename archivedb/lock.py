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
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO


class DatabaseLocked(RuntimeError):
    pass


class LockUnavailable(DatabaseLocked):
    """The lock file cannot be created or written (disk full, read-only directory): no crawl can
    start safely, so it is refused like a held lock, with the cause."""


_held: dict[str, tuple[IO[str], int]] = {}  # lock path -> (open handle, times taken in this process)
_inodes: dict[str, int] = {}  # lock path -> descriptor of the database file, flocked


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
    try:
        inode = _lock_inode(db_path)
    except DatabaseLocked:
        handle.truncate(0)
        handle.close()
        raise
    if inode is not None:
        _inodes[lock_path] = inode
    _held[lock_path] = (handle, 1)
    return lock_path


def _lock_inode(db_path: str) -> int | None:
    """Also ``flock`` the database file itself (its device and inode): a hard link is another name
    whose ``.lock`` is free, but it meets this lock. SQLite's own locks are POSIX ``fcntl`` locks,
    which ``flock`` does not touch. A file not created yet (a first crawl) or not a regular file
    (refused later by the store) has no inode to lock here."""
    try:
        if not stat.S_ISREG(os.stat(db_path).st_mode):
            return None
        fd = os.open(db_path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise DatabaseLocked(f"another crawl is writing {db_path} (the database file is locked)") from None
    return fd


def release(lock_path: str) -> None:
    handle, count = _held[lock_path]
    if count > 1:
        _held[lock_path] = (handle, count - 1)
        return
    del _held[lock_path]
    inode = _inodes.pop(lock_path, None)
    if inode is not None:
        os.close(inode)
    handle.seek(0)
    handle.truncate()
    handle.close()
